#include "ui/missing_glyphs.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "core/document.hpp"
#include "core/utf8.hpp"
#include "imgui.h"
#include "ui/visual_order.hpp"

namespace th::ui {

namespace {

constexpr char32_t kLastImGuiChar = 0xFFFF;  // ImWchar is 16 bits in Debian's ImGui
constexpr char32_t kFirstStandIn = 0xE000;   // the BMP's private use area
constexpr char32_t kLastStandIn = 0xF8FF;
constexpr size_t kScannedNames = 10000;      // sequence names a document's scan looks at

bool IsStandIn(char32_t cp) { return cp >= kFirstStandIn && cp <= kLastStandIn; }

struct MissingGlyphs {
  std::vector<bool> reported = std::vector<bool>(kLastImGuiChar + 1);
  std::unordered_map<char32_t, char16_t> stand_ins;  // characters beyond U+FFFF, given out in order
  std::vector<NeededGlyph> pending;
};

MissingGlyphs& State() {
  static MissingGlyphs state;  // one per run, as ImGui's context and font atlas are
  return state;
}

// The stand-in of a character beyond U+FFFF, given (and its glyph asked for) on first use; U+FFFD
// once none is left.
char32_t StandInFor(MissingGlyphs& state, char32_t cp) {
  if (const auto it = state.stand_ins.find(cp); it != state.stand_ins.end()) return it->second;
  const size_t given = state.stand_ins.size();
  if (given > kLastStandIn - kFirstStandIn) return kReplacementChar;
  const auto stand_in = static_cast<char16_t>(kFirstStandIn + given);
  state.stand_ins.emplace(cp, stand_in);
  state.pending.push_back({cp, stand_in});
  return stand_in;
}

// Notes the characters of text (as ImGui will be given it) that the font lacks.
void NoteShown(const ImFont& font, MissingGlyphs& state, std::string_view text) {
  ForEachCodePoint(text, [&](char32_t cp) {
    // ASCII is always in the base font and control characters (C0, C1) are never drawn; the text's
    // own private-use characters are drawn as U+FFFD.
    if (cp < 0xA0 || IsStandIn(cp)) return;
    if (cp > kLastImGuiChar) {
      StandInFor(state, cp);
      return;
    }
    if (state.reported[cp] || font.FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr) return;
    state.reported[cp] = true;
    state.pending.push_back({cp, static_cast<uint16_t>(cp)});
  });
}

const ImFont* UiFont() {
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  return atlas->Fonts.empty() ? nullptr : atlas->Fonts[0];  // fallback faces are merged into it
}

}  // namespace

std::string PanelText(std::string_view utf8) {
  std::string shown = VisualOrder(utf8);
  MissingGlyphs& state = State();
  if (const ImFont* font = UiFont()) NoteShown(*font, state, shown);
  // Only text with a character of three bytes or more can hold one to replace.
  if (std::none_of(shown.begin(), shown.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xE0; }))
    return shown;
  std::string drawn;
  drawn.reserve(shown.size());
  ForEachCodePoint(shown, [&](char32_t cp) {
    if (cp > kLastImGuiChar) cp = StandInFor(state, cp);
    else if (IsStandIn(cp)) cp = kReplacementChar;
    AppendUtf8(drawn, cp);
  });
  return drawn;
}

void NoteGlyphsNeeded(std::string_view utf8) {
  const ImFont* font = UiFont();
  if (font == nullptr) return;
  MissingGlyphs& state = State();
  NoteShown(*font, state, utf8);
  // The panels draw right-to-left text in display order, Arabic as its joined presentation forms
  // (U+FB50..U+FEFF), which are other characters than the text's own.
  if (const std::string shown = VisualOrder(utf8); shown != utf8) NoteShown(*font, state, shown);
}

void NoteDocumentGlyphs(const Document& document) {
  size_t names = 0;
  size_t budget = kDocumentScanBytes;
  for (const Sequence& sequence : document.sequences) {
    if (++names > kScannedNames) break;
    NoteGlyphsNeeded(sequence.name);
    for (const Channel& channel : sequence.channels) NoteGlyphsNeeded(channel.name);
  }
  for (const Sequence& sequence : document.sequences) {
    for (size_t token = 0; token < sequence.TokenCount() && budget > 0; ++token) {
      const std::string_view text = sequence.Token(token);
      NoteGlyphsNeeded(text);
      budget -= std::min(budget, text.size());
    }
    if (budget == 0) break;
  }
}

std::vector<NeededGlyph> TakeMissingGlyphs() { return std::exchange(State().pending, {}); }

}  // namespace th::ui
