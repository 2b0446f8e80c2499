// The panels' logic for attention and feature sources, without a window: picking and stepping the
// source token, the head grid's geometry, hit testing and colour range, head labels, feature name
// matches, and the defaults that follow a switch of source kind (ShowSource).
#include "ui/source_view.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/palette_registry.hpp"
#include "layout/line_index.hpp"
#include "session/session.hpp"
#include "ui/panels.hpp"

namespace th::ui {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(SourceToken, ArrowStepsStopAtBothEnds) {
  EXPECT_EQ(StepSourceToken(5, 1, 10), 6u);
  EXPECT_EQ(StepSourceToken(5, -1, 10), 4u);
  EXPECT_EQ(StepSourceToken(9, 1, 10), 9u);  // the last token stays
  EXPECT_EQ(StepSourceToken(0, -1, 10), 0u);  // the first too
  EXPECT_EQ(StepSourceToken(3, -100, 10), 0u);
  EXPECT_EQ(StepSourceToken(3, 100, 10), 9u);
  EXPECT_EQ(StepSourceToken(42, 0, 10), 9u);  // a token past the end comes back inside
  EXPECT_EQ(StepSourceToken(0, 1, 0), 0u);    // no tokens
  EXPECT_EQ(StepSourceToken(5, std::numeric_limits<int64_t>::min(), 10), 0u);
  EXPECT_EQ(StepSourceToken(5, std::numeric_limits<int64_t>::max(), 10), 9u);
}

// Three tokens on one line: "ab " (3 cells), "c " (2), "def" (3), 8 px cells, 16 px high.
VisibleLayout ThreeTokens() {
  VisibleLayout layout;
  layout.line_count = 1;
  layout.instances = {{0, 0, 3, 0, 1.0f, 0, kNaN}, {3, 0, 2, 0, 2.0f, 3, kNaN}, {5, 0, 3, 0, 3.0f, 5, kNaN}};
  layout.tokens = {10, 11, 12};
  return layout;
}

TEST(SourceToken, AClickPicksTheTokenUnderIt) {
  const VisibleLayout layout = ThreeTokens();
  const GridGeometry geometry;  // 8 x 16 cells, 2 px between lines
  EXPECT_EQ(TokenAtPoint(layout, geometry, 4, 8), std::optional<uint64_t>(10));
  EXPECT_EQ(TokenAtPoint(layout, geometry, 3 * 8 + 1, 1), std::optional<uint64_t>(11));
  EXPECT_EQ(TokenAtPoint(layout, geometry, 7 * 8 + 7, 15), std::optional<uint64_t>(12));
  EXPECT_EQ(TokenAtPoint(layout, geometry, 8 * 8 + 1, 8), std::nullopt);  // after the line's last token
  EXPECT_EQ(TokenAtPoint(layout, geometry, 4, 17), std::nullopt);         // the gap under the line
  EXPECT_EQ(TokenAtPoint(layout, geometry, -1, 8), std::nullopt);
}

TEST(SourceToken, AFoldedBlockPicksNone) {
  VisibleLayout layout = ThreeTokens();
  layout.instances[1].flags = kFoldedBlockFlag;
  EXPECT_EQ(TokenAtPoint(layout, GridGeometry{}, 3 * 8 + 1, 1), std::nullopt);
  EXPECT_EQ(TokenAtPoint(layout, GridGeometry{}, 1, 1), std::optional<uint64_t>(10));
}

TEST(SourceToken, ADragIsNoClick) {
  EXPECT_TRUE(IsClickNotDrag(0.0f));
  EXPECT_TRUE(IsClickNotDrag(kClickSlop * kClickSlop));
  EXPECT_FALSE(IsClickNotDrag(kClickSlop * kClickSlop + 1.0f));
}

HeadGridSizes Sizes() {
  HeadGridSizes sizes;
  sizes.min_thumb_width = 24.0f;
  sizes.max_thumb_width = 320.0f;
  sizes.thumb_height = 14.0f;
  sizes.label_height = 18.0f;
  sizes.gap = 6.0f;
  return sizes;
}

TEST(HeadGrid, ThumbnailsShareTheWidthAndBucketsFollowTheirPixels) {
  // 4 heads in 1000 px: (1000 - 3 gaps of 6) / 4 = 245.5, floored.
  const HeadGridGeometry grid = LayoutHeadGrid(2, 4, 1000.0f, Sizes());
  EXPECT_EQ(grid.thumb_width, 245.0f);
  EXPECT_EQ(grid.buckets, 245u);
  EXPECT_LE(grid.Width(), 1000.0f);
  EXPECT_EQ(grid.RowPitch(), 18.0f + 14.0f + 6.0f);
  EXPECT_EQ(grid.Height(), 2 * 38.0f - 6.0f);
  EXPECT_EQ(grid.StripX(1), 251.0f);
  EXPECT_EQ(grid.StripY(1), 38.0f + 18.0f);
  // Few heads are not stretched past the widest thumbnail; many are kept legible and scroll.
  EXPECT_EQ(LayoutHeadGrid(1, 2, 2000.0f, Sizes()).thumb_width, 320.0f);
  const HeadGridGeometry many = LayoutHeadGrid(12, 64, 1000.0f, Sizes());
  EXPECT_EQ(many.thumb_width, 24.0f);
  EXPECT_GT(many.Width(), 1000.0f);
  EXPECT_EQ(LayoutHeadGrid(0, 4, 1000.0f, Sizes()).buckets, 0u);
}

TEST(HeadGrid, APointFindsItsThumbnailNotTheGaps) {
  const HeadGridGeometry grid = LayoutHeadGrid(2, 4, 1000.0f, Sizes());
  EXPECT_EQ(HeadAtPoint(grid, 1, 1), (std::optional<HeadCell>(HeadCell{0, 0})));  // the label
  EXPECT_EQ(HeadAtPoint(grid, 251 + 10, 38 + 18 + 5), (std::optional<HeadCell>(HeadCell{1, 1})));  // a strip
  EXPECT_EQ(HeadAtPoint(grid, 3 * 251 + 244, 18 + 13), (std::optional<HeadCell>(HeadCell{0, 3})));
  EXPECT_EQ(HeadAtPoint(grid, 247, 20), std::nullopt);      // between two thumbnails
  EXPECT_EQ(HeadAtPoint(grid, 10, 18 + 14 + 2), std::nullopt);  // between two layers
  EXPECT_EQ(HeadAtPoint(grid, 10, 2 * 38.0f), std::nullopt);    // below the last layer
  EXPECT_EQ(HeadAtPoint(grid, 4 * 251.0f, 5), std::nullopt);    // right of the last head
  EXPECT_EQ(HeadAtPoint(grid, -1, 5), std::nullopt);
}

TEST(HeadGrid, ColoursSpanZeroToTheLargestWeightOfEveryHead) {
  EXPECT_EQ(HeadGridMax(std::vector<float>{0.1f, kNaN, 0.8f, 0.3f}), 0.8f);
  EXPECT_EQ(HeadGridMax(std::vector<float>{kNaN, kNaN}), 0.0f);
  EXPECT_EQ(HeadGridMax(std::vector<float>{std::numeric_limits<float>::infinity(), 0.5f}), 0.5f);
  EXPECT_EQ(HeadGridShade(0.4f, 0.8f), std::optional<float>(0.5f));
  EXPECT_EQ(HeadGridShade(0.8f, 0.8f), std::optional<float>(1.0f));
  EXPECT_EQ(HeadGridShade(0.0f, 0.8f), std::optional<float>(0.0f));
  EXPECT_EQ(HeadGridShade(kNaN, 0.8f), std::nullopt);  // masked: "no value"
  EXPECT_EQ(HeadGridShade(0.0f, 0.0f), std::optional<float>(0.0f));  // nothing above 0: all low
}

TEST(HeadGrid, PeaksAndLabels) {
  const std::optional<RowPeak> peak = PeakOf(std::vector<float>{0.1f, 0.7f, kNaN, 0.7f, 0.2f});
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->token, 1u);  // the first of equal weights
  EXPECT_EQ(peak->value, 0.7f);
  EXPECT_FALSE(PeakOf(std::vector<float>{kNaN, kNaN}));

  AttentionPatterns patterns = AttentionPatterns::FromFloats(std::vector<float>(2 * 2 * 3 * 3, 0.0f), 2, 2, 3, 3);
  EXPECT_EQ(HeadLabel(patterns, 1, 0), "L1H0");
  patterns.head_labels = {"prev", "", "induction", "copy"};
  EXPECT_EQ(HeadLabel(patterns, 0, 0), "prev");
  EXPECT_EQ(HeadLabel(patterns, 0, 1), "L0H1");  // an empty label: the default
  EXPECT_EQ(HeadLabel(patterns, 1, 0), "induction");
}

TEST(Features, NameSearchIgnoresCaseAndReadsIndices) {
  FeatureDictionary dictionary = FeatureDictionary::Sparse({0}, {}, 12);
  dictionary.names = {"golden gate", "Gate keeper", "river", "", "", "", "", "", "", "", "", "bridge"};
  EXPECT_EQ(FeatureMatches(dictionary, "gate", 10), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(FeatureMatches(dictionary, "GATE", 1), (std::vector<uint32_t>{0}));
  EXPECT_EQ(FeatureMatches(dictionary, "11", 10), (std::vector<uint32_t>{11}));
  EXPECT_EQ(FeatureMatches(dictionary, "12", 10), (std::vector<uint32_t>{}));  // past the features
  EXPECT_EQ(FeatureMatches(dictionary, "", 10), (std::vector<uint32_t>{}));
  // An index that is also in a name comes first, once.
  dictionary.names[2] = "river 0";
  EXPECT_EQ(FeatureMatches(dictionary, "0", 10), (std::vector<uint32_t>{0, 2}));
}

// A five-token sequence with a channel, 2 layers x 2 heads of attention (causal) and 3 features.
Document SourcesDocument() {
  Sequence sequence;
  sequence.name = "s";
  for (int i = 0; i < 5; ++i) sequence.AppendToken("t" + std::to_string(i) + " ");
  sequence.channels.push_back({"logprob", ValueColumn(std::vector<float>{-1, -2, -3, -4, -5})});
  std::vector<float> values(2 * 2 * 5 * 5, 0.0f);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 7) / 7.0f;
  auto patterns = std::make_shared<AttentionPatterns>(AttentionPatterns::FromFloats(values, 2, 2, 5, 5));
  patterns->SetCausal(true);
  sequence.SetAttention(patterns);
  sequence.SetFeatures(std::make_shared<FeatureDictionary>(
      FeatureDictionary::Sparse({1, 2, 2, 3, 3}, {{0, 1.0f}, {2, 3.0f}, {1, 0.5f}}, 3)));
  Document document;
  document.sequences.push_back(std::move(sequence));
  return document;
}

ValueSourceSpec AttentionSpec(uint32_t layer, uint32_t head, uint64_t source) {
  ValueSourceSpec spec;
  spec.kind = ValueSourceSpec::Kind::kAttention;
  spec.layer.index = layer;
  spec.head.index = head;
  spec.source_token = source;
  return spec;
}

TEST(ShowSource, AnotherKindBringsItsDefaultsAnotherHeadKeepsTheUsersPalette) {
  Session session(SourcesDocument());
  session.ApplyDataDefaults(false);
  DataPanelState state;
  ASSERT_EQ(ShowSource(session, state, AttentionSpec(1, 0, 4)), "");
  EXPECT_EQ(session.CurrentPalette().name, "Blues");
  EXPECT_EQ(session.Spec().kind, NormKind::kZeroMax);
  EXPECT_NE(session.DefaultReason().find("attention"), std::string::npos);
  ASSERT_TRUE(state.attention);
  EXPECT_EQ(state.attention->layer.index, 1u);

  // The user picks a palette; another head and another source token keep it.
  session.SetPalette(*FindPalette("viridis"));
  ASSERT_EQ(ShowSource(session, state, AttentionSpec(0, 1, 4)), "");
  ASSERT_EQ(session.SelectSourceToken(2), "");
  EXPECT_EQ(session.CurrentPalette().name, "viridis");

  // Refused: the reason, and the view as it was.
  const std::string why = ShowSource(session, state, AttentionSpec(5, 0, 4));
  EXPECT_NE(why.find("layer 5"), std::string::npos) << why;
  EXPECT_EQ(state.source_error, why);
  EXPECT_EQ(session.ValueLabel(), "attention L0 H1 from token 2");

  // A feature, then the channel again: each kind's own defaults.
  ValueSourceSpec feature;
  feature.kind = ValueSourceSpec::Kind::kFeature;
  feature.feature = 2;
  ASSERT_EQ(ShowSource(session, state, feature), "");
  EXPECT_EQ(state.source_error, "");
  EXPECT_EQ(session.ValueLabel(), "feature 2");
  EXPECT_EQ(state.feature, std::optional<uint32_t>(2));
  ASSERT_EQ(ShowSource(session, state, ValueSourceSpec::OfChannel("logprob")), "");
  EXPECT_EQ(session.ValueLabel(), "logprob");
  EXPECT_NE(session.CurrentPalette().name, "Blues");
}

TEST(ShowSource, TheHeadGridColoursOverEveryHeadsRow) {
  Session session(SourcesDocument());
  DataPanelState state;
  ASSERT_EQ(ShowSource(session, state, AttentionSpec(0, 0, 2)), "");
  const Session::HeadRows& rows = session.AttentionByHead();
  ASSERT_EQ(rows.layers * rows.heads, 4u);
  const std::vector<float>& grid = session.HeadGrid(10);
  float largest = 0.0f;
  for (const float weight : rows.values)
    if (std::isfinite(weight)) largest = std::max(largest, weight);
  EXPECT_EQ(HeadGridMax(grid), largest);  // the buckets keep each run's largest weight
  // Causal, from token 2: tokens 3 and 4 are masked in every head, drawn as no value.
  for (size_t head = 0; head < 4; ++head) {
    EXPECT_FALSE(std::isnan(grid[head * 10]));
    EXPECT_TRUE(std::isnan(grid[head * 10 + 9]));
  }
}

}  // namespace
}  // namespace th::ui
