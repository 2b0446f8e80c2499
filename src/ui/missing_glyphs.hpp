#pragma once
// The characters of document text (tokens, sequence and channel names, file names) that the
// panels show and the UI font has no glyph for: ImGui would draw each as U+FFFD. The app takes
// them between frames and merges fallback fonts for them (PlatformWindow::AddFallbackGlyphs), so
// a tooltip shows them from the next frame on.
//
// ImGui 1.86 as Debian builds it has 16-bit characters: one beyond U+FFFF (emoji, CJK extension
// B, mathematical letters) cannot reach it at all. Such a character is given a stand-in from the
// private use area (U+E000..U+F8FF) for the run: PanelText writes the stand-in in its place, and
// the app puts the character's glyph in the UI font under the stand-in.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace th {
struct Document;
}

namespace th::ui {

// Text as the panels draw it: in display order (VisualOrder), the characters of that order which
// the UI font lacks noted, and each character beyond U+FFFF replaced by its stand-in (U+FFFD
// once the private use area's 6,400 stand-ins are all given out). The text's own characters of
// the private use area U+E000..U+F8FF are drawn as U+FFFD: ImGui would draw another character's
// glyph for them.
std::string PanelText(std::string_view utf8);
// Notes the characters of text the panels draw (or are about to) that the UI font lacks, and
// those of its display order. Cheap enough for every frame's tooltip: a table look-up per
// character.
void NoteGlyphsNeeded(std::string_view utf8);
// Notes what a document newly open will show: its sequence and channel names and the start of
// its token text (kDocumentScanBytes), so that most tooltips find their glyphs already there.
void NoteDocumentGlyphs(const Document& document);
inline constexpr size_t kDocumentScanBytes = size_t{1} << 20;

// A character the UI font lacks, and the 16-bit character ImGui draws it as: itself, or its
// stand-in when it is beyond U+FFFF.
struct NeededGlyph {
  char32_t code_point = 0;
  uint16_t drawn_as = 0;
  bool StandsIn() const { return drawn_as != code_point; }  // ImGui cannot load code_point itself
  bool operator==(const NeededGlyph&) const = default;
};
// The characters noted since the last call; each character is reported once per run.
std::vector<NeededGlyph> TakeMissingGlyphs();

}  // namespace th::ui
