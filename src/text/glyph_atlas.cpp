#include "text/glyph_atlas.hpp"

#include <algorithm>
#include <cstddef>

#include "text/font_source.hpp"

namespace th {
namespace {

// FreeType metrics are 26.6 fixed point.
int CeilPx(FT_Pos v) { return static_cast<int>((v + 63) >> 6); }
int FloorPx(FT_Pos v) { return static_cast<int>(v >> 6); }
int RoundPx(FT_Pos v) { return static_cast<int>((v + 32) >> 6); }

// One slot's rectangle inside the atlas.
struct SlotView {
  uint8_t* origin;
  int stride;
  int width;
  int height;

  uint8_t& At(int x, int y) const { return origin[static_cast<ptrdiff_t>(y) * stride + x]; }
};

// Coverage 0..255 of pixel x in one bitmap row. FT_LOAD_RENDER gives GRAY for outlines; the
// other modes come from embedded bitmap strikes, which are stored as they are.
uint8_t Coverage(unsigned char pixel_mode, const uint8_t* row, int x) {
  switch (pixel_mode) {
    case FT_PIXEL_MODE_GRAY:
      return row[x];
    case FT_PIXEL_MODE_MONO:
      return (row[x >> 3] & (0x80 >> (x & 7))) ? 255 : 0;
    case FT_PIXEL_MODE_GRAY2:
      return static_cast<uint8_t>(((row[x >> 2] >> (6 - 2 * (x & 3))) & 3) * 85);
    case FT_PIXEL_MODE_GRAY4:
      return static_cast<uint8_t>(((row[x >> 1] >> (4 - 4 * (x & 1))) & 15) * 17);
    default:
      return 0;
  }
}

// Renders the glyph into the slot with its origin on the baseline, clipped to the slot. Glyphs
// from fallback fonts have the metrics of a different (often proportional) design, so they are
// centred instead, or start at x = 0 when wider than the cell. Returns whether any pixel got
// coverage.
bool Rasterise(const FontSource::GlyphSource& source, bool centre, int baseline,
               const SlotView& slot) {
  if (FT_Load_Glyph(source.face, source.glyph_index, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT)) {
    return false;
  }
  const FT_GlyphSlot glyph = source.face->glyph;
  const FT_Bitmap& bitmap = glyph->bitmap;
  const int width = static_cast<int>(bitmap.width);
  const int rows = static_cast<int>(bitmap.rows);
  const int left = centre ? std::max(0, (slot.width - width) / 2) : glyph->bitmap_left;
  const int top = baseline - glyph->bitmap_top;
  // With a negative pitch the buffer starts at the bottom row.
  const uint8_t* top_row = bitmap.buffer;
  if (bitmap.pitch < 0) top_row -= static_cast<ptrdiff_t>(bitmap.pitch) * (rows - 1);

  bool inked = false;
  for (int y = std::max(0, -top); y < rows && top + y < slot.height; ++y) {
    const uint8_t* row = top_row + static_cast<ptrdiff_t>(y) * bitmap.pitch;
    for (int x = std::max(0, -left); x < width && left + x < slot.width; ++x) {
      const uint8_t coverage = Coverage(bitmap.pixel_mode, row, x);
      slot.At(left + x, top + y) = coverage;
      inked = inked || coverage != 0;
    }
  }
  return inked;
}

// A 1-px outline inset by 1 px (less in cells too small for that), so that a missing glyph
// is never invisible.
void DrawBox(const SlotView& slot) {
  const int inset_x = slot.width > 2 ? 1 : 0;
  const int inset_y = slot.height > 2 ? 1 : 0;
  const int x0 = inset_x, x1 = slot.width - 1 - inset_x;
  const int y0 = inset_y, y1 = slot.height - 1 - inset_y;
  for (int x = x0; x <= x1; ++x) slot.At(x, y0) = slot.At(x, y1) = 255;
  for (int y = y0; y <= y1; ++y) slot.At(x0, y) = slot.At(x1, y) = 255;
}

}  // namespace

GlyphAtlas::GlyphAtlas(const std::string& family, int pixel_size)
    : m_fonts(std::make_unique<FontSource>(family, pixel_size)), m_pixel_size(pixel_size) {
  const FT_Face face = m_fonts->Primary();
  const FT_Size_Metrics& metrics = face->size->metrics;
  const int ascender = CeilPx(metrics.ascender);
  m_cell_height = ascender - FloorPx(metrics.descender) + 2;  // 1 px padding above and below
  m_baseline = 1 + ascender;

  // Hinting may round the advance, so measure it the way glyphs will be loaded.
  const FT_Pos advance = FT_Load_Char(face, 'M', FT_LOAD_TARGET_LIGHT) == 0
                             ? face->glyph->advance.x
                             : metrics.max_advance;
  m_cell_width = std::max(1, RoundPx(advance));

  AllocateSlot();  // kBlankSlot, left all zeros
}

GlyphAtlas::~GlyphAtlas() = default;

const std::string& GlyphAtlas::PrimaryFontPath() const { return m_fonts->PrimaryPath(); }

uint32_t GlyphAtlas::SlotFor(char32_t cp) {
  if (cp == 0 || cp == U' ') return kBlankSlot;
  if (const auto it = m_slots.find(cp); it != m_slots.end()) return it->second;

  std::optional<FontSource::GlyphSource> source = m_fonts->Find(cp);
  const bool missing = !source;
  if (missing) {
    ++m_missing;
    source = FontSource::GlyphSource{m_fonts->Primary(), 0};  // .notdef
  }

  const uint32_t slot = AllocateSlot();
  const int column = static_cast<int>(slot % kSlotsPerRow);
  const int row = static_cast<int>(slot / kSlotsPerRow);
  const SlotView view{
      m_pixels.data() + static_cast<ptrdiff_t>(row) * m_cell_height * Width() +
          column * m_cell_width,
      Width(), m_cell_width, m_cell_height};
  const bool fallback = source->face != m_fonts->Primary();
  if (!Rasterise(*source, fallback, m_baseline, view) && missing) DrawBox(view);

  ++m_generation;
  m_slots.emplace(cp, slot);
  return slot;
}

uint32_t GlyphAtlas::AllocateSlot() {
  const uint32_t slot = m_next_slot++;
  if (static_cast<int>(slot / kSlotsPerRow) >= m_rows) {
    // Appending a row of cells keeps every earlier slot at its place because Width() is fixed.
    ++m_rows;
    m_pixels.resize(static_cast<size_t>(Width()) * Height(), 0);
    ++m_generation;
  }
  return slot;
}

}  // namespace th
