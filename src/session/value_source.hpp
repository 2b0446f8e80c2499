#pragma once
// [SECTION] Value sources: where the numbers on screen come from.
// A source gives one value per token of a sequence (NaN: no value), a label for legends and the
// mapping that suits its values when the user chose none. The base sources are a channel, an
// attention row or column, and a feature of a dictionary; shuffling and grouping (granularity)
// wrap any source, so each works on attention and features as on channels.
// Adding a source: a Kind here, its spec fields, a class in value_source.cpp built by MakeSource,
// and its options in the option table (src/app/options.*) — the session, layout, renderer,
// exports and panels take its values as they take a channel's.
// GL-free and ImGui-free.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/document.hpp"
#include "core/granularity.hpp"
#include "core/value_mapping.hpp"

namespace th {

// A layer or a head: one index, or a reduction over all of them.
struct IndexOrReduction {
  enum class Kind : uint8_t { kIndex, kMean, kMax };
  Kind kind = Kind::kIndex;
  uint32_t index = 0;
  friend bool operator==(const IndexOrReduction&, const IndexOrReduction&) = default;
  static IndexOrReduction Mean() { return {Kind::kMean, 0}; }
  static IndexOrReduction Max() { return {Kind::kMax, 0}; }
};
// "3", "mean", "max".
std::string ToString(const IndexOrReduction& choice);

enum class AttentionDirection : uint8_t {
  kFrom,  // row: what the source token attends to (attention[L, H, source, j])
  kTo,    // column: what attends to the source token (attention[L, H, j, source])
};

struct ValueSourceSpec {
  enum class Kind : uint8_t { kChannel, kAttention, kFeature };
  Kind kind = Kind::kChannel;
  std::string channel;  // kChannel: by name
  // kAttention
  IndexOrReduction layer;
  IndexOrReduction head;
  uint64_t source_token = 0;
  AttentionDirection direction = AttentionDirection::kFrom;
  // kFeature
  uint32_t feature = 0;
  friend bool operator==(const ValueSourceSpec&, const ValueSourceSpec&) = default;
  static ValueSourceSpec OfChannel(std::string name) {
    ValueSourceSpec spec;
    spec.channel = std::move(name);
    return spec;
  }
};

// The mapping and palette a source's values call for when the user named none, and why (the
// legend shows the reason).
struct SourceDefaults {
  NormKind kind = NormKind::kMinMax;
  std::string palette;
  std::string reason;
};

// From the values' own signs: min..max on Reds without negatives, symmetric about 0 on RdBu_r
// with both signs.
SourceDefaults DefaultsFromSigns(const ScopeSummary& summary);

class ValueSource {
 public:
  virtual ~ValueSource() = default;
  // One value per token of the sequence the source was made for.
  virtual std::span<const float> Values() const = 0;
  // What the values are: "logprob", "attention L1 H2 from token 12", "feature 37 (name)".
  virtual std::string Label() const = 0;
  // From the values' own signs, unless the source knows better (attention weights start at 0).
  virtual SourceDefaults Defaults(const ScopeSummary& summary) const { return DefaultsFromSigns(summary); }
};

// The spec's values over `sequence`, or null when the sequence has no such channel, attention or
// feature (or the source token or indices lie outside it). Reads one row or column per layer and
// head it reduces over, never the whole tensor.
std::shared_ptr<const ValueSource> MakeSource(const Sequence& sequence, const ValueSourceSpec& spec);
// The same values permuted among the tokens that have one (seeded): what chance looks like.
std::shared_ptr<const ValueSource> Shuffled(std::shared_ptr<const ValueSource> inner, uint64_t seed);
// Each token takes its group's aggregate (groups: GroupTokens of the sequence).
std::shared_ptr<const ValueSource> Grouped(std::shared_ptr<const ValueSource> inner,
                                           std::span<const uint32_t> groups, Aggregate aggregate);

// Why a spec has no values in a sequence, in one line ("sequence 'x' has no attention
// patterns", "source token 80 is past the sequence's 49 tokens"); "" when it has.
std::string WhyNoSource(const Sequence& sequence, const ValueSourceSpec& spec);

}  // namespace th
