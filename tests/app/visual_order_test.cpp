// Text for ImGui, which neither reorders nor joins: right-to-left runs in display order, Arabic
// letters in their joined forms, everything else untouched; and the glyphs those need.
#include "ui/visual_order.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

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

TEST(VisualOrder, ArabicLettersJoinAndReverse) {
  // بحث (beh, hah, theh): drawn as final theh, medial hah, initial beh, left to right.
  EXPECT_EQ(VisualOrder("\xD8\xA8\xD8\xAD\xD8\xAB"), "\xEF\xBA\x9A\xEF\xBA\xA4\xEF\xBA\x91");
  // لا (lam, alef) is one ligature glyph; the letter it absorbed leaves nothing behind.
  EXPECT_EQ(VisualOrder("\xD9\x84\xD8\xA7"), "\xEF\xBB\xBB");
}

// The panels draw Arabic as its presentation forms, so those are the characters the fallback must
// bring: noting the text notes them too (ImGui's default font has neither).
TEST(VisualOrder, GlyphsNeededAreTheShownCharacters) {
  ImGui::CreateContext();
  ImGui::GetIO().Fonts->AddFontDefault();
  ImGui::GetIO().Fonts->Build();
  TakeMissingGlyphs();
  NoteGlyphsNeeded("\xD8\xA8\xD8\xAD\xD8\xAB");  // بحث
  const std::vector<char32_t> missing = TakeMissingGlyphs();
  ImGui::DestroyContext();
  for (const char32_t cp : {0x0628, 0x062D, 0x062B, 0xFE9A, 0xFEA4, 0xFE91})
    EXPECT_NE(std::find(missing.begin(), missing.end(), cp), missing.end()) << std::hex << static_cast<uint32_t>(cp);
}

}  // namespace
}  // namespace th::ui
