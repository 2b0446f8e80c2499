#include "gfx/heatmap_renderer.hpp"

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

#include "embedded_shaders.hpp"
#include "gfx/shader_program.hpp"
#include "layout/display_cells.hpp"
#include "layout/shader_constants.hpp"

namespace th::gl {

namespace {

enum TextureUnit : GLint { kPaletteUnit = 0, kCellsUnit = 1, kAtlasUnit = 2, kUnderlinePaletteUnit = 3 };

void SetSamplerFilter(GLenum target, GLint filter) {
  glTexParameteri(target, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(target, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

}  // namespace

HeatmapRenderer::TokenProgram HeatmapRenderer::BuildTokenProgram(bool palette_ramps) {
  TokenProgram built{BuildProgram(shaders::token_vert, shaders::token_frag, palette_ramps ? "token (ramps)" : "token",
                                  palette_ramps ? "#define TH_PALETTE_RAMPS\n" : ""),
                     {}};
  const auto uniform = [&](const char* name) { return UniformLocation(built.program, name); };
  built.uniforms = {uniform("uViewportSize"), uniform("uOrigin"),         uniform("uCellSize"),
                    uniform("uLinePitch"),    uniform("uTokenGap"),       uniform("uMode"),
                    uniform("uLow"),          uniform("uHigh"),           uniform("uGamma"),
                    uniform("uThresholds"),   uniform("uThresholdCount"), uniform("uPalette"),
                    uniform("uPaletteStops"), uniform("uCategorical"),    uniform("uCells"),
                    uniform("uAtlas"),        uniform("uSlotsPerRow"),    uniform("uUnderline"),
                    uniform("uUnderlineLow"), uniform("uUnderlineHigh"),  uniform("uUnderlinePalette"),
                    uniform("uCanvas")};
  return built;
}

HeatmapRenderer::HeatmapRenderer(GlyphAtlas& atlas)
    : m_atlas(&atlas),
      m_text_program(BuildTokenProgram(false)),
      m_vertex_array(MakeVertexArray()),
      m_instances(MakeBuffer()),
      m_palette(MakeTexture()),
      m_underline_palette(MakeTexture()),
      m_cells(MakeTexture()),
      m_atlas_texture(MakeTexture()) {

  // The instance layout mirrors TokenInstance field by field.
  glBindVertexArray(m_vertex_array.Name());
  glBindBuffer(GL_ARRAY_BUFFER, m_instances.Name());
  constexpr GLsizei stride = sizeof(TokenInstance);
  glEnableVertexAttribArray(0);
  glVertexAttribIPointer(0, 4, GL_UNSIGNED_SHORT, stride,
                         reinterpret_cast<const void*>(offsetof(TokenInstance, column)));
  glVertexAttribDivisor(0, 1);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 1, GL_FLOAT, GL_FALSE, stride,
                        reinterpret_cast<const void*>(offsetof(TokenInstance, value)));
  glVertexAttribDivisor(1, 1);
  glEnableVertexAttribArray(2);
  glVertexAttribIPointer(2, 1, GL_UNSIGNED_INT, stride,
                         reinterpret_cast<const void*>(offsetof(TokenInstance, first_cell)));
  glVertexAttribDivisor(2, 1);
  glEnableVertexAttribArray(3);
  glVertexAttribPointer(3, 1, GL_FLOAT, GL_FALSE, stride,
                        reinterpret_cast<const void*>(offsetof(TokenInstance, underline)));
  glVertexAttribDivisor(3, 1);
  glBindVertexArray(0);
  static_assert(offsetof(TokenInstance, column) == 0 && offsetof(TokenInstance, flags) == 6,
                "the four uint16 fields must be contiguous for the uvec4 attribute");

  glBindTexture(GL_TEXTURE_1D, m_palette.Name());
  SetSamplerFilter(GL_TEXTURE_1D, GL_LINEAR);
  glBindTexture(GL_TEXTURE_2D, m_cells.Name());
  SetSamplerFilter(GL_TEXTURE_2D, GL_NEAREST);
  glBindTexture(GL_TEXTURE_2D, m_atlas_texture.Name());
  SetSamplerFilter(GL_TEXTURE_2D, GL_NEAREST);
  CheckErrors("HeatmapRenderer setup");
}

void HeatmapRenderer::SetAtlas(GlyphAtlas& atlas) {
  m_atlas = &atlas;
  m_atlas_generation = UINT64_MAX;
}

void HeatmapRenderer::UploadPalette(const Texture& texture, const Palette& palette) {
  const auto table = palette.Table();
  static_assert(sizeof(table[0]) == 3, "the palette table is uploaded as packed RGB8");
  glBindTexture(GL_TEXTURE_1D, texture.Name());
  // Categorical palettes have no in-between colours: sample them without filtering.
  SetSamplerFilter(GL_TEXTURE_1D, palette.kind == PaletteKind::kCategorical ? GL_NEAREST : GL_LINEAR);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage1D(GL_TEXTURE_1D, 0, GL_RGB8, Palette::kTableSize, 0, GL_RGB, GL_UNSIGNED_BYTE, table.data());
  m_total_upload_bytes += sizeof(table);
  CheckErrors("HeatmapRenderer::UploadPalette");
}

void HeatmapRenderer::SetPalette(const Palette& palette) {
  m_categorical = palette.kind == PaletteKind::kCategorical;
  m_palette_stops = static_cast<int>(palette.stops.size());
  UploadPalette(m_palette, palette);
}

void HeatmapRenderer::SetUnderlinePalette(const Palette& palette) { UploadPalette(m_underline_palette, palette); }

void HeatmapRenderer::SetLayout(const VisibleLayout& layout) {
  // Display cells become atlas slots (keeping the marker bit); new glyphs are rasterised here.
  // A unit wider than one cell takes adjacent slots: its continuation cells show the next one.
  const size_t cell_count = std::max<size_t>(layout.cells.size(), 1);
  const size_t rows = (cell_count + kCellsTextureWidth - 1) / kCellsTextureWidth;
  std::vector<uint32_t> slots(rows * kCellsTextureWidth, GlyphAtlas::kBlankSlot);
  const auto map_cells = [&] {
    m_atlas->BeginLayout();
    for (size_t i = 0; i < layout.cells.size(); ++i) {
      const uint32_t cell = layout.cells[i];
      const uint32_t marker = cell & kMarkerBit;
      if (cell & kContinuationBit) {
        const uint32_t previous = slots[i - 1] & ~kMarkerBit;
        slots[i] = (previous == GlyphAtlas::kBlankSlot ? previous : previous + 1) | marker;
        continue;
      }
      int cells = 1;
      while (i + cells < layout.cells.size() && (layout.cells[i + cells] & kContinuationBit)) ++cells;
      const uint32_t value = cell & kCellValueMask;
      const char32_t cp = static_cast<char32_t>(value);
      const std::u32string_view cluster =
          (cell & kClusterBit) ? std::u32string_view(layout.clusters[value]) : std::u32string_view(&cp, 1);
      slots[i] = m_atlas->SlotFor(cluster, cells) | marker;
    }
  };
  map_cells();
  // Glyphs of earlier layouts can pin every row of a full atlas; starting afresh then makes room
  // for all of this layout's glyphs unless they alone are more than the atlas holds.
  if (m_atlas->DroppedInLayout() > 0) {
    m_atlas->Clear();
    map_cells();
  }
  glBindTexture(GL_TEXTURE_2D, m_cells.Name());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32UI, kCellsTextureWidth, static_cast<GLsizei>(rows), 0,
               GL_RED_INTEGER, GL_UNSIGNED_INT, slots.data());

  glBindBuffer(GL_ARRAY_BUFFER, m_instances.Name());
  const size_t instance_bytes = layout.instances.size() * sizeof(TokenInstance);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(instance_bytes), layout.instances.data(),
               GL_DYNAMIC_DRAW);
  m_instance_count = layout.instances.size();
  m_layout_has_ramps = std::any_of(layout.instances.begin(), layout.instances.end(),
                                   [](const TokenInstance& box) { return (box.flags & kPaletteRampFlag) != 0; });
  if (m_layout_has_ramps && !m_ramp_program) m_ramp_program = BuildTokenProgram(true);
  m_last_upload_bytes = instance_bytes + slots.size() * sizeof(uint32_t);
  m_total_upload_bytes += m_last_upload_bytes;
  UploadAtlasIfChanged();
  CheckErrors("HeatmapRenderer::SetLayout");
}

void HeatmapRenderer::UploadAtlasIfChanged() {
  if (m_atlas->Generation() == m_atlas_generation) return;
  glBindTexture(GL_TEXTURE_2D, m_atlas_texture.Name());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (m_atlas->Height() != m_atlas_height || m_atlas_generation == UINT64_MAX) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, m_atlas->Width(), m_atlas->Height(), 0, GL_RED, GL_UNSIGNED_BYTE,
                 m_atlas->Pixels().data());
    m_atlas_height = m_atlas->Height();
  } else if (const auto [first, end] = m_atlas->DirtyRows(); first < end) {
    // Only the rows that changed: new glyphs and evictions touch a few rows per frame.
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, first, m_atlas->Width(), end - first, GL_RED, GL_UNSIGNED_BYTE,
                    m_atlas->Pixels().data() + static_cast<size_t>(first) * m_atlas->Width());
  }
  m_atlas->ClearDirtyRows();
  m_atlas_generation = m_atlas->Generation();
  m_total_upload_bytes += m_atlas->Pixels().size();
}

void HeatmapRenderer::Draw(const HeatmapDrawParams& params) {
  glViewport(0, 0, params.viewport_width, params.viewport_height);
  glDisable(GL_BLEND);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_CULL_FACE);
  glClearColor(params.canvas.r / 255.0f, params.canvas.g / 255.0f, params.canvas.b / 255.0f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (m_instance_count == 0) return;

  const TokenProgram& token_program = m_layout_has_ramps ? *m_ramp_program : m_text_program;
  const Uniforms& uniforms = token_program.uniforms;
  glUseProgram(token_program.program.Name());
  glUniform2f(uniforms.viewport_size, static_cast<float>(params.viewport_width),
              static_cast<float>(params.viewport_height));
  glUniform2f(uniforms.origin, params.origin_x, params.origin_y);
  glUniform2f(uniforms.cell_size, static_cast<float>(params.geometry.cell_width),
              static_cast<float>(params.geometry.cell_height));
  glUniform1f(uniforms.line_pitch, static_cast<float>(params.geometry.LinePitch()));
  glUniform1f(uniforms.token_gap, static_cast<float>(params.geometry.token_gap));
  const ValueMapping& mapping = params.mapping;
  glUniform1i(uniforms.mode, static_cast<GLint>(ShaderMappingModeOf(mapping)));
  glUniform1f(uniforms.low, mapping.low);
  glUniform1f(uniforms.high, mapping.high);
  glUniform1f(uniforms.gamma, mapping.gamma);
  const GLsizei threshold_count = static_cast<GLsizei>(std::min(mapping.thresholds.size(), kMaxThresholds));
  if (threshold_count > 0) glUniform1fv(uniforms.thresholds, threshold_count, mapping.thresholds.data());
  glUniform1i(uniforms.threshold_count, threshold_count);
  glUniform1i(uniforms.palette, kPaletteUnit);
  glUniform1i(uniforms.palette_stops, m_palette_stops);
  glUniform1i(uniforms.categorical, m_categorical ? 1 : 0);
  glUniform1i(uniforms.cells, kCellsUnit);
  glUniform1i(uniforms.atlas, kAtlasUnit);
  glUniform1i(uniforms.slots_per_row, GlyphAtlas::kSlotsPerRow);
  glUniform1i(uniforms.underline, params.underline ? 1 : 0);
  glUniform1f(uniforms.underline_low, params.underline ? params.underline->low : 0.0f);
  glUniform1f(uniforms.underline_high, params.underline ? params.underline->high : 1.0f);
  glUniform1i(uniforms.underline_palette, kUnderlinePaletteUnit);
  glUniform3f(uniforms.canvas, params.canvas.r / 255.0f, params.canvas.g / 255.0f, params.canvas.b / 255.0f);
  glActiveTexture(GL_TEXTURE0 + kUnderlinePaletteUnit);
  glBindTexture(GL_TEXTURE_1D, m_underline_palette.Name());
  glActiveTexture(GL_TEXTURE0 + kPaletteUnit);
  glBindTexture(GL_TEXTURE_1D, m_palette.Name());
  glActiveTexture(GL_TEXTURE0 + kCellsUnit);
  glBindTexture(GL_TEXTURE_2D, m_cells.Name());
  glActiveTexture(GL_TEXTURE0 + kAtlasUnit);
  glBindTexture(GL_TEXTURE_2D, m_atlas_texture.Name());
  glActiveTexture(GL_TEXTURE0);

  glBindVertexArray(m_vertex_array.Name());
  glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(m_instance_count));
  glBindVertexArray(0);
  glUseProgram(0);
  CheckErrors("HeatmapRenderer::Draw");
}

}  // namespace th::gl
