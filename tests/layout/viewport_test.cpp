// The viewport apart from the values: it wraps, scrolls and lays out again only when its inputs'
// revisions move on, and hands the layout to whoever knows the values.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace th
