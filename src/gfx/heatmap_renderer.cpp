#include "gfx/heatmap_renderer.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "embedded_shaders.hpp"
#include "gfx/shader_program.hpp"
#include "layout/display_cells.hpp"
#include "layout/shader_constants.hpp"

namespace th::gl {

namespace {

enum TextureUnit : GLint { kPaletteUnit = 0, kCellsUnit = 1, kAtlasUnit = 2, kUnderlinePaletteUnit = 3, kGridUnit = 4 };

// The canvas colour as GL takes it, from 0 to 1.
std::array<float, 3> CanvasColour(const HeatmapDrawParams& params) {
  return {params.canvas.r / 255.0f, params.canvas.g / 255.0f, params.canvas.b / 255.0f};
}

void SetSamplerFilter(GLenum target, GLint filter) {
  glTexParameteri(target, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(target, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(target, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(target, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

}  // namespace

HeatmapRenderer::FrameUniforms HeatmapRenderer::FindFrameUniforms(const Program& program) {
  return {UniformLocation(program, "uViewportSize"), UniformLocation(program, "uOrigin"),
          UniformLocation(program, "uCellSize"), UniformLocation(program, "uLinePitch"),
          UniformLocation(program, "uCanvas")};
}

void HeatmapRenderer::SetFrameUniforms(const FrameUniforms& uniforms, const HeatmapDrawParams& params) {
  const GridGeometry& g = params.geometry;
  glUniform2f(uniforms.viewport_size, static_cast<float>(params.viewport_width),
              static_cast<float>(params.viewport_height));
  glUniform2f(uniforms.origin, params.origin_x, params.origin_y);
  glUniform2f(uniforms.cell_size, static_cast<float>(g.cell_width), static_cast<float>(g.cell_height));
  glUniform1f(uniforms.line_pitch, static_cast<float>(g.LinePitch()));
  glUniform3fv(uniforms.canvas, 1, CanvasColour(params).data());
}

HeatmapRenderer::MappingUniforms HeatmapRenderer::FindMappingUniforms(const Program& program, bool required) {
  const auto uniform = [&](const char* name) {
    return required ? UniformLocation(program, name) : glGetUniformLocation(program.Name(), name);
  };
  return {uniform("uMode"),       uniform("uLow"),           uniform("uHigh"),
          uniform("uGamma"),      uniform("uThresholds"),    uniform("uThresholdCount"),
          uniform("uPalette"),    uniform("uPaletteStops"),  uniform("uCategorical")};
}

void HeatmapRenderer::SetMappingUniforms(const MappingUniforms& uniforms, const ValueMapping& mapping) const {
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
}

HeatmapRenderer::TokenProgram HeatmapRenderer::BuildTokenProgram(bool palette_ramps) {
  TokenProgram built{BuildProgram(shaders::token_vert, shaders::token_frag, palette_ramps ? "token (ramps)" : "token",
                                  palette_ramps ? "#define TH_PALETTE_RAMPS\n" : "", shaders::value_colour_glsl),
                     {}};
  const auto uniform = [&](const char* name) { return UniformLocation(built.program, name); };
  built.uniforms = {FindFrameUniforms(built.program), uniform("uTokenGap"),
                    FindMappingUniforms(built.program), uniform("uCells"),
                    uniform("uAtlas"),                  uniform("uSlotsPerRow"),
                    uniform("uUnderline"),              uniform("uUnderlineLow"),
                    uniform("uUnderlineHigh"),          uniform("uUnderlinePalette")};
  return built;
}

HeatmapRenderer::FoldedProgram HeatmapRenderer::BuildFoldedProgram(ShaderMappingMode mode, bool gamma_one) {
  const char* const mode_name = mode == ShaderMappingMode::kLog       ? "kLog"
                                : mode == ShaderMappingMode::kBuckets ? "kBuckets"
                                                                      : "kLinear";
  const std::string defines =
      std::string("#define TH_MAPPING_MODE ") + mode_name + "\n" + (gamma_one ? "#define TH_GAMMA_ONE\n" : "");
  FoldedProgram built{
      BuildProgram(shaders::folded_vert, shaders::folded_frag, "folded", defines, shaders::value_colour_glsl),
      {}, {}, {}, {}};
  built.frame = FindFrameUniforms(built.program);
  built.rect = UniformLocation(built.program, "uRect");
  built.grid = UniformLocation(built.program, "uGrid");
  built.mapping = FindMappingUniforms(built.program, false);
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
      m_atlas_texture(MakeTexture()),
      m_grid_vertex_array(MakeVertexArray()),
      m_grid_texture(MakeTexture()) {

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
  glBindTexture(GL_TEXTURE_2D, m_grid_texture.Name());
  SetSamplerFilter(GL_TEXTURE_2D, GL_NEAREST);
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &m_max_texture_size);
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
  m_pending_glyphs = 0;  // a folded layout draws no glyphs
  m_pending_cells.clear();
  m_atlas_cleared_for_layout = false;
  // Zoomed out: the blocks' values as a texture, drawn by one quad (DrawFoldedGrid); neither
  // instances nor display cells are uploaded. A grid larger than the GL's textures (a render
  // thousands of cells wide) falls back to instances.
  m_folded = FoldedValueGrid(layout, m_grid) && m_grid.width <= static_cast<uint32_t>(m_max_texture_size) &&
             m_grid.height <= static_cast<uint32_t>(m_max_texture_size);
  if (m_folded) {
    glBindTexture(GL_TEXTURE_2D, m_grid_texture.Name());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    // Reallocated only when the grid outgrows the texture; otherwise its top-left part is
    // replaced (the shader reads only texels inside the grid's rectangle).
    if (m_grid.width > m_grid_texture_width || m_grid.height > m_grid_texture_height) {
      m_grid_texture_width = std::max(m_grid.width, m_grid_texture_width);
      m_grid_texture_height = std::max(m_grid.height, m_grid_texture_height);
      glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, static_cast<GLsizei>(m_grid_texture_width),
                   static_cast<GLsizei>(m_grid_texture_height), 0, GL_RED, GL_FLOAT, nullptr);
    }
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, static_cast<GLsizei>(m_grid.width), static_cast<GLsizei>(m_grid.height),
                    GL_RED, GL_FLOAT, m_grid.texels.data());
    m_instance_count = 0;
    m_layout_has_ramps = false;
    m_last_upload_bytes = m_grid.texels.size() * sizeof(float);
    m_total_upload_bytes += m_last_upload_bytes;
    CheckErrors("HeatmapRenderer::SetLayout (folded)");
    return;
  }
  const size_t cell_bytes = UploadCells(layout);

  glBindBuffer(GL_ARRAY_BUFFER, m_instances.Name());
  const size_t instance_bytes = layout.instances.size() * sizeof(TokenInstance);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(instance_bytes), layout.instances.data(),
               GL_DYNAMIC_DRAW);
  m_instance_count = layout.instances.size();
  m_layout_has_ramps = std::any_of(layout.instances.begin(), layout.instances.end(),
                                   [](const TokenInstance& box) { return (box.flags & kPaletteRampFlag) != 0; });
  if (m_layout_has_ramps && !m_ramp_program) m_ramp_program = BuildTokenProgram(true);
  m_last_upload_bytes = instance_bytes + cell_bytes;
  m_total_upload_bytes += m_last_upload_bytes;
  UploadAtlasIfChanged();
  CheckErrors("HeatmapRenderer::SetLayout");
}

namespace {

// The cells a unit starting at display cell `i` spans (its continuation cells follow it).
int UnitCells(const VisibleLayout& layout, size_t i) {
  int cells = 1;
  while (i + cells < layout.cells.size() && (layout.cells[i + cells] & kContinuationBit)) ++cells;
  return cells;
}

std::u32string_view UnitCluster(const VisibleLayout& layout, size_t i, const char32_t& cp) {
  const uint32_t value = layout.cells[i] & kCellValueMask;
  return (layout.cells[i] & kClusterBit) ? std::u32string_view(layout.clusters[value]) : std::u32string_view(&cp, 1);
}

}  // namespace

size_t HeatmapRenderer::UploadCells(const VisibleLayout& layout) {
  // Display cells become atlas slots (keeping the marker bit); new glyphs are rasterised here,
  // within the budget: past it a unit shows the placeholder in all its cells, and its first
  // cell is kept in m_pending_cells for ResolveGlyphs.
  // A unit wider than one cell takes adjacent slots: its continuation cells show the next one.
  const size_t cell_count = std::max<size_t>(layout.cells.size(), 1);
  const size_t rows = (cell_count + kCellsTextureWidth - 1) / kCellsTextureWidth;
  std::vector<uint32_t>& slots = m_slots;
  slots.assign(rows * kCellsTextureWidth, GlyphAtlas::kBlankSlot);
  const auto map_cells = [&](std::optional<double> budget_ms) {
    m_atlas->BeginLayout(budget_ms);
    m_pending_cells.clear();
    for (size_t i = 0; i < layout.cells.size(); ++i) {
      const uint32_t cell = layout.cells[i];
      const uint32_t marker = cell & kMarkerBit;
      if (cell & kContinuationBit) {
        const uint32_t previous = slots[i - 1] & ~kMarkerBit;
        slots[i] = (previous == GlyphAtlas::kBlankSlot ? previous : previous + 1) | marker;
        continue;
      }
      const char32_t cp = static_cast<char32_t>(cell & kCellValueMask);
      const size_t pending = m_atlas->PendingInLayout();
      slots[i] = m_atlas->SlotFor(UnitCluster(layout, i, cp), UnitCells(layout, i)) | marker;
      if (m_atlas->PendingInLayout() != pending) m_pending_cells.push_back(static_cast<uint32_t>(i));
    }
  };
  map_cells(m_glyph_budget_ms);
  // Glyphs of earlier layouts can pin every row of a full atlas; starting afresh then makes room
  // for all of this layout's glyphs unless they alone are more than the atlas holds (with what
  // is left of the budget).
  if (m_atlas->DroppedInLayout() > 0 && !m_atlas_cleared_for_layout) {
    const double spent_ms = m_atlas->RasterisedMsInLayout();
    m_atlas->Clear();
    m_atlas_cleared_for_layout = true;
    map_cells(m_glyph_budget_ms ? std::optional(std::max(0.0, *m_glyph_budget_ms - spent_ms)) : std::nullopt);
  }
  // Still dropping after a fresh start: the layout's glyphs are more than the atlas holds, and
  // those past it stay blank (as without a budget), so nothing is left pending for ever.
  if (m_atlas->DroppedInLayout() > 0) m_pending_cells.clear();
  m_pending_glyphs = m_pending_cells.size();
  return UploadSlots();
}

size_t HeatmapRenderer::UploadSlots() {
  // Specified anew each time (as before the glyph budget): the driver may give it fresh storage
  // rather than wait for a frame still reading the old texels.
  const auto rows = static_cast<GLsizei>(m_slots.size() / kCellsTextureWidth);
  glBindTexture(GL_TEXTURE_2D, m_cells.Name());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R32UI, kCellsTextureWidth, rows, 0, GL_RED_INTEGER, GL_UNSIGNED_INT,
               m_slots.data());
  return m_slots.size() * sizeof(uint32_t);
}

void HeatmapRenderer::ResolveGlyphs(const VisibleLayout& layout) {
  if (m_pending_cells.empty()) return;
  // Only the units that showed placeholders are asked for again, in the same layout: the slots
  // of the others stay in use (ContinueLayout), so nothing they show is evicted.
  m_atlas->ContinueLayout(m_glyph_budget_ms);
  const size_t dropped = m_atlas->DroppedInLayout();
  std::vector<uint32_t> still_pending;
  for (const uint32_t i : m_pending_cells) {
    const char32_t cp = static_cast<char32_t>(layout.cells[i] & kCellValueMask);
    const int cells = UnitCells(layout, i);
    const size_t pending = m_atlas->PendingInLayout();
    const uint32_t slot = m_atlas->SlotFor(UnitCluster(layout, i, cp), cells);
    if (m_atlas->PendingInLayout() != pending) {
      still_pending.push_back(i);
      continue;
    }
    for (int k = 0; k < cells; ++k)
      m_slots[i + k] = (slot == GlyphAtlas::kBlankSlot ? slot : slot + k) | (layout.cells[i + k] & kMarkerBit);
  }
  if (m_atlas->DroppedInLayout() > dropped) {
    // Every row holds a glyph in view: map the whole layout again, which starts afresh once.
    m_last_upload_bytes = UploadCells(layout);
  } else {
    m_pending_cells = std::move(still_pending);
    m_pending_glyphs = m_pending_cells.size();
    m_last_upload_bytes = UploadSlots();
  }
  m_total_upload_bytes += m_last_upload_bytes;
  UploadAtlasIfChanged();
  CheckErrors("HeatmapRenderer::ResolveGlyphs");
}

void HeatmapRenderer::UploadAtlasIfChanged() {
  if (m_atlas->Generation() == m_atlas_generation) return;
  glBindTexture(GL_TEXTURE_2D, m_atlas_texture.Name());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  const size_t row_bytes = static_cast<size_t>(m_atlas->Width());
  size_t uploaded = 0;
  if (m_atlas->Height() > m_atlas_height || m_atlas_generation == UINT64_MAX) {
    // The texture grows by doubling, up to the atlas's bound, so an atlas filling up row by row
    // (a page of new CJK text) is reallocated and sent whole a few times, not at every new row.
    const int bound = m_atlas->MaxRows() * m_atlas->CellHeight();
    const int height = m_atlas_generation == UINT64_MAX
                           ? m_atlas->Height()
                           : std::max(m_atlas->Height(), std::min(bound, 2 * m_atlas_height));
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, m_atlas->Width(), height, 0, GL_RED, GL_UNSIGNED_BYTE, nullptr);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, m_atlas->Width(), m_atlas->Height(), GL_RED, GL_UNSIGNED_BYTE,
                    m_atlas->Pixels().data());
    m_atlas_height = height;
    uploaded = m_atlas->Pixels().size();
  } else {
    // Only the rows that changed: new glyphs and evictions touch a few rows per frame, scattered
    // over a full atlas.
    for (const auto& [first, end] : m_atlas->DirtyRowRuns()) {
      glTexSubImage2D(GL_TEXTURE_2D, 0, 0, first, m_atlas->Width(), end - first, GL_RED, GL_UNSIGNED_BYTE,
                      m_atlas->Pixels().data() + static_cast<size_t>(first) * row_bytes);
      uploaded += static_cast<size_t>(end - first) * row_bytes;
    }
  }
  m_atlas->ClearDirtyRows();
  m_atlas_generation = m_atlas->Generation();
  m_total_upload_bytes += uploaded;
}

void HeatmapRenderer::Draw(const HeatmapDrawParams& params) {
  glViewport(0, 0, params.viewport_width, params.viewport_height);
  glDisable(GL_BLEND);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_CULL_FACE);
  const std::array<float, 3> canvas = CanvasColour(params);
  glClearColor(canvas[0], canvas[1], canvas[2], 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (m_folded) {
    DrawFoldedGrid(params);
    return;
  }
  if (m_instance_count == 0) return;

  const TokenProgram& token_program = m_layout_has_ramps ? *m_ramp_program : m_text_program;
  const Uniforms& uniforms = token_program.uniforms;
  glUseProgram(token_program.program.Name());
  SetFrameUniforms(uniforms.frame, params);
  glUniform1f(uniforms.token_gap, static_cast<float>(params.geometry.token_gap));
  SetMappingUniforms(uniforms.mapping, params.mapping);
  glUniform1i(uniforms.cells, kCellsUnit);
  glUniform1i(uniforms.atlas, kAtlasUnit);
  glUniform1i(uniforms.slots_per_row, GlyphAtlas::kSlotsPerRow);
  glUniform1i(uniforms.underline, params.underline ? 1 : 0);
  glUniform1f(uniforms.underline_low, params.underline ? params.underline->low : 0.0f);
  glUniform1f(uniforms.underline_high, params.underline ? params.underline->high : 1.0f);
  glUniform1i(uniforms.underline_palette, kUnderlinePaletteUnit);
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

void HeatmapRenderer::DrawFoldedGrid(const HeatmapDrawParams& params) {
  const ShaderMappingMode mode = ShaderMappingModeOf(params.mapping);
  const bool gamma_one = params.mapping.gamma == 1.0f;
  std::optional<FoldedProgram>& program = m_folded_programs[static_cast<size_t>(mode) * 2 + (gamma_one ? 1 : 0)];
  if (!program) program = BuildFoldedProgram(mode, gamma_one);
  const FoldedProgram& folded = *program;
  const GridGeometry& g = params.geometry;
  glUseProgram(folded.program.Name());
  SetFrameUniforms(folded.frame, params);
  // The boxes the instances would have drawn span rows of cell_height at line_pitch: the quad
  // covers them all, the gaps between lines included (canvas, per pixel).
  glUniform4f(folded.rect, params.origin_x, params.origin_y,
              static_cast<float>(m_grid.width) * static_cast<float>(g.cell_width),
              static_cast<float>(m_grid.height) * static_cast<float>(g.LinePitch()));
  glUniform1i(folded.grid, kGridUnit);
  SetMappingUniforms(folded.mapping, params.mapping);
  glActiveTexture(GL_TEXTURE0 + kPaletteUnit);
  glBindTexture(GL_TEXTURE_1D, m_palette.Name());
  glActiveTexture(GL_TEXTURE0 + kGridUnit);
  glBindTexture(GL_TEXTURE_2D, m_grid_texture.Name());
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(m_grid_vertex_array.Name());
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
  glUseProgram(0);
  CheckErrors("HeatmapRenderer::DrawFoldedGrid");
}

}  // namespace th::gl
