// `tokenheat info`: what a document holds, for people (a table) and scripts (--json).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "core/value_stats.hpp"

namespace th::app {

int RunInfo(const CommandLine& line) {
  const Document document = LoadInput(line.view);
  if (line.json) {
    using nlohmann::json;
    json sequences = json::array();
    for (const Sequence& sequence : document.sequences) {
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
      sequences.push_back(std::move(entry));
    }
    const json out = {{"source", document.source}, {"sequences", sequences}};
    std::printf("%s\n", out.dump(2, ' ', false, json::error_handler_t::replace).c_str());
    return 0;
  }
  std::printf("%s: %zu sequence%s\n", document.source.c_str(), document.sequences.size(),
              document.sequences.size() == 1 ? "" : "s");
  for (size_t i = 0; i < document.sequences.size(); ++i) {
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
  }
  return 0;
}

}  // namespace th::app
