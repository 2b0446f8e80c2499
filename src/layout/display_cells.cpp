#include "layout/display_cells.hpp"

namespace th {

namespace {

constexpr char32_t kNewlineMarker = 0x21B5;   // ↵
constexpr char32_t kTabMarker = 0x21E5;       // ⇥
constexpr char32_t kSpaceMarker = 0x00B7;     // ·
constexpr char32_t kControlPictures = 0x2400; // ␀ ... ␟
constexpr char32_t kDeleteMarker = 0x2421;    // ␡

// The visible stand-in for a whitespace or control code point, or 0 for ordinary text.
char32_t MarkerFor(char32_t cp) {
  if (cp == '\n') return kNewlineMarker;
  if (cp == '\t') return kTabMarker;
  if (cp < 0x20) return kControlPictures + cp;
  if (cp == 0x7F) return kDeleteMarker;
  if (cp >= 0x80 && cp < 0xA0) return kReplacementChar;  // C1 controls have no pictures
  return 0;
}

}  // namespace

DisplayCell CellForCodePoint(char32_t cp) {
  const char32_t marker = MarkerFor(cp);
  if (marker == 0) return {static_cast<uint32_t>(cp), false};
  return {static_cast<uint32_t>(marker) | kMarkerBit, cp == '\n'};
}

std::string VisibleWhitespace(std::string_view token) {
  std::string out;
  ForEachCodePoint(token, [&](char32_t cp) {
    const char32_t marker = cp == ' ' ? kSpaceMarker : MarkerFor(cp);
    AppendUtf8(out, marker ? marker : cp);
  });
  return out;
}

}  // namespace th
