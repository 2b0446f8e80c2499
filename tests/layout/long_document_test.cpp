// Long documents: scroll positions past 2^32 pixels stay exact, and the overview pyramid and the
// jumps work through the session.
#include <gtest/gtest.h>

#include <cmath>

#include "core/synthetic_document.hpp"
#include "session/session.hpp"

namespace th {
namespace {

TEST(LongDocument, ScrollPositionsPastTwoToThe32PixelsAreExact) {
  // One token a line and very tall cells: 4.4M lines of 1002 pixels, 4.4e9 pixels of content,
  // without a document of billions of tokens.
  constexpr uint64_t kLines = 4'400'000;
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  auto table = std::make_shared<TokenTable>();
  table->text.Append("x\n");
  sequence.SetTableTokens(IdColumn(std::vector<int32_t>(kLines, 0)), std::move(table));
  sequence.channels.push_back({"value", ValueColumn(std::vector<float>(kLines, 1.0f))});
  Session session(std::move(document));
  const GridGeometry geometry{10, 1000, 2};
  session.UpdateLayout(400, 3000, geometry);
  session.FinishBackgroundWork();  // a sequence this long is wrapped past the first screen in the background
  ASSERT_EQ(session.Lines().LineCount(), kLines);
  EXPECT_GT(session.ContentHeight(), int64_t{1} << 32);

  session.ScrollTo(session.MaxScroll());
  session.UpdateLayout(400, 3000, geometry);
  EXPECT_EQ(session.ScrollPixels(), session.ContentHeight() - 3000);
  // The last token is laid out and drawn inside the viewport, to the pixel.
  const VisibleLayout& visible = session.Visible();
  ASSERT_FALSE(visible.tokens.empty());
  EXPECT_EQ(visible.tokens.back(), kLines - 1);
  const int64_t last_row_y = static_cast<int64_t>(session.LayoutOriginY()) +
                             static_cast<int64_t>(visible.instances.back().row) * geometry.LinePitch();
  EXPECT_EQ(last_row_y + geometry.cell_height + Session::kPadding, 3000);

  // A token in the second half of the document goes to the top of the view exactly.
  const uint64_t token = kLines - 1000;
  session.ScrollToToken(token);
  session.UpdateLayout(400, 3000, geometry);
  EXPECT_EQ(session.TopToken(), token);
  EXPECT_EQ(session.ScrollPixels(), Session::kPadding + static_cast<int64_t>(token) * geometry.LinePitch());
  EXPECT_EQ(session.Visible().tokens.front(), token);
  EXPECT_FLOAT_EQ(session.LayoutOriginY(), 0.0f);
}

TEST(LongDocument, FirstScreenIsReadyAtOnceAndTheRestComesFromTheBackground) {
  constexpr uint64_t kTokens = 6'000'000;
  static_assert(kTokens >= Session::kBackgroundTokens);
  Session session(MakeSyntheticDocument(kTokens));
  // Min and max at once; percentiles once the background sort is done.
  EXPECT_TRUE(session.StatisticsPending());
  EXPECT_FALSE(session.Summary().HasOrder());
  EXPECT_EQ(session.Summary().Max(), kSyntheticSpike);
  EXPECT_TRUE(std::isnan(session.Summary().Median()));
  EXPECT_TRUE(session.OverviewPending());  // the overview's pyramid is built in the background
  EXPECT_TRUE(session.HasFiniteValue());

  const GridGeometry geometry{8, 16, 2};
  session.UpdateLayout(800, 600, geometry);
  EXPECT_TRUE(session.WrappingPending());
  EXPECT_FALSE(session.Lines().Complete());
  EXPECT_GE(session.Lines().LineCount(), 600u / 18);
  ASSERT_FALSE(session.Visible().tokens.empty());
  EXPECT_EQ(session.Visible().tokens.front(), 0u);

  // A token the wrapping has not reached: the view goes there once it has.
  const uint64_t far = kTokens - 100'000;
  session.ScrollToToken(far);
  session.FinishBackgroundWork();
  session.UpdateLayout(800, 600, geometry);
  EXPECT_TRUE(session.Lines().Complete());
  EXPECT_EQ(session.TopToken(), session.Lines().Line(session.Lines().LineOfToken(far)).token);
  const LineIndex whole = LineIndex::Build(session.CurrentSequence(), session.Lines().Columns());
  EXPECT_EQ(session.Lines().LineCount(), whole.LineCount());
  EXPECT_EQ(session.Lines().Line(whole.LineCount() - 1), whole.Line(whole.LineCount() - 1));
  EXPECT_TRUE(session.Summary().HasOrder());
  EXPECT_EQ(session.Summary().Median(), ScopeSummary(session.CurrentValues()).Median());
  // The overview's pyramid came from the background too: the same rows as one built here.
  EXPECT_FALSE(session.OverviewPending());
  EXPECT_EQ(session.OverviewRows(1000), ValuePyramid(session.CurrentValues()).Rows(1000, Reduction::kMaxAbs));
  EXPECT_EQ(session.OverviewRows(1000)[ValuePyramid::RowOfToken(kSyntheticSpikeEvery - 1, kTokens, 1000)],
            kSyntheticSpike);

  // A narrower view re-wraps in the background; the previous wrapping stays in view meanwhile,
  // and the top token stays at the top.
  const int columns = session.Lines().Columns();
  const uint64_t top = session.TopToken();
  session.UpdateLayout(600, 600, geometry);
  EXPECT_EQ(session.Lines().Columns(), columns);
  EXPECT_EQ(session.TopToken(), top);
  session.FinishBackgroundWork();
  session.UpdateLayout(600, 600, geometry);
  EXPECT_EQ(session.Lines().Columns(), (600 - 2 * Session::kPadding) / 8);
  EXPECT_TRUE(session.Lines().Complete());
  EXPECT_EQ(session.TopToken(), session.Lines().Line(session.Lines().LineOfToken(top)).token);

  // A bigger font (other cells, other line pitch): the same token at the top, on the previous
  // wrapping meanwhile and on the new one after.
  const uint64_t top_before_zoom = session.TopToken();
  const GridGeometry bigger{10, 20, 2};
  session.UpdateLayout(600, 600, bigger);
  EXPECT_EQ(session.TopToken(), top_before_zoom);
  session.FinishBackgroundWork();
  session.UpdateLayout(600, 600, bigger);
  EXPECT_EQ(session.Lines().Columns(), (600 - 2 * Session::kPadding) / 10);
  EXPECT_EQ(session.TopToken(), session.Lines().Line(session.Lines().LineOfToken(top_before_zoom)).token);
}

TEST(LongDocument, OverviewRowsFollowTheValuesAndKeepSpikes) {
  Session session(MakeSyntheticDocument(3'000'000));
  const std::vector<float> rows = session.OverviewRows(1000);
  ASSERT_EQ(rows.size(), 1000u);
  // Each synthetic spike lands in one row, which shows it whatever the pooling.
  for (const uint64_t spike : {kSyntheticSpikeEvery - 1, 2 * kSyntheticSpikeEvery - 1})
    EXPECT_EQ(rows[ValuePyramid::RowOfToken(spike, 3'000'000, 1000)], kSyntheticSpike);
  EXPECT_EQ(session.OverviewRows(1000).data(), session.OverviewRows(1000).data());  // cached
  session.SetShuffle(7);  // new values: new rows
  EXPECT_NE(session.OverviewRows(1000), rows);
}

}  // namespace
}  // namespace th
