#pragma once
// Where the glyph atlas gets its glyphs: a primary FreeType face that fontconfig picks for a
// family pattern, plus fallback faces, found per code point, for what the primary face lacks,
// and the HarfBuzz fonts that shape text with those faces. Private to GlyphAtlas; this is the
// only header that pulls in FreeType, fontconfig and HarfBuzz.

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb.h>

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace th {

// One line naming the requested family: font "monospace": pixel size 0 is not positive.
class FontError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// fontconfig's configuration, loaded while any FontconfigUse lives (FcInit) and released with the
// last one (FcFini). fontconfig keeps allocations until FcFini that LeakSanitizer reports as
// leaks, and FcFini aborts while a font set of the configuration is held, so every holder of
// fontconfig objects holds one of these for as long as it keeps them. Thread-safe; loading again
// after a release costs ~3 ms.
class FontconfigUse {
 public:
  FontconfigUse();
  ~FontconfigUse();
  FontconfigUse(const FontconfigUse&) = delete;
  FontconfigUse& operator=(const FontconfigUse&) = delete;
  // False when fontconfig could not load its configuration (the holder then uses nothing of it).
  bool Loaded() const { return m_loaded; }

 private:
  bool m_loaded;
};

class FontSource {
 public:
  struct GlyphSource {
    FT_Face face;  // owned by the FontSource, sized to its pixel size
    unsigned glyph_index;
  };

  // family: a fontconfig pattern ("monospace", "DejaVu Sans Mono:bold"); fontconfig substitutes
  // an installed font for unknown families, so an unknown name is not an error. Throws
  // FontError when pixel_size < 1, the pattern does not parse, nothing matches, or the matched
  // file cannot be opened or sized to pixel_size.
  FontSource(const std::string& family, int pixel_size);
  ~FontSource() = default;
  FontSource(const FontSource&) = delete;
  FontSource& operator=(const FontSource&) = delete;

  FT_Face Primary() const { return m_primary; }
  const std::string& PrimaryPath() const { return m_primary_path; }

  // The face and glyph for cp: the primary face when it has one, else the first font in
  // fontconfig's preference order for the family whose charset has cp. nullopt when no
  // installed font has it. Decisions are cached, so repeated calls are cheap.
  std::optional<GlyphSource> Find(char32_t cp);

  // The face to shape a cluster with: the face Find() gives its first code point when that face
  // has every code point of the cluster that needs a glyph, else the first face that has them
  // all, else that first face anyway (the rest then shape to .notdef). Null when no installed
  // font has the first code point.
  FT_Face FaceFor(std::u32string_view cluster);

  // A HarfBuzz font over one of this source's faces, created on first use.
  hb_font_t* ShapingFont(FT_Face face);

  // The file and face index that one of this source's faces was opened from (the ImGui panels
  // load the same fallback fonts by file); nullopt for a face that is not this source's.
  std::optional<std::pair<std::string, int>> FileOf(FT_Face face) const;

 private:
  struct LibraryDeleter {
    void operator()(FT_Library library) const { FT_Done_FreeType(library); }
  };
  struct FaceDeleter {
    void operator()(FT_Face face) const { FT_Done_Face(face); }
  };
  struct PatternDeleter {
    void operator()(FcPattern* pattern) const { FcPatternDestroy(pattern); }
  };
  struct FontSetDeleter {
    void operator()(FcFontSet* set) const { FcFontSetDestroy(set); }
  };
  struct HbFontDeleter {
    void operator()(hb_font_t* font) const { hb_font_destroy(font); }
  };
  using LibraryPtr = std::unique_ptr<FT_LibraryRec_, LibraryDeleter>;
  using FacePtr = std::unique_ptr<FT_FaceRec_, FaceDeleter>;
  using PatternPtr = std::unique_ptr<FcPattern, PatternDeleter>;
  using FontSetPtr = std::unique_ptr<FcFontSet, FontSetDeleter>;
  using HbFontPtr = std::unique_ptr<hb_font_t, HbFontDeleter>;

  // Face `index` of the file at `path`, sized to pixel_size; null with *error set on failure.
  static FacePtr OpenFace(FT_Library library, const std::string& path, int index,
                          int pixel_size, FT_Error* error);
  // The first fallback face, in fontconfig's order for the family, with a glyph for every code
  // point of text that needs one; null when there is none.
  FT_Face FindFallback(std::u32string_view text);
  // A cached face for (path, index), or null when FreeType cannot use it at m_pixel_size.
  FT_Face FallbackFace(const std::string& path, int index);

  // Declared first: it outlives the pattern and the font set.
  FontconfigUse m_fontconfig;
  int m_pixel_size;
  // Declared before the faces so that it outlives them.
  LibraryPtr m_library;
  PatternPtr m_pattern;    // the family pattern after substitution, for the fallback sort
  FontSetPtr m_fallbacks;  // every font, best match for m_pattern first; sorted on first need
  std::string m_primary_path;
  FT_Face m_primary = nullptr;  // owned by m_faces
  std::map<std::pair<std::string, int>, FacePtr> m_faces;
  std::unordered_map<char32_t, std::optional<GlyphSource>> m_found;
  // Declared after m_faces: each holds a reference to its face and is released first.
  std::unordered_map<FT_Face, HbFontPtr> m_shaping_fonts;
};

}  // namespace th
