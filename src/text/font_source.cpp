#include "text/font_source.hpp"

namespace th {
namespace {

// Distribution builds of FreeType leave FT_Error_String empty, so build the table the way
// fterrors.h documents.
const char* ErrorText(FT_Error error_code) {
#undef FTERRORS_H_
#define FT_ERROR_START_LIST switch (error_code) {
#define FT_ERRORDEF(e, v, s) \
  case v:                    \
    return s;
#define FT_ERROR_END_LIST }
#include FT_ERRORS_H
  return "unknown FreeType error";
}

const FcChar8* FcString(const std::string& s) {
  return reinterpret_cast<const FcChar8*>(s.c_str());
}

}  // namespace

FontSource::FontSource(const std::string& family, int pixel_size) : m_pixel_size(pixel_size) {
  const auto fail = [&family](const std::string& why) {
    return FontError("font \"" + family + "\": " + why);
  };
  if (pixel_size < 1) {
    throw fail("pixel size " + std::to_string(pixel_size) + " is not positive");
  }
  if (!FcInit()) throw fail("fontconfig cannot load its configuration");

  m_pattern.reset(FcNameParse(FcString(family)));
  if (!m_pattern) throw fail("not a valid fontconfig pattern");
  // Lets fontconfig prefer a bitmap strike of this size when the family has one.
  FcPatternAddDouble(m_pattern.get(), FC_PIXEL_SIZE, pixel_size);
  FcConfigSubstitute(nullptr, m_pattern.get(), FcMatchPattern);
  FcDefaultSubstitute(m_pattern.get());

  FcResult result = FcResultNoMatch;
  const PatternPtr match(FcFontMatch(nullptr, m_pattern.get(), &result));
  if (!match) throw fail("no installed font matches");
  FcChar8* file = nullptr;
  if (FcPatternGetString(match.get(), FC_FILE, 0, &file) != FcResultMatch) {
    throw fail("the matching font has no file");
  }
  int index = 0;  // absent means the file's first face
  FcPatternGetInteger(match.get(), FC_INDEX, 0, &index);
  m_primary_path = reinterpret_cast<const char*>(file);

  FT_Library library = nullptr;
  if (const FT_Error error = FT_Init_FreeType(&library)) {
    throw fail(std::string("cannot start FreeType: ") + ErrorText(error));
  }
  m_library.reset(library);

  FT_Error error = 0;
  FacePtr face = OpenFace(library, m_primary_path, index, pixel_size, &error);
  if (!face) {
    throw fail("cannot load " + m_primary_path + " at " + std::to_string(pixel_size) +
               " px: " + ErrorText(error));
  }
  m_primary = face.get();
  m_faces.emplace(std::pair(m_primary_path, index), std::move(face));
}

FontSource::FacePtr FontSource::OpenFace(FT_Library library, const std::string& path, int index,
                                         int pixel_size, FT_Error* error) {
  FT_Face raw = nullptr;
  *error = FT_New_Face(library, path.c_str(), index, &raw);
  if (*error) return nullptr;
  FacePtr face(raw);
  // Fails for bitmap-only fonts without a strike of this size.
  *error = FT_Set_Pixel_Sizes(raw, 0, static_cast<FT_UInt>(pixel_size));
  if (*error) return nullptr;
  return face;
}

std::optional<FontSource::GlyphSource> FontSource::Find(char32_t cp) {
  if (const FT_UInt glyph = FT_Get_Char_Index(m_primary, cp); glyph != 0) {
    return GlyphSource{m_primary, glyph};
  }
  if (const auto it = m_found.find(cp); it != m_found.end()) return it->second;
  const std::optional<GlyphSource> found = FindFallback(cp);
  m_found.emplace(cp, found);
  return found;
}

std::optional<FontSource::GlyphSource> FontSource::FindFallback(char32_t cp) {
  if (!m_fallbacks) {
    // Sorted once for the family rather than per code point: the order (the family's own
    // substitutes, e.g. other monospace fonts, first) does not depend on cp, and a sort over
    // every installed font per code point is slow for CJK-heavy text.
    FcResult result = FcResultNoMatch;
    m_fallbacks.reset(FcFontSort(nullptr, m_pattern.get(), FcFalse, nullptr, &result));
    if (!m_fallbacks) return std::nullopt;
  }
  for (int i = 0; i < m_fallbacks->nfont; ++i) {
    const FcPattern* font = m_fallbacks->fonts[i];
    FcCharSet* charset = nullptr;
    if (FcPatternGetCharSet(font, FC_CHARSET, 0, &charset) != FcResultMatch ||
        !FcCharSetHasChar(charset, cp)) {
      continue;
    }
    FcChar8* file = nullptr;
    if (FcPatternGetString(font, FC_FILE, 0, &file) != FcResultMatch) continue;
    int index = 0;
    FcPatternGetInteger(font, FC_INDEX, 0, &index);
    const FT_Face face = FallbackFace(reinterpret_cast<const char*>(file), index);
    if (!face) continue;
    // fontconfig's charset and the face's cmap can disagree; trust the face.
    if (const FT_UInt glyph = FT_Get_Char_Index(face, cp); glyph != 0) {
      return GlyphSource{face, glyph};
    }
  }
  return std::nullopt;
}

FT_Face FontSource::FallbackFace(const std::string& path, int index) {
  const auto [it, inserted] = m_faces.try_emplace(std::pair(path, index));
  if (inserted) {
    FT_Error error = 0;
    it->second = OpenFace(m_library.get(), path, index, m_pixel_size, &error);
  }
  return it->second.get();
}

}  // namespace th
