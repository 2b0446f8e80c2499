// Runs against the real FreeType and fontconfig with the system fonts; expects DejaVu Sans Mono
// as "monospace" and DejaVu Sans installed (Debian: fonts-dejavu-core).

#include "text/glyph_atlas.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "text/font_source.hpp"

namespace th {
namespace {

constexpr char32_t kNoFontHasIt = U'\U0010FFFD';  // private use, plane 16
constexpr char32_t kOnlyInDejaVuSans = U'\u1EA3';  // 'ả': DejaVu Sans, not Sans Mono

// The pixels of one slot, row by row.
std::vector<uint8_t> SlotPixels(const GlyphAtlas& atlas, uint32_t slot) {
  const int x0 = static_cast<int>(slot % GlyphAtlas::kSlotsPerRow) * atlas.CellWidth();
  const int y0 = static_cast<int>(slot / GlyphAtlas::kSlotsPerRow) * atlas.CellHeight();
  std::vector<uint8_t> pixels;
  for (int y = y0; y < y0 + atlas.CellHeight(); ++y) {
    for (int x = x0; x < x0 + atlas.CellWidth(); ++x) {
      pixels.push_back(atlas.Pixels()[static_cast<size_t>(y) * atlas.Width() + x]);
    }
  }
  return pixels;
}

int InkedCount(const std::vector<uint8_t>& pixels) {
  int count = 0;
  for (const uint8_t p : pixels) count += p != 0;
  return count;
}

// Rows of the slot that have any coverage: first and one past the last.
std::pair<int, int> InkedRows(const GlyphAtlas& atlas, uint32_t slot) {
  const std::vector<uint8_t> pixels = SlotPixels(atlas, slot);
  int first = atlas.CellHeight(), end = 0;
  for (int y = 0; y < atlas.CellHeight(); ++y) {
    for (int x = 0; x < atlas.CellWidth(); ++x) {
      if (pixels[static_cast<size_t>(y) * atlas.CellWidth() + x] != 0) {
        first = std::min(first, y);
        end = y + 1;
      }
    }
  }
  return {first, end};
}

TEST(GlyphAtlasTest, CellMetricsAreSaneAt16Px) {
  const GlyphAtlas atlas("monospace", 16);
  EXPECT_EQ(atlas.PixelSize(), 16);
  EXPECT_GE(atlas.CellWidth(), 8);
  EXPECT_LE(atlas.CellWidth(), 11);
  EXPECT_GE(atlas.CellHeight(), 16);
  EXPECT_LE(atlas.CellHeight(), 24);
  EXPECT_GT(atlas.Baseline(), 1);
  EXPECT_LT(atlas.Baseline(), atlas.CellHeight() - 1);
  EXPECT_EQ(atlas.Width(), GlyphAtlas::kSlotsPerRow * atlas.CellWidth());
  EXPECT_EQ(atlas.Height(), atlas.CellHeight());
  EXPECT_EQ(atlas.Pixels().size(), static_cast<size_t>(atlas.Width()) * atlas.Height());
  EXPECT_TRUE(std::filesystem::is_regular_file(atlas.PrimaryFontPath()));
}

TEST(GlyphAtlasTest, LargerPixelSizeGivesLargerCells) {
  const GlyphAtlas small("monospace", 16);
  const GlyphAtlas large("monospace", 32);
  EXPECT_GT(large.CellWidth(), small.CellWidth());
  EXPECT_GT(large.CellHeight(), small.CellHeight());
}

TEST(GlyphAtlasTest, SpaceAndNulUseTheBlankSlotWithoutRasterising) {
  GlyphAtlas atlas("monospace", 16);
  const uint64_t generation = atlas.Generation();
  EXPECT_EQ(atlas.SlotFor(U' '), GlyphAtlas::kBlankSlot);
  EXPECT_EQ(atlas.SlotFor(0), GlyphAtlas::kBlankSlot);
  EXPECT_EQ(atlas.Generation(), generation);
  EXPECT_EQ(InkedCount(SlotPixels(atlas, GlyphAtlas::kBlankSlot)), 0);
}

TEST(GlyphAtlasTest, LetterIsDrawnInItsOwnSlotOnly) {
  GlyphAtlas atlas("monospace", 16);
  const uint32_t slot = atlas.SlotFor(U'A');
  ASSERT_NE(slot, GlyphAtlas::kBlankSlot);
  const int inked = InkedCount(SlotPixels(atlas, slot));
  EXPECT_GT(inked, 0);
  EXPECT_EQ(InkedCount(SlotPixels(atlas, GlyphAtlas::kBlankSlot)), 0);
  EXPECT_EQ(InkedCount(atlas.Pixels()), inked);
}

TEST(GlyphAtlasTest, GlyphsSitOnTheBaselineInsideThePadding) {
  GlyphAtlas atlas("monospace", 16);
  // Capitals end right above the baseline row; descenders go below it; nothing touches the
  // 1-px padding rows, so nothing was clipped.
  EXPECT_EQ(InkedRows(atlas, atlas.SlotFor(U'A')).second, atlas.Baseline());
  EXPECT_GT(InkedRows(atlas, atlas.SlotFor(U'g')).second, atlas.Baseline());
  for (const char32_t cp : {U'g', U'Á', U'|', U'_', U'j'}) {
    const auto [first, end] = InkedRows(atlas, atlas.SlotFor(cp));
    EXPECT_GE(first, 1) << static_cast<uint32_t>(cp);
    EXPECT_LE(end, atlas.CellHeight() - 1) << static_cast<uint32_t>(cp);
  }
}

TEST(GlyphAtlasTest, SlotsAreStablePerCodePointAndDistinctAcrossThem) {
  GlyphAtlas atlas("monospace", 16);
  const uint32_t a = atlas.SlotFor(U'A');
  const uint32_t b = atlas.SlotFor(U'B');
  EXPECT_NE(a, b);
  EXPECT_EQ(atlas.SlotFor(U'A'), a);
  EXPECT_EQ(atlas.SlotFor(U'B'), b);
}

TEST(GlyphAtlasTest, GenerationChangesOnlyWhenPixelsDo) {
  GlyphAtlas atlas("monospace", 16);
  const uint64_t before = atlas.Generation();
  atlas.SlotFor(U'A');
  const uint64_t after_new = atlas.Generation();
  EXPECT_NE(after_new, before);
  atlas.SlotFor(U'A');
  EXPECT_EQ(atlas.Generation(), after_new);
}

TEST(GlyphAtlasTest, GrowsByRowsAndKeepsEarlierSlots) {
  GlyphAtlas atlas("monospace", 16);
  const uint32_t a = atlas.SlotFor(U'A');
  const std::vector<uint8_t> a_pixels = SlotPixels(atlas, a);
  const int cell_height = atlas.CellHeight();
  // Printable ASCII has 94 visible characters; slot 0 is blank and 'A' is taken, so these
  // fill the first row and spill into the second.
  uint32_t last = a;
  for (char32_t cp = U'!'; cp <= U'~'; ++cp) last = atlas.SlotFor(cp);
  ASSERT_GE(last, static_cast<uint32_t>(GlyphAtlas::kSlotsPerRow));
  EXPECT_EQ(atlas.Height(), 2 * cell_height);
  EXPECT_EQ(atlas.Pixels().size(), static_cast<size_t>(atlas.Width()) * atlas.Height());
  EXPECT_EQ(SlotPixels(atlas, a), a_pixels);
  EXPECT_GT(InkedCount(SlotPixels(atlas, last)), 0);
}

TEST(GlyphAtlasTest, CodePointNoFontHasCountsOnceAndShowsABox) {
  GlyphAtlas atlas("monospace", 16);
  EXPECT_EQ(atlas.MissingGlyphCount(), 0u);
  const uint32_t slot = atlas.SlotFor(kNoFontHasIt);
  EXPECT_EQ(atlas.MissingGlyphCount(), 1u);
  EXPECT_EQ(atlas.SlotFor(kNoFontHasIt), slot);
  EXPECT_EQ(atlas.MissingGlyphCount(), 1u);
  EXPECT_NE(slot, GlyphAtlas::kBlankSlot);
  EXPECT_GT(InkedCount(SlotPixels(atlas, slot)), 0);
}

TEST(GlyphAtlasTest, CodePointThePrimaryFontLacksComesFromAFallback) {
  GlyphAtlas atlas("monospace", 16);
  const uint32_t missing = atlas.SlotFor(kNoFontHasIt);
  const uint32_t fallback = atlas.SlotFor(kOnlyInDejaVuSans);
  EXPECT_EQ(atlas.MissingGlyphCount(), 1u);
  const std::vector<uint8_t> pixels = SlotPixels(atlas, fallback);
  EXPECT_GT(InkedCount(pixels), 0);
  EXPECT_NE(pixels, SlotPixels(atlas, missing));
}

TEST(GlyphAtlasTest, UnknownFamilyIsSubstituted) {
  GlyphAtlas atlas("No Such Family tokenheat-test", 16);
  EXPECT_GT(atlas.CellWidth(), 0);
  EXPECT_GT(InkedCount(SlotPixels(atlas, atlas.SlotFor(U'A'))), 0);
}

TEST(GlyphAtlasTest, NonPositivePixelSizeThrowsFontError) {
  EXPECT_THROW(GlyphAtlas("monospace", 0), FontError);
  EXPECT_THROW(GlyphAtlas("monospace", -3), FontError);
  try {
    GlyphAtlas atlas("monospace", 0);
    FAIL() << "no FontError";
  } catch (const FontError& e) {
    EXPECT_EQ(std::string(e.what()), "font \"monospace\": pixel size 0 is not positive");
  }
}

TEST(FontSourceTest, PrimaryFaceServesWhatItHas) {
  FontSource fonts("monospace", 16);
  const std::optional<FontSource::GlyphSource> source = fonts.Find(U'A');
  ASSERT_TRUE(source.has_value());
  EXPECT_EQ(source->face, fonts.Primary());
  EXPECT_NE(source->glyph_index, 0u);
}

TEST(FontSourceTest, FallbackFaceServesWhatThePrimaryLacks) {
  FontSource fonts("monospace", 16);
  ASSERT_EQ(FT_Get_Char_Index(fonts.Primary(), kOnlyInDejaVuSans), 0u);
  const std::optional<FontSource::GlyphSource> source = fonts.Find(kOnlyInDejaVuSans);
  ASSERT_TRUE(source.has_value());
  EXPECT_NE(source->face, fonts.Primary());
  EXPECT_EQ(source->glyph_index, FT_Get_Char_Index(source->face, kOnlyInDejaVuSans));
  EXPECT_NE(source->glyph_index, 0u);
  EXPECT_EQ(fonts.Find(kOnlyInDejaVuSans)->face, source->face);
}

TEST(FontSourceTest, NothingFoundForACodePointNoFontHas) {
  FontSource fonts("monospace", 16);
  EXPECT_FALSE(fonts.Find(kNoFontHasIt).has_value());
  EXPECT_FALSE(fonts.Find(kNoFontHasIt).has_value());
}

// A layout's rasterising budget (the viewer's frames): what does not fit is a placeholder now and
// the real glyph when a later layout asks again; without a budget nothing waits.
TEST(GlyphAtlasBudgetTest, OverBudgetClustersArePlaceholdersUntilALaterLayout) {
  const std::u32string text = U"ABCDE";
  GlyphAtlas whole("monospace", 16);
  whole.BeginLayout();
  std::vector<uint32_t> expected;
  for (const char32_t cp : text) expected.push_back(whole.SlotFor(cp));
  EXPECT_EQ(whole.PendingInLayout(), 0u);

  GlyphAtlas atlas("monospace", 16);
  std::vector<uint32_t> slots(text.size());
  const auto layout = [&] {
    atlas.BeginLayout(1e-6);  // a nanosecond: the first new cluster of a layout, no more
    for (size_t i = 0; i < text.size(); ++i) slots[i] = atlas.SlotFor(text[i]);
  };
  layout();
  EXPECT_NE(slots[0], GlyphAtlas::kPlaceholderSlot);
  for (size_t i = 1; i < text.size(); ++i) EXPECT_EQ(slots[i], GlyphAtlas::kPlaceholderSlot) << i;
  EXPECT_EQ(atlas.PendingInLayout(), text.size() - 1);
  EXPECT_EQ(atlas.RasterisedCount(), 1u);
  EXPECT_EQ(InkedCount(SlotPixels(atlas, GlyphAtlas::kPlaceholderSlot)), 0) << "a placeholder is an empty cell";
  for (size_t pending = text.size() - 1; pending > 0; --pending) {
    const uint32_t first = slots[0];
    layout();
    EXPECT_EQ(slots[0], first) << "a glyph drawn before is found, not drawn again";
    EXPECT_EQ(atlas.PendingInLayout(), pending - 1);
  }
  EXPECT_EQ(atlas.RasterisedCount(), text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    ASSERT_NE(slots[i], GlyphAtlas::kPlaceholderSlot) << i;
    EXPECT_EQ(SlotPixels(atlas, slots[i]), SlotPixels(whole, expected[i])) << i;
  }
}

TEST(GlyphAtlasBudgetTest, KnownGlyphsAndSpacesCostNoBudget) {
  GlyphAtlas atlas("monospace", 16);
  atlas.BeginLayout();
  const uint32_t a = atlas.SlotFor(U'A');
  atlas.BeginLayout(1e-6);
  EXPECT_EQ(atlas.SlotFor(U' '), GlyphAtlas::kBlankSlot);
  EXPECT_EQ(atlas.SlotFor(U'A'), a);
  EXPECT_NE(atlas.SlotFor(U'B'), GlyphAtlas::kPlaceholderSlot) << "the layout's first new glyph";
  EXPECT_EQ(atlas.SlotFor(U'C'), GlyphAtlas::kPlaceholderSlot);
  EXPECT_EQ(atlas.PendingInLayout(), 1u);
  atlas.BeginLayout();  // no budget again: everything
  EXPECT_NE(atlas.SlotFor(U'C'), GlyphAtlas::kPlaceholderSlot);
  EXPECT_NE(atlas.SlotFor(U'D'), GlyphAtlas::kPlaceholderSlot);
  EXPECT_EQ(atlas.PendingInLayout(), 0u);
}

}  // namespace
}  // namespace th
