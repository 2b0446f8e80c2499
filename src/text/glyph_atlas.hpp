#pragma once
// A CPU glyph atlas for a monospace grid: every glyph is rasterised once, with FreeType, into a
// fixed-size slot of CellWidth() x CellHeight() pixels with the baseline already applied, so
// the fragment shader copies slot texels without any per-glyph metrics. No GL here: the
// renderer uploads Pixels() whenever Generation() changes.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace th {

class FontSource;

class GlyphAtlas {
 public:
  // family: a fontconfig pattern such as "monospace" or "DejaVu Sans Mono".
  // Throws FontError (font_source.hpp) when no usable font is found.
  GlyphAtlas(const std::string& family, int pixel_size);
  ~GlyphAtlas();
  GlyphAtlas(const GlyphAtlas&) = delete;
  GlyphAtlas& operator=(const GlyphAtlas&) = delete;

  static constexpr uint32_t kBlankSlot = 0;  // spaces and empty cells
  static constexpr int kSlotsPerRow = 64;

  int PixelSize() const { return m_pixel_size; }
  int CellWidth() const { return m_cell_width; }    // advance of the primary font, in pixels
  int CellHeight() const { return m_cell_height; }  // line height, in pixels
  int Baseline() const { return m_baseline; }       // from the top of a cell

  // The slot holding cp, rasterised on first use (through fallback fonts when the primary font
  // lacks it; the primary font's missing-glyph box when no font has it).
  uint32_t SlotFor(char32_t cp);

  int Width() const { return kSlotsPerRow * m_cell_width; }
  int Height() const { return m_rows * m_cell_height; }
  const std::vector<uint8_t>& Pixels() const { return m_pixels; }  // R8 coverage, Width()*Height()
  uint64_t Generation() const { return m_generation; }

  // How many distinct code points had no glyph in any font.
  size_t MissingGlyphCount() const { return m_missing; }
  const std::string& PrimaryFontPath() const;

 private:
  uint32_t AllocateSlot();

  std::unique_ptr<FontSource> m_fonts;
  int m_pixel_size = 0;
  int m_cell_width = 0;
  int m_cell_height = 0;
  int m_baseline = 0;
  int m_rows = 0;
  uint32_t m_next_slot = 0;
  uint64_t m_generation = 0;
  size_t m_missing = 0;
  std::vector<uint8_t> m_pixels;
  std::unordered_map<char32_t, uint32_t> m_slots;
};

}  // namespace th
