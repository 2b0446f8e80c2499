// The viewer's session: scrolling is an exact integer position, re-wrapping keeps the top token
// in view, and range or palette changes leave the laid-out instances alone.
#include "session/session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/palette_registry.hpp"
#include "session/legend.hpp"

namespace th {
namespace {

Document MakeLines(int lines) {
  Document document;
  document.source = "<test>";
  Sequence& sequence = document.sequences.emplace_back();
  sequence.name = "lines";
  Channel& channel = sequence.channels.emplace_back();
  channel.name = "value";
  for (int i = 0; i < lines; ++i) {
    sequence.AppendToken("line " + std::to_string(i) + "\n");
    channel.values.push_back(static_cast<float>(i));
  }
  return document;
}

constexpr GridGeometry kGeometry{10, 20, 2};

// A live stream appends to the sequence shown: the statistics, histogram and overview it extends
// are those of a session opened on the whole; the wrapping too, and the view stays where it was.
TEST(Session, AppendedTokensExtendStatisticsOverviewAndWrapping) {
  Document start;
  Sequence& streamed = start.sequences.emplace_back();
  streamed.channels.push_back({"act", {}});
  Session session(std::move(start));
  Document whole;
  std::mt19937 random(11);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  for (int append = 0; append < 40; ++append) {
    std::vector<std::string> words;
    std::vector<float> values;
    for (int i = 0; i <= append % 13; ++i) {
      words.push_back(" w" + std::to_string(random() % 1000));
      values.push_back(i == 3 ? NAN : normal(random));
    }
    session.EditDocument(
        [&](Document& document) {
          Sequence& sequence = document.sequences[0];
          for (size_t i = 0; i < words.size(); ++i) {
            sequence.AppendToken(words[i]);
            sequence.channels[0].values.push_back(values[i]);
          }
        },
        Session::Edit::kAppend);
    session.UpdateLayout(300, 200, GridGeometry{});
    (void)session.OverviewRows(50);  // the overview is drawn every frame
  }
  whole.sequences.push_back(session.Doc().sequences[0]);
  Session fresh(std::move(whole));
  fresh.UpdateLayout(300, 200, GridGeometry{});
  EXPECT_EQ(session.Summary().Count(), fresh.Summary().Count());
  EXPECT_EQ(session.Summary().Median(), fresh.Summary().Median());
  EXPECT_EQ(session.Summary().Min(), fresh.Summary().Min());
  EXPECT_EQ(session.Histogram(), fresh.Histogram());
  EXPECT_EQ(session.OverviewRows(50), fresh.OverviewRows(50));
  EXPECT_EQ(session.Lines().LineCount(), fresh.Lines().LineCount());
  for (size_t line = 0; line < fresh.Lines().LineCount(); ++line) ASSERT_EQ(session.Lines().Line(line), fresh.Lines().Line(line));
}

TEST(Session, ScrollIsClampedToTheContent) {
  Session session(MakeLines(100));
  session.UpdateLayout(400, 220, kGeometry);
  EXPECT_EQ(session.ContentHeight(), 2 * Session::kPadding + 100 * 22 - 2);
  session.ScrollTo(-50);
  EXPECT_EQ(session.ScrollPixels(), 0);
  session.ScrollTo(1'000'000);
  EXPECT_EQ(session.ScrollPixels(), session.ContentHeight() - 220);
}

TEST(Session, VisibleLayoutFollowsTheScrollPosition) {
  Session session(MakeLines(100));
  session.UpdateLayout(400, 220, kGeometry);
  EXPECT_EQ(session.Visible().first_line, 0u);
  session.ScrollTo(Session::kPadding + 50 * 22 + 5);
  session.UpdateLayout(400, 220, kGeometry);
  EXPECT_EQ(session.Visible().first_line, 50u);
  EXPECT_EQ(session.Visible().tokens.front(), 50u);
  EXPECT_FLOAT_EQ(session.LayoutOriginY(), -5.0f);
}

TEST(Session, RangeAndPaletteChangesDoNotRelayOut) {
  Session session(MakeLines(100));
  session.UpdateLayout(400, 220, kGeometry);
  const uint64_t layout = session.LayoutRevision();
  const uint64_t palette = session.PaletteRevision();
  session.SetManualRange(10.0f, 20.0f);
  session.SetPalette(*FindPalette("viridis"));
  session.UpdateLayout(400, 220, kGeometry);
  EXPECT_EQ(session.LayoutRevision(), layout);
  EXPECT_NE(session.PaletteRevision(), palette);
  EXPECT_EQ(session.Low(), 10.0f);
  EXPECT_EQ(session.High(), 20.0f);
  MappingSpec spec = session.Spec();
  spec.scope = RangeScope::kSequence;
  session.SetSpec(spec);
  EXPECT_EQ(session.Low(), 0.0f);
  EXPECT_EQ(session.High(), 99.0f);
}

TEST(Session, ResizeRewrapsAndKeepsTheTopTokenInView) {
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  sequence.channels.push_back({"value", {}});
  for (int i = 0; i < 2000; ++i) {
    sequence.AppendToken(" word");
    sequence.channels[0].values.push_back(1.0f);
  }
  Session session(std::move(document));
  session.UpdateLayout(2 * Session::kPadding + 200, 300, kGeometry);  // 20 columns: 4 tokens a line
  session.ScrollTo(Session::kPadding + 100 * 22);
  session.UpdateLayout(2 * Session::kPadding + 200, 300, kGeometry);
  const uint64_t top = session.Visible().tokens.front();
  EXPECT_EQ(top, 400u);
  session.UpdateLayout(2 * Session::kPadding + 400, 300, kGeometry);  // 40 columns: 8 a line
  EXPECT_EQ(session.Lines().Columns(), 40);
  EXPECT_EQ(session.Visible().tokens.front(), top);
}

TEST(Session, SwitchingSequenceKeepsTheChannelByName) {
  Document document = MakeLines(3);
  Sequence second;
  second.name = "second";
  second.AppendToken("x");
  second.channels.push_back({"other", {1.0f}});
  second.channels.push_back({"value", {5.0f}});
  document.sequences.push_back(second);
  Session session(std::move(document));
  session.SelectSequence(1);
  ASSERT_NE(session.CurrentChannel(), nullptr);
  EXPECT_EQ(session.CurrentChannel()->name, "value");
  EXPECT_EQ(session.Low(), 5.0f);
}

}  // namespace
}  // namespace th

namespace th {
namespace {

Document MakeValues(const std::vector<float>& values) {
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  for (size_t i = 0; i < values.size(); ++i) sequence.AppendToken(" t");
  sequence.channels.push_back({"v", values});
  return document;
}

TEST(SessionDefaults, SignedValuesGetSymmetricOnADivergingPalette) {
  Session session(MakeValues({-2.0f, 0.5f, 1.0f}));
  EXPECT_NE(session.ApplyDataDefaults(false).find("both signs"), std::string::npos);
  EXPECT_EQ(session.Spec().kind, NormKind::kSymmetric);
  EXPECT_EQ(session.CurrentPalette().name, "RdBu_r");
  EXPECT_EQ(session.Low(), -2.0f);
  EXPECT_EQ(session.High(), 2.0f);
}

TEST(SessionDefaults, NonNegativeValuesGetMinMaxOnReds) {
  Session session(MakeValues({0.0f, 0.5f, 3.0f}));
  session.ApplyDataDefaults(false);
  EXPECT_EQ(session.Spec().kind, NormKind::kMinMax);
  EXPECT_EQ(session.CurrentPalette().name, "Reds");
  EXPECT_EQ(session.Low(), 0.0f);
  EXPECT_EQ(session.High(), 3.0f);
}

TEST(SessionDefaults, AModeNeverChangesByItself) {
  // Switching to a sequence of another sign keeps the mapping the user sees.
  Document document = MakeValues({0.0f, 1.0f});
  Document other = MakeValues({-5.0f, 5.0f});
  document.sequences.push_back(std::move(other.sequences[0]));
  Session session(std::move(document));
  session.ApplyDataDefaults(false);
  session.SelectSequence(1);
  EXPECT_EQ(session.Spec().kind, NormKind::kMinMax);
  EXPECT_EQ(session.Low(), -5.0f);
}

}  // namespace
}  // namespace th

namespace th {
namespace {

TEST(SessionShuffle, SideBySideDrawsTheRealValuesBesideTheShuffledOnes) {
  std::vector<float> values;
  for (int i = 0; i < 50; ++i) values.push_back(static_cast<float>(i));
  Session session(MakeValues(values));
  session.SetShuffle(7);
  session.UpdateLayout(2 * Session::kPadding + 400, 400, GridGeometry::ForCell(10, 20));
  EXPECT_EQ(session.VisibleTwin(), nullptr);
  std::vector<float> shown(session.CurrentValues().begin(), session.CurrentValues().end());
  EXPECT_NE(shown, values) << "shuffled alone: the view shows the permutation";

  session.SetSideBySide(true);
  session.UpdateLayout(2 * Session::kPadding + 400, 400, GridGeometry::ForCell(10, 20));
  shown.assign(session.CurrentValues().begin(), session.CurrentValues().end());
  EXPECT_EQ(shown, values) << "side by side: the main view shows the real values";
  const VisibleLayout* twin = session.VisibleTwin();
  ASSERT_NE(twin, nullptr);
  ASSERT_EQ(twin->instances.size(), session.Visible().instances.size());
  std::vector<float> twin_values, real_values;
  for (size_t i = 0; i < twin->instances.size(); ++i) {
    twin_values.push_back(twin->instances[i].value);
    real_values.push_back(session.Visible().instances[i].value);
    EXPECT_EQ(twin->instances[i].column, session.Visible().instances[i].column);
  }
  EXPECT_NE(twin_values, real_values);
  std::sort(twin_values.begin(), twin_values.end());
  std::sort(real_values.begin(), real_values.end());
  EXPECT_EQ(twin_values, real_values) << "the same values, permuted";
}

}  // namespace
}  // namespace th

namespace th {
namespace {

TEST(SessionScopes, VisibleScopeBeforeAnyLayoutCoversTheSequence) {
  Session session(MakeValues({1.0f, 5.0f, 3.0f}));
  MappingSpec spec = session.Spec();
  spec.scope = RangeScope::kVisible;
  session.SetSpec(spec);
  EXPECT_EQ(session.Low(), 1.0f);
  EXPECT_EQ(session.High(), 5.0f);
  EXPECT_EQ(session.Histogram().size(), Session::kHistogramBins);
}

TEST(SessionScopes, HistogramFollowsTheSequence) {
  Document document = MakeValues({1.0f, 2.0f, 3.0f, 4.0f});
  Document other = MakeValues({1.0f});
  document.sequences.push_back(std::move(other.sequences[0]));
  Session session(std::move(document));
  const auto total = [&] {
    size_t sum = 0;
    for (const size_t count : session.Histogram()) sum += count;
    return sum;
  };
  EXPECT_EQ(total(), 4u);
  session.SelectSequence(1);
  EXPECT_EQ(total(), 0u) << "a single value has no spread to bin";
  EXPECT_EQ(session.Summary().Count(), 1u);
}

TEST(SessionDerived, DifferencesAreSymmetricAndRatiosCentredAtOneOnALogScale) {
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  for (int i = 0; i < 3; ++i) sequence.AppendToken(" t");
  sequence.channels.push_back({"a", {1.0f, 4.0f, 9.0f}});
  sequence.channels.push_back({"b", {2.0f, 2.0f, 3.0f}});
  Session session(std::move(document));
  ASSERT_TRUE(session.AddDerivedChannel("a-b"));
  EXPECT_EQ(session.Spec().kind, NormKind::kSymmetric);
  EXPECT_EQ(session.CurrentPalette().kind, PaletteKind::kDiverging);
  EXPECT_EQ(session.CurrentChannel()->name, "a-b");
  ASSERT_TRUE(session.AddDerivedChannel("a/b"));  // 0.5, 2, 3: not a magnitude from 0.5 to 3
  EXPECT_EQ(session.Spec().kind, NormKind::kLogRatio);
  EXPECT_EQ(session.CurrentPalette().kind, PaletteKind::kDiverging);
  EXPECT_FLOAT_EQ(session.Low(), 1.0f / 3.0f);
  EXPECT_FLOAT_EQ(session.High(), 3.0f);
  const std::string words = ui::MappingWords(session);
  EXPECT_NE(words.find("ratio, log scale centred at 1"), std::string::npos) << words;
  EXPECT_NE(words.find("default: a ratio of two channels"), std::string::npos) << words;
  EXPECT_EQ(ui::GradientLabels(session).at(1).text, "1") << "the palette's middle is 1";
  EXPECT_FALSE(session.AddDerivedChannel("a*b"));
}

}  // namespace
}  // namespace th
