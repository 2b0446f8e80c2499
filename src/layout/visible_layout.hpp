#pragma once
// (sequence, line index, visible lines) -> the instances the renderer draws: one instance per
// token piece on a line, drawing its background and its glyphs in one fragment pass, plus the
// display cells those glyphs come from. Only visible lines are laid out, so the cost follows the
// window, not the document.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/document.hpp"
#include "layout/line_index.hpp"

namespace th {

// Uploaded to the GPU as is: keep it tightly packed (the vertex layout in gfx depends on it).
struct TokenInstance {
  uint16_t column;      // first cell of the piece on its line
  uint16_t row;         // line, relative to the first laid-out line
  uint16_t cells;       // width in cells (>= 1)
  uint16_t flags;       // kNoValueFlag | kSpecialTokenFlag | kPlainTextFlag | kPaletteRampFlag | ...
  float value;          // raw channel value; mapped to a colour in the vertex shader
  uint32_t first_cell;  // index of the piece's first display cell
  float underline;      // second channel's raw value, drawn as an underline (NaN: none)
};
static_assert(sizeof(TokenInstance) == 20, "TokenInstance is uploaded as a 20-byte vertex");
static_assert(std::is_standard_layout_v<TokenInstance> && std::is_trivially_copyable_v<TokenInstance>);

inline constexpr uint16_t kNoValueFlag = 1;  // NaN or +-Inf: drawn hatched, never a palette colour
inline constexpr uint16_t kSpecialTokenFlag = 2;  // <|endoftext|>, <s>, [CLS]...: drawn in a distinct style
// Not tokens: the text and the palette gradient of a figure's caption and legend (app/export_png.cpp).
inline constexpr uint16_t kPlainTextFlag = 4;    // text on the canvas, in its contrasting colour
inline constexpr uint16_t kPaletteRampFlag = 8;  // the palette from the box's left edge (low) to its right (high)
// A block of tokens folded together when zoomed far out (folded_layout.hpp): its colour alone, no
// glyph, notch or underline.
inline constexpr uint16_t kFoldedBlockFlag = 16;
// A token without a value by design (kTokenUnmeasured): drawn on the canvas like plain text,
// neither coloured nor hatched.
inline constexpr uint16_t kUnmeasuredFlag = 32;
// The attention source token, or a token its document marks (kTokenMarked: a feature context's
// peak): framed, so that the eye finds it first.
inline constexpr uint16_t kSourceTokenFlag = 64;
// The width of that frame, in pixels (the shader's, the SVG's and the HTML's).
inline constexpr int kSourceFramePixels = 2;

struct VisibleLayout {
  size_t first_line = 0;
  size_t line_count = 0;
  std::vector<TokenInstance> instances;  // ordered by (row, column)
  std::vector<uint64_t> tokens;          // token index of each instance
  std::vector<uint32_t> byte_begin;      // each piece's text: byte range within its token
  std::vector<uint32_t> byte_end;
  // Per instance, how many following tokens its box also covers (MergeGroupBoxes); empty when
  // no box covers more than one token. The text then runs to byte_end of the last token.
  std::vector<uint32_t> merged_tokens;
  std::vector<uint32_t> cells;           // display cells, encoded as in display_cells.hpp
  std::vector<std::u32string> clusters;  // text of the shaped units that cells refer to
};

struct DisplayUnit;
// Appends a display unit of text (display_cells.hpp) to layout.cells: its code point, or its
// text as a cluster, then a continuation cell per extra cell.
void AppendUnitCells(std::string_view text, const DisplayUnit& unit, VisibleLayout& layout);

// Lays out lines [first_line, first_line + line_count) (clipped to the index). values may be
// empty (every token then has no value).
VisibleLayout LayoutLines(const Sequence& sequence, const LineIndex& index,
                          std::span<const float> values, size_t first_line, size_t line_count,
                          TokenText text = TokenText::kDecoded);

// Pixel geometry of the grid. Row r's boxes span [r * line_pitch, r * line_pitch + cell_height);
// a box of n cells is n * cell_width - token_gap wide, so neighbouring tokens of equal colour
// still read as separate tokens.
struct GridGeometry {
  int cell_width = 8;
  int cell_height = 16;
  int line_gap = 2;
  int token_gap = 1;
  // Zoomed far out (> 0): no glyphs, and the tokens starting within the same bucket of about
  // this many pixels of a line are drawn as one block (folded_layout.hpp).
  int fold_pixels = 0;
  int LinePitch() const { return cell_height + line_gap; }
  int BoxWidth(int cells) const { return cells * cell_width - token_gap; }
  // The fold's bucket in cells, or 0 when not folded.
  int FoldCells() const { return fold_pixels > 0 ? std::max(1, (fold_pixels + cell_width - 1) / cell_width) : 0; }
  static GridGeometry ForCell(int width, int height) {
    GridGeometry geometry;
    geometry.cell_width = width;
    geometry.cell_height = height;
    return geometry;
  }
  // The grid of a text size below kMinGlyphFontSize, every length times scale: cells of 1 to 3
  // pixels, lines as tall as the size, no gap between boxes, folded into 3-pixel buckets.
  static GridGeometry Folded(int font_size, int scale = 1) {
    GridGeometry geometry;
    geometry.cell_width = (font_size + 1) / 2 * scale;
    geometry.cell_height = font_size * scale;
    geometry.line_gap = (font_size >= 3 ? 1 : 0) * scale;
    geometry.token_gap = 0;
    geometry.fold_pixels = 3 * scale;
    return geometry;
  }
};

// Text sizes (pixels): below kMinGlyphFontSize the view is zoomed out, drawn without glyphs in
// folded blocks (GridGeometry::Folded).
inline constexpr int kMinFontSize = 1;
inline constexpr int kMinGlyphFontSize = 6;
inline constexpr int kMaxFontSize = 96;

// Merges neighbouring pieces on one row whose tokens share a group (GroupTokens) into one box:
// values per word, line or sentence are drawn as one box per group and line.
void MergeGroupBoxes(VisibleLayout& layout, std::span<const uint32_t> groups);

// The text a box stands for: its part of its token, or for a merged box, every token it covers.
std::string BoxText(const Sequence& sequence, const VisibleLayout& layout, size_t instance);

// The instance under a point given in grid pixels relative to the first laid-out line's top-left
// corner, or nullopt (the gap between lines and the space after a line's last token hit nothing).
std::optional<size_t> HitTest(const VisibleLayout& layout, const GridGeometry& geometry, double x,
                              double y);

}  // namespace th
