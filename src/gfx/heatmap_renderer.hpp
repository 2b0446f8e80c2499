#pragma once
// Draws a VisibleLayout: one instanced draw of token boxes whose fragment shader maps each raw
// value through the range uniforms and the palette texture, and copies glyph coverage from the
// atlas. A zoomed-out (folded) layout is drawn instead as one quad over a texture of its blocks'
// values (FoldedValueGrid, shaders/folded.frag), so its cost does not grow with the blocks.
// Range and palette changes touch only uniforms and a 256-texel texture.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/palette.hpp"
#include "core/value_mapping.hpp"
#include "gfx/gl_objects.hpp"
#include "layout/folded_layout.hpp"
#include "layout/shader_constants.hpp"
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
  // Uploads the instances and display cells (rasterising new glyphs into the atlas); a folded
  // layout (LayoutFoldedLines) uploads its value grid instead, one float a cell of each line.
  void SetLayout(const VisibleLayout& layout);
  // How long SetLayout and ResolveGlyphs may spend rasterising new glyphs (the viewer's frame
  // budget): the glyphs past it show GlyphAtlas::kPlaceholderSlot until ResolveGlyphs has
  // rasterised them. None (the default: render, exports): every glyph at once.
  void SetGlyphBudget(std::optional<double> ms) { m_glyph_budget_ms = ms; }
  // Cells of the last layout that show a placeholder for a glyph not rasterised yet.
  size_t PendingGlyphs() const { return m_pending_glyphs; }
  // Rasterises more of the pending glyphs of `layout`, the one last given to SetLayout, within
  // the budget, and uploads its cells again (not its instances).
  void ResolveGlyphs(const VisibleLayout& layout);
  // Draws into the bound framebuffer.
  void Draw(const HeatmapDrawParams& params);

  // Bytes uploaded by the last SetLayout (instances + cells, or the folded grid), for the stats
  // overlay and benches.
  size_t LastUploadBytes() const { return m_last_upload_bytes; }
  // Whether the last SetLayout's layout is drawn from its folded grid (one quad) rather than as
  // instances; false for a folded layout whose grid exceeds GL_MAX_TEXTURE_SIZE (drawn as before).
  bool DrawsFoldedGrid() const { return m_folded; }
  // Every byte sent to the GPU since creation: instances, cells, palette texels and atlas.
  size_t UploadedBytesTotal() const { return m_total_upload_bytes; }

 private:
  // The uniforms of shaders/value_colour.glsl, in every program that colours values.
  struct MappingUniforms {
    GLint mode, low, high, gamma, thresholds, threshold_count, palette, palette_stops, categorical;
  };
  // required: throw when one is missing; else -1 for those a specialised program compiled out.
  static MappingUniforms FindMappingUniforms(const Program& program, bool required = true);
  void SetMappingUniforms(const MappingUniforms& uniforms, const ValueMapping& mapping) const;
  // What both programs place cells on the frame with: the viewport, the grid's origin, the cell
  // size and line pitch, and the canvas colour.
  struct FrameUniforms {
    GLint viewport_size, origin, cell_size, line_pitch, canvas;
  };
  static FrameUniforms FindFrameUniforms(const Program& program);
  static void SetFrameUniforms(const FrameUniforms& uniforms, const HeatmapDrawParams& params);
  // The token program and its uniform locations; one variant also draws palette ramps.
  struct Uniforms {
    FrameUniforms frame;
    GLint token_gap;
    MappingUniforms mapping;
    GLint cells, atlas, slots_per_row, underline, underline_low, underline_high, underline_palette;
  };
  struct TokenProgram {
    Program program;
    Uniforms uniforms;
  };
  static TokenProgram BuildTokenProgram(bool palette_ramps);
  // The zoomed-out grid's program (folded.vert, folded.frag) and its uniforms besides the mapping's.
  struct FoldedProgram {
    Program program;
    FrameUniforms frame;
    GLint rect, grid;
    MappingUniforms mapping;
  };
  // One program a mapping mode, with and without gamma (value_colour.glsl's TH_MAPPING_MODE,
  // TH_GAMMA_ONE): the per-pixel mapping compiles only what the mode uses.
  static FoldedProgram BuildFoldedProgram(ShaderMappingMode mode, bool gamma_one);
  void DrawFoldedGrid(const HeatmapDrawParams& params);
  // Display cells to atlas slots, rasterising within the budget, uploaded; returns the bytes.
  size_t UploadCells(const VisibleLayout& layout);
  size_t UploadSlots();  // m_slots to the cells texture; returns the bytes
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
  int m_atlas_height = 0;  // of the texture, which grows by doubling up to the atlas's bound
  std::optional<double> m_glyph_budget_ms;
  size_t m_pending_glyphs = 0;
  std::vector<uint32_t> m_pending_cells;  // display cells of units showing a placeholder
  bool m_atlas_cleared_for_layout = false;  // the atlas started afresh for the current layout
  std::vector<uint32_t> m_slots;  // the cells texture's texels, kept to spare an allocation a layout
  size_t m_instance_count = 0;
  int m_palette_stops = 2;
  bool m_categorical = false;
  size_t m_last_upload_bytes = 0;
  size_t m_total_upload_bytes = 0;
  // The zoomed-out grid: its programs (each built when first drawn), the last folded layout's
  // grid (its storage kept between layouts) and its texture.
  std::array<std::optional<FoldedProgram>, 6> m_folded_programs;  // by mode x 2 + gamma is 1
  FoldedGrid m_grid;
  bool m_folded = false;
  uint32_t m_grid_texture_width = 0;  // the grid texture's allocated size
  uint32_t m_grid_texture_height = 0;
  GLint m_max_texture_size = 0;
  VertexArray m_grid_vertex_array;  // no attributes: the quad's corners come from gl_VertexID
  Texture m_grid_texture;
};

}  // namespace th::gl
