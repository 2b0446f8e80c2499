#include "text/glyph_atlas.hpp"

#include <fribidi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <functional>

#include "text/font_source.hpp"

#include FT_OUTLINE_H

namespace th {
namespace {

// FreeType metrics are 26.6 fixed point.
int CeilPx(FT_Pos v) { return static_cast<int>((v + 63) >> 6); }
int FloorPx(FT_Pos v) { return static_cast<int>(v >> 6); }
int RoundPx(FT_Pos v) { return static_cast<int>((v + 32) >> 6); }
double Px(FT_Pos v) { return static_cast<double>(v) / 64.0; }

constexpr FT_Int32 kLoadFlags = FT_LOAD_TARGET_LIGHT;

// A cluster squeezed into its cells is narrowed to at most this share of its width; beyond that
// it shrinks in both directions (a ZWJ sequence drawn as several emoji, when the font has no
// ligature for it), so its glyphs keep their shapes.
constexpr double kMinWidthScale = 0.6;

// The direction to shape a cluster in. The layout never puts letters of both directions, nor
// right-to-left letters and digits, into one cluster, so the cluster is right to left exactly
// when it holds a right-to-left letter: Arabic-Indic digits are Arabic script, but run left to
// right, which HarfBuzz's guess from the script would get wrong.
hb_direction_t ClusterDirection(std::u32string_view cluster) {
  for (const char32_t cp : cluster) {
    const FriBidiCharType type = fribidi_get_bidi_type(cp);
    if (FRIBIDI_IS_LETTER(type) && FRIBIDI_IS_RTL(type)) return HB_DIRECTION_RTL;
  }
  return HB_DIRECTION_LTR;
}

// The rectangle of a unit's slots inside the atlas.
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

// Adds the rendered glyph with its bitmap's top-left corner at (left, top) of the view, clipped
// to it; glyphs of one cluster overlap (marks on bases), so coverage is combined by max. Returns
// whether any pixel got coverage.
bool Blit(const FT_Bitmap& bitmap, int left, int top, const SlotView& view) {
  const int width = static_cast<int>(bitmap.width);
  const int rows = static_cast<int>(bitmap.rows);
  // With a negative pitch the buffer starts at the bottom row.
  const uint8_t* top_row = bitmap.buffer;
  if (bitmap.pitch < 0) top_row -= static_cast<ptrdiff_t>(bitmap.pitch) * (rows - 1);
  bool inked = false;
  for (int y = std::max(0, -top); y < rows && top + y < view.height; ++y) {
    const uint8_t* row = top_row + static_cast<ptrdiff_t>(y) * bitmap.pitch;
    for (int x = std::max(0, -left); x < width && left + x < view.width; ++x) {
      const uint8_t coverage = Coverage(bitmap.pixel_mode, row, x);
      uint8_t& pixel = view.At(left + x, top + y);
      pixel = std::max(pixel, coverage);
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

size_t GlyphAtlas::KeyHash::operator()(const Key& key) const {
  return std::hash<std::u32string_view>()(key.text) ^ static_cast<size_t>(key.cells);
}

void GlyphAtlas::HbBufferDeleter::operator()(hb_buffer_t* buffer) const { hb_buffer_destroy(buffer); }

GlyphAtlas::GlyphAtlas(const std::string& family, int pixel_size, int max_rows, std::optional<CellSize> cell)
    : m_fonts(std::make_unique<FontSource>(family, pixel_size)),
      m_buffer(hb_buffer_create()),
      m_pixel_size(pixel_size) {
  const FT_Face face = m_fonts->Primary();
  const FT_Size_Metrics& metrics = face->size->metrics;
  const int ascender = CeilPx(metrics.ascender);
  m_cell_height = ascender - FloorPx(metrics.descender) + 2;  // 1 px padding above and below
  m_baseline = 1 + ascender;

  // Hinting may round the advance, so measure it the way glyphs will be loaded.
  const FT_Pos advance = FT_Load_Char(face, 'M', kLoadFlags) == 0 ? face->glyph->advance.x : metrics.max_advance;
  m_cell_width = std::max(1, RoundPx(advance));
  if (cell) {
    // The line keeps its place in the middle of the given height.
    m_baseline += (cell->height - m_cell_height) / 2;
    m_cell_width = std::max(1, cell->width);
    m_cell_height = std::max(1, cell->height);
  }

  const int fitting_rows = std::max(1, kMaxHeight / m_cell_height);
  m_max_rows = max_rows > 0 ? std::min(max_rows, fitting_rows) : fitting_rows;
  m_rows.emplace_back().used = 1;  // kBlankSlot, left all zeros
  m_pixels.assign(static_cast<size_t>(Width()) * Height(), 0);
}

GlyphAtlas::~GlyphAtlas() = default;

const std::string& GlyphAtlas::PrimaryFontPath() const { return m_fonts->PrimaryPath(); }

void GlyphAtlas::BeginLayout(std::optional<double> budget_ms) {
  ++m_layout;
  m_dropped = 0;
  ContinueLayout(budget_ms);
}

void GlyphAtlas::ContinueLayout(std::optional<double> budget_ms) {
  m_pending = 0;
  m_budget_ms = budget_ms;
  m_spent_ms = 0.0;
  m_rasterised_in_layout = 0;
}

void GlyphAtlas::Clear() {
  for (size_t row = 0; row < m_rows.size(); ++row) ClearRow(row);
}

std::vector<std::pair<int, int>> GlyphAtlas::DirtyRowRuns() const {
  std::vector<std::pair<int, int>> runs;
  for (size_t row = m_dirty_first; row < m_dirty_end; ++row) {
    if (!m_dirty_rows[row]) continue;
    const int top = static_cast<int>(row) * m_cell_height;
    if (!runs.empty() && runs.back().second == top)
      runs.back().second += m_cell_height;
    else
      runs.emplace_back(top, top + m_cell_height);
  }
  return runs;
}

void GlyphAtlas::ClearDirtyRows() {
  for (size_t row = m_dirty_first; row < m_dirty_end; ++row) m_dirty_rows[row] = false;
  m_dirty_first = m_dirty_end = 0;
}

void GlyphAtlas::MarkDirty(size_t row) {
  if (m_dirty_rows.size() <= row) m_dirty_rows.resize(row + 1, false);
  m_dirty_rows[row] = true;
  if (m_dirty_first == m_dirty_end) {
    m_dirty_first = row;
    m_dirty_end = row + 1;
  } else {
    m_dirty_first = std::min(m_dirty_first, row);
    m_dirty_end = std::max(m_dirty_end, row + 1);
  }
  ++m_generation;
}

uint32_t GlyphAtlas::SlotFor(std::u32string_view cluster, int cells) {
  if (cluster.empty() || (cluster.size() == 1 && (cluster[0] == 0 || cluster[0] == U' '))) return kBlankSlot;
  Key key{std::u32string(cluster), std::clamp(cells, 1, kSlotsPerRow)};
  if (const auto it = m_slots.find(key); it != m_slots.end()) {
    m_rows[it->second / kSlotsPerRow].last_use = m_layout;
    return it->second;
  }
  // Over the layout's budget: a placeholder now, the glyph when a later layout asks again. No
  // slot is taken for it, so nothing is evicted for a glyph that is not drawn.
  if (m_budget_ms && m_rasterised_in_layout > 0 && m_spent_ms >= *m_budget_ms) {
    ++m_pending;
    return kPlaceholderSlot;
  }
  const std::optional<uint32_t> slot = Allocate(key.cells);
  if (!slot) {
    ++m_dropped;
    return kBlankSlot;
  }
  const auto start = std::chrono::steady_clock::now();
  Rasterise(cluster, *slot, key.cells);
  m_spent_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ++m_rasterised;
  ++m_rasterised_in_layout;
  Row& row = m_rows[*slot / kSlotsPerRow];
  row.keys.push_back(key);
  m_slots.emplace(std::move(key), *slot);
  return *slot;
}

std::optional<uint32_t> GlyphAtlas::Allocate(int cells) {
  const auto take = [this, cells](size_t row) {
    Row& r = m_rows[row];
    const auto slot = static_cast<uint32_t>(row * kSlotsPerRow + r.used);
    r.used += cells;
    r.last_use = m_layout;
    return slot;
  };
  for (size_t row = 0; row < m_rows.size(); ++row)
    if (m_rows[row].used + cells <= kSlotsPerRow) return take(row);
  if (static_cast<int>(m_rows.size()) < m_max_rows) {
    m_rows.emplace_back();
    m_pixels.resize(static_cast<size_t>(Width()) * Height(), 0);  // earlier rows keep their place
    MarkDirty(m_rows.size() - 1);
    return take(m_rows.size() - 1);
  }
  // Full: reuse the least recently used row that the current layout does not need.
  size_t victim = m_rows.size();
  for (size_t row = 0; row < m_rows.size(); ++row) {
    if (m_rows[row].last_use < m_layout && (victim == m_rows.size() || m_rows[row].last_use < m_rows[victim].last_use))
      victim = row;
  }
  if (victim == m_rows.size()) return std::nullopt;
  ClearRow(victim);
  return take(victim);
}

void GlyphAtlas::ClearRow(size_t row) {
  for (const Key& key : m_rows[row].keys) m_slots.erase(key);
  m_rows[row].keys.clear();
  m_rows[row].used = row == 0 ? 1 : 0;  // the blank slot stays
  const size_t row_bytes = static_cast<size_t>(Width()) * m_cell_height;
  std::memset(m_pixels.data() + row * row_bytes, 0, row_bytes);
  MarkDirty(row);
  ++m_evicted_rows;
}

FT_Face GlyphAtlas::Shape(std::u32string_view cluster) {
  FT_Face face = m_fonts->FaceFor(cluster);
  if (face == nullptr) face = m_fonts->Primary();  // shapes to .notdef
  hb_buffer_t* const buffer = m_buffer.get();
  hb_buffer_clear_contents(buffer);
  static_assert(sizeof(char32_t) == sizeof(uint32_t));
  hb_buffer_add_utf32(buffer, reinterpret_cast<const uint32_t*>(cluster.data()), static_cast<int>(cluster.size()), 0,
                      static_cast<int>(cluster.size()));
  hb_buffer_set_direction(buffer, ClusterDirection(cluster));  // right-to-left runs come out reversed
  hb_buffer_guess_segment_properties(buffer);                   // the script and language
  hb_shape(m_fonts->ShapingFont(face), buffer, nullptr, 0);
  return face;
}

double GlyphAtlas::ShapedAdvance(std::u32string_view cluster) {
  Shape(cluster);
  unsigned count = 0;
  const hb_glyph_position_t* const positions = hb_buffer_get_glyph_positions(m_buffer.get(), &count);
  FT_Pos advance = 0;
  for (unsigned i = 0; i < count; ++i) advance += positions[i].x_advance;
  return Px(advance);
}

void GlyphAtlas::Rasterise(std::u32string_view cluster, uint32_t slot, int cells) {
  const int column = static_cast<int>(slot % kSlotsPerRow);
  const size_t row = slot / kSlotsPerRow;
  const SlotView view{m_pixels.data() + row * m_cell_height * Width() + column * m_cell_width, Width(),
                      cells * m_cell_width, m_cell_height};
  MarkDirty(row);

  const FT_Face face = Shape(cluster);
  hb_buffer_t* const buffer = m_buffer.get();
  unsigned count = 0;
  const hb_glyph_info_t* const infos = hb_buffer_get_glyph_infos(buffer, &count);
  const hb_glyph_position_t* const positions = hb_buffer_get_glyph_positions(buffer, &count);

  // Measure the shaped cluster: its advance and how far its ink reaches above and below the
  // baseline, to scale it into the cells without clipping (tall stacked marks, wide conjuncts).
  bool missing = false;
  bool last_loaded = false;  // the glyph slot holds the last glyph's outline, untransformed
  FT_Pos advance = 0, top = 0, bottom = 0;
  for (unsigned i = 0; i < count; ++i) {
    if (infos[i].codepoint == 0) {
      missing = true;
      m_missing.insert(cluster[infos[i].cluster]);
    }
    advance += positions[i].x_advance;
    last_loaded = FT_Load_Glyph(face, infos[i].codepoint, kLoadFlags) == 0;
    if (!last_loaded) continue;
    const FT_Glyph_Metrics& metrics = face->glyph->metrics;
    top = std::max(top, positions[i].y_offset + metrics.horiBearingY);
    bottom = std::min(bottom, positions[i].y_offset + metrics.horiBearingY - metrics.height);
  }
  // Ink taller than the cell is scaled down; ink that fits but reaches past the font's ascent or
  // descent (stacked marks, Indic vowel signs) is moved up or down instead, staying clear of the
  // padding rows. A cluster far wider than its cells (several emoji the font has no single glyph
  // for; a text run has a cell per letter) shrinks whole, centred on the cells' middle, and is
  // drawn in two rows when that draws it larger: a family of four as two over two.
  const double room_above = m_baseline - 1;
  const double room_below = m_cell_height - 1 - m_baseline;
  const double ink_height = std::max(Px(top - bottom), 1.0);
  // The scale at which `rows` rows of glyphs, the widest `row_advance` wide, fit the cells.
  const auto fitting_scale = [&](int rows, FT_Pos row_advance) {
    const double height_scale = std::min(1.0, (room_above + room_below) / (rows * ink_height));
    return row_advance > 0 ? std::min(height_scale, view.width / Px(row_advance) / kMinWidthScale) : height_scale;
  };
  // A second row would start at the glyph with an advance that halves the advance best.
  unsigned split = count;
  FT_Pos first_row_advance = advance, wider_row_advance = advance;
  FT_Pos before = 0;
  for (unsigned i = 0; i < count; before += positions[i++].x_advance) {
    const FT_Pos wider = std::max(before, advance - before);
    if (i > 0 && positions[i].x_advance != 0 && wider < wider_row_advance) {
      split = i;
      first_row_advance = before;
      wider_row_advance = wider;
    }
  }
  const bool shrunk_whole = advance > 0 && view.width / Px(advance) < fitting_scale(1, 0) * kMinWidthScale;
  const double one_row_scale = fitting_scale(1, advance);
  const bool two_rows = shrunk_whole && split < count && fitting_scale(2, wider_row_advance) > one_row_scale;
  if (!two_rows) split = count;
  const FT_Pos row_advance = two_rows ? wider_row_advance : advance;
  const double scale = two_rows ? fitting_scale(2, row_advance) : one_row_scale;
  const double scale_x = row_advance > 0 ? std::min(scale, view.width / Px(row_advance)) : scale;
  double shift = 0.0;  // pixels down
  if (Px(top) * scale > room_above) shift = std::ceil(Px(top) * scale - room_above);
  if (-Px(bottom) * scale > room_below) shift = -std::ceil(-Px(bottom) * scale - room_below);
  if (shrunk_whole) shift = Px(top + bottom) * scale / 2.0 - (room_above - room_below) / 2.0;
  // Two rows are each a row's ink height above and below the middle.
  const double row_offset = two_rows ? ink_height * scale / 2.0 : 0.0;
  const auto row_baseline = [&](int row_index) {
    return m_baseline + static_cast<int>(std::lround(shift + (row_index == 0 ? -row_offset : row_offset)));
  };
  const auto row_start = [&](FT_Pos row_width) { return (view.width - Px(row_width) * scale_x) / 2.0; };

  // Scalable glyphs are scaled by FreeType; bitmap strikes ignore the transform and are clipped.
  FT_Matrix matrix{static_cast<FT_Fixed>(scale_x * 65536.0), 0, 0, static_cast<FT_Fixed>(scale * 65536.0)};
  FT_Set_Transform(face, &matrix, nullptr);
  // Centred; 0 for the primary font's own glyphs.
  double pen = row_start(two_rows ? first_row_advance : advance);
  double base_pen = pen;  // where the last glyph with an advance (a base) was drawn
  int baseline = row_baseline(0);
  bool inked = false;
  for (unsigned i = 0; i < count; ++i) {
    if (i == split) {
      pen = base_pen = row_start(advance - first_row_advance);
      baseline = row_baseline(1);
    }
    // A cluster of one glyph (most of them: a letter, an ideograph) is still loaded from the
    // measuring pass: its outline is transformed and rendered as FT_LOAD_RENDER under
    // FT_Set_Transform would, without loading and hinting it a second time.
    const bool reuse = count == 1 && last_loaded && face->glyph->format == FT_GLYPH_FORMAT_OUTLINE;
    if (reuse && (matrix.xx != 0x10000 || matrix.yy != 0x10000)) FT_Outline_Transform(&face->glyph->outline, &matrix);
    if (reuse ? FT_Render_Glyph(face->glyph, static_cast<FT_Render_Mode>(FT_LOAD_TARGET_MODE(kLoadFlags))) == 0
              : FT_Load_Glyph(face, infos[i].codepoint, kLoadFlags | FT_LOAD_RENDER) == 0) {
      const FT_GlyphSlot glyph = face->glyph;
      // A mark the font has no anchor for on this base (a monospace font's marks on U+25CC) is
      // left after the base, where its ink, drawn inside a cell of its own, would be clipped;
      // HarfBuzz moves nothing when the font has mark positioning at all. It goes over the base.
      const bool unanchored_mark = positions[i].x_advance == 0 && positions[i].x_offset == 0 && i > 0 &&
                                   glyph->metrics.horiBearingX >= 0;
      const double origin = unanchored_mark ? base_pen : pen;
      const int left = static_cast<int>(std::lround(origin + Px(positions[i].x_offset) * scale_x)) + glyph->bitmap_left;
      const int top_px = baseline - static_cast<int>(std::lround(Px(positions[i].y_offset) * scale)) - glyph->bitmap_top;
      inked = Blit(glyph->bitmap, left, top_px, view) || inked;
    }
    if (positions[i].x_advance != 0) base_pen = pen;
    pen += Px(positions[i].x_advance) * scale_x;
  }
  FT_Set_Transform(face, nullptr, nullptr);
  if (missing && !inked) DrawBox(view);
}

}  // namespace th
