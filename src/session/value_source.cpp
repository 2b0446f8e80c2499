#include "session/value_source.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/attention.hpp"
#include "core/feature_dictionary.hpp"
#include "core/palette_registry.hpp"

namespace th {

std::string ToString(const IndexOrReduction& choice) {
  switch (choice.kind) {
    case IndexOrReduction::Kind::kMean: return "mean";
    case IndexOrReduction::Kind::kMax: return "max";
    case IndexOrReduction::Kind::kIndex: break;
  }
  return std::to_string(choice.index);
}

SourceDefaults DefaultsFromSigns(const ScopeSummary& summary) {
  SourceDefaults defaults;
  defaults.kind = DefaultNormKind(summary);
  defaults.palette = DefaultPaletteName(defaults.kind);
  defaults.reason = defaults.kind == NormKind::kSymmetric ? "values have both signs: symmetric about 0"
                    : summary.HasNegative()               ? "no positive values: min..max"
                                                          : "no negative values: min..max";
  return defaults;
}

namespace {

constexpr float kNoValue = std::numeric_limits<float>::quiet_NaN();

// [SECTION] Channel

class ChannelSource final : public ValueSource {
 public:
  explicit ChannelSource(const Channel& channel) : m_channel(channel) {}
  std::span<const float> Values() const override { return m_channel.values; }
  std::string Label() const override { return m_channel.name; }

 private:
  const Channel& m_channel;  // the session's document outlives its sources
};

// [SECTION] Attention

// The layers (or heads) a choice covers.
std::vector<uint32_t> Covered(const IndexOrReduction& choice, uint32_t count) {
  if (choice.kind == IndexOrReduction::Kind::kIndex) return {choice.index};
  std::vector<uint32_t> all(count);
  for (uint32_t i = 0; i < count; ++i) all[i] = i;
  return all;
}

// Mean or max of the rows in place into `into` (NaN in any row: NaN, as no value); an index
// choice has one row, taken as it is.
void Reduce(std::vector<float>& into, std::span<const float> row, size_t rows_so_far, IndexOrReduction::Kind kind) {
  if (rows_so_far == 0) {
    into.assign(row.begin(), row.end());
    return;
  }
  for (size_t j = 0; j < into.size(); ++j)
    into[j] = kind == IndexOrReduction::Kind::kMax ? std::max(into[j], row[j]) : into[j] + row[j];
  // std::max keeps its first argument when the second is NaN: carry NaN explicitly.
  for (size_t j = 0; j < into.size(); ++j)
    if (std::isnan(row[j])) into[j] = kNoValue;
}

void FinishMean(std::vector<float>& values, size_t rows, IndexOrReduction::Kind kind) {
  if (kind != IndexOrReduction::Kind::kMean || rows < 2) return;
  for (float& value : values) value /= static_cast<float>(rows);
}

class AttentionSource final : public ValueSource {
 public:
  AttentionSource(const AttentionPatterns& patterns, const ValueSourceSpec& spec, uint64_t tokens) : m_spec(spec) {
    const bool from = spec.direction == AttentionDirection::kFrom;
    std::vector<float> line(from ? patterns.Keys() : patterns.Queries());
    const std::vector<uint32_t> layers = Covered(spec.layer, patterns.Layers());
    const std::vector<uint32_t> heads = Covered(spec.head, patterns.Heads());
    std::vector<float> per_layer;
    for (size_t l = 0; l < layers.size(); ++l) {
      for (size_t h = 0; h < heads.size(); ++h) {
        if (from)
          patterns.ReadRow(layers[l], heads[h], spec.source_token, line);
        else
          patterns.ReadColumn(layers[l], heads[h], spec.source_token, line);
        Reduce(per_layer, std::span<const float>(line).first(tokens), h, spec.head.kind);
      }
      FinishMean(per_layer, heads.size(), spec.head.kind);
      Reduce(m_values, per_layer, l, spec.layer.kind);
    }
    FinishMean(m_values, layers.size(), spec.layer.kind);
    // A causal model's masked entries are not attention of zero: no value.
    if (patterns.Causal()) {
      const uint64_t source = spec.source_token;
      for (uint64_t j = 0; j < m_values.size(); ++j)
        if (from ? j > source : j < source) m_values[j] = kNoValue;
    }
  }
  std::span<const float> Values() const override { return m_values; }
  std::string Label() const override {
    return "attention L" + ToString(m_spec.layer) + " H" + ToString(m_spec.head) +
           (m_spec.direction == AttentionDirection::kFrom ? " from token " : " to token ") +
           std::to_string(m_spec.source_token);
  }
  SourceDefaults Defaults(const ScopeSummary& summary) const override {
    if (summary.HasNegative()) return DefaultsFromSigns(summary);
    return {NormKind::kZeroMax, "Blues", "attention weights: 0..max of the row"};
  }

 private:
  ValueSourceSpec m_spec;
  std::vector<float> m_values;
};

// [SECTION] Feature

class FeatureSource final : public ValueSource {
 public:
  FeatureSource(const FeatureDictionary& dictionary, uint32_t feature, uint64_t tokens)
      : m_feature(feature), m_name(dictionary.Name(feature)), m_values(dictionary.Tokens()) {
    dictionary.ReadFeature(feature, m_values);
    m_values.resize(tokens);
  }
  std::span<const float> Values() const override { return m_values; }
  std::string Label() const override {
    return "feature " + std::to_string(m_feature) + (m_name.empty() ? std::string() : " (" + m_name + ")");
  }
  SourceDefaults Defaults(const ScopeSummary& summary) const override {
    if (summary.HasNegative()) return DefaultsFromSigns(summary);
    return {NormKind::kZeroMax, "Reds", "feature activations: 0..max"};
  }

 private:
  uint32_t m_feature;
  std::string m_name;
  std::vector<float> m_values;
};

// [SECTION] Wrappers

class OwnedValues final : public ValueSource {
 public:
  OwnedValues(std::shared_ptr<const ValueSource> inner, std::vector<float> values, std::string suffix)
      : m_inner(std::move(inner)), m_values(std::move(values)), m_suffix(std::move(suffix)) {}
  std::span<const float> Values() const override { return m_values; }
  std::string Label() const override { return m_inner->Label() + m_suffix; }
  SourceDefaults Defaults(const ScopeSummary& summary) const override { return m_inner->Defaults(summary); }

 private:
  std::shared_ptr<const ValueSource> m_inner;
  std::vector<float> m_values;
  std::string m_suffix;
};

}  // namespace

std::string WhyNoSource(const Sequence& sequence, const ValueSourceSpec& spec) {
  const uint64_t tokens = sequence.TokenCount();
  const std::string name = "sequence '" + sequence.name + "'";
  switch (spec.kind) {
    case ValueSourceSpec::Kind::kChannel:
      return sequence.FindChannel(spec.channel) >= 0 ? "" : name + " has no channel '" + spec.channel + "'";
    case ValueSourceSpec::Kind::kAttention: {
      const AttentionPatterns* patterns = sequence.Attention().get();
      if (!patterns) return name + " has no attention patterns";
      if (spec.source_token >= tokens)
        return "source token " + std::to_string(spec.source_token) + " is past the " + std::to_string(tokens) +
               " tokens of " + name;
      if (spec.layer.kind == IndexOrReduction::Kind::kIndex && spec.layer.index >= patterns->Layers())
        return "layer " + std::to_string(spec.layer.index) + " is past the " + std::to_string(patterns->Layers()) +
               " layers of " + name + "'s attention";
      if (spec.head.kind == IndexOrReduction::Kind::kIndex && spec.head.index >= patterns->Heads())
        return "head " + std::to_string(spec.head.index) + " is past the " + std::to_string(patterns->Heads()) +
               " heads of " + name + "'s attention";
      return "";
    }
    case ValueSourceSpec::Kind::kFeature: {
      const FeatureDictionary* dictionary = sequence.Features().get();
      if (!dictionary) return name + " has no feature activations";
      if (spec.feature >= dictionary->Features())
        return "feature " + std::to_string(spec.feature) + " is past the " + std::to_string(dictionary->Features()) +
               " features of " + name;
      return "";
    }
  }
  return "";
}

std::shared_ptr<const ValueSource> MakeSource(const Sequence& sequence, const ValueSourceSpec& spec) {
  if (!WhyNoSource(sequence, spec).empty()) return nullptr;
  const uint64_t tokens = sequence.TokenCount();
  switch (spec.kind) {
    case ValueSourceSpec::Kind::kChannel:
      return std::make_shared<ChannelSource>(sequence.channels[static_cast<size_t>(sequence.FindChannel(spec.channel))]);
    case ValueSourceSpec::Kind::kAttention:
      return std::make_shared<AttentionSource>(*sequence.Attention(), spec, tokens);
    case ValueSourceSpec::Kind::kFeature:
      return std::make_shared<FeatureSource>(*sequence.Features(), spec.feature, tokens);
  }
  return nullptr;
}

std::shared_ptr<const ValueSource> Shuffled(std::shared_ptr<const ValueSource> inner, uint64_t seed) {
  std::vector<float> values = ShuffledValues(inner->Values(), seed);
  return std::make_shared<OwnedValues>(std::move(inner), std::move(values), ", shuffled");
}

std::shared_ptr<const ValueSource> Grouped(std::shared_ptr<const ValueSource> inner, std::span<const uint32_t> groups,
                                           Aggregate aggregate) {
  std::vector<float> values = AggregateByGroup(inner->Values(), groups, aggregate);
  return std::make_shared<OwnedValues>(std::move(inner), std::move(values), "");
}

}  // namespace th
