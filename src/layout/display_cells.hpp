#pragma once
// How a token's text becomes cells of the monospace grid. Whitespace and control characters are
// made visible as dim markers (a newline is drawn as U+21B5 and then breaks the line), so a
// token's box always has a width, and an empty token shows U+2205 instead of vanishing.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/utf8.hpp"

namespace th {

// A display cell: the code point to draw, with kMarkerBit set when it stands for whitespace or
// a control character (drawn dimmer than text). Code points never use the top bit.
inline constexpr uint32_t kMarkerBit = 0x80000000u;

struct DisplayCell {
  uint32_t value;        // code point | optional kMarkerBit
  bool breaks_line;      // the line ends after this cell (a newline)
};

// The cell that stands for cp in the grid.
DisplayCell CellForCodePoint(char32_t cp);

inline constexpr char32_t kEmptyTokenMarker = 0x2205;  // ∅

// Calls fn(DisplayCell) for each cell of the token, left to right.
template <typename Fn>
void ForEachDisplayCell(std::string_view token, Fn&& fn) {
  if (token.empty()) {
    fn(DisplayCell{kEmptyTokenMarker | kMarkerBit, false});
    return;
  }
  ForEachCodePoint(token, [&](char32_t cp) { fn(CellForCodePoint(cp)); });
}

// The token's text with whitespace made visible for tooltips: space as U+00B7, newline as
// U+21B5, tab as U+21E5, other control characters as their U+24xx pictures.
std::string VisibleWhitespace(std::string_view token);

}  // namespace th
