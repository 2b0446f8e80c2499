// The viewport apart from the values: it wraps, scrolls and lays out again only when its inputs'
// revisions move on, and hands the layout to whoever knows the values.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "session/viewport.hpp"

namespace th {
namespace {

Sequence Words(int count) {
  Sequence sequence;
  for (int i = 0; i < count; ++i) sequence.AppendToken("word" + std::to_string(i % 10) + " ");
  return sequence;
}

TEST(Viewport, LaysOutAgainOnlyWhenTheLinesTheContentOrTheScrollChange) {
  const Sequence sequence = Words(2000);
  Viewport viewport;
  int layouts = 0;
  const Viewport::LayOut lay_out = [&](const LineIndex& lines, size_t first_line, size_t line_count, int) {
    ++layouts;
    return LayoutLines(sequence, lines, {}, first_line, line_count, TokenText::kDecoded);
  };
  const Viewport::WrapStamp wrap{1, 0, TokenText::kDecoded};
  GridGeometry geometry;
  EXPECT_TRUE(viewport.Update(sequence, wrap, 400, 300, geometry, 1, lay_out));
  const uint64_t lines_revision = viewport.LinesRevision();
  EXPECT_FALSE(viewport.Update(sequence, wrap, 400, 300, geometry, 1, lay_out));  // nothing moved on
  EXPECT_TRUE(viewport.Update(sequence, wrap, 400, 300, geometry, 2, lay_out));   // new values
  EXPECT_EQ(viewport.LinesRevision(), lines_revision);                            // ... on the same lines
  viewport.ScrollToToken(1500);
  EXPECT_TRUE(viewport.Update(sequence, wrap, 400, 300, geometry, 2, lay_out));
  EXPECT_EQ(viewport.TopToken(), viewport.Lines().Line(viewport.Lines().LineOfToken(1500)).token);
  // A narrower view wraps again and keeps the top token's line at the top.
  const uint64_t top = viewport.TopToken();
  EXPECT_TRUE(viewport.Update(sequence, wrap, 250, 300, geometry, 2, lay_out));
  EXPECT_GT(viewport.LinesRevision(), lines_revision);
  EXPECT_EQ(viewport.Lines().LineOfToken(viewport.TopToken()), viewport.Lines().LineOfToken(top));
  EXPECT_EQ(layouts, 4);
  // Another sequence (a new wrap stamp) after ScrollHome starts from its top.
  viewport.ScrollHome();
  EXPECT_TRUE(viewport.Update(sequence, {1, 1, TokenText::kDecoded}, 250, 300, geometry, 2, lay_out));
  EXPECT_EQ(viewport.TopToken(), 0u);
}

// A live stream appends tokens under the same wrap stamp: only they are wrapped, to exactly the
// lines a wrap of the whole gives (long tokens split across lines, newlines, a pending break at
// the end included), and the lines above keep their revision's content.
TEST(Viewport, AppendedTokensAreWrappedAloneToTheLinesOfAWholeWrap) {
  const std::vector<std::string> pieces = {"word ", "a_token_longer_than_a_line_of_thirty_cells_to_split ", "\n",
                                           "x", "short ", "  ", "\n\n", "end"};
  Sequence grown;
  Viewport viewport;
  const Viewport::WrapStamp wrap{1, 0, TokenText::kDecoded};
  const Viewport::LayOut lay_out = [&](const LineIndex& lines, size_t first_line, size_t line_count, int) {
    return LayoutLines(grown, lines, {}, first_line, line_count, TokenText::kDecoded);
  };
  GridGeometry geometry;
  uint64_t revision = 0;
  for (int step = 0; step < 60; ++step) {
    // 1 to 7 tokens an append.
    for (int i = 0; i <= step % 7; ++i) grown.AppendToken(pieces[static_cast<size_t>(step * 3 + i) % pieces.size()]);
    viewport.Update(grown, wrap, 30 * geometry.cell_width + 2 * Viewport::kPadding, 300, geometry, 1, lay_out);
    EXPECT_GT(viewport.LinesRevision(), revision);
    revision = viewport.LinesRevision();
    const LineIndex whole = LineIndex::Build(grown, 30);
    ASSERT_TRUE(viewport.Lines().Complete());
    ASSERT_EQ(viewport.Lines().LineCount(), whole.LineCount()) << "after append " << step;
    for (size_t line = 0; line < whole.LineCount(); ++line)
      ASSERT_EQ(viewport.Lines().Line(line), whole.Line(line)) << "line " << line << " after append " << step;
  }
}

}  // namespace
}  // namespace th
