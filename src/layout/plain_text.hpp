#pragma once
// Text that is not a token, drawn on the grid by the heatmap renderer: a figure's caption and
// legend (app/export_png.cpp) and the stacked view's sequence headers (layout/stacked_layout.hpp).

#include <cstdint>
#include <string_view>

#include "layout/visible_layout.hpp"

namespace th {

// Appends one kPlainTextFlag instance drawing `text` from (row, column), in the canvas's
// contrasting colour; spaces stay blank (the dim space markers are for token text). Adds no entry
// to layout.tokens or the byte ranges. Returns the instance's width in cells.
int AppendPlainText(VisibleLayout& layout, int row, int column, std::string_view text);

// Appends a box of `cells` blank cells at (row, column) with these flags and value: a legend's
// gradient (kPaletteRampFlag) or swatch, coloured by the shader like a token.
void AppendBlankBox(VisibleLayout& layout, int row, int column, int cells, uint16_t flags, float value);

// The cells `text` takes on the grid (wide characters two, a malformed byte's "\xHH" four).
int PlainTextCells(std::string_view text);

}  // namespace th
