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
  EXPECT_EQ(index.Line(2), (LineStart{3, 1, 1}));  // the second newline of "\n\n" starts line 2
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
  EXPECT_EQ(index.Line(1), (LineStart{1, 2, 2}));
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

// Every line start of an index, in order.
std::vector<LineStart> Starts(const LineIndex& index) {
  std::vector<LineStart> starts;
  for (size_t line = 0; line < index.LineCount(); ++line) starts.push_back(index.Line(line));
  return starts;
}

// Words, newlines, wide characters and tokens longer than a line, so that blocks end in the
// middle of lines, of split tokens and of pending breaks.
Sequence MixedSequence(size_t tokens) {
  const std::vector<std::string> words = {" the", "\n", " 日本語", "0123456789012345678901234", " a", "\n\n", "é", " wrap"};
  Sequence sequence;
  for (size_t i = 0; i < tokens; ++i) sequence.AppendToken(words[(i * 7 + i / 3) % words.size()]);
  return sequence;
}

TEST(LineIndex, BlocksAppendedInOrderGiveTheWholeWrapping) {
  const Sequence sequence = MixedSequence(5000);
  const LineIndex whole = LineIndex::Build(sequence, 17);
  for (const uint64_t block_tokens : {1, 2, 7, 64, 1000}) {
    LineWrapper wrapper(sequence, 17);
    LineIndex index(17, sequence.TokenCount());
    while (!wrapper.Done()) {
      index.Append(wrapper.Wrap(block_tokens));
      // Lines so far are final: each is the whole wrapping's line of the same number.
      ASSERT_LE(index.LineCount(), whole.LineCount());
      if (index.LineCount() > 0) {
        const size_t last = index.LineCount() - 1;
        EXPECT_EQ(index.Line(last), whole.Line(last));
        EXPECT_EQ(index.LineEnd(last), whole.LineEnd(last));
      }
      EXPECT_LE(index.KnownTokens(), index.WrappedTokens());
    }
    EXPECT_TRUE(index.Complete()) << block_tokens;
    EXPECT_EQ(Starts(index), Starts(whole)) << block_tokens;
  }
}

TEST(LineIndex, PartialIndexCountsOnlyFinishedLinesAndFindsTheirTokens) {
  Sequence sequence;
  for (int i = 0; i < 100; ++i) sequence.AppendToken(" abcd");  // 4 tokens a 20-cell line
  LineWrapper wrapper(sequence, 20);
  LineIndex index(20, sequence.TokenCount());
  index.Append(wrapper.Wrap(10));  // lines 0 and 1, and line 2 still open (tokens 8, 9)
  EXPECT_FALSE(index.Complete());
  EXPECT_EQ(index.LineCount(), 2u);
  EXPECT_EQ(index.KnownTokens(), 8u);
  EXPECT_EQ(index.LineOfToken(5), 1u);
  index.Append(wrapper.Wrap(1000));
  EXPECT_TRUE(index.Complete());
  EXPECT_EQ(index.LineCount(), 25u);
  EXPECT_EQ(index.KnownTokens(), 100u);
}

TEST(LineIndex, ManyChunksOfLinesAreSearchedAcrossChunks) {
  Sequence sequence;
  for (int i = 0; i < 200'000; ++i) sequence.AppendToken("x\n");  // one token a line, past 2^16 lines
  const LineIndex index = LineIndex::Build(sequence, 80);
  ASSERT_EQ(index.LineCount(), 200'000u);
  for (const uint64_t token : {0, 65'535, 65'536, 65'537, 131'072, 199'999})
    EXPECT_EQ(index.LineOfToken(token), token);
  EXPECT_EQ(index.LineEnd(65'535), (LineStart{65'536, 0}));
}

// The zoomed-out view measures pieces without reading their units when they are printable ASCII:
// every piece of every line, split tokens, whitespace-only tokens and other scripts among them,
// has the width and bytes that reading its units gives.
TEST(LinePieceReader, MeasureGivesTheWidthAndBytesOfThePiecesUnits) {
  const Sequence sequence = MakeSequence({"Hello", " world", "   ", "\t", "naïve", " 漢字", "a\u0301b", "\n",
                                          "averyveryverylongtokenthatsplits", " ~!@#$%^&*()_+{}|:\"<>?", "x\x7f",
                                          "é", " ", "\xff\xfe", "end"});
  const LineIndex index = LineIndex::Build(sequence, 9);
  LinePieceReader measured, read;
  size_t pieces = 0;
  for (size_t line = 0; line < index.LineCount(); ++line) {
    const LineStart begin = index.Line(line), end = index.LineEnd(line);
    for (uint64_t t = begin.token; t < end.token || (t == end.token && end.cell > 0); ++t) {
      DisplayUnitReader reader = read.Read(t, sequence.Token(t), begin, end);
      uint32_t cells = 0;
      for (DisplayUnit unit; reader.Next(unit);) cells += unit.cells;
      const LinePieceReader::PieceWidth width = measured.Measure(t, sequence.Token(t), begin, end);
      EXPECT_EQ(width.cells, cells) << "token " << t << " on line " << line;
      EXPECT_EQ(width.byte_begin, reader.ByteBegin()) << "token " << t << " on line " << line;
      EXPECT_EQ(width.byte_end, reader.ByteEnd()) << "token " << t << " on line " << line;
      ++pieces;
    }
  }
  EXPECT_GT(pieces, sequence.TokenCount());  // some tokens were split across lines
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
