#include "text/font_match.hpp"

#include <fontconfig/fontconfig.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "text/font_source.hpp"

namespace th {

std::string MatchFontFile(const std::string& pattern) {
  const FontconfigUse fontconfig;
  if (!fontconfig.Loaded()) throw FontError("font \"" + pattern + "\": fontconfig cannot load its configuration");
  const auto destroy = [](FcPattern* p) { FcPatternDestroy(p); };
  std::unique_ptr<FcPattern, decltype(destroy)> query(FcNameParse(reinterpret_cast<const FcChar8*>(pattern.c_str())),
                                                      destroy);
  if (!query) throw FontError("font \"" + pattern + "\": not a valid fontconfig pattern");
  FcConfigSubstitute(nullptr, query.get(), FcMatchPattern);
  FcDefaultSubstitute(query.get());
  FcResult result = FcResultNoMatch;
  std::unique_ptr<FcPattern, decltype(destroy)> match(FcFontMatch(nullptr, query.get(), &result), destroy);
  FcChar8* file = nullptr;
  if (!match || FcPatternGetString(match.get(), FC_FILE, 0, &file) != FcResultMatch || file == nullptr)
    throw FontError("font \"" + pattern + "\": no installed font matches");
  return reinterpret_cast<const char*>(file);
}

}  // namespace th

namespace th {

// The size only matters to FreeType's sizing of the faces, not to which face has a code point.
FallbackFonts::FallbackFonts(const std::string& pattern) : m_source(std::make_unique<FontSource>(pattern, 16)) {}

FallbackFonts::~FallbackFonts() = default;

std::optional<FontFace> FallbackFonts::FaceFor(char32_t cp) {
  const std::optional<FontSource::GlyphSource> glyph = m_source->Find(cp);
  if (!glyph) return std::nullopt;
  const auto file = m_source->FileOf(glyph->face);
  if (!file) return std::nullopt;
  return FontFace{file->first, file->second};
}

std::optional<GlyphBitmap> FallbackFonts::Rasterise(char32_t cp, float line_pixels) {
  const std::optional<FontSource::GlyphSource> source = m_source->Find(cp);
  if (!source) return std::nullopt;
  // The source's faces only answer which face has a code point, whatever their size: this one
  // is sized again for each glyph.
  const FT_Face face = source->face;
  const int line_units = face->ascender - face->descender;
  if (!FT_IS_SCALABLE(face) || line_units <= 0 || !(line_pixels > 0.0f)) return std::nullopt;
  // stb_truetype's ScaleForPixelHeight: line_pixels over the ascent-to-descent span, in pixels
  // per font unit; FreeType's size is the em in 26.6 points at 72 dpi (a point is a pixel).
  const double pixels_per_unit = static_cast<double>(line_pixels) / line_units;
  const auto em = static_cast<FT_F26Dot6>(std::lround(pixels_per_unit * face->units_per_EM * 64.0));
  if (FT_Set_Char_Size(face, 0, std::max<FT_F26Dot6>(em, 64), 72, 72) != 0 ||
      FT_Load_Glyph(face, source->glyph_index, FT_LOAD_TARGET_LIGHT | FT_LOAD_NO_BITMAP) != 0 ||
      face->glyph->format != FT_GLYPH_FORMAT_OUTLINE || FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL) != 0)
    return std::nullopt;
  const FT_Bitmap& bitmap = face->glyph->bitmap;
  if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY) return std::nullopt;
  GlyphBitmap glyph;
  glyph.width = static_cast<int>(bitmap.width);
  glyph.height = static_cast<int>(bitmap.rows);
  glyph.left = face->glyph->bitmap_left;
  glyph.top = face->glyph->bitmap_top;
  glyph.advance = static_cast<float>(face->glyph->advance.x) / 64.0f;
  glyph.coverage.resize(static_cast<size_t>(glyph.width) * glyph.height);
  for (int row = 0; row < glyph.height; ++row)
    std::memcpy(glyph.coverage.data() + static_cast<size_t>(row) * glyph.width,
                bitmap.buffer + static_cast<ptrdiff_t>(row) * bitmap.pitch, static_cast<size_t>(glyph.width));
  return glyph;
}

}  // namespace th
