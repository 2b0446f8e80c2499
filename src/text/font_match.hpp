#pragma once
// fontconfig's best font file for a pattern, and the fallback font for each code point the
// pattern's font lacks, for code that needs paths (the ImGui UI font) without pulling FreeType or
// fontconfig headers in.

#include <memory>
#include <optional>
#include <string>

namespace th {

class FontSource;

// Throws FontError when fontconfig matches nothing usable.
std::string MatchFontFile(const std::string& pattern);

// A face in a font file (a .ttc collection holds several, by index).
struct FontFace {
  std::string path;
  int index = 0;
  bool operator==(const FontFace&) const = default;
};

// The face each code point is drawn with for a pattern, chosen as the heatmap's glyph path
// (FontSource) chooses: the pattern's own font when it has the code point, else the first font in
// fontconfig's fallback order for the pattern that has it. Decisions are cached.
class FallbackFonts {
 public:
  // Throws FontError as FontSource does (no match, a file that cannot be opened).
  explicit FallbackFonts(const std::string& pattern);
  ~FallbackFonts();
  FallbackFonts(const FallbackFonts&) = delete;
  FallbackFonts& operator=(const FallbackFonts&) = delete;

  // nullopt when no installed font has cp.
  std::optional<FontFace> FaceFor(char32_t cp);

 private:
  std::unique_ptr<FontSource> m_source;
};

}  // namespace th
