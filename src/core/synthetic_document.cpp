#include "core/synthetic_document.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/utf8.hpp"

namespace th {

namespace {

// The newline is entry 0; the hash picks it for 1 token in kWords.size(), about 1 in 48.
constexpr std::string_view kWords[] = {
    "\n",        " the",      " model",    " attention", " of",       " layer",   " token",    ",",
    " a",        " residual", " stream",   ".",          " head",     " neuron",  " feature",  " is",
    " and",      " in",       " to",       " that",      " weights",  " it",      " this",     " we",
    " circuit",  " logit",    " lens",     " probe",     " vector",   " space",   " with",     " on",
    " embedding", " query",   " key",      " value",     " softmax",  " MLP",     " output",   " input",
    " sparse",   " dictionary", " superposition", " gradient", " loss", " batch", " activation", " interpretability"};
constexpr uint64_t kVocabulary = std::size(kWords);

// SplitMix64: a cheap, well-mixed hash of the index.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A document of one sequence of ids into the table, coloured by one channel, "value".
Document OneSequenceDocument(std::string source, std::string name, std::vector<int32_t> ids,
                             std::shared_ptr<TokenTable> table, std::vector<float> values) {
  Document document;
  document.source = std::move(source);
  Sequence& sequence = document.sequences.emplace_back();
  sequence.name = std::move(name);
  sequence.SetTableTokens(IdColumn(std::move(ids)), std::move(table));
  sequence.channels.push_back({"value", ValueColumn(std::move(values))});
  return document;
}

}  // namespace

int32_t SyntheticTokenId(uint64_t index) { return static_cast<int32_t>(Mix(index) % kVocabulary); }

std::string_view SyntheticToken(uint64_t index) { return kWords[SyntheticTokenId(index)]; }

std::span<const std::string_view> SyntheticVocabulary() { return kWords; }

float SyntheticValue(uint64_t index) {
  if (index % kSyntheticSpikeEvery == kSyntheticSpikeEvery - 1) return kSyntheticSpike;
  // Noise from hash bits the id does not use, on a wave with a period of about 20k tokens.
  const float noise = static_cast<float>(Mix(index) >> 40) / static_cast<float>(1ull << 24);
  const float wave = std::sin(static_cast<float>(index % 20000) * (6.2831853f / 20000.0f));
  return 0.5f * wave + noise - 0.5f;
}

Document MakeSyntheticDocument(uint64_t tokens) {
  auto table = std::make_shared<TokenTable>();
  for (const std::string_view word : kWords) table->text.Append(word);
  std::vector<int32_t> ids(tokens);
  std::vector<float> values(tokens);
  for (uint64_t i = 0; i < tokens; ++i) {
    ids[i] = SyntheticTokenId(i);
    values[i] = SyntheticValue(i);
  }
  return OneSequenceDocument("<synthetic " + std::to_string(tokens) + ">", "synthetic", std::move(ids),
                             std::move(table), std::move(values));
}

Document MakeSyntheticCjkDocument(uint32_t characters) {
  const uint64_t n = std::clamp<uint32_t>(characters, 1, kSyntheticCjkMax);
  // A step coprime with n visits every character once.
  const uint64_t step = n % 7919 == 0 ? 7907 : 7919;
  constexpr int kLengths[] = {1, 2, 1, 3, 2};
  auto table = std::make_shared<TokenTable>();
  table->text.Append("\n");  // id 0
  std::vector<int32_t> ids;
  std::vector<float> values;
  uint64_t next = 0;  // characters placed
  for (uint64_t t = 0; next < n; ++t) {
    if (t % 64 == 63) {
      ids.push_back(0);
    } else {
      std::string text;
      for (int i = 0; i < kLengths[t % 5] && next < n; ++i, ++next)
        AppendUtf8(text, static_cast<char32_t>(0x4E00 + next * step % n));
      ids.push_back(static_cast<int32_t>(table->text.Size()));
      table->text.Append(text);
    }
    values.push_back(static_cast<float>(0.8 * std::sin(static_cast<double>(t) * 0.05) +
                                        static_cast<double>(t * 2654435761u % 1000) / 5000.0));
  }
  return OneSequenceDocument("<synthetic CJK " + std::to_string(n) + ">", "synthetic CJK", std::move(ids),
                             std::move(table), std::move(values));
}

}  // namespace th
