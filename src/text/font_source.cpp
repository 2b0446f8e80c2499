#include "text/font_source.hpp"

#include <hb-ft.h>

#include <algorithm>
#include <mutex>

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

// Characters that shape to nothing visible (joiners, variation selectors, bidi controls, tags):
// HarfBuzz hides them, so a face needs no glyph for them.
bool IsDefaultIgnorable(char32_t cp) {
  return cp == 0x00AD || cp == 0x034F || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

bool FaceCovers(FT_Face face, std::u32string_view text) {
  for (const char32_t cp : text)
    if (!IsDefaultIgnorable(cp) && FT_Get_Char_Index(face, cp) == 0) return false;
  return true;
}

std::mutex g_fontconfig_mutex;
int g_fontconfig_users = 0;  // FontconfigUse objects with Loaded()

}  // namespace

FontconfigUse::FontconfigUse() {
  const std::lock_guard lock(g_fontconfig_mutex);
  m_loaded = g_fontconfig_users > 0 || FcInit();
  if (m_loaded) ++g_fontconfig_users;
}

FontconfigUse::~FontconfigUse() {
  if (!m_loaded) return;
  const std::lock_guard lock(g_fontconfig_mutex);
  if (--g_fontconfig_users == 0) FcFini();
}

FontSource::FontSource(const std::string& family, int pixel_size) : m_pixel_size(pixel_size) {
  const auto fail = [&family](const std::string& why) {
    return FontError("font \"" + family + "\": " + why);
  };
  if (pixel_size < 1) {
    throw fail("pixel size " + std::to_string(pixel_size) + " is not positive");
  }
  if (!m_fontconfig.Loaded()) throw fail("fontconfig cannot load its configuration");

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
  std::optional<GlyphSource> found;
  if (const FT_Face face = FindFallback(std::u32string_view(&cp, 1)); face != nullptr) {
    if (const FT_UInt glyph = FT_Get_Char_Index(face, cp); glyph != 0) found = GlyphSource{face, glyph};
  }
  m_found.emplace(cp, found);
  return found;
}

FT_Face FontSource::FaceFor(std::u32string_view cluster) {
  if (cluster.empty()) return nullptr;
  const std::optional<GlyphSource> first = Find(cluster.front());
  if (!first) return nullptr;
  if (FaceCovers(first->face, cluster)) return first->face;
  if (FaceCovers(m_primary, cluster)) return m_primary;
  const FT_Face face = FindFallback(cluster);
  return face != nullptr ? face : first->face;
}

hb_font_t* FontSource::ShapingFont(FT_Face face) {
  HbFontPtr& font = m_shaping_fonts[face];
  if (!font) {
    font.reset(hb_ft_font_create_referenced(face));
    // Advances as the glyphs will be rasterised (GlyphAtlas loads them with light hinting).
    hb_ft_font_set_load_flags(font.get(), FT_LOAD_TARGET_LIGHT);
  }
  return font.get();
}

std::optional<std::pair<std::string, int>> FontSource::FileOf(FT_Face face) const {
  for (const auto& [file, opened] : m_faces)
    if (opened.get() == face) return file;
  return std::nullopt;
}

FT_Face FontSource::FindFallback(std::u32string_view text) {
  if (!m_fallbacks) {
    // Sorted once for the family rather than per code point: the order (the family's own
    // substitutes, e.g. other monospace fonts, first) does not depend on cp, and a sort over
    // every installed font per code point is slow for CJK-heavy text.
    FcResult result = FcResultNoMatch;
    m_fallbacks.reset(FcFontSort(nullptr, m_pattern.get(), FcFalse, nullptr, &result));
    if (!m_fallbacks) return nullptr;
  }
  for (int i = 0; i < m_fallbacks->nfont; ++i) {
    const FcPattern* font = m_fallbacks->fonts[i];
    FcCharSet* charset = nullptr;
    if (FcPatternGetCharSet(font, FC_CHARSET, 0, &charset) != FcResultMatch) continue;
    const auto has = [charset](char32_t cp) { return IsDefaultIgnorable(cp) || FcCharSetHasChar(charset, cp); };
    if (!std::all_of(text.begin(), text.end(), has)) continue;
    FcChar8* file = nullptr;
    if (FcPatternGetString(font, FC_FILE, 0, &file) != FcResultMatch) continue;
    int index = 0;
    FcPatternGetInteger(font, FC_INDEX, 0, &index);
    const FT_Face face = FallbackFace(reinterpret_cast<const char*>(file), index);
    // fontconfig's charset and the face's cmap can disagree; trust the face.
    if (face != nullptr && FaceCovers(face, text)) return face;
  }
  return nullptr;
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
