// One token of millions of characters: wrapped, laid out and read back line by line in time linear
// in its length. Each line is laid out from where it starts in the token, so laying out every
// line of a 2 MB token, all at once or one line per call as a scrolling view does, takes
// milliseconds (re-reading the token from its start for each line took minutes).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "layout/display_cells.hpp"
#include "layout/folded_layout.hpp"
#include "layout/line_index.hpp"
#include "layout/visible_layout.hpp"
#include "sequence_fixture.hpp"

namespace th {
namespace {

constexpr int kColumns = 100;

// About 2 MB of ASCII, accented (base + combining mark), wide and right-to-left text, so that
// cells, bytes and units all differ and wide units do not fit at the end of some lines.
std::string LongToken() {
  std::string token;
  while (token.size() < (size_t{2} << 20)) token += "The cafe\u0301 \u4E2D\u6587 \u05E9\u05DC\u05D5\u05DD x=42; ";
  return token;
}

// Where the lines after the first start in a token that starts at first_column, wrapped greedily
// unit by unit: a reference in one pass.
std::vector<uint32_t> ReferenceLineStarts(std::string_view token, int first_column) {
  std::vector<DisplayUnit> units;
  SplitDisplayUnits(token, units);
  std::vector<uint32_t> starts;
  int column = first_column;
  for (const DisplayUnit& unit : units) {
    if (column + unit.cells > kColumns) {
      starts.push_back(unit.byte_begin);
      column = 0;
    }
    column += unit.cells;
  }
  return starts;
}

TEST(LongToken, EveryLineIsLaidOutFromWhereItStartsInTheToken) {
  const std::string token = LongToken();
  // A token longer than a line starts right after "before ", on the first line.
  const Sequence sequence = MakeSequence({"before ", token});
  const LineIndex index = LineIndex::Build(sequence, kColumns);
  const std::vector<uint32_t> starts = ReferenceLineStarts(token, 7);
  ASSERT_EQ(index.LineCount(), starts.size() + 1);
  for (size_t line = 1; line < index.LineCount(); ++line) {
    ASSERT_EQ(index.Line(line).token, 1u);
    ASSERT_EQ(index.Line(line).byte, starts[line - 1]) << "line " << line;
  }

  const VisibleLayout whole = LayoutLines(sequence, index, {}, 0, index.LineCount());
  ASSERT_EQ(whole.instances.size(), index.LineCount() + 1);  // and "before "
  std::string text;
  for (size_t i = 0; i < whole.instances.size(); ++i) {
    EXPECT_LE(whole.instances[i].column + whole.instances[i].cells, kColumns);
    text += BoxText(sequence, whole, i);
  }
  EXPECT_EQ(text, "before " + token);

  // One line per call, as the view lays out what it shows: the same boxes.
  for (size_t line = 0; line < index.LineCount(); ++line) {
    const VisibleLayout one = LayoutLines(sequence, index, {}, line, 1);
    const TokenInstance& piece = one.instances.back();  // the long token's
    const size_t box = line + 1;
    ASSERT_EQ(one.byte_begin.back(), whole.byte_begin[box]) << "line " << line;
    ASSERT_EQ(one.byte_end.back(), whole.byte_end[box]) << "line " << line;
    ASSERT_EQ(piece.cells, whole.instances[box].cells) << "line " << line;
    ASSERT_EQ(piece.column, whole.instances[box].column) << "line " << line;
  }
}

TEST(LongToken, FoldedLinesCoverTheTokenOnce) {
  const std::string token = LongToken();
  const Sequence sequence = MakeSequence({token});
  const LineIndex index = LineIndex::Build(sequence, kColumns);
  const VisibleLayout folded = LayoutFoldedLines(sequence, index, {}, 0, index.LineCount(), 4, Reduction::kMean);
  ASSERT_EQ(folded.instances.size(), index.LineCount());  // one token: one block per line
  std::string text;
  for (size_t i = 0; i < folded.instances.size(); ++i) text += BoxText(sequence, folded, i);
  EXPECT_EQ(text, token);
}

TEST(LongToken, AFloodOfCombiningMarksBecomesUnitsOfBoundedLength) {
  // A base and 300,000 acute accents: each unit (one shaped image) holds at most
  // kMaxUnitCodePoints code points, and the flood wraps like any long token.
  std::string token = "e";
  for (int i = 0; i < 300'000; ++i) token += "\u0301";
  std::vector<DisplayUnit> units;
  SplitDisplayUnits(token, units);
  ASSERT_EQ(units.size(), (300'001 + kMaxUnitCodePoints - 1) / kMaxUnitCodePoints);
  for (const DisplayUnit& unit : units) EXPECT_EQ(unit.cells, 1);
  std::u32string cluster;
  AppendUnitCluster(token, units[0], cluster);
  EXPECT_EQ(cluster.size(), static_cast<size_t>(kMaxUnitCodePoints));
  const Sequence sequence = MakeSequence({token});
  EXPECT_EQ(LineIndex::Build(sequence, kColumns).LineCount(), (units.size() + kColumns - 1) / kColumns);
}

}  // namespace
}  // namespace th
