#pragma once
// fontconfig's best font file for a pattern, and the fallback font for each code point the
// pattern's font lacks, for code that needs paths (the ImGui UI font) without pulling FreeType or
// fontconfig headers in.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
// One character's glyph as ImGui's font atlas holds one: one-channel coverage placed from the pen
// position on the baseline.
struct GlyphBitmap {
  int width = 0;
  int height = 0;
  int left = 0;  // from the pen position to the bitmap's left column
  int top = 0;   // from the baseline up to the bitmap's top row
  float advance = 0.0f;
  std::vector<uint8_t> coverage;  // width x height, top row first
};

class FallbackFonts {
 public:
  // Throws FontError as FontSource does (no match, a file that cannot be opened).
  explicit FallbackFonts(const std::string& pattern);
  ~FallbackFonts();
  FallbackFonts(const FallbackFonts&) = delete;
  FallbackFonts& operator=(const FallbackFonts&) = delete;

  // nullopt when no installed font has cp.
  std::optional<FontFace> FaceFor(char32_t cp);

  // cp's glyph from the face FaceFor gives it, at the scale ImGui gives a font of `line_pixels`
  // (the face's ascent to descent spans line_pixels, as stb_truetype sizes it), so that it
  // matches the characters ImGui rasterises itself from the same face: for the characters beyond
  // 16 bits, which ImGui 1.86 cannot load. nullopt where no face has cp or its face has no
  // outline for it.
  std::optional<GlyphBitmap> Rasterise(char32_t cp, float line_pixels);

 private:
  std::unique_ptr<FontSource> m_source;
};

}  // namespace th
