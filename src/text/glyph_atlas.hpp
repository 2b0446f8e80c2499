#pragma once
// A CPU glyph atlas for a monospace grid. Each display unit of the grid (a character, a base with
// its combining marks, or a run of Arabic or Indic text) is shaped with HarfBuzz and rasterised
// once, with FreeType, across `cells` adjacent slots of CellWidth() x CellHeight() pixels in one
// row of the atlas, with the baseline already applied, so the fragment shader copies slot texels
// without any per-glyph metrics: cell k of a unit shows slot + k. No GL here: the renderer
// uploads DirtyRowRuns() of Pixels() whenever Generation() changes.
//
// Memory is bounded: the atlas grows a row of kSlotsPerRow slots at a time up to MaxRows(), at
// most kMaxHeight pixels (so at most MaxBytes() = Width() x kMaxHeight bytes: 2.6 MB at 16 px,
// 15 MB at 96 px). When it is full, the least recently used row that the current layout does not
// use is cleared and reused.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

struct hb_buffer_t;
struct FT_FaceRec_;

namespace th {

class FontSource;

class GlyphAtlas {
 public:
  static constexpr uint32_t kBlankSlot = 0;  // spaces and empty cells; never evicted
  // What a cluster not rasterised yet shows: an empty cell, so the token's box keeps its colour
  // (the value) and its text appears a frame or a few later; never the missing-glyph box, which
  // says that no font has a character.
  static constexpr uint32_t kPlaceholderSlot = kBlankSlot;
  static constexpr int kSlotsPerRow = 64;
  static constexpr int kMaxHeight = 4096;    // pixels; within every GL 3.3 driver's texture limit

  struct CellSize {
    int width = 0;
    int height = 0;
  };

  // family: a fontconfig pattern such as "monospace" or "DejaVu Sans Mono". max_rows lowers the
  // bound below kMaxHeight / CellHeight() (tests use it to exercise eviction); 0 keeps it.
  // cell: cells of exactly this size instead of the font's own (a figure scaled N times takes N
  // times the cells of its scale-1 layout, which the font at N times the size rounds otherwise);
  // the glyphs are centred in them, and scaled down where they do not fit, as any glyph is.
  // Throws FontError (font_source.hpp) when no usable font is found.
  GlyphAtlas(const std::string& family, int pixel_size, int max_rows = 0, std::optional<CellSize> cell = {});
  ~GlyphAtlas();
  GlyphAtlas(const GlyphAtlas&) = delete;
  GlyphAtlas& operator=(const GlyphAtlas&) = delete;

  int PixelSize() const { return m_pixel_size; }
  int CellWidth() const { return m_cell_width; }    // advance of the primary font, in pixels
  int CellHeight() const { return m_cell_height; }  // line height, in pixels
  int Baseline() const { return m_baseline; }       // from the top of a cell

  // Starts a new layout: the slots that SlotFor hands out from now until the next call are in
  // use and never evicted before it. budget_ms: how long SlotFor may spend rasterising new
  // clusters for this layout (the viewer gives each frame a few milliseconds); a cluster not
  // rasterised within it gets kPlaceholderSlot (counted by PendingInLayout) and is rasterised
  // when a later layout asks for it again. The first new cluster of a layout is always
  // rasterised, so every layout makes progress. Without a budget (render, exports, screenshots)
  // every cluster is rasterised and no placeholder is ever handed out.
  void BeginLayout(std::optional<double> budget_ms = std::nullopt);
  // Goes on with the current layout (its slots stay in use) with a new budget: for asking again
  // for the clusters it got placeholders for, and only those.
  void ContinueLayout(std::optional<double> budget_ms);
  // Forgets every glyph (for a layout whose glyphs did not fit beside the ones in use).
  void Clear();

  // The first of `cells` adjacent slots (1..kSlotsPerRow, in one row) that hold the cluster,
  // shaped and rasterised on first use through fallback fonts where the primary font lacks a
  // character, and the font's missing-glyph box where no font has it. Glyphs are centred in
  // their cells and scaled down, never clipped, when they do not fit. Returns kBlankSlot for
  // spaces, and when every slot is in use by the current layout (counted by DroppedInLayout);
  // kPlaceholderSlot for a new cluster once the layout's budget is spent (PendingInLayout).
  uint32_t SlotFor(std::u32string_view cluster, int cells);
  uint32_t SlotFor(char32_t cp) { return SlotFor(std::u32string_view(&cp, 1), 1); }

  // The advance in pixels of a cluster shaped as SlotFor shapes it (the same face, fallbacks
  // included), before it is fitted into cells: how wide text drawn by a shaper with the same
  // fonts (a browser) is.
  double ShapedAdvance(std::u32string_view cluster);

  int Width() const { return kSlotsPerRow * m_cell_width; }
  int Height() const { return static_cast<int>(m_rows.size()) * m_cell_height; }
  const std::vector<uint8_t>& Pixels() const { return m_pixels; }  // R8 coverage, Width()*Height()
  uint64_t Generation() const { return m_generation; }
  // The pixel rows changed since ClearDirtyRows(), as runs of adjacent changed rows of slots,
  // each [first, end) (after evictions scattered over a full atlas, far fewer bytes than the span
  // from the first to the last); none when nothing changed.
  std::vector<std::pair<int, int>> DirtyRowRuns() const;
  void ClearDirtyRows();

  int MaxRows() const { return m_max_rows; }
  size_t MaxBytes() const { return static_cast<size_t>(Width()) * m_max_rows * m_cell_height; }
  size_t EvictedRowCount() const { return m_evicted_rows; }
  size_t DroppedInLayout() const { return m_dropped; }  // since BeginLayout()
  // Clusters given kPlaceholderSlot since BeginLayout() or ContinueLayout() (once per request: a
  // cluster asked for twice counts twice), and the milliseconds spent rasterising since then.
  size_t PendingInLayout() const { return m_pending; }
  double RasterisedMsInLayout() const { return m_spent_ms; }
  // Clusters rasterised since creation (for benches and tests).
  size_t RasterisedCount() const { return m_rasterised; }

  // How many distinct code points were drawn as the missing-glyph box (no font has them).
  size_t MissingGlyphCount() const { return m_missing.size(); }
  const std::string& PrimaryFontPath() const;

 private:
  struct Key {
    std::u32string text;
    int cells;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& key) const;
  };
  struct Row {
    int used = 0;            // slots taken from the left
    uint64_t last_use = 0;   // the layout that last used one of its slots
    std::vector<Key> keys;   // what lives in it, to forget on eviction
  };
  struct HbBufferDeleter {
    void operator()(hb_buffer_t* buffer) const;
  };

  // A free run of `cells` slots: in a row with room, a new row, or an evicted one.
  std::optional<uint32_t> Allocate(int cells);
  void ClearRow(size_t row);
  void Rasterise(std::u32string_view cluster, uint32_t slot, int cells);
  // Shapes the cluster into m_buffer with the face that draws it, which it returns.
  FT_FaceRec_* Shape(std::u32string_view cluster);
  void MarkDirty(size_t row);

  std::unique_ptr<FontSource> m_fonts;
  std::unique_ptr<hb_buffer_t, HbBufferDeleter> m_buffer;
  int m_pixel_size = 0;
  int m_cell_width = 0;
  int m_cell_height = 0;
  int m_baseline = 0;
  int m_max_rows = 0;
  uint64_t m_layout = 1;
  uint64_t m_generation = 0;
  size_t m_dirty_first = 0;  // rows of slots
  size_t m_dirty_end = 0;
  std::vector<bool> m_dirty_rows;  // by row of slots, inside [m_dirty_first, m_dirty_end)
  size_t m_evicted_rows = 0;
  size_t m_dropped = 0;
  size_t m_pending = 0;
  std::optional<double> m_budget_ms;
  double m_spent_ms = 0.0;
  size_t m_rasterised = 0;
  size_t m_rasterised_in_layout = 0;
  std::vector<uint8_t> m_pixels;
  std::vector<Row> m_rows;
  std::unordered_map<Key, uint32_t, KeyHash> m_slots;
  std::unordered_set<char32_t> m_missing;
};

}  // namespace th
