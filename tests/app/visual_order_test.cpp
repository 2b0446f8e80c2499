// Text for ImGui, which neither reorders nor joins: right-to-left runs in display order, Arabic
// letters in their joined forms, everything else untouched; and the glyphs those need.
#include "ui/visual_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/utf8.hpp"
#include "imgui.h"
#include "ui/missing_glyphs.hpp"

namespace th::ui {
namespace {

TEST(VisualOrder, LeftToRightTextIsUnchanged) {
  EXPECT_EQ(VisualOrder("hello·world"), "hello·world");
  EXPECT_EQ(VisualOrder("\xE2\x86\xB5 \xED\x95\x9C\xEA\xB5\xAD"), "\xE2\x86\xB5 \xED\x95\x9C\xEA\xB5\xAD");  // ↵ 한국
  EXPECT_EQ(VisualOrder(""), "");
}

TEST(VisualOrder, HebrewReadsRightToLeftInsideALeftToRightLine) {
  // "a שלום b": the Hebrew word's letters come out last to first, the Latin ones stay in place.
  EXPECT_EQ(VisualOrder("a \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D b"), "a \xD7\x9D\xD7\x95\xD7\x9C\xD7\xA9 b");
}

// A newline ends a paragraph: each line is reversed on its own, and the lines keep their order.
TEST(VisualOrder, EachLineIsOrderedOnItsOwn) {
  EXPECT_EQ(VisualOrder("\xD7\x90\xD7\x91\nab\n\xD7\x92\xD7\x93"), "\xD7\x91\xD7\x90\nab\n\xD7\x93\xD7\x92");  // אב / ab / גד
  EXPECT_EQ(VisualOrder("\n"), "\n");
}

TEST(VisualOrder, ArabicLettersJoinAndReverse) {
  // بحث (beh, hah, theh): drawn as final theh, medial hah, initial beh, left to right.
  EXPECT_EQ(VisualOrder("\xD8\xA8\xD8\xAD\xD8\xAB"), "\xEF\xBA\x9A\xEF\xBA\xA4\xEF\xBA\x91");
  // لا (lam, alef) is one ligature glyph; the letter it absorbed leaves nothing behind.
  EXPECT_EQ(VisualOrder("\xD9\x84\xD8\xA7"), "\xEF\xBB\xBB");
}

// An ImGui context with the built-in font, which has neither Arabic nor anything beyond ASCII and
// Latin-1, so every other character is missing from it.
class PanelFont : public ::testing::Test {
 protected:
  void SetUp() override {
    ImGui::CreateContext();
    ImGui::GetIO().Fonts->AddFontDefault();
    ImGui::GetIO().Fonts->Build();
    TakeMissingGlyphs();
  }
  void TearDown() override { ImGui::DestroyContext(); }

  static bool Has(const std::vector<NeededGlyph>& glyphs, char32_t cp) {
    return std::any_of(glyphs.begin(), glyphs.end(), [cp](const NeededGlyph& glyph) { return glyph.code_point == cp; });
  }
};

// The panels draw Arabic as its presentation forms, so those are the characters the fallback must
// bring: noting the text notes them too.
TEST_F(PanelFont, GlyphsNeededAreTheShownCharacters) {
  NoteGlyphsNeeded("\xD8\xA8\xD8\xAD\xD8\xAB");  // بحث
  const std::vector<NeededGlyph> missing = TakeMissingGlyphs();
  for (const char32_t cp : {0x0628, 0x062D, 0x062B, 0xFE9A, 0xFEA4, 0xFE91}) {
    EXPECT_TRUE(Has(missing, cp)) << std::hex << static_cast<uint32_t>(cp);
    EXPECT_TRUE(std::find(missing.begin(), missing.end(), NeededGlyph{cp, static_cast<uint16_t>(cp)}) != missing.end())
        << "a 16-bit character is drawn as itself: " << std::hex << static_cast<uint32_t>(cp);
  }
}

// ImGui's characters are 16 bits: an emoji would reach it as U+FFFD. PanelText writes a stand-in
// from the private use area in its place, the same one every time, and reports the pair once.
TEST_F(PanelFont, CharactersBeyondSixteenBitsGetStandInsTheFontIsGivenGlyphsFor) {
  const std::string first = PanelText("a\xF0\x9F\x98\x80" "b\xF0\x9D\x91\xA5");  // a😀b𝑥
  ASSERT_EQ(first.size(), 1 + 3 + 1 + 3u) << "each becomes one three-byte character";
  EXPECT_EQ(first[0], 'a');
  EXPECT_EQ(first[4], 'b');
  const std::string emoji_stand_in = first.substr(1, 3);
  const std::string x_stand_in = first.substr(5, 3);
  EXPECT_NE(emoji_stand_in, x_stand_in);
  for (const std::string& stand_in : {emoji_stand_in, x_stand_in}) {
    const auto lead = static_cast<unsigned char>(stand_in[0]);
    EXPECT_TRUE(lead == 0xEE || lead == 0xEF) << "U+E000..U+F8FF encode with EE or EF";
  }
  EXPECT_EQ(PanelText("\xF0\x9F\x98\x80"), emoji_stand_in) << "the same character keeps its stand-in";
  const std::vector<NeededGlyph> missing = TakeMissingGlyphs();
  ASSERT_EQ(missing.size(), 2u) << "each character is reported once";
  EXPECT_EQ(missing[0].code_point, U'\U0001F600');
  EXPECT_EQ(missing[1].code_point, U'\U0001D465');
  for (const NeededGlyph& glyph : missing) {
    EXPECT_GE(glyph.drawn_as, 0xE000);
    EXPECT_LE(glyph.drawn_as, 0xF8FF);
    std::string encoded;
    AppendUtf8(encoded, glyph.drawn_as);
    EXPECT_EQ(encoded, glyph.code_point == U'\U0001F600' ? emoji_stand_in : x_stand_in);
  }
}

// The text's own private-use characters would show whatever character was given that stand-in.
TEST_F(PanelFont, TheTextsOwnPrivateUseCharactersAreDrawnAsReplacementCharacters) {
  PanelText("\xF0\x9F\x9A\x80");  // 🚀 takes a stand-in
  std::string stand_in;
  AppendUtf8(stand_in, TakeMissingGlyphs().at(0).drawn_as);
  EXPECT_EQ(PanelText("x" + stand_in + "\xEF\xA3\xBF"), "x\xEF\xBF\xBD\xEF\xBF\xBD");  // U+F8FF too
  EXPECT_TRUE(TakeMissingGlyphs().empty()) << "a private-use character is not looked for in fallback fonts";
}

// Right-to-left text is put in display order before its characters are replaced or noted.
TEST_F(PanelFont, PanelTextIsInDisplayOrder) {
  EXPECT_EQ(PanelText("a \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D b"), VisualOrder("a \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D b"));
  EXPECT_TRUE(Has(TakeMissingGlyphs(), 0x05E9));
}

}  // namespace
}  // namespace th::ui
