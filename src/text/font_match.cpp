#include "text/font_match.hpp"

#include <fontconfig/fontconfig.h>

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

}  // namespace th
