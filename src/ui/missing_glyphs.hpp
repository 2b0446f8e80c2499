#pragma once
// The characters of document text (tokens, sequence and channel names, file names) that the
// panels show and the UI font has no glyph for: ImGui would draw each as U+FFFD. The app takes
// them between frames and merges fallback fonts for them (PlatformWindow::AddFallbackGlyphs), so
// a tooltip shows them from the next frame on.

#include <string_view>
#include <vector>

namespace th {
struct Document;
}

namespace th::ui {

// Notes the characters of text the panels draw (or are about to) that the UI font lacks. Cheap
// enough for every frame's tooltip: a table look-up per character.
void NoteGlyphsNeeded(std::string_view utf8);
// Notes what a document newly open will show: its sequence and channel names and the start of
// its token text (kDocumentScanBytes), so that most tooltips find their glyphs already there.
void NoteDocumentGlyphs(const Document& document);
inline constexpr size_t kDocumentScanBytes = size_t{1} << 20;
// The characters noted since the last call; each character is reported once per run.
std::vector<char32_t> TakeMissingGlyphs();

}  // namespace th::ui
