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

}  // namespace

bool IsOnlyWhitespace(std::string_view token) {
  size_t pos = 0;
  while (pos < token.size()) {
    const char32_t cp = DecodeUtf8(token, pos);
    if (!IsSpaceSeparator(cp) && !(cp >= '\t' && cp <= '\r')) return false;
  }
  return true;
}

DisplayUnitReader::DisplayUnitReader(std::string_view token, bool only_whitespace, size_t byte_begin, size_t byte_end)
    : m_text(token.substr(0, std::min(byte_end, token.size()))),
      m_only_whitespace(only_whitespace),
      m_byte_begin(std::min(byte_begin, m_text.size())),
      m_pos(m_byte_begin) {
  if (token.empty()) {
    m_unit = {.glyph = kEmptyTokenMarker, .marker = true};
    m_have_unit = true;
  }
}

bool DisplayUnitReader::Next(DisplayUnit& unit) {
  // Each code point either joins the unit being read or starts the next one, which completes it.
  while (m_pos < m_text.size()) {
    const auto begin = static_cast<uint32_t>(m_pos);
    const char32_t cp = DecodeUtf8(m_text, m_pos);
    const auto end = static_cast<uint32_t>(m_pos);
    DisplayUnit started;
    if (IsMalformedByte(cp, begin, end)) {
      started = {.byte_begin = begin, .byte_end = end, .glyph = 0, .cells = kMalformedByteCells, .marker = true,
                 .malformed_byte = true};
      m_open_run = 0;
    } else if (const CharClass info = ClassifyChar(cp); m_only_whitespace && IsSpaceSeparator(cp)) {
      started = {begin, end, kSpaceMarker, std::max<uint8_t>(info.cells, 1), true, false};
    } else {
      const bool open = m_have_unit && !m_unit.marker && m_unit_code_points < kMaxUnitCodePoints;
      // Joiners shape Arabic and Indic runs; anywhere else they would be invisible, so are shown.
      const bool joins_run = m_open_run != 0 && (cp == kZeroWidthJoiner || cp == kZeroWidthNonJoiner);
      const bool attaches = info.kind == CharKind::kMark || info.kind == CharKind::kSpacingMark;
      const bool continues_run = m_open_run != 0 && info.complex_script == m_open_run &&
                                 m_unit.cells + info.cells <= kMaxUnitCells;
      if (open && (joins_run || attaches || continues_run)) {
        m_unit.byte_end = end;
        m_unit.glyph = 0;
        if (m_open_run != 0 && m_unit.cells + info.cells <= kMaxUnitCells) m_unit.cells += info.cells;
        ++m_unit_code_points;
        continue;
      }
      if (const char32_t control = ControlMarker(cp); control != 0 || info.kind == CharKind::kFormat) {
        started = {begin, end, control != 0 ? control : kZeroWidthMarker, 1, true, cp == '\n'};
        m_open_run = 0;
      } else {
        // A mark with nothing to attach to still gets a cell (HarfBuzz draws it on a dotted circle).
        started = {begin, end, cp, std::max<uint8_t>(info.cells, 1), false, false, info.bidi};
        m_open_run = info.complex_script;
      }
    }
    const bool completed = m_have_unit;
    if (completed) unit = m_unit;
    m_unit = started;
    m_have_unit = true;
    m_unit_code_points = 1;
    if (completed) return true;
  }
  if (!m_have_unit) return false;
  unit = m_unit;
  m_have_unit = false;
  return true;
}

void SplitDisplayUnits(std::string_view token, std::vector<DisplayUnit>& units) {
  units.clear();
  DisplayUnitReader reader(token);
  for (DisplayUnit unit; reader.Next(unit);) units.push_back(unit);
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
