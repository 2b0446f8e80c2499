#pragma once
// The document both benchmarks use: word tokens with leading spaces and an occasional newline,
// like tokenised prose, with values in [-3, 3]. Seeded, so runs compare.

#include <iterator>
#include <random>

#include "core/document.hpp"

inline th::Document MakeBenchDocument(size_t tokens) {
  static const char* const kWords[] = {" the", " model", " attention", " of", " layer", " token", ",", " a",
                                       " interpretability", " residual", " stream", ".", "\n", " head"};
  std::mt19937 random(7);
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  th::Document document;
  document.source = "<bench>";
  th::Sequence& sequence = document.sequences.emplace_back();
  sequence.name = "bench";
  sequence.ReserveTokens(tokens, tokens * 7);
  th::Channel& channel = sequence.channels.emplace_back();
  channel.name = "value";
  channel.values.reserve(tokens);
  for (size_t i = 0; i < tokens; ++i) {
    sequence.AppendToken(kWords[pick(random)]);
    channel.values.push_back(value(random));
  }
  return document;
}
