#include "layout/display_cells.hpp"

#include <fribidi.h>
#include <utf8proc.h>

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

// Whether a grapheme cluster boundary (UAX #29) lies between two code points; state carries what
// rules GB11 and GB12 need (an emoji before a joiner, how many regional indicators) and is 0 at
// the start. Two ASCII characters other than CR LF always have one between them, the common case.
bool IsGraphemeBreak(char32_t before, char32_t cp, int32_t& state) {
  if (before < 0x80 && cp < 0x80 && !(before == '\r' && cp == '\n')) {
    state = 0;  // restarts from the last code point, which carries no state of its own
    return true;
  }
  return utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(before), static_cast<utf8proc_int32_t>(cp),
                                          &state);
}

}  // namespace

std::string_view BidiControlMarker(char32_t cp) {
  switch (cp) {
    case 0x200E: return "LRM";
    case 0x200F: return "RLM";
    case 0x061C: return "ALM";
    case 0x202A: return "LRE";
    case 0x202B: return "RLE";
    case 0x202C: return "PDF";
    case 0x202D: return "LRO";
    case 0x202E: return "RLO";
    case 0x2066: return "LRI";
    case 0x2067: return "RLI";
    case 0x2068: return "FSI";
    case 0x2069: return "PDI";
    default: return {};
  }
}

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
      m_last_cp = 0;  // no character to cluster with
    } else if (const CharClass info = ClassifyChar(cp); m_only_whitespace && IsSpaceSeparator(cp)) {
      started = {begin, end, kSpaceMarker, std::max<uint8_t>(info.cells, 1), true, false};
      m_last_cp = cp;
      m_break_state = 0;
    } else {
      const bool grapheme_break = m_last_cp == 0 || IsGraphemeBreak(m_last_cp, cp, m_break_state);
      m_last_cp = cp;
      const bool open = m_have_unit && !m_unit.marker && m_unit_code_points < kMaxUnitCodePoints;
      const bool joiner = cp == kZeroWidthJoiner || cp == kZeroWidthNonJoiner;
      // Joiners shape Arabic and Indic runs and link emoji into one; anywhere else they would be
      // invisible, so are shown.
      const bool joins = joiner && (m_open_run != 0 || (cp == kZeroWidthJoiner && m_unit_pictographic && [&] {
                                                          size_t next = m_pos;
                                                          return next < m_text.size() &&
                                                                 IsExtendedPictographic(DecodeUtf8(m_text, next));
                                                        }()));
      // Marks, variation selectors, skin tones, a flag's second letter...; format characters only
      // inside an emoji (a subdivision flag's tags), so that elsewhere they stay visible.
      const bool attaches = !joiner && !grapheme_break && (info.kind != CharKind::kFormat || m_unit_pictographic);
      const bool continues_run = m_open_run != 0 && info.complex_script == m_open_run && info.bidi == m_run_bidi &&
                                 m_unit.cells + info.cells <= kMaxUnitCells;
      if (open && (joins || attaches || continues_run)) {
        m_unit.byte_end = end;
        m_unit.glyph = 0;
        if (m_open_run != 0 && m_unit.cells + info.cells <= kMaxUnitCells) m_unit.cells += info.cells;
        if (attaches && MakesEmojiPresentation(cp)) m_unit.cells = std::max<uint8_t>(m_unit.cells, 2);
        ++m_unit_code_points;
        continue;
      }
      m_unit_pictographic = false;
      if (const std::string_view abbreviation = BidiControlMarker(cp); !abbreviation.empty()) {
        started = {.byte_begin = begin, .byte_end = end, .glyph = 0, .cells = static_cast<uint8_t>(abbreviation.size()),
                   .marker = true, .bidi_control = true};
        m_open_run = 0;
      } else if (const char32_t control = ControlMarker(cp); control != 0 || info.kind == CharKind::kFormat) {
        started = {begin, end, control != 0 ? control : kZeroWidthMarker, 1, true, cp == '\n'};
        m_open_run = 0;
      } else {
        // A mark with nothing to attach to gets a cell, and a dotted circle to sit on.
        const bool lone_mark = info.kind == CharKind::kMark || info.kind == CharKind::kSpacingMark;
        started = {.byte_begin = begin, .byte_end = end, .glyph = lone_mark ? 0 : cp,
                   .cells = std::max<uint8_t>(info.cells, 1), .bidi = info.bidi, .lone_mark = lone_mark};
        m_open_run = info.complex_script;
        m_run_bidi = info.bidi;
        m_unit_pictographic = IsExtendedPictographic(cp);
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

void ReorderForDisplay(std::string_view text, std::span<DisplayUnit> units) {
  // Without a right-to-left letter every level is even (bidi controls are never applied), and
  // the visual order is the logical one: most text stops here.
  if (std::none_of(units.begin(), units.end(), [](const DisplayUnit& u) { return u.bidi == BidiClass::kRightToLeft; }))
    return;
  // Each unit takes part in the algorithm as one character: its first. A shaped run's letters all
  // have its direction and a grapheme's marks take their base's, so nothing inside a unit would
  // get another level. Markers stand for what they are drawn as: visible neutral symbols, except
  // that spaces, tabs and newlines keep their own classes.
  thread_local std::vector<FriBidiCharType> types;
  thread_local std::vector<FriBidiBracketType> brackets;
  thread_local std::vector<FriBidiLevel> levels;
  const auto count = static_cast<FriBidiStrIndex>(units.size());
  types.resize(units.size());
  brackets.resize(units.size());
  levels.resize(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    const DisplayUnit& unit = units[i];
    size_t pos = unit.byte_begin;
    const char32_t cp = unit.byte_end > unit.byte_begin ? DecodeUtf8(text, pos) : 0;
    FriBidiCharType type = fribidi_get_bidi_type(cp);
    const bool kept = type == FRIBIDI_TYPE_WS || type == FRIBIDI_TYPE_SS || type == FRIBIDI_TYPE_BS;
    if (unit.malformed_byte || unit.bidi_control || (unit.marker && !kept) || FRIBIDI_IS_EXPLICIT(type))
      type = FRIBIDI_TYPE_ON;
    types[i] = type;
    brackets[i] = unit.glyph != 0 && !unit.marker ? fribidi_get_bracket(cp) : FRIBIDI_NO_BRACKET;
  }
  // Each piece is a paragraph of its own, whose direction is its first strong letter's (UAX #9
  // rules P2 and P3): a right-to-left word's leading space and trailing full stop are drawn where
  // a right-to-left reader expects them. The exports give each token the same direction.
  FriBidiParType direction = FRIBIDI_PAR_ON;
  const FriBidiLevel max_level =
      fribidi_get_par_embedding_levels_ex(types.data(), brackets.data(), count, &direction, levels.data());
  if (max_level == 0) return;  // out of memory: logical order
  // L4: a glyph at an odd (right-to-left) level is drawn mirrored. Shaped runs are mirrored by
  // HarfBuzz, which shapes them right to left.
  for (size_t i = 0; i < units.size(); ++i) {
    DisplayUnit& unit = units[i];
    FriBidiChar mirrored = 0;
    if (unit.glyph != 0 && !unit.marker && (levels[i] & 1) != 0 && fribidi_get_mirror_char(unit.glyph, &mirrored))
      unit.glyph = mirrored;
  }
  // L2: from the highest level down to the lowest odd one, reverse every run at that level or above.
  const FriBidiLevel highest = *std::max_element(levels.begin(), levels.end());
  FriBidiLevel lowest_odd = *std::min_element(levels.begin(), levels.end());
  lowest_odd = static_cast<FriBidiLevel>(lowest_odd | 1);
  for (FriBidiLevel level = highest; level >= lowest_odd && level > 0; --level) {
    for (size_t i = 0; i < units.size();) {
      if (levels[i] < level) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < units.size() && levels[end] >= level) ++end;
      std::reverse(units.begin() + static_cast<ptrdiff_t>(i), units.begin() + static_cast<ptrdiff_t>(end));
      std::reverse(levels.begin() + static_cast<ptrdiff_t>(i), levels.begin() + static_cast<ptrdiff_t>(end));
      i = end;
    }
  }
}

void AppendUnitCluster(std::string_view token, const DisplayUnit& unit, std::u32string& cluster) {
  if (unit.malformed_byte) {
    std::string hex;
    AppendHexByte(hex, static_cast<unsigned char>(token[unit.byte_begin]));
    cluster.append(hex.begin(), hex.end());
    return;
  }
  if (unit.bidi_control) {
    size_t pos = unit.byte_begin;
    const std::string_view abbreviation = BidiControlMarker(DecodeUtf8(token, pos));
    cluster.append(abbreviation.begin(), abbreviation.end());
    return;
  }
  if (unit.lone_mark) cluster.push_back(kDottedCircle);
  ForEachCodePoint(token.substr(unit.byte_begin, unit.byte_end - unit.byte_begin),
                   [&cluster](char32_t cp) { cluster.push_back(cp); });
}

std::string VisibleWhitespace(std::string_view token) {
  std::string out;
  ForEachCodePoint(
      token,
      [&](char32_t cp) {
        if (const std::string_view abbreviation = BidiControlMarker(cp); !abbreviation.empty()) {
          out.append("<").append(abbreviation).append(">");
          return;
        }
        char32_t shown = cp == ' ' ? kSpaceMarker : ControlMarker(cp);
        if (shown == 0 && ClassifyChar(cp).kind == CharKind::kFormat) shown = kZeroWidthMarker;
        AppendUtf8(out, shown != 0 ? shown : cp);
      },
      [&](unsigned char byte) { AppendHexByte(out, byte); });
  return out;
}

}  // namespace th
