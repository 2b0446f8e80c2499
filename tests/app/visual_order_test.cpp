// Tooltip text for ImGui, which neither reorders nor joins: right-to-left runs in display order,
// Arabic letters in their joined forms, everything else untouched.
#include "ui/visual_order.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace th::ui
