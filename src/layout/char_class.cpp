#include "layout/char_class.hpp"

#include <hb.h>
#include <utf8proc.h>

#include <algorithm>
#include <iterator>

namespace th {

namespace {

struct Range {
  char32_t first;
  char32_t last;
};

// East Asian Width W and F (Unicode 15 EastAsianWidth.txt), merged where neighbouring ranges
// touch. Combining marks inside these ranges (U+3099..309A) are caught as marks first.
constexpr Range kWideRanges[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},   {0x23F0, 0x23F0},
    {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},   {0x267F, 0x267F},
    {0x2693, 0x2693},   {0x26A1, 0x26A1},   {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},   {0x2728, 0x2728},
    {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},
    {0x27B0, 0x27B0},   {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x2E80, 0x2E99},   {0x2E9B, 0x2EF3},   {0x2F00, 0x2FD5},   {0x2FF0, 0x2FFF},   {0x3000, 0x303E},
    {0x3041, 0x3096},   {0x3099, 0x30FF},   {0x3105, 0x312F},   {0x3131, 0x318E},   {0x3190, 0x31E3},
    {0x31EF, 0x321E},   {0x3220, 0x3247},   {0x3250, 0xA48C},   {0xA490, 0xA4C6},   {0xA960, 0xA97C},
    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE52},   {0xFE54, 0xFE66},
    {0xFE68, 0xFE6B},   {0xFF01, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4}, {0x16FF0, 0x16FF1},
    {0x17000, 0x187F7}, {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFFE}, {0x1B000, 0x1B122},
    {0x1B132, 0x1B132}, {0x1B150, 0x1B152}, {0x1B155, 0x1B155}, {0x1B164, 0x1B167}, {0x1B170, 0x1B2FB},
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F202},
    {0x1F210, 0x1F23B}, {0x1F240, 0x1F248}, {0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F320},
    {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3},
    {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC},
    {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596},
    {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB},
    {0x1F7F0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FA7C},
    {0x1FA80, 0x1FA88}, {0x1FA90, 0x1FABD}, {0x1FABF, 0x1FAC5}, {0x1FACE, 0x1FADB}, {0x1FAE0, 0x1FAE8},
    {0x1FAF0, 0x1FAF8}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

// Scripts whose letters change shape or stack with their neighbours, so a run of them is shaped
// as one piece rather than code point by code point.
constexpr hb_script_t kComplexScripts[] = {
    HB_SCRIPT_ARABIC,   HB_SCRIPT_SYRIAC,  HB_SCRIPT_THAANA,   HB_SCRIPT_NKO,     HB_SCRIPT_MONGOLIAN,
    HB_SCRIPT_HEBREW,   HB_SCRIPT_DEVANAGARI, HB_SCRIPT_BENGALI, HB_SCRIPT_GURMUKHI, HB_SCRIPT_GUJARATI,
    HB_SCRIPT_ORIYA,    HB_SCRIPT_TAMIL,   HB_SCRIPT_TELUGU,   HB_SCRIPT_KANNADA, HB_SCRIPT_MALAYALAM,
    HB_SCRIPT_SINHALA,  HB_SCRIPT_THAI,    HB_SCRIPT_LAO,      HB_SCRIPT_TIBETAN, HB_SCRIPT_MYANMAR,
    HB_SCRIPT_KHMER,
};

bool IsLetter(hb_unicode_general_category_t category) {
  switch (category) {
    case HB_UNICODE_GENERAL_CATEGORY_LOWERCASE_LETTER:
    case HB_UNICODE_GENERAL_CATEGORY_MODIFIER_LETTER:
    case HB_UNICODE_GENERAL_CATEGORY_OTHER_LETTER:
    case HB_UNICODE_GENERAL_CATEGORY_TITLECASE_LETTER:
    case HB_UNICODE_GENERAL_CATEGORY_UPPERCASE_LETTER:
      return true;
    default:
      return false;
  }
}

bool IsEmojiModifier(char32_t cp) { return cp >= 0x1F3FB && cp <= 0x1F3FF; }

}  // namespace

bool IsWide(char32_t cp) {
  if (cp < kWideRanges[0].first) return false;
  const auto it = std::upper_bound(std::begin(kWideRanges), std::end(kWideRanges), cp,
                                   [](char32_t value, const Range& range) { return value < range.first; });
  return it != std::begin(kWideRanges) && cp <= std::prev(it)->last;
}

CharClass ClassifyChar(char32_t cp) {
  CharClass info;
  if (cp < 0x80) {  // ASCII, the bulk of most documents, without a table lookup
    if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') info.bidi = BidiClass::kLeftToRight;
    if (cp >= '0' && cp <= '9') info.bidi = BidiClass::kNumber;
    return info;
  }
  hb_unicode_funcs_t* const unicode = hb_unicode_funcs_get_default();
  const hb_unicode_general_category_t category = hb_unicode_general_category(unicode, cp);
  const hb_script_t script = hb_unicode_script(unicode, cp);
  switch (category) {
    case HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK:
    case HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK:
      info.kind = CharKind::kMark;
      info.cells = 0;
      return info;
    case HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK:
      info.kind = CharKind::kSpacingMark;
      break;
    case HB_UNICODE_GENERAL_CATEGORY_FORMAT:
      info.kind = CharKind::kFormat;
      info.cells = 0;
      return info;
    default:
      if (IsEmojiModifier(cp)) {  // a skin tone belongs to the emoji before it
        info.kind = CharKind::kMark;
        info.cells = 0;
        return info;
      }
      break;
  }
  info.cells = IsWide(cp) ? 2 : 1;
  if (IsLetter(category)) {
    info.bidi = hb_script_get_horizontal_direction(script) == HB_DIRECTION_RTL ? BidiClass::kRightToLeft
                                                                               : BidiClass::kLeftToRight;
  } else if (category == HB_UNICODE_GENERAL_CATEGORY_DECIMAL_NUMBER) {
    info.bidi = BidiClass::kNumber;
  }
  if (std::find(std::begin(kComplexScripts), std::end(kComplexScripts), script) != std::end(kComplexScripts))
    info.complex_script = static_cast<uint32_t>(script);
  return info;
}

bool IsExtendedPictographic(char32_t cp) {
  // None below U+00A9 ©: ASCII, the common case, needs no table.
  return cp >= 0xA9 && utf8proc_get_property(static_cast<utf8proc_int32_t>(cp))->boundclass ==
                           UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
}

bool MakesEmojiPresentation(char32_t cp) {
  constexpr char32_t kEmojiPresentationSelector = 0xFE0F;
  constexpr char32_t kCombiningKeycap = 0x20E3;
  const bool regional_indicator = cp >= 0x1F1E6 && cp <= 0x1F1FF;
  const bool tag = cp >= 0xE0020 && cp <= 0xE007F;
  return cp == kEmojiPresentationSelector || cp == kCombiningKeycap || IsEmojiModifier(cp) || regional_indicator ||
         tag || IsExtendedPictographic(cp);
}

}  // namespace th
