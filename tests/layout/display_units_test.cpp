// Display units without fonts: cell widths (East Asian Width), clusters, zero-width markers and
// right-to-left order inside a token.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "layout/display_cells.hpp"
#include "layout/line_index.hpp"
#include "layout/visible_layout.hpp"

namespace th {
namespace {

std::vector<DisplayUnit> Units(std::string_view text) {
  std::vector<DisplayUnit> units;
  SplitDisplayUnits(text, units);
  return units;
}

std::vector<int> Cells(std::string_view text) {
  std::vector<int> cells;
  for (const DisplayUnit& unit : Units(text)) cells.push_back(unit.cells);
  return cells;
}

TEST(CharClass, EastAsianWideAndFullwidthAreWide) {
  for (const char32_t cp : {U'中', U'日', U'ア', U'한', U'Ａ', U'　', U'🙂', U'\U00020000'}) EXPECT_TRUE(IsWide(cp)) << static_cast<uint32_t>(cp);
  for (const char32_t cp : {U'a', U'é', U'ｶ', U'→', U'א', U'ا', U'न', U'ส'}) EXPECT_FALSE(IsWide(cp)) << static_cast<uint32_t>(cp);
}

TEST(DisplayUnits, WideCharactersTakeTwoCellsAndMarksNone) {
  EXPECT_EQ(Cells("a中b"), (std::vector<int>{1, 2, 1}));
  EXPECT_EQ(Cells("e\u0301"), (std::vector<int>{1}));       // e + combining acute: one grapheme
  EXPECT_EQ(Cells("ả ấ"), (std::vector<int>{1, 1, 1}));    // precomposed Vietnamese
  EXPECT_EQ(Cells("🙂\U0001F3FD"), (std::vector<int>{2}));  // the skin tone joins its emoji
  EXPECT_EQ(Units("e\u0301")[0].glyph, 0u) << "several code points: shaped as one cluster";
  EXPECT_EQ(Units("x")[0].glyph, U'x');
}

TEST(DisplayUnits, ComplexScriptRunsAreOneUnitWithACellPerLetter) {
  EXPECT_EQ(Cells("مرحبا"), (std::vector<int>{5}));        // Arabic letters join: one shaped run
  EXPECT_EQ(Cells("नमस्ते"), (std::vector<int>{4}));        // virama and vowel sign take no cell
  EXPECT_EQ(Cells("สวัสดี"), (std::vector<int>{4}));        // Thai vowel marks stack
  EXPECT_EQ(Cells("שלום עולם"), (std::vector<int>{4, 1, 4}));
  EXPECT_EQ(Units(std::string(40, 'x')).size(), 40u);
  std::string long_arabic;
  for (int i = 0; i < 20; ++i) long_arabic += "ب";
  EXPECT_EQ(Cells(long_arabic), (std::vector<int>{kMaxUnitCells, 20 - kMaxUnitCells}));
}

TEST(DisplayUnits, ZeroWidthAndControlCharactersAreVisibleMarkers) {
  for (const char* text : {"\u200B", "\u200D", "\u2060", "\uFEFF", "\u200E"}) {
    const std::vector<DisplayUnit> units = Units(text);
    ASSERT_EQ(units.size(), 1u) << text;
    EXPECT_TRUE(units[0].marker);
    EXPECT_EQ(units[0].glyph, kZeroWidthMarker);
    EXPECT_EQ(units[0].cells, 1);
  }
  EXPECT_EQ(Units(std::string(1, '\0'))[0].glyph, U'\u2400');
  EXPECT_EQ(Units("\t")[0].glyph, U'\u21E5');
  EXPECT_TRUE(Units("\n")[0].breaks_line);
  EXPECT_EQ(Units("")[0].glyph, kEmptyTokenMarker);
  // Inside an Arabic or Indic run a joiner shapes the text and takes no cell.
  EXPECT_EQ(Cells("ب\u200Dب"), (std::vector<int>{2}));
  EXPECT_EQ(VisibleWhitespace("a\u200Bb"), "a\u2B1Ab");
}

TEST(DisplayUnits, RightToLeftSpansAreReversedNumbersAndOtherTextAreNot) {
  std::vector<DisplayUnit> units = Units("abc שלום עולם 42 (x)");
  ReorderForDisplay(units);
  std::string visual;
  const std::string text = "abc שלום עולם 42 (x)";
  for (const DisplayUnit& unit : units) visual += text.substr(unit.byte_begin, unit.byte_end - unit.byte_begin);
  EXPECT_EQ(visual, "abc 42 עולם שלום (x)");
  units = Units("(שלום)");
  ReorderForDisplay(units);
  EXPECT_EQ(units.front().glyph, U'(');  // the neutrals around the span keep the left-to-right order
  units = Units("א(ב)ג");
  ReorderForDisplay(units);
  ASSERT_EQ(units.size(), 5u);
  EXPECT_EQ(units[1].glyph, U'(') << "the closing bracket, mirrored, now opens";
  EXPECT_EQ(units[3].glyph, U')');
}

TEST(DisplayUnits, LayoutEmitsContinuationCellsAndClusters) {
  Sequence sequence;
  sequence.AppendToken("中e\u0301");
  const LineIndex index = LineIndex::Build(sequence, 80);
  const VisibleLayout layout = LayoutLines(sequence, index, {}, 0, 1);
  ASSERT_EQ(layout.cells.size(), 3u);
  EXPECT_EQ(layout.cells[0], static_cast<uint32_t>(U'中'));
  EXPECT_EQ(layout.cells[1], kContinuationBit);
  ASSERT_EQ(layout.cells[2] & kClusterBit, kClusterBit);
  EXPECT_EQ(layout.clusters[layout.cells[2] & kCellValueMask], U"e\u0301");
  EXPECT_EQ(layout.instances[0].cells, 3);
}

TEST(DisplayUnits, WideCharactersAreNeverSplitAcrossLines) {
  Sequence sequence;
  sequence.AppendToken("中文字");  // 6 cells on lines of 3: one character per line
  const LineIndex index = LineIndex::Build(sequence, 3);
  EXPECT_EQ(index.LineCount(), 3u);
  EXPECT_EQ(index.Line(1), (LineStart{0, 2}));
  const VisibleLayout layout = LayoutLines(sequence, index, {}, 0, 3);
  for (const TokenInstance& instance : layout.instances) EXPECT_EQ(instance.cells, 2);
}

}  // namespace
}  // namespace th
