#pragma once
// The zoomed-out view: below kMinGlyphFontSize a token is a few pixels wide or less, too small
// for a glyph, and a screen holds hundreds of thousands of them. Each visible line is drawn as
// blocks instead: the tokens whose first cell falls in the same bucket of a few pixels merge into
// one box without glyphs, whose value is their reduction (max-abs by default, as the overview
// strip's, so a single spike survives the folding). The work is one pass over the visible
// tokens' widths (a screen of many tokens in two halves on two threads), and the instances are
// at most one per bucket of each visible line.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/document.hpp"
#include "layout/line_index.hpp"
#include "layout/value_pyramid.hpp"
#include "layout/visible_layout.hpp"

namespace th {

// Lines [first_line, first_line + line_count) (clipped to the index), each cut into buckets of
// fold_cells cells (>= 1) from its left edge: the tokens starting in one bucket become one
// instance, spanning from the first one's column to the last one's end (so a token wider than a
// bucket keeps its own box). VisibleLayout::tokens holds a block's first token, merged_tokens
// how many follow it, byte_begin/byte_end the text of its first and last piece (BoxText gives
// the block's text). The value is the reduction of the tokens' finite values; a block of tokens
// without a value has none (kNoValueFlag). Every block points at a run of blank cells and
// carries kFoldedBlockFlag: no glyph, no clipping notch, no underline.
VisibleLayout LayoutFoldedLines(const Sequence& sequence, const LineIndex& index, std::span<const float> values,
                                size_t first_line, size_t line_count, int fold_cells, Reduction reduction,
                                TokenText text = TokenText::kDecoded);

// The folded picture as an image of raw values, drawn by one fragment pass (gfx's
// HeatmapRenderer uploads it as an R32F texture; shaders/folded.frag colours it), so that drawing
// costs the same whatever the number of blocks: one texel per cell column of each laid-out line,
// holding the value of the block over that cell (its reduction, mapped to a colour per pixel),
// NaN for a block without a value (hatched), and kFoldedCanvasBits for the canvas: past a line's
// end and blocks of unmeasured tokens. Built again only when the layout changes; a recolour
// changes uniforms and the palette alone.
inline constexpr uint32_t kFoldedCanvasBits = 0x7F800000u;  // +Inf; also the float exponent mask
struct FoldedGrid {
  uint32_t width = 0;         // cells: the end of the longest line's last block
  uint32_t height = 0;        // lines: the layout's line_count
  std::vector<float> texels;  // width * height, row-major from the layout's first line
};
// Fills grid (reusing its storage) from a layout LayoutFoldedLines made. Returns false, leaving
// grid empty, for any other layout: one without instances, or holding an instance that is not a
// folded block, or not ordered by (row, column).
bool FoldedValueGrid(const VisibleLayout& layout, FoldedGrid& grid);

}  // namespace th
