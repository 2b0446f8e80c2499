#include "app/heatmap_view.hpp"

#include <algorithm>
#include <cmath>

namespace th::app {

namespace {
constexpr Rgb8 kCanvas{255, 255, 255};
}  // namespace

HeatmapView::HeatmapView(std::string font, int font_size)
    : m_font(std::move(font)), m_atlas(std::make_unique<GlyphAtlas>(m_font, font_size)), m_renderer(*m_atlas) {}

int HeatmapView::PixelSize(const Session& session) const {
  return std::max(1, static_cast<int>(std::lround(static_cast<float>(session.Settings().font_size) * m_scale)));
}

void HeatmapView::SetFont(const std::string& font) {
  auto atlas = std::make_unique<GlyphAtlas>(font, m_atlas->PixelSize());
  m_font = font;
  m_atlas = std::move(atlas);
  m_renderer.SetAtlas(*m_atlas);
  m_uploaded_layout = 0;
}

void HeatmapView::Render(Session& session, int width, int height) {
  if (PixelSize(session) != m_atlas->PixelSize()) {
    m_atlas = std::make_unique<GlyphAtlas>(m_font, PixelSize(session));
    m_renderer.SetAtlas(*m_atlas);
    m_uploaded_layout = 0;
  }
  session.UpdateLayout(width, height, GridGeometry::ForCell(m_atlas->CellWidth(), m_atlas->CellHeight()));
  if (session.LayoutRevision() != m_uploaded_layout) {
    m_renderer.SetLayout(session.Visible());
    m_uploaded_layout = session.LayoutRevision();
  }
  if (session.PaletteRevision() != m_uploaded_palette) {
    m_renderer.SetPalette(session.CurrentPalette());
    m_uploaded_palette = session.PaletteRevision();
  }
  if (session.UnderlinePaletteRevision() != m_uploaded_underline_palette) {
    m_renderer.SetUnderlinePalette(session.UnderlinePalette());
    m_uploaded_underline_palette = session.UnderlinePaletteRevision();
  }
  m_target.Resize(width, height);
  m_target.Bind();
  gl::HeatmapDrawParams params;
  params.viewport_width = width;
  params.viewport_height = height;
  params.geometry = session.Geometry();
  params.origin_x = static_cast<float>(Session::kPadding);
  params.origin_y = session.LayoutOriginY();
  params.mapping = session.Mapping();
  params.underline = session.UnderlineMapping();
  params.canvas = kCanvas;
  m_renderer.Draw(params);
  gl::OffscreenTarget::BindDefault();
}

}  // namespace th::app
