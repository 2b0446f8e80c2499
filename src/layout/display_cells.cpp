#include "layout/display_cells.hpp"

#include <algorithm>

namespace th {

namespace {

constexpr char32_t kNewlineMarker = 0x21B5;   // ↵
constexpr char32_t kTabMarker = 0x21E5;       // ⇥
constexpr char32_t kSpaceMarker = 0x00B7;     // ·
constexpr char32_t kControlPictures = 0x2400; // ␀ ... ␟
constexpr char32_t kDeleteMarker = 0x2421;    // ␡

// The visible stand-in for a control code point, or 0 for anything else.
char32_t ControlMarker(char32_t cp) {
  if (cp == '\n') return kNewlineMarker;
  if (cp == '\t') return kTabMarker;
  if (cp < 0x20) return kControlPictures + cp;
  if (cp == 0x7F) return kDeleteMarker;
  if (cp >= 0x80 && cp < 0xA0) return kReplacementChar;  // C1 controls have no pictures
  return 0;
}

// Unicode's space separators (general category Zs).
bool IsSpaceSeparator(char32_t cp) {
  return cp == ' ' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Whether the token holds nothing but spaces, tabs, newlines and the other whitespace controls:
// then its spaces are drawn as markers too, or its box would look empty.
bool IsOnlyWhitespace(std::string_view token) {
  size_t pos = 0;
  while (pos < token.size()) {
    const char32_t cp = DecodeUtf8(token, pos);
    if (!IsSpaceSeparator(cp) && !(cp >= '\t' && cp <= '\r')) return false;
  }
  return true;
}

}  // namespace

void SplitDisplayUnits(std::string_view token, std::vector<DisplayUnit>& units) {
  units.clear();
  if (token.empty()) {
    units.push_back({.glyph = kEmptyTokenMarker, .marker = true});
    return;
  }
  const bool only_whitespace = IsOnlyWhitespace(token);
  // The script of the run the last unit is, or 0 when it is a grapheme (or a marker) that
  // takes no more base characters.
  uint32_t open_run = 0;
  size_t pos = 0;
  while (pos < token.size()) {
    const auto begin = static_cast<uint32_t>(pos);
    const char32_t cp = DecodeUtf8(token, pos);
    const auto end = static_cast<uint32_t>(pos);
    if (IsMalformedByte(cp, begin, end)) {
      units.push_back({.byte_begin = begin, .byte_end = end, .glyph = 0, .cells = kMalformedByteCells,
                       .marker = true, .malformed_byte = true});
      open_run = 0;
      continue;
    }
    const CharClass info = ClassifyChar(cp);
    if (only_whitespace && IsSpaceSeparator(cp)) {
      units.push_back({begin, end, kSpaceMarker, std::max<uint8_t>(info.cells, 1), true, false});
      continue;
    }
    DisplayUnit* const last = units.empty() || units.back().marker ? nullptr : &units.back();
    // Joiners shape Arabic and Indic runs; anywhere else they would be invisible, so are shown.
    const bool joins_run = open_run != 0 && (cp == kZeroWidthJoiner || cp == kZeroWidthNonJoiner);
    const bool attaches = info.kind == CharKind::kMark || info.kind == CharKind::kSpacingMark;
    const bool continues_run = open_run != 0 && info.complex_script == open_run &&
                               last->cells + info.cells <= kMaxUnitCells;

    if (last != nullptr && (joins_run || attaches || continues_run)) {
      last->byte_end = end;
      last->glyph = 0;
      if (open_run != 0 && last->cells + info.cells <= kMaxUnitCells) last->cells += info.cells;
      continue;
    }
    if (const char32_t control = ControlMarker(cp); control != 0 || info.kind == CharKind::kFormat) {
      units.push_back({begin, end, control != 0 ? control : kZeroWidthMarker, 1, true, cp == '\n'});
      open_run = 0;
      continue;
    }
    // A mark with nothing to attach to still gets a cell (HarfBuzz draws it on a dotted circle).
    units.push_back({begin, end, cp, std::max<uint8_t>(info.cells, 1), false, false, info.bidi});
    open_run = info.complex_script;
  }
}

void ReorderForDisplay(std::span<DisplayUnit> units) {
  size_t i = 0;
  while (i < units.size()) {
    if (units[i].bidi != BidiClass::kRightToLeft) {
      ++i;
      continue;
    }
    // The span runs to the last right-to-left letter or number before a left-to-right letter;
    // neutrals after it stay where they are.
    size_t end = i + 1;
    for (size_t j = i + 1; j < units.size() && units[j].bidi != BidiClass::kLeftToRight; ++j)
      if (units[j].bidi != BidiClass::kNeutral) end = j + 1;
    const auto span = units.subspan(i, end - i);
    std::reverse(span.begin(), span.end());
    for (auto number = span.begin(); number != span.end();) {
      const auto is_number = [](const DisplayUnit& u) { return u.bidi == BidiClass::kNumber; };
      number = std::find_if(number, span.end(), is_number);
      const auto after = std::find_if_not(number, span.end(), is_number);
      std::reverse(number, after);
      number = after;
    }
    for (DisplayUnit& unit : span)
      if (unit.glyph != 0 && !unit.marker) unit.glyph = MirroredChar(unit.glyph);
    i = end;
  }
}

void AppendUnitCluster(std::string_view token, const DisplayUnit& unit, std::u32string& cluster) {
  if (unit.malformed_byte) {
    std::string hex;
    AppendHexByte(hex, static_cast<unsigned char>(token[unit.byte_begin]));
    cluster.append(hex.begin(), hex.end());
    return;
  }
  ForEachCodePoint(token.substr(unit.byte_begin, unit.byte_end - unit.byte_begin),
                   [&cluster](char32_t cp) { cluster.push_back(cp); });
}

std::string VisibleWhitespace(std::string_view token) {
  std::string out;
  ForEachCodePoint(
      token,
      [&](char32_t cp) {
        char32_t shown = cp == ' ' ? kSpaceMarker : ControlMarker(cp);
        if (shown == 0 && ClassifyChar(cp).kind == CharKind::kFormat) shown = kZeroWidthMarker;
        AppendUtf8(out, shown != 0 ? shown : cp);
      },
      [&](unsigned char byte) { AppendHexByte(out, byte); });
  return out;
}

}  // namespace th
