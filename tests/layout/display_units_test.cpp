// Display units without fonts: cell widths (East Asian Width), grapheme clusters (UAX #29),
// zero-width and bidi control markers, and bidi order inside a token (UAX #9).

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
  // A conjunct: a cell per consonant and spacing vowel sign (shaping_atlas_test checks the
  // shaped conjuncts fit these cells).
  EXPECT_EQ(Cells("क्ष"), (std::vector<int>{2}));
  EXPECT_EQ(Cells("श्र्व"), (std::vector<int>{3}));
  EXPECT_EQ(Cells("स्त्री"), (std::vector<int>{4}));
  EXPECT_EQ(Cells("क्षत्रिय"), (std::vector<int>{6}));
  EXPECT_EQ(Cells("สวัสดี"), (std::vector<int>{4}));        // Thai vowel marks stack
  EXPECT_EQ(Cells("שלום עולם"), (std::vector<int>{4, 1, 4}));
  EXPECT_EQ(Units(std::string(40, 'x')).size(), 40u);
  std::string long_arabic;
  for (int i = 0; i < 20; ++i) long_arabic += "ب";
  EXPECT_EQ(Cells(long_arabic), (std::vector<int>{kMaxUnitCells, 20 - kMaxUnitCells}));
}

TEST(DisplayUnits, ZeroWidthAndControlCharactersAreVisibleMarkers) {
  for (const char* text : {"\u200B", "\u200D", "\u2060", "\uFEFF", "\U000E0041"}) {
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

// The units' texts in the order ReorderForDisplay gives, separated by '|'.
std::string VisualUnits(const std::string& text) {
  std::vector<DisplayUnit> units = Units(text);
  ReorderForDisplay(text, units);
  std::string visual;
  for (const DisplayUnit& unit : units) {
    if (!visual.empty()) visual += '|';
    visual += text.substr(unit.byte_begin, unit.byte_end - unit.byte_begin);
  }
  return visual;
}

TEST(DisplayUnits, RightToLeftSpansAreReversedNumbersAndOtherTextAreNot) {
  EXPECT_EQ(VisualUnits("abc שלום עולם 42 (x)"), "a|b|c| |4|2| |עולם| |שלום| |(|x|)");
  std::string text = "(שלום)";
  std::vector<DisplayUnit> units = Units(text);
  ReorderForDisplay(text, units);
  // A right-to-left token: its opening bracket is on the right, drawn mirrored, and its closing
  // one on the left, so it reads "(שלום)" as it should.
  ASSERT_EQ(units.size(), 3u);
  EXPECT_EQ(units.front().glyph, U'(');
  EXPECT_EQ(text.substr(units.front().byte_begin, 1), ")");
  EXPECT_EQ(VisualUnits(" עולם"), "עולם| ") << "a right-to-left token's leading space is on its right";
  text = "א(ב)ג";
  units = Units(text);
  ReorderForDisplay(text, units);
  ASSERT_EQ(units.size(), 5u);
  EXPECT_EQ(units[1].glyph, U'(') << "the closing bracket, mirrored, now opens";
  EXPECT_EQ(units[3].glyph, U')');
  EXPECT_EQ(VisualUnits("abc"), "a|b|c") << "no right-to-left letter: nothing moves";
}

TEST(DisplayUnits, ArabicIndicDigitsAreALeftToRightRunAfterTheArabicWordsTheyFollow) {
  // UAX #9: the paragraph is right to left (its first strong letter is Arabic), so the number read
  // first is drawn rightmost, and its digits, a run of their own, read left to right.
  EXPECT_EQ(VisualUnits("١٢٣ عربي"), "عربي| |١٢٣");
  EXPECT_EQ(VisualUnits("عربي١٢٣"), "١٢٣|عربي") << "digits never share a shaped run with letters";
  EXPECT_EQ(VisualUnits("سنة 2024 م"), "م| |2|0|2|4| |سنة");
  EXPECT_EQ(Cells("١٢٣"), (std::vector<int>{3}));
}

TEST(DisplayUnits, BidiControlsAreAbbreviatedMarkersAndNeverApplied) {
  const char* const controls[] = {"\u200E", "\u200F", "\u061C", "\u202A", "\u202B", "\u202C",
                                  "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"};
  const char* const names[] = {"LRM", "RLM", "ALM", "LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"};
  for (size_t i = 0; i < std::size(controls); ++i) {
    const std::vector<DisplayUnit> units = Units(controls[i]);
    ASSERT_EQ(units.size(), 1u) << names[i];
    EXPECT_TRUE(units[0].marker && units[0].bidi_control) << names[i];
    EXPECT_EQ(units[0].cells, 3) << names[i];
    std::u32string cluster;
    AppendUnitCluster(controls[i], units[0], cluster);
    EXPECT_EQ(cluster, std::u32string(names[i], names[i] + 3));
    size_t pos = 0;
    EXPECT_EQ(BidiControlMarker(DecodeUtf8(controls[i], pos)), names[i]);
  }
  EXPECT_TRUE(BidiControlMarker(U'a').empty());
  EXPECT_TRUE(BidiControlMarker(0x200B).empty());
  // An override would draw "abc" as "cba" and the Hebrew left to right: neither happens.
  EXPECT_EQ(VisualUnits("\u202Eabc"), "\u202E|a|b|c");
  EXPECT_EQ(VisualUnits("\u202Dאב גד"), "גד| |אב|\u202D");
  EXPECT_EQ(VisibleWhitespace("a\u202Eb"), "a<RLO>b");
}

TEST(DisplayUnits, ALoneCombiningMarkIsDrawnOnADottedCircleInItsOwnCell) {
  for (const char* token : {"\u0301", "\u0323\u0302", "\u0E35\u0E48", "\u093F"}) {
    const std::vector<DisplayUnit> units = Units(token);
    ASSERT_EQ(units.size(), 1u) << token;
    EXPECT_TRUE(units[0].lone_mark);
    EXPECT_EQ(units[0].glyph, 0u);
    EXPECT_EQ(units[0].cells, 1);
    std::u32string cluster;
    AppendUnitCluster(token, units[0], cluster);
    EXPECT_EQ(cluster.front(), kDottedCircle);
    size_t marks = 0;
    ForEachCodePoint(token, [&marks](char32_t) { ++marks; });
    EXPECT_EQ(cluster.size(), 1 + marks) << "the marks follow";
  }
  // After a marker there is nothing to attach to either.
  const std::vector<DisplayUnit> units = Units("\u200B\u0301");
  ASSERT_EQ(units.size(), 2u);
  EXPECT_TRUE(units[1].lone_mark);
  EXPECT_FALSE(Units("e\u0301")[0].lone_mark);
}

TEST(DisplayUnits, AGraphemeClusterTakesItsCellsOnce) {
  EXPECT_EQ(Cells("👨\u200D👩\u200D👧\u200D👦"), (std::vector<int>{2})) << "a ZWJ family is one emoji";
  EXPECT_EQ(Cells("🇫🇷"), (std::vector<int>{2})) << "a flag";
  EXPECT_EQ(Cells("🇫🇷🇩🇪"), (std::vector<int>{2, 2})) << "regional indicators pair up";
  EXPECT_EQ(Cells("👍🏽"), (std::vector<int>{2})) << "a skin tone";
  EXPECT_EQ(Cells("❤\uFE0F"), (std::vector<int>{2})) << "emoji presentation";
  EXPECT_EQ(Cells("❤"), (std::vector<int>{1}));
  EXPECT_EQ(Cells("❤\uFE0E"), (std::vector<int>{1})) << "text presentation";
  EXPECT_EQ(Cells("1\uFE0F\u20E3"), (std::vector<int>{2})) << "a keycap";
  EXPECT_EQ(Cells("🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"), (std::vector<int>{2}));
  EXPECT_EQ(Cells("\u1100\u1161\u11A8"), (std::vector<int>{2})) << "a Hangul syllable of jamo";
  // A joiner outside an emoji sequence or a shaped run links nothing, so it stays visible.
  const std::vector<DisplayUnit> units = Units("a\u200Db");
  ASSERT_EQ(units.size(), 3u);
  EXPECT_EQ(units[1].glyph, kZeroWidthMarker);
  EXPECT_EQ(Cells("🙂\u200Da"), (std::vector<int>{2, 1, 1}));
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
  EXPECT_EQ(index.Line(1), (LineStart{0, 2, 3}));  // cell 2 is the second character, at byte 3
  const VisibleLayout layout = LayoutLines(sequence, index, {}, 0, 3);
  for (const TokenInstance& instance : layout.instances) EXPECT_EQ(instance.cells, 2);
}

TEST(DisplayUnits, MalformedBytesAreDimHexUnitsAndARealReplacementCharacterIsAGlyph) {
  const std::string token = "a\xE4\xBD\xEF\xBF\xBD";  // a, a truncated 中, then an encoded U+FFFD
  const std::vector<DisplayUnit> units = Units(token);
  ASSERT_EQ(units.size(), 4u);
  for (const size_t i : {size_t{1}, size_t{2}}) {
    EXPECT_TRUE(units[i].malformed_byte);
    EXPECT_TRUE(units[i].marker);
    EXPECT_EQ(units[i].glyph, 0u);
    EXPECT_EQ(units[i].cells, kMalformedByteCells);
    EXPECT_EQ(units[i].byte_end, units[i].byte_begin + 1) << "one byte, never dropped";
  }
  EXPECT_EQ(units[3].glyph, kReplacementChar);
  EXPECT_FALSE(units[3].malformed_byte);
  std::u32string cluster;
  AppendUnitCluster(token, units[2], cluster);
  EXPECT_EQ(cluster, U"\\xBD");
  EXPECT_EQ(VisibleWhitespace("a\xE4 "), "a\\xE4\xC2\xB7");
}

TEST(DisplayUnits, LayoutDrawsAMalformedByteAsOneDimHexClusterThatIsNeverSplit) {
  Sequence sequence;
  sequence.AppendToken("ab\x9F");
  const LineIndex index = LineIndex::Build(sequence, 4);  // the hex form does not fit after "ab"
  ASSERT_EQ(index.LineCount(), 2u);
  EXPECT_EQ(index.Line(1), (LineStart{0, 2, 2}));
  const VisibleLayout layout = LayoutLines(sequence, index, {}, 0, 2);
  ASSERT_EQ(layout.instances.size(), 2u);
  EXPECT_EQ(layout.instances[1].cells, kMalformedByteCells);
  const uint32_t first = layout.cells[layout.instances[1].first_cell];
  EXPECT_EQ(first & (kClusterBit | kMarkerBit), kClusterBit | kMarkerBit);
  EXPECT_EQ(layout.clusters[first & kCellValueMask], U"\\x9F");
  // The byte ranges still cover the token exactly, so box texts concatenate to its bytes.
  EXPECT_EQ(BoxText(sequence, layout, 0) + BoxText(sequence, layout, 1), "ab\x9F");
}

TEST(DisplayUnits, SpacesOfAWhitespaceOnlyTokenAreDimDotsElsewhereBlank) {
  std::vector<DisplayUnit> units = Units("  \t\n");
  ASSERT_EQ(units.size(), 4u);
  EXPECT_EQ(units[0].glyph, U'\u00B7');
  EXPECT_EQ(units[1].glyph, U'\u00B7');
  EXPECT_EQ(units[2].glyph, U'\u21E5');
  EXPECT_EQ(units[3].glyph, U'\u21B5');
  for (const DisplayUnit& unit : units) EXPECT_TRUE(unit.marker);
  EXPECT_TRUE(units[3].breaks_line);
  EXPECT_EQ(Units(" ")[0].glyph, U'\u00B7');
  EXPECT_EQ(Units("\u00A0")[0].glyph, U'\u00B7');
  EXPECT_EQ(Cells("\u3000"), (std::vector<int>{2})) << "a wide space keeps its width";
  units = Units(" the ");
  EXPECT_EQ(units.front().glyph, U' ');
  EXPECT_FALSE(units.front().marker) << "a space beside text stays a space";
  EXPECT_EQ(units.back().glyph, U' ');
}

TEST(DisplayUnits, AWhitespaceOnlyTokenWithANewlineStillBreaksTheLine) {
  Sequence sequence;
  for (const char* token : {"a", " ", " \n", "b"}) sequence.AppendToken(token);
  const LineIndex index = LineIndex::Build(sequence, 80);
  ASSERT_EQ(index.LineCount(), 2u);
  EXPECT_EQ(index.Line(1), (LineStart{3, 0}));
  const VisibleLayout layout = LayoutLines(sequence, index, {}, 0, 2);
  ASSERT_EQ(layout.instances.size(), 4u);
  EXPECT_EQ(layout.instances[1].cells, 1);
  EXPECT_EQ(layout.cells[layout.instances[1].first_cell], U'\u00B7' | kMarkerBit);
  EXPECT_EQ(layout.instances[2].cells, 2);
  EXPECT_EQ(layout.instances[3].row, 1);
}

}  // namespace
}  // namespace th
