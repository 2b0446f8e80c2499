// `tokenheat info`: what a document holds, for people (a table) and scripts (--json).
#include <cstdio>
#include <span>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "core/attention.hpp"
#include "core/empty_parts.hpp"
#include "core/feature_dictionary.hpp"
#include "core/load_document.hpp"
#include "core/value_stats.hpp"

namespace th::app {

namespace {

// "2 layers x 4 heads x 49 x 49 float32, causal": the patterns' shape, as the table says it.
std::string AttentionLine(const AttentionPatterns& attention) {
  const auto count = [](uint64_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); };
  return count(attention.Layers(), "layer") + " x " + count(attention.Heads(), "head") + " x " +
         std::to_string(attention.Queries()) + " x " + std::to_string(attention.Keys()) + " " +
         std::string(attention.TypeName()) + (attention.Causal() ? ", causal" : "");
}

// "16384 dense float16" or "24576 sparse (1200 entries)".
std::string FeaturesLine(const FeatureDictionary& features) {
  return std::to_string(features.Features()) +
         (features.IsDense() ? " dense " + std::string(features.DenseValues().TypeName())
                             : " sparse (" + std::to_string(features.SparseEntries()) + " entries)");
}

}  // namespace

int RunInfo(const CommandLine& line) {
  const Document document = LoadInput(line.view);
  if (line.json) {
    // Streamed a sequence at a time, laid out as one dump(2) of the whole would be (keys sorted:
    // "empty", "sequences", "source"): a DOM of a million sequences took gigabytes.
    using nlohmann::json;
    const auto dump = [](const json& value) { return value.dump(2, ' ', false, json::error_handler_t::replace); };
    // An array element, indented as a dump(2) of the whole document would indent it.
    const auto print_element = [&](const json& value, bool first) {
      std::string text = dump(value);
      for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 5)) text.insert(at + 1, "    ");
      std::printf("%s\n    %s", first ? "" : ",", text.c_str());
    };
    // "empty": every sequence without tokens ("channel": null) and every channel without a finite
    // value, found a sequence at a time as the sequences below are streamed.
    std::fputs("{\n  \"empty\": [", stdout);
    uint64_t empty_count = 0;
    for (size_t i = 0; i < document.sequences.size(); ++i) {
      const auto index = static_cast<uint32_t>(i);
      EmptyPartsQuery query;
      query.sequences = std::span(&index, 1);
      for (const EmptyPart& part : FindEmptyParts(document, query).listed) {
        const json channel = part.kind == EmptyPart::Kind::kNoTokens ? json(nullptr) : json(part.channel);
        print_element({{"channel", channel}, {"sequence", part.sequence}}, empty_count++ == 0);
      }
    }
    std::fputs(empty_count == 0 ? "],\n" : "\n  ],\n", stdout);
    std::fputs(document.sequences.empty() ? "  \"sequences\": []" : "  \"sequences\": [", stdout);
    for (size_t i = 0; i < document.sequences.size(); ++i) {
      const Sequence& sequence = document.sequences[i];
      json channels = json::array();
      for (const Channel& channel : sequence.channels) {
        const ValueStats stats = ComputeStats(channel.values);
        const bool any = stats.finite > 0;
        channels.push_back({{"name", channel.name},
                            {"min", any ? json(stats.min) : json(nullptr)},
                            {"max", any ? json(stats.max) : json(nullptr)},
                            {"finite", stats.finite},
                            {"non_finite", stats.non_finite},
                            {"mapped", channel.values.IsBorrowed()}});
      }
      json entry = {{"name", sequence.name}, {"tokens", sequence.TokenCount()}, {"channels", channels}};
      // Whether the arrays are used in place from the file's mapping (not copied into memory).
      if (!sequence.TokenIds().empty()) entry["token_ids_mapped"] = sequence.TokenIds().IsBorrowed();
      if (const auto& attention = sequence.Attention())
        entry["attention"] = {{"layers", attention->Layers()},   {"heads", attention->Heads()},
                              {"queries", attention->Queries()}, {"keys", attention->Keys()},
                              {"dtype", attention->TypeName()},  {"causal", attention->Causal()}};
      if (const auto& features = sequence.Features())
        entry["features"] = {{"count", features->Features()}, {"form", features->IsDense() ? "dense" : "sparse"}};
      print_element(entry, i == 0);
    }
    std::printf("%s,\n  \"source\": %s\n}\n", document.sequences.empty() ? "" : "\n  ]", dump(json(document.source)).c_str());
    ThrowIfSourceChanged(document);  // the statistics read borrowed columns: zeros if the file was cut short
    return 0;
  }
  std::printf("%s: %zu sequence%s\n", document.source.c_str(), document.sequences.size(),
              document.sequences.size() == 1 ? "" : "s");
  // A table for people: the first sequences, then a count (--json lists every one).
  constexpr size_t kMaxListed = 1000;
  for (size_t i = 0; i < document.sequences.size(); ++i) {
    if (i == kMaxListed) {
      std::printf("  ... and %zu more (info --json lists them all)\n", document.sequences.size() - kMaxListed);
      break;
    }
    const Sequence& sequence = document.sequences[i];
    std::printf("  [%zu] %s: %zu tokens\n", i, sequence.name.c_str(), sequence.TokenCount());
    for (const Channel& channel : sequence.channels) {
      const ValueStats stats = ComputeStats(channel.values);
      if (stats.finite > 0)
        std::printf("      %-16s min %-12g max %-12g", channel.name.c_str(), stats.min, stats.max);
      else
        std::printf("      %-16s no finite values          ", channel.name.c_str());
      if (stats.non_finite > 0) std::printf(" (%zu without value)", stats.non_finite);
      std::printf("\n");
    }
    if (const auto& attention = sequence.Attention())
      std::printf("      %-16s %s\n", "attention", AttentionLine(*attention).c_str());
    if (const auto& features = sequence.Features())
      std::printf("      %-16s %s\n", "features", FeaturesLine(*features).c_str());
  }
  // Every sequence, not only the ones listed above: an empty one is said however far down it is.
  EmptyPartsQuery every_sequence;
  every_sequence.limit = kMaxEmptyWarnings;
  WarnOfEmptyParts(document, FindEmptyParts(document, every_sequence));
  ThrowIfSourceChanged(document);
  return 0;
}

}  // namespace th::app
