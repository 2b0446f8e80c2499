#include "sequence_fixture.hpp"
#include "layout/line_index.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include <string>
#include <vector>

#include "layout/display_cells.hpp"
#include "layout/visible_layout.hpp"

namespace th {
namespace {

// The text of each laid-out line, one string per line, from the visible layout's pieces.
std::vector<std::string> LineTexts(const Sequence& sequence, const LineIndex& index) {
  const VisibleLayout layout = LayoutLines(sequence, index, {}, 0, index.LineCount());
  std::vector<std::string> lines(index.LineCount());
  for (size_t i = 0; i < layout.instances.size(); ++i) {
    const std::string_view token = sequence.Token(layout.tokens[i]);
    lines[layout.instances[i].row] +=
        std::string(token.substr(layout.byte_begin[i], layout.byte_end[i] - layout.byte_begin[i]));
  }
  return lines;
}

TEST(LineIndex, WrapsWholeTokensThatFitOnAnEmptyLine) {
  const Sequence sequence = MakeSequence({"Hello", " world", " again"});
  const LineIndex index = LineIndex::Build(sequence, 12);
  ASSERT_EQ(index.LineCount(), 2u);
  EXPECT_EQ(index.Line(1), (LineStart{2, 0}));
  EXPECT_EQ(LineTexts(sequence, index), (std::vector<std::string>{"Hello world", " again"}));
}

TEST(LineIndex, NewlineTokenEndsTheLineAfterItsMarker) {
  const Sequence sequence = MakeSequence({"a", "\n", "b", "\n\n", "c"});
  const LineIndex index = LineIndex::Build(sequence, 80);
  ASSERT_EQ(index.LineCount(), 4u);
  EXPECT_EQ(index.Line(1), (LineStart{2, 0}));
  EXPECT_EQ(index.Line(2), (LineStart{3, 1}));  // the second newline of "\n\n" starts line 2
  EXPECT_EQ(index.Line(3), (LineStart{4, 0}));
  EXPECT_EQ(LineTexts(sequence, index), (std::vector<std::string>{"a\n", "b\n", "\n", "c"}));
}

TEST(LineIndex, TrailingNewlineAddsNoEmptyLine) {
  const Sequence sequence = MakeSequence({"end", "\n"});
  EXPECT_EQ(LineIndex::Build(sequence, 80).LineCount(), 1u);
}

TEST(LineIndex, SplitsTokensLongerThanALine) {
  const Sequence sequence = MakeSequence({"ab", "0123456789"});
  const LineIndex index = LineIndex::Build(sequence, 4);
  EXPECT_EQ(LineTexts(sequence, index), (std::vector<std::string>{"ab01", "2345", "6789"}));
  EXPECT_EQ(index.Line(1), (LineStart{1, 2}));
  EXPECT_EQ(index.LineOfToken(1), 0u);  // the token's first cell is on line 0
}

TEST(LineIndex, CountsCodePointsNotBytes) {
  // "héllo" is 6 bytes but 5 cells; "日本" is 6 bytes and 4 cells (wide characters take two).
  const Sequence sequence = MakeSequence({"héllo", "日本"});
  const LineIndex index = LineIndex::Build(sequence, 9);
  EXPECT_EQ(index.LineCount(), 1u);
  const VisibleLayout layout = LayoutLines(sequence, index, {}, 0, 1);
  ASSERT_EQ(layout.instances.size(), 2u);
  EXPECT_EQ(layout.instances[0].cells, 5);
  EXPECT_EQ(layout.instances[1].column, 5);
  EXPECT_EQ(layout.instances[1].cells, 4);
}

TEST(LineIndex, LineOfTokenUsesBinarySearchOverStarts) {
  Sequence sequence;
  for (int i = 0; i < 1000; ++i) sequence.AppendToken(" abcd");  // 5 cells: 4 tokens a 20-cell line
  const LineIndex index = LineIndex::Build(sequence, 20);
  EXPECT_EQ(index.LineCount(), 250u);
  EXPECT_EQ(index.LineOfToken(0), 0u);
  EXPECT_EQ(index.LineOfToken(3), 0u);
  EXPECT_EQ(index.LineOfToken(4), 1u);
  EXPECT_EQ(index.LineOfToken(999), 249u);
}

TEST(LineIndex, EmptySequenceHasOneEmptyLine) {
  const Sequence sequence;
  const LineIndex index = LineIndex::Build(sequence, 10);
  EXPECT_EQ(index.LineCount(), 1u);
  EXPECT_TRUE(LayoutLines(sequence, index, {}, 0, 1).instances.empty());
}

TEST(VisibleLayout, InstancesCarryValuesWidthsAndNoValueFlags) {
  const Sequence sequence = MakeSequence({"one", " two", "\n", "three"});
  const std::vector<float> values = {1.0f, NAN, 0.5f, INFINITY};
  const LineIndex index = LineIndex::Build(sequence, 80);
  const VisibleLayout layout = LayoutLines(sequence, index, values, 0, 2);
  ASSERT_EQ(layout.instances.size(), 4u);
  EXPECT_EQ(layout.instances[0].cells, 3);
  EXPECT_EQ(layout.instances[1].column, 3);
  EXPECT_EQ(layout.instances[1].cells, 4);
  EXPECT_EQ(layout.instances[1].flags, kNoValueFlag);
  EXPECT_EQ(layout.instances[2].cells, 1);  // the newline marker
  EXPECT_EQ(layout.cells[layout.instances[2].first_cell], 0x21B5u | kMarkerBit);
  EXPECT_EQ(layout.instances[3].row, 1);
  EXPECT_EQ(layout.instances[3].flags, kNoValueFlag);
  EXPECT_FLOAT_EQ(layout.instances[0].value, 1.0f);
  EXPECT_EQ(layout.instances[0].flags, 0);
}

TEST(VisibleLayout, OnlyRequestedLinesAreLaidOut) {
  Sequence sequence;
  for (int i = 0; i < 100; ++i) sequence.AppendToken("word\n");
  const LineIndex index = LineIndex::Build(sequence, 80);
  const VisibleLayout layout = LayoutLines(sequence, index, {}, 40, 3);
  ASSERT_EQ(layout.instances.size(), 3u);
  EXPECT_EQ(layout.tokens.front(), 40u);
  EXPECT_EQ(layout.instances.back().row, 2);
}

TEST(VisibleLayout, EmptyTokenGetsAVisibleMarkerCell) {
  const Sequence sequence = MakeSequence({"a", "", "b"});
  const VisibleLayout layout = LayoutLines(sequence, LineIndex::Build(sequence, 80), {}, 0, 1);
  ASSERT_EQ(layout.instances.size(), 3u);
  EXPECT_EQ(layout.instances[1].cells, 1);
  EXPECT_EQ(layout.cells[layout.instances[1].first_cell], kEmptyTokenMarker | kMarkerBit);
}

TEST(HitTest, FindsTheBoxUnderThePointAndNothingInGaps) {
  const Sequence sequence = MakeSequence({"ab", " cde", "\n", "f"});
  const VisibleLayout layout = LayoutLines(sequence, LineIndex::Build(sequence, 80), {}, 0, 2);
  const GridGeometry geometry{10, 20, 2};
  EXPECT_EQ(HitTest(layout, geometry, 5, 5), std::optional<size_t>(0));
  EXPECT_EQ(HitTest(layout, geometry, 25, 19), std::optional<size_t>(1));
  EXPECT_EQ(HitTest(layout, geometry, 25, 21), std::nullopt);  // the gap between lines
  EXPECT_EQ(HitTest(layout, geometry, 65, 5), std::optional<size_t>(2));  // the newline marker
  EXPECT_EQ(HitTest(layout, geometry, 75, 5), std::nullopt);  // past the line's end
  EXPECT_EQ(HitTest(layout, geometry, 5, 23), std::optional<size_t>(3));
  EXPECT_EQ(HitTest(layout, geometry, -1, 5), std::nullopt);
}

TEST(DisplayCells, WhitespaceIsMadeVisibleForTooltips) {
  EXPECT_EQ(VisibleWhitespace(" a\tb\n"), "\xC2\xB7" "a\xE2\x87\xA5" "b\xE2\x86\xB5");
  EXPECT_EQ(VisibleWhitespace(std::string("\0", 1)), "\xE2\x90\x80");
}

}  // namespace
}  // namespace th
