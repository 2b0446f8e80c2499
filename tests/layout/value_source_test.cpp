// The session's value pipeline: attention rows and columns, features, the wrappers around any
// source, the head grid, and revisions that remake what is derived from the values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "core/attention.hpp"
#include "core/feature_dictionary.hpp"
#include "session/session.hpp"

namespace th {
namespace {

constexpr uint32_t kLayers = 2;
constexpr uint32_t kHeads = 3;
constexpr uint64_t kTokens = 5;

// attention[l, h, q, k] = 1000 l + 100 h + 10 q + k: every entry names its place.
float Entry(uint32_t l, uint32_t h, uint64_t q, uint64_t k) {
  return static_cast<float>(1000 * l + 100 * h + 10 * q + k);
}

std::shared_ptr<const AttentionPatterns> NamedPatterns(bool causal) {
  std::vector<float> values;
  for (uint32_t l = 0; l < kLayers; ++l)
    for (uint32_t h = 0; h < kHeads; ++h)
      for (uint64_t q = 0; q < kTokens; ++q)
        for (uint64_t k = 0; k < kTokens; ++k) values.push_back(Entry(l, h, q, k));
  auto patterns = std::make_shared<AttentionPatterns>(AttentionPatterns::FromFloats(values, kLayers, kHeads, kTokens, kTokens));
  patterns->SetCausal(causal);
  return patterns;
}

Sequence MakeSequence(const std::string& name, std::vector<float> channel) {
  Sequence sequence;
  sequence.name = name;
  for (size_t i = 0; i < channel.size(); ++i) sequence.AppendToken("t" + std::to_string(i) + " ");
  sequence.channels.push_back({"act", ValueColumn(std::move(channel))});
  return sequence;
}

Document AttentionDocument(bool causal) {
  Sequence sequence = MakeSequence("s", {1, 2, 3, 4, 5});
  sequence.SetAttention(NamedPatterns(causal));
  Document document;
  document.sequences.push_back(std::move(sequence));
  return document;
}

ValueSourceSpec Attention(uint32_t layer, uint32_t head, uint64_t source, AttentionDirection direction) {
  ValueSourceSpec spec;
  spec.kind = ValueSourceSpec::Kind::kAttention;
  spec.layer.index = layer;
  spec.head.index = head;
  spec.source_token = source;
  spec.direction = direction;
  return spec;
}

std::vector<float> Values(const Session& session) {
  const std::span<const float> values = session.CurrentValues();
  return {values.begin(), values.end()};
}

TEST(ValueSources, AttentionFromIsTheSourceRowAndToIsItsColumn) {
  Session session(AttentionDocument(false));
  ASSERT_EQ(session.SetSource(Attention(1, 2, 3, AttentionDirection::kFrom)), "");
  for (uint64_t j = 0; j < kTokens; ++j) EXPECT_EQ(Values(session)[j], Entry(1, 2, 3, j)) << j;
  EXPECT_EQ(session.ValueLabel(), "attention L1 H2 from token 3");
  EXPECT_EQ(session.OutlinedToken(), std::optional<uint64_t>(3));
  EXPECT_EQ(session.CurrentChannel(), nullptr);

  ASSERT_EQ(session.SetSource(Attention(0, 1, 2, AttentionDirection::kTo)), "");
  for (uint64_t j = 0; j < kTokens; ++j) EXPECT_EQ(Values(session)[j], Entry(0, 1, j, 2)) << j;

  // A click picks another source token: the same layer, head and direction.
  const uint64_t revision = session.ValuesRevision();
  ASSERT_EQ(session.SelectSourceToken(4), "");
  EXPECT_GT(session.ValuesRevision(), revision);
  for (uint64_t j = 0; j < kTokens; ++j) EXPECT_EQ(Values(session)[j], Entry(0, 1, j, 4)) << j;
}

TEST(ValueSources, HeadsAndLayersReduceByMeanOrMax) {
  Session session(AttentionDocument(false));
  ValueSourceSpec spec = Attention(1, 0, 2, AttentionDirection::kFrom);
  spec.head = IndexOrReduction::Mean();
  ASSERT_EQ(session.SetSource(spec), "");
  for (uint64_t j = 0; j < kTokens; ++j)
    EXPECT_FLOAT_EQ(Values(session)[j], (Entry(1, 0, 2, j) + Entry(1, 1, 2, j) + Entry(1, 2, 2, j)) / 3) << j;
  spec.layer = IndexOrReduction::Max();
  spec.head = IndexOrReduction{IndexOrReduction::Kind::kIndex, 1};
  ASSERT_EQ(session.SetSource(spec), "");
  for (uint64_t j = 0; j < kTokens; ++j) EXPECT_EQ(Values(session)[j], Entry(1, 1, 2, j)) << j;
  EXPECT_EQ(session.ValueLabel(), "attention Lmax H1 from token 2");
}

TEST(ValueSources, CausalMasksAreNoValueNotZero) {
  Session session(AttentionDocument(true));
  ASSERT_EQ(session.SetSource(Attention(0, 0, 2, AttentionDirection::kFrom)), "");
  const std::vector<float> from = Values(session);
  EXPECT_EQ(from[2], Entry(0, 0, 2, 2));
  EXPECT_TRUE(std::isnan(from[3]) && std::isnan(from[4]));
  ASSERT_EQ(session.SetSource(Attention(0, 0, 2, AttentionDirection::kTo)), "");
  const std::vector<float> to = Values(session);
  EXPECT_TRUE(std::isnan(to[0]) && std::isnan(to[1]));
  EXPECT_EQ(to[3], Entry(0, 0, 3, 2));
  // The default range of attention starts at 0 and says so.
  EXPECT_EQ(session.ApplyDataDefaults(false), "attention weights: 0..max of the row");
  EXPECT_EQ(session.Spec().kind, NormKind::kZeroMax);
}

TEST(ValueSources, WhatASequenceLacksIsRefusedWithItsReason) {
  Session session(AttentionDocument(false));
  const std::vector<float> before = Values(session);
  EXPECT_EQ(session.SetSource(Attention(0, 0, 9, AttentionDirection::kFrom)),
            "source token 9 is past the 5 tokens of sequence 's'");
  EXPECT_EQ(session.SetSource(Attention(2, 0, 0, AttentionDirection::kFrom)),
            "layer 2 is past the 2 layers of sequence 's''s attention");
  ValueSourceSpec feature;
  feature.kind = ValueSourceSpec::Kind::kFeature;
  EXPECT_EQ(session.SetSource(feature), "sequence 's' has no feature activations");
  EXPECT_EQ(Values(session), before);  // the channel, unchanged
}

TEST(ValueSources, ShuffleAndGranularityWrapAttentionAsTheyWrapChannels) {
  Session session(AttentionDocument(false));
  ASSERT_EQ(session.SetSource(Attention(1, 1, 1, AttentionDirection::kFrom)), "");
  std::vector<float> real = Values(session);
  session.SetShuffle(7);
  std::vector<float> shuffled = Values(session);
  EXPECT_NE(shuffled, real);
  std::sort(real.begin(), real.end());
  std::sort(shuffled.begin(), shuffled.end());
  EXPECT_EQ(shuffled, real);  // the same values, elsewhere
  EXPECT_EQ(session.ValueLabel(), "attention L1 H1 from token 1, shuffled");
  session.SetShuffle(std::nullopt);
  session.SetGranularity(Granularity::kLine, Aggregate::kMax);  // one line: every token the row's max
  for (const float value : Values(session)) EXPECT_EQ(value, Entry(1, 1, 1, 4));
}

TEST(ValueSources, HeadGridHoldsEveryHeadOfTheSourceRow) {
  Session session(AttentionDocument(true));
  ASSERT_EQ(session.SetSource(Attention(0, 0, 3, AttentionDirection::kFrom)), "");
  const Session::HeadRows& rows = session.AttentionByHead();
  ASSERT_EQ(rows.layers, kLayers);
  ASSERT_EQ(rows.heads, kHeads);
  for (uint32_t l = 0; l < kLayers; ++l)
    for (uint32_t h = 0; h < kHeads; ++h) {
      for (uint64_t j = 0; j <= 3; ++j) EXPECT_EQ(rows.At(l, h, j), Entry(l, h, 3, j));
      EXPECT_TRUE(std::isnan(rows.At(l, h, 4)));  // masked
    }
  // Two buckets: tokens 0-1 and 2-4, each its largest weight (the masked token left out).
  const std::vector<float>& grid = session.HeadGrid(2);
  ASSERT_EQ(grid.size(), kLayers * kHeads * 2);
  EXPECT_EQ(grid[(1 * kHeads + 2) * 2 + 0], Entry(1, 2, 3, 1));
  EXPECT_EQ(grid[(1 * kHeads + 2) * 2 + 1], Entry(1, 2, 3, 3));
  // Another source token reads the heads again.
  ASSERT_EQ(session.SelectSourceToken(4), "");
  EXPECT_EQ(session.AttentionByHead().At(0, 1, 4), Entry(0, 1, 4, 4));
}

TEST(ValueSources, FeaturesColourTokensAndRankSequences) {
  Document document;
  for (int s = 0; s < 3; ++s) {
    Sequence sequence = MakeSequence("s" + std::to_string(s), {0, 0, 0});
    // Feature 1 peaks at 10 * s on token s; feature 0 is 1 everywhere.
    std::vector<uint64_t> ends;
    std::vector<FeatureActivation> entries;
    for (uint64_t t = 0; t < 3; ++t) {
      entries.push_back({0, 1.0f});
      if (t == static_cast<uint64_t>(s)) entries.push_back({1, 10.0f * static_cast<float>(s)});
      ends.push_back(entries.size());
    }
    auto features = std::make_shared<FeatureDictionary>(FeatureDictionary::Sparse(ends, entries, 2));
    features->names = {"always", "peaky"};
    sequence.SetFeatures(features);
    document.sequences.push_back(std::move(sequence));
  }
  Session session(std::move(document));
  session.SelectSequence(2);
  ValueSourceSpec spec;
  spec.kind = ValueSourceSpec::Kind::kFeature;
  spec.feature = 1;
  ASSERT_EQ(session.SetSource(spec), "");
  EXPECT_EQ(Values(session), (std::vector<float>{0, 0, 20}));
  EXPECT_EQ(session.ValueLabel(), "feature 1 (peaky)");
  // The stacked view, sorted by max, puts the sequences where the feature is highest first.
  session.Stacked().SetOrder(SequenceOrder::kMax);
  EXPECT_EQ(session.ListedSequences(), (std::vector<uint32_t>{2, 1, 0}));
  EXPECT_EQ(session.Stacked().Summaries()[1].Max(), 10.0f);
  // Another sequence keeps the feature.
  session.SelectSequence(1);
  EXPECT_EQ(Values(session), (std::vector<float>{0, 10, 0}));
}

// A reload whose borrowed values sit at the same address as the old ones must still show the new
// values: what is derived is keyed by revisions, not by where the values live.
TEST(ValueSources, AReloadAtTheSameAddressShowsTheNewValues) {
  auto buffer = std::make_shared<std::vector<float>>(std::vector<float>{1, 2, 3, 4});
  const auto borrowed = [&] {
    Sequence sequence = MakeSequence("s", {0, 0, 0, 0});
    sequence.channels[0].values = ValueColumn::Borrow(*buffer, buffer);
    Document document;
    document.sequences.push_back(std::move(sequence));
    return document;
  };
  Session session(borrowed());
  GridGeometry geometry;
  geometry.cell_width = 10;
  session.UpdateLayout(400, 300, geometry);
  EXPECT_EQ(session.Visible().instances[3].value, 4.0f);
  EXPECT_EQ(session.Pyramid().Reduce(0, 4, Reduction::kMax), 4.0f);
  (*buffer)[3] = 40.0f;
  session.ReplaceDocument(borrowed());
  session.UpdateLayout(400, 300, geometry);
  EXPECT_EQ(session.Visible().instances[3].value, 40.0f);
  EXPECT_EQ(session.Pyramid().Reduce(0, 4, Reduction::kMax), 40.0f);
  EXPECT_EQ(session.Summary().Max(), 40.0f);
}

}  // namespace
}  // namespace th
