#pragma once
// What the grid needs to know about a code point, without any font: how many cells it takes,
// whether it attaches to the character before it, which script run it belongs to and its
// direction. Cell widths follow Unicode's East Asian Width (W and F take two cells); general
// category and script come from HarfBuzz's built-in Unicode data, emoji properties from utf8proc's.

#include <cstdint>

namespace th {

enum class BidiClass : uint8_t {
  kLeftToRight,  // letters of left-to-right scripts
  kRightToLeft,  // letters of Hebrew, Arabic and the other right-to-left scripts
  kNumber,       // decimal digits: left-to-right even inside right-to-left text
  kNeutral,      // spaces, punctuation, symbols: they take the direction around them
};

enum class CharKind : uint8_t {
  kBase,          // starts a new grapheme
  kMark,          // non-spacing or enclosing mark (Mn, Me): no cell of its own
  kSpacingMark,   // spacing mark (Mc): part of the grapheme before it, but takes room
  kFormat,        // zero-width format character (ZWSP, joiners, bidi controls, BOM): drawn as a marker
};

struct CharClass {
  CharKind kind = CharKind::kBase;
  uint8_t cells = 1;          // 2 for East Asian Wide and Fullwidth, 0 for marks and formats
  BidiClass bidi = BidiClass::kNeutral;
  // Non-zero for scripts whose runs must be shaped together (Arabic joining, Indic conjuncts,
  // Thai and Hebrew mark stacking): the script's ISO 15924 tag. Runs never mix two tags.
  uint32_t complex_script = 0;
};

CharClass ClassifyChar(char32_t cp);

// East Asian Width W or F.
bool IsWide(char32_t cp);

// Unicode's Extended_Pictographic property: the emoji that a zero-width joiner links into one
// sequence (UAX #29 rule GB11).
bool IsExtendedPictographic(char32_t cp);

// Whether cp, attached to a grapheme, makes it an emoji drawn two cells wide: the emoji
// presentation selector U+FE0F, a skin tone, the keycap U+20E3, a second regional indicator
// (a flag), a tag (subdivision flags) or a pictograph after a joiner.
bool MakesEmojiPresentation(char32_t cp);

inline constexpr char32_t kZeroWidthJoiner = 0x200D;
inline constexpr char32_t kZeroWidthNonJoiner = 0x200C;

}  // namespace th
