#pragma once
// How a token's text becomes cells of the monospace grid. The text is split into display units:
// a grapheme (a base character with its combining marks) or, for scripts that shape across
// characters (Arabic, Hebrew, Indic, Thai...), a run of that script, which is shaped and drawn
// as one image. A unit takes one cell per character, two for East Asian Wide and Fullwidth
// ones; combining marks take none. Whitespace, control and zero-width characters are made
// visible as dim markers (a newline is drawn as U+21B5 and then breaks the line), so a token's
// box always has a width, and an empty token shows U+2205 instead of vanishing. A token made only
// of whitespace shows its spaces as U+00B7 too, so its box is not blank; in any other token a
// space stays a space. A byte that is not valid UTF-8 is one dim unit drawn as its hex form
// "\x9F" (four cells), never dropped and never mistaken for a real U+FFFD.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.hpp"
#include "layout/char_class.hpp"

namespace th {

// Encoding of a display cell in VisibleLayout::cells. Code points never use the top three bits.
inline constexpr uint32_t kMarkerBit = 0x80000000u;        // drawn dimmer than text
inline constexpr uint32_t kContinuationBit = 0x40000000u;  // the next cell of the glyph started before it
inline constexpr uint32_t kClusterBit = 0x20000000u;       // the value indexes VisibleLayout::clusters
inline constexpr uint32_t kCellValueMask = 0x1FFFFFFFu;    // code point or cluster index

// A shaped run is cut after this many cells; the atlas keeps each unit in one row of slots.
inline constexpr int kMaxUnitCells = 16;

inline constexpr char32_t kEmptyTokenMarker = 0x2205;  // ∅
inline constexpr char32_t kZeroWidthMarker = 0x2B1A;   // ⬚ for ZWSP, joiners, bidi controls, BOM

struct DisplayUnit {
  uint32_t byte_begin = 0;  // the unit's text within the token
  uint32_t byte_end = 0;
  // The one code point drawn, or 0 when the unit is several code points shaped together (its
  // text, byte_begin..byte_end).
  char32_t glyph = 0;
  uint8_t cells = 1;
  bool marker = false;       // glyph stands for whitespace, a control or a zero-width character
  bool breaks_line = false;  // the line ends after this unit (a newline)
  BidiClass bidi = BidiClass::kNeutral;
  bool malformed_byte = false;  // one byte that starts no valid character: drawn as "\xHH", glyph 0
};

// Cells of a malformed byte's unit: "\xHH".
inline constexpr uint8_t kMalformedByteCells = 4;

// Replaces units with the token's units in logical (reading) order.
void SplitDisplayUnits(std::string_view token, std::vector<DisplayUnit>& units);

// Appends the code points a unit without a single glyph (glyph 0) draws as one shaped image: its
// text within token, or a malformed byte's hex form.
void AppendUnitCluster(std::string_view token, const DisplayUnit& unit, std::u32string& cluster);

// Logical to visual order for the units of one line: each span of right-to-left text, with the
// spaces and numbers inside it, is reversed; numbers keep their digits left to right, and
// brackets in the span are mirrored. The rest of the line stays left to right.
void ReorderForDisplay(std::span<DisplayUnit> units);

// The token's text with whitespace made visible for tooltips: space as U+00B7, newline as
// U+21B5, tab as U+21E5, other control characters as their U+24xx pictures, zero-width
// characters as U+2B1A, and bytes that are not valid UTF-8 as "\xHH".
std::string VisibleWhitespace(std::string_view token);

}  // namespace th
