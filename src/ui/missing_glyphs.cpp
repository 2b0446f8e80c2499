#include "ui/missing_glyphs.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "core/document.hpp"
#include "core/utf8.hpp"
#include "imgui.h"
#include "ui/visual_order.hpp"

namespace th::ui {

namespace {

constexpr char32_t kLastImGuiChar = 0xFFFF;  // ImWchar is 16 bits in Debian's ImGui
constexpr size_t kScannedNames = 10000;      // sequence names a document's scan looks at

struct MissingGlyphs {
  std::vector<bool> reported = std::vector<bool>(kLastImGuiChar + 1);
  std::vector<char32_t> pending;
};

MissingGlyphs& State() {
  static MissingGlyphs state;  // one per run, as ImGui's context and font atlas are
  return state;
}

}  // namespace

void NoteGlyphsNeeded(std::string_view utf8) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  if (atlas->Fonts.empty()) return;
  const ImFont* font = atlas->Fonts[0];  // fallback faces are merged into it
  MissingGlyphs& state = State();
  const auto note = [&](std::string_view text) {
    ForEachCodePoint(text, [&](char32_t cp) {
      // ASCII is always in the base font and control characters (C0, C1) are never drawn; ImGui
      // cannot draw characters beyond 16 bits, whatever the font.
      if (cp < 0xA0 || cp > kLastImGuiChar || state.reported[cp]) return;
      if (font->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr) return;
      state.reported[cp] = true;
      state.pending.push_back(cp);
    });
  };
  note(utf8);
  // The panels draw right-to-left text in display order, Arabic as its joined presentation forms
  // (U+FB50..U+FEFF), which are other characters than the text's own.
  if (const std::string shown = VisualOrder(utf8); shown != utf8) note(shown);
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

std::vector<char32_t> TakeMissingGlyphs() { return std::exchange(State().pending, {}); }

}  // namespace th::ui
