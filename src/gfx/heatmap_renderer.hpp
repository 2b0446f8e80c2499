#pragma once
// Draws a VisibleLayout: one instanced draw of token boxes whose fragment shader maps each raw
// value through the range uniforms and the palette texture, and copies glyph coverage from the
// atlas. Range and palette changes touch only uniforms and a 256-texel texture.

#include <cstdint>
#include <optional>

#include "core/palette.hpp"
#include "core/value_mapping.hpp"
#include "gfx/gl_objects.hpp"
#include "layout/visible_layout.hpp"
#include "text/glyph_atlas.hpp"

namespace th::gl {

struct HeatmapDrawParams {
  int viewport_width = 0;
  int viewport_height = 0;
  GridGeometry geometry;  // cell size must match the atlas's
  float origin_x = 0;  // pixel position of the layout's row 0, column 0
  float origin_y = 0;
  ValueMapping mapping;  // uniforms only: changing it costs no per-token work
  // The second channel's linear range, when TokenInstance::underline is drawn.
  std::optional<ValueMapping> underline;
  Rgb8 canvas{255, 255, 255};  // around the boxes, behind plain text and unmeasured tokens (kUnmeasuredFlag)
};

class HeatmapRenderer {
 public:
  explicit HeatmapRenderer(GlyphAtlas& atlas);

  // Glyphs come from this atlas from now on (after a font-size change); call SetLayout again.
  void SetAtlas(GlyphAtlas& atlas);
  void SetPalette(const Palette& palette);
  void SetUnderlinePalette(const Palette& palette);
  // Uploads the instances and display cells (rasterising new glyphs into the atlas).
  void SetLayout(const VisibleLayout& layout);
  // Draws into the bound framebuffer.
  void Draw(const HeatmapDrawParams& params);

  // Bytes uploaded by the last SetLayout (instances + cells), for the stats overlay and benches.
  size_t LastUploadBytes() const { return m_last_upload_bytes; }
  // Every byte sent to the GPU since creation: instances, cells, palette texels and atlas.
  size_t UploadedBytesTotal() const { return m_total_upload_bytes; }

 private:
  // The token program and its uniform locations; one variant also draws palette ramps.
  struct Uniforms {
    GLint viewport_size, origin, cell_size, line_pitch, token_gap, mode, low, high, gamma, thresholds,
        threshold_count, palette, palette_stops, categorical, cells, atlas, slots_per_row, underline,
        underline_low, underline_high, underline_palette, canvas;
  };
  struct TokenProgram {
    Program program;
    Uniforms uniforms;
  };
  static TokenProgram BuildTokenProgram(bool palette_ramps);
  void UploadAtlasIfChanged();
  void UploadPalette(const Texture& texture, const Palette& palette);

  GlyphAtlas* m_atlas;
  TokenProgram m_text_program;
  // Built on the first layout holding a kPaletteRampFlag box (figure legends), so the viewer's
  // frames never pay for the ramp.
  std::optional<TokenProgram> m_ramp_program;
  bool m_layout_has_ramps = false;
  VertexArray m_vertex_array;
  Buffer m_instances;
  Texture m_palette;
  Texture m_underline_palette;
  Texture m_cells;
  Texture m_atlas_texture;
  uint64_t m_atlas_generation = UINT64_MAX;
  int m_atlas_height = 0;
  size_t m_instance_count = 0;
  int m_palette_stops = 2;
  bool m_categorical = false;
  size_t m_last_upload_bytes = 0;
  size_t m_total_upload_bytes = 0;
};

}  // namespace th::gl
