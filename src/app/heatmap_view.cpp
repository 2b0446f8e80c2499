#include "app/heatmap_view.hpp"

#include <algorithm>
#include <cmath>

namespace th::app {

HeatmapView::HeatmapView(std::string font, int font_size)
    : m_font(std::move(font)),
      m_atlas(std::make_unique<GlyphAtlas>(m_font, std::max(font_size, kMinGlyphFontSize))),
      m_main(*m_atlas) {}

int HeatmapView::PixelSize(const Session& session) const {
  // Zoomed out, no glyph is drawn: the atlas stays at the smallest glyph size.
  const int font_size = std::max(session.Settings().font_size, kMinGlyphFontSize);
  return std::max(1, static_cast<int>(std::lround(static_cast<float>(font_size) * m_scale)));
}

void HeatmapView::SetAtlas(std::unique_ptr<GlyphAtlas> atlas) {
  m_atlas = std::move(atlas);
  for (Pane* pane : {&m_main, m_twin.get()}) {
    if (pane == nullptr) continue;
    pane->renderer.SetAtlas(*m_atlas);
    pane->uploaded_layout = 0;
  }
}

void HeatmapView::SetGlyphBudget(std::optional<double> ms) {
  m_glyph_budget_ms = ms;
  for (Pane* pane : {&m_main, m_twin.get()})
    if (pane != nullptr) pane->renderer.SetGlyphBudget(ms);
}

size_t HeatmapView::PendingGlyphs() const {
  return m_main.renderer.PendingGlyphs() + (m_twin ? m_twin->renderer.PendingGlyphs() : 0);
}

void HeatmapView::SetFont(const std::string& font) {
  auto atlas = std::make_unique<GlyphAtlas>(font, m_atlas->PixelSize());
  m_font = font;
  SetAtlas(std::move(atlas));
}

void HeatmapView::Render(Session& session, int width, int height, bool keep_end_in_view) {
  if (PixelSize(session) != m_atlas->PixelSize()) SetAtlas(std::make_unique<GlyphAtlas>(m_font, PixelSize(session)));
  const int font_size = session.Settings().font_size;
  const GridGeometry geometry =
      session.Folded() ? GridGeometry::Folded(font_size, std::max(1, static_cast<int>(std::lround(m_scale))))
             : GridGeometry::ForCell(m_atlas->CellWidth(), m_atlas->CellHeight());
  // The running text stays laid out in the stacked view too: the panels read its top token.
  session.UpdateLayout(width, height, geometry);
  if (keep_end_in_view && !session.Settings().stacked && session.ScrollPixels() < session.MaxScroll()) {
    session.ScrollTo(session.MaxScroll());
    session.UpdateLayout(width, height, geometry);  // the lines now in view
  }
  if (session.Settings().stacked) {
    session.UpdateStackedLayout(width, height, geometry);
    RenderPane(m_main, session, session.Stacked().Visible().layout, true, width, height);
    m_twin.reset();
    return;
  }
  RenderPane(m_main, session, session.Visible(), false, width, height);
  if (const VisibleLayout* twin = session.VisibleTwin()) {
    if (!m_twin) {
      m_twin = std::make_unique<Pane>(*m_atlas);
      m_twin->renderer.SetGlyphBudget(m_glyph_budget_ms);
    }
    RenderPane(*m_twin, session, *twin, false, width, height);
  } else {
    m_twin.reset();
  }
}

void HeatmapView::RenderPane(Pane& pane, const Session& session, const VisibleLayout& layout, bool stacked,
                             int width, int height) {
  const uint64_t revision = stacked ? session.Stacked().LayoutRevision() : session.LayoutRevision();
  if (revision != pane.uploaded_layout || stacked != pane.uploaded_stacked) {
    pane.renderer.SetLayout(layout);
    pane.uploaded_layout = revision;
    pane.uploaded_stacked = stacked;
  } else if (pane.renderer.PendingGlyphs() > 0) {
    pane.renderer.ResolveGlyphs(layout);  // the glyphs an earlier frame had no time for
  }
  if (session.PaletteRevision() != pane.uploaded_palette) {
    pane.renderer.SetPalette(session.CurrentPalette());
    pane.uploaded_palette = session.PaletteRevision();
  }
  if (session.UnderlinePaletteRevision() != pane.uploaded_underline_palette) {
    pane.renderer.SetUnderlinePalette(session.UnderlinePalette());
    pane.uploaded_underline_palette = session.UnderlinePaletteRevision();
  }
  pane.target.Resize(width, height);
  pane.target.Bind();
  gl::HeatmapDrawParams params;
  params.viewport_width = width;
  params.viewport_height = height;
  params.geometry = session.Geometry();
  params.origin_x = static_cast<float>(Session::kPadding);
  params.origin_y = stacked ? session.Stacked().LayoutOriginY() : session.LayoutOriginY();
  params.mapping = session.Mapping();
  params.underline = session.UnderlineMapping();
  params.canvas = m_canvas;
  pane.renderer.Draw(params);
  gl::OffscreenTarget::BindDefault();
}

}  // namespace th::app
