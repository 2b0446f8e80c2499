#pragma once
// How a token's text becomes cells of the monospace grid. The text is split into display units:
// a grapheme cluster (UAX #29: a base with its combining marks, an emoji sequence joined by
// U+200D, a flag, a Hangul syllable of jamo) or, for scripts that shape across characters
// (Arabic, Hebrew, Indic, Thai...), a run of that script, which is shaped and drawn as one image.
// A unit takes its cells once: one per character, two for East Asian Wide and Fullwidth ones and
// for emoji sequences (U+FE0F, skin tones, flags, joined emoji); combining marks take none. A
// grapheme that starts with a mark (nothing before it to sit on) is drawn on a dotted circle,
// U+25CC, so its ink stays in its own box. Whitespace, control and zero-width characters are
// made visible as dim markers (a newline is drawn as U+21B5 and then breaks the line), bidi
// controls as their abbreviation ("RLO"), so a token's box always has a width, and an empty
// token shows U+2205 instead of vanishing. A token made only of whitespace shows its spaces as
// U+00B7 too, so its box is not blank; in any other token a space stays a space. A byte that is
// not valid UTF-8 is one dim unit drawn as its hex form "\x9F" (four cells), never dropped and
// never mistaken for a real U+FFFD.

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
inline constexpr char32_t kZeroWidthMarker = 0x2B1A;   // ⬚ for ZWSP, joiners, BOM
inline constexpr char32_t kDottedCircle = 0x25CC;      // ◌, the base a lone combining mark is drawn on

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
  bool lone_mark = false;       // starts with a combining mark: drawn after U+25CC, glyph 0
  bool bidi_control = false;    // a bidi control character: drawn as its abbreviation, glyph 0
};

// Cells of a malformed byte's unit: "\xHH".
inline constexpr uint8_t kMalformedByteCells = 4;

// The marker drawn for a bidi control character (UAX #9's embeddings, overrides, isolates and
// their terminators, and the marks LRM, RLM, ALM): its abbreviation, "RLO", "LRM"..., dim, one
// cell per letter; empty for any other code point. The exports draw the same text. These
// characters are shown, never applied: a token's text cannot reorder what the viewer shows.
std::string_view BidiControlMarker(char32_t cp);

// A unit holds at most this many code points: a base followed by thousands of combining marks
// becomes several units, so that what one unit costs to lay out, shape and rasterise is bounded
// however long the token. Unicode's stream-safe text has at most 30 marks in a row.
inline constexpr int kMaxUnitCodePoints = 128;

// Whether the token holds nothing but spaces, tabs, newlines and the other whitespace controls:
// then its spaces are drawn as markers too, or its box would look empty.
bool IsOnlyWhitespace(std::string_view token);

// Reads a token's display units one at a time, in logical (reading) order, from any unit boundary:
// a long token is read piece by piece (a line's worth at a time) without splitting it whole.
class DisplayUnitReader {
 public:
  // The units of the whole token.
  explicit DisplayUnitReader(std::string_view token) : DisplayUnitReader(token, IsOnlyWhitespace(token)) {}
  // The units of token[byte_begin, byte_end), which must start and end at unit boundaries (a
  // line start's byte, or the token's ends): they are the units the whole token has there.
  // only_whitespace: IsOnlyWhitespace(token), which the whole token decides.
  DisplayUnitReader(std::string_view token, bool only_whitespace, size_t byte_begin = 0,
                    size_t byte_end = std::string_view::npos);

  // The next unit, with byte offsets into the token; false after the last one.
  bool Next(DisplayUnit& unit);
  size_t ByteBegin() const { return m_byte_begin; }
  size_t ByteEnd() const { return m_text.size(); }

 private:
  std::string_view m_text;  // the token up to byte_end
  bool m_only_whitespace;
  size_t m_byte_begin;
  size_t m_pos;
  // The unit being read, complete once a code point that does not belong to it comes.
  DisplayUnit m_unit;
  bool m_have_unit = false;
  int m_unit_code_points = 0;
  // The script of the run the unit is, or 0 when it is a grapheme (or a marker) that takes no
  // more base characters; a run holds letters or digits of its script, never both, so that it
  // has one direction (Arabic-Indic digits run left to right inside Arabic text).
  uint32_t m_open_run = 0;
  BidiClass m_run_bidi = BidiClass::kNeutral;
  // The unit's base is an emoji that a zero-width joiner may link to the next one.
  bool m_unit_pictographic = false;
  // UAX #29 state between code points (utf8proc); 0 starts afresh from the last code point.
  char32_t m_last_cp = 0;
  int32_t m_break_state = 0;
};

// Replaces units with the token's units in logical (reading) order.
void SplitDisplayUnits(std::string_view token, std::vector<DisplayUnit>& units);

// Appends the code points a unit without a single glyph (glyph 0) draws as one shaped image: its
// text within token (after U+25CC for a lone mark), a malformed byte's hex form, or a bidi
// control's abbreviation.
void AppendUnitCluster(std::string_view token, const DisplayUnit& unit, std::u32string& cluster);

// Logical to visual order for the units of one token's piece of a line (text: the token, which
// the units' byte offsets index), by the Unicode bidirectional algorithm (UAX #9, FriBidi), the
// piece being a paragraph in the direction of its first strong letter (left to right when it has
// none): right-to-left text reads right to left, numbers in it left to right (Arabic-Indic digits
// too), and brackets at odd levels are mirrored. Tokens themselves stay in logical order, left to
// right. Bidi control characters take part as visible neutrals, never applied.
// Units are never split: a shaped run has one direction, which the glyph atlas shapes it in.
// Pieces without a right-to-left letter are left as they are, at no cost.
void ReorderForDisplay(std::string_view text, std::span<DisplayUnit> units);

// The token's text with whitespace made visible for tooltips: space as U+00B7, newline as
// U+21B5, tab as U+21E5, other control characters as their U+24xx pictures, bidi controls as
// their abbreviation in angle brackets ("<RLO>"), other zero-width characters as U+2B1A, and
// bytes that are not valid UTF-8 as "\xHH".
std::string VisibleWhitespace(std::string_view token);

}  // namespace th
