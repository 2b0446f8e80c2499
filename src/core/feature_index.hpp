#pragma once
// A dataset-scale feature index (docs/feature-index.md), written by `python3 -m tokenheat.index
// build` over sharded activation stores: for every feature its statistics (max, density,
// histogram) and its contexts in three groups, the top activations, samples from each band of its
// activation range, and random firing contexts. The arrays stay in the file (memory-mapped); a
// feature's contexts become a document of sequences when it is picked, so an index of any number of
// features opens at once.
// Standard library only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.hpp"

namespace th {

struct ArrayData;
class LoadContext;

inline constexpr std::string_view kFeatureIndexFormat = "tokenheat-feature-index-1";

class FeatureIndex {
 public:
  // The index in `arrays` (a `format` array says it is one), checked: a missing array, a wrong
  // dtype or shape or an id outside the vocabulary throws LoadError naming the array.
  static std::shared_ptr<const FeatureIndex> FromArrays(const LoadContext& context, const std::vector<ArrayData>& arrays);
  ~FeatureIndex();

  size_t Features() const { return m_features; }
  // Row r's feature: its number in the dictionary, its label ("" when none), statistics.
  int64_t FeatureId(size_t row) const;
  std::string Label(size_t row) const;
  float Max(size_t row) const;
  double Density(size_t row) const;
  int64_t Fires(size_t row) const;
  std::vector<float> HistogramEdges(size_t row) const;
  std::vector<int64_t> HistogramCounts(size_t row) const;
  uint32_t Bands() const { return m_bands; }
  std::vector<float> BandEdges(size_t row) const;
  uint64_t TokensTotal() const { return m_tokens_total; }
  const std::vector<std::string>& Shards() const { return m_shards; }
  // The row of feature `id` (a number), else the first whose label contains `text` (ASCII letters
  // of any case); nullopt when none.
  std::optional<size_t> Find(std::string_view text) const;

  // A context's group: kTop, a band (1..Bands(), 1 the lowest) or Random(); "top", "band 3", "random".
  static constexpr int kTop = 0;
  int Random() const { return static_cast<int>(m_bands) + 1; }
  std::string GroupName(int group) const;

  // Row r's contexts as sequences, top first, then the bands from the highest down, then random:
  // each named by its group, rank and place in the corpus ("top 1 · corpus token 123,456 (shard
  // 0)"), with one channel, the feature's activation, and the sampled (peak) token marked
  // (kTokenMarked). Tokens decoded as files' are.
  std::vector<Sequence> Contexts(size_t row) const;
  // The channel Contexts() names the activation: "feature 12", or "feature 12: label".
  std::string ChannelName(size_t row) const;

 private:
  struct Arrays;
  FeatureIndex();

  std::unique_ptr<Arrays> m_arrays;
  size_t m_features = 0;
  uint32_t m_bands = 0;
  uint32_t m_slots = 0;   // contexts a feature (C)
  uint32_t m_window = 0;  // tokens a context (W)
  uint64_t m_tokens_total = 0;
  std::vector<std::string> m_shards;
  std::shared_ptr<const TokenTable> m_vocabulary;  // decoded once, shared by every context
};

// The document that shows row `row` of an index: its contexts as sequences, the index and the row
// (which the feature browser replaces), and the feature's own scale as the file's range: 0 to its
// largest activation over the corpus, so that every context is coloured on one scale.
Document DocumentOfIndexFeature(std::shared_ptr<const FeatureIndex> index, size_t row, std::string source);

}  // namespace th
