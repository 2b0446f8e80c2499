// Shaped clusters, wide glyphs and the atlas's memory bound, against the installed fonts
// (Debian: fonts-dejavu-core, fonts-noto-core, fonts-noto-cjk, fonts-symbola).

#include <gtest/gtest.h>

#include <optional>

#include <string>
#include <utility>
#include <vector>

#include "text/glyph_atlas.hpp"

namespace th {
namespace {

// Inked pixels of cells [first_cell, first_cell + cells) of the slot's row.
int InkIn(const GlyphAtlas& atlas, uint32_t slot, int first_cell, int cells) {
  const int x0 = static_cast<int>(slot % GlyphAtlas::kSlotsPerRow + first_cell) * atlas.CellWidth();
  const int y0 = static_cast<int>(slot / GlyphAtlas::kSlotsPerRow) * atlas.CellHeight();
  int inked = 0;
  for (int y = y0; y < y0 + atlas.CellHeight(); ++y)
    for (int x = x0; x < x0 + cells * atlas.CellWidth(); ++x)
      inked += atlas.Pixels()[static_cast<size_t>(y) * atlas.Width() + x] != 0;
  return inked;
}

TEST(ShapingAtlas, WideGlyphSpansTwoAdjacentSlotsWithInkInBoth) {
  GlyphAtlas atlas("monospace", 16);
  const uint32_t slot = atlas.SlotFor(U"中", 2);
  EXPECT_GT(InkIn(atlas, slot, 0, 1), 4);
  EXPECT_GT(InkIn(atlas, slot, 1, 1), 4);
  EXPECT_EQ(slot % GlyphAtlas::kSlotsPerRow + 1 < GlyphAtlas::kSlotsPerRow, true) << "both halves in one row";
  EXPECT_NE(atlas.SlotFor(U"文", 2), slot + 1) << "the second half is not handed out again";
  EXPECT_EQ(atlas.MissingGlyphCount(), 0u);
}

TEST(ShapingAtlas, ScriptsFromFallbackFontsHaveGlyphs) {
  GlyphAtlas atlas("monospace", 16);
  const std::vector<std::pair<std::u32string, int>> clusters = {
      {U"ả", 1}, {U"ự", 1},        {U"e\u0301", 1}, {U"مرحبا", 5}, {U"שלום", 4}, {U"नमस्ते", 4},
      {U"สวัสดี", 4}, {U"日", 2}, {U"ア", 2},       {U"한", 2},     {U"🙂", 2},   {U"★", 1}};
  for (const auto& [text, cells] : clusters) {
    const uint32_t slot = atlas.SlotFor(text, cells);
    EXPECT_GT(InkIn(atlas, slot, 0, cells), 4 * cells) << std::string(text.begin(), text.end()).size();
  }
  EXPECT_EQ(atlas.MissingGlyphCount(), 0u);
}

TEST(ShapingAtlas, CombiningMarkIsDrawnOnItsBaseNotAsABox) {
  GlyphAtlas atlas("monospace", 16);
  const uint32_t plain = atlas.SlotFor(U"e", 1);
  const uint32_t accented = atlas.SlotFor(U"e\u0301", 1);
  EXPECT_GT(InkIn(atlas, accented, 0, 1), InkIn(atlas, plain, 0, 1)) << "the acute adds ink above the e";
  EXPECT_EQ(atlas.MissingGlyphCount(), 0u);
}

// Columns [first, last] of the slots' row that have ink, or {-1, -1}.
std::pair<int, int> InkColumns(const GlyphAtlas& atlas, uint32_t slot, int cells) {
  const int x0 = static_cast<int>(slot % GlyphAtlas::kSlotsPerRow) * atlas.CellWidth();
  const int y0 = static_cast<int>(slot / GlyphAtlas::kSlotsPerRow) * atlas.CellHeight();
  std::pair<int, int> columns{-1, -1};
  for (int x = 0; x < cells * atlas.CellWidth(); ++x)
    for (int y = y0; y < y0 + atlas.CellHeight(); ++y)
      if (atlas.Pixels()[static_cast<size_t>(y) * atlas.Width() + x0 + x] != 0) {
        if (columns.first < 0) columns.first = x;
        columns.second = x;
      }
  return columns;
}

TEST(ShapingAtlas, DevanagariConjunctsGetTheWidthTheyNeedAtTheirCells) {
  // The layout gives a shaped run a cell per consonant and spacing vowel sign (display_cells.hpp):
  // at those cells a conjunct is drawn as wide as with room to spare, never squeezed.
  GlyphAtlas atlas("monospace", 20);
  const std::vector<std::pair<std::u32string, int>> conjuncts = {
      {U"क्ष", 2}, {U"द्ध", 2}, {U"श्र्व", 3}, {U"स्त्री", 4}, {U"क्षत्रिय", 6}, {U"नमस्ते", 4}};
  for (const auto& [text, cells] : conjuncts) {
    const auto [first, last] = InkColumns(atlas, atlas.SlotFor(text, cells), cells);
    const auto [roomy_first, roomy_last] = InkColumns(atlas, atlas.SlotFor(text, cells + 4), cells + 4);
    ASSERT_GE(first, 0);
    EXPECT_NEAR(last - first, roomy_last - roomy_first, 1) << text.size() << " code points in " << cells << " cells";
  }
  EXPECT_EQ(atlas.MissingGlyphCount(), 0u);
}

TEST(ShapingAtlas, ALoneMarkOnADottedCircleIsDrawnOverTheCircle) {
  // DejaVu Sans Mono has no anchor for marks on U+25CC: the mark goes over the circle, not after
  // it, where the slot's edge would clip it.
  GlyphAtlas atlas("DejaVu Sans Mono", 16);
  const int circle = InkIn(atlas, atlas.SlotFor(U"\u25CC", 1), 0, 1);
  EXPECT_GT(InkIn(atlas, atlas.SlotFor(U"\u25CC\u0301", 1), 0, 1), circle + 5);
  EXPECT_GT(InkIn(atlas, atlas.SlotFor(U"\u25CC\u0323\u0302", 1), 0, 1), circle + 8);
}

TEST(ShapingAtlas, MissingCodePointsAreCountedOncePerCodePoint) {
  GlyphAtlas atlas("monospace", 16);
  atlas.SlotFor(U"\U0010FFFD", 1);
  atlas.SlotFor(U"\U0010FFFD", 2);  // another key, the same missing character
  EXPECT_EQ(atlas.MissingGlyphCount(), 1u);
}

TEST(ShapingAtlas, FullAtlasEvictsRowsTheCurrentLayoutDoesNotUse) {
  GlyphAtlas atlas("monospace", 16, 2);
  ASSERT_EQ(atlas.MaxRows(), 2);
  EXPECT_EQ(atlas.MaxBytes(), static_cast<size_t>(atlas.Width()) * 2 * atlas.CellHeight());
  // Layouts of 40 distinct CJK characters (80 slots each) in a 127-slot atlas: each layout fits,
  // two do not, so every new layout evicts what the one before left. When glyphs kept for the
  // layout pin every row, starting afresh (what HeatmapRenderer::SetLayout does) makes room.
  for (int layout = 0; layout < 6; ++layout) {
    std::vector<uint32_t> slots;
    const auto map = [&] {
      atlas.BeginLayout();
      slots.clear();
      for (int i = 0; i < 40; ++i)
        slots.push_back(atlas.SlotFor(std::u32string(1, U'\u4E00' + layout * 30 + i), 2));
    };
    map();
    if (atlas.DroppedInLayout() > 0) {
      atlas.Clear();
      map();
    }
    EXPECT_EQ(atlas.DroppedInLayout(), 0u);
    EXPECT_LE(atlas.Pixels().size(), atlas.MaxBytes());
    for (const uint32_t slot : slots) EXPECT_GT(InkIn(atlas, slot, 0, 2), 8);
  }
  EXPECT_GT(atlas.EvictedRowCount(), 0u);
  EXPECT_EQ(atlas.MissingGlyphCount(), 0u);
}

TEST(ShapingAtlas, SlotsInUseAreNeverEvictedAndOverflowIsCounted) {
  GlyphAtlas atlas("monospace", 16, 1);
  atlas.BeginLayout();
  const uint32_t first = atlas.SlotFor(U"中", 2);
  for (int i = 1; i < 40; ++i) atlas.SlotFor(std::u32string(1, U'\u4E00' + i), 2);
  EXPECT_GT(atlas.DroppedInLayout(), 0u) << "63 free slots hold 31 wide glyphs";
  EXPECT_EQ(atlas.SlotFor(U"中", 2), first);
  atlas.Clear();
  atlas.BeginLayout();
  EXPECT_EQ(atlas.DroppedInLayout(), 0u);
  EXPECT_NE(atlas.SlotFor(U"中", 2), GlyphAtlas::kBlankSlot);
}

TEST(ShapingAtlas, DirtyRowsCoverNewGlyphs) {
  GlyphAtlas atlas("monospace", 16);
  atlas.ClearDirtyRows();
  EXPECT_TRUE(atlas.DirtyRowRuns().empty());
  atlas.SlotFor(U"x", 1);
  EXPECT_EQ(atlas.DirtyRowRuns(), (std::vector<std::pair<int, int>>{{0, atlas.CellHeight()}}));
}

TEST(ShapingAtlas, DirtyRowRunsAreTheChangedRowsOnly) {
  GlyphAtlas atlas("monospace", 16, 3);
  atlas.BeginLayout();
  // Three full rows: 31 wide glyphs beside the blank slot, then 32 and 32.
  for (int i = 0; i < 31 + 32 + 32; ++i) atlas.SlotFor(std::u32string(1, U'\u4E00' + i), 2);
  atlas.ClearDirtyRows();
  EXPECT_TRUE(atlas.DirtyRowRuns().empty());
  // A new layout that keeps the glyphs of rows 0 and 2: the new glyph evicts row 1, only it.
  atlas.BeginLayout();
  atlas.SlotFor(U"\u4E00", 2);
  atlas.SlotFor(std::u32string(1, U'\u4E00' + 31 + 32 + 1), 2);
  const uint32_t slot = atlas.SlotFor(U"\u9000", 2);
  EXPECT_EQ(slot / GlyphAtlas::kSlotsPerRow, 1u);
  const int h = atlas.CellHeight();
  EXPECT_EQ(atlas.DirtyRowRuns(), (std::vector<std::pair<int, int>>{{h, 2 * h}}));
}

TEST(ShapingAtlas, ContinuingALayoutKeepsItsSlotsInUse) {
  // One row: a layout's glyphs there are not evicted when the same layout, continued, asks for
  // more than fit; a new layout may evict them.
  GlyphAtlas atlas("monospace", 16, 1);
  atlas.BeginLayout(1e-6);
  const uint32_t first = atlas.SlotFor(U"\u4E00", 2);
  EXPECT_EQ(atlas.SlotFor(U"\u4E01", 2), GlyphAtlas::kPlaceholderSlot);
  for (int i = 0; i < 40; ++i) {
    atlas.ContinueLayout(std::nullopt);
    atlas.SlotFor(std::u32string(1, U'\u4E10' + i), 2);
  }
  EXPECT_GT(atlas.DroppedInLayout(), 0u);
  EXPECT_EQ(atlas.EvictedRowCount(), 0u);
  EXPECT_EQ(atlas.SlotFor(U"\u4E00", 2), first);
}

}  // namespace
}  // namespace th
