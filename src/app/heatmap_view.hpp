#pragma once
// The heatmap as the viewer (and the benchmarks and tests) draw it: keeps the GPU copies of the
// session's visible layout and palette current, uploading only what changed, and draws into an
// offscreen texture. A range or palette change uploads no per-token data: the layout revision
// does not move, so only uniforms (and at most 256 palette texels) change.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gfx/heatmap_renderer.hpp"
#include "gfx/offscreen_target.hpp"
#include "text/glyph_atlas.hpp"
#include "session/session.hpp"

namespace th::app {

class HeatmapView {
 public:
  // Needs a current GL context.
  HeatmapView(std::string font, int font_size);

  // Lays out (Session::UpdateLayout), uploads what changed and draws a width x height frame.
  // keep_end_in_view: the running text is scrolled to its end before it is drawn (following a live
  // stream's tail), in the same frame.
  void Render(Session& session, int width, int height, bool keep_end_in_view = false);

  // A new fontconfig pattern for the text; throws FontError and keeps the old font when it is
  // unusable.
  void SetFont(const std::string& font);
  const std::string& Font() const { return m_font; }
  // The window's content scale (HiDPI): glyphs are rasterised at font size x scale pixels.
  void SetContentScale(float scale) { m_scale = scale; }
  // The colour between and around the token boxes (the dark theme darkens it).
  void SetCanvas(Rgb8 canvas) { m_canvas = canvas; }

  uintptr_t TextureId() const { return m_main.target.TextureId(); }
  // The shuffled twin's texture while the session shows values side by side, else 0.
  uintptr_t TwinTextureId() const { return m_twin ? m_twin->target.TextureId() : 0; }
  std::vector<uint8_t> ReadPixels() const { return m_main.target.ReadPixels(); }
  const GlyphAtlas& Atlas() const { return *m_atlas; }
  // How long one frame may spend rasterising glyphs it has not drawn before (the viewer's and
  // bench's frames: kFrameGlyphBudgetMs); cells past it show GlyphAtlas::kPlaceholderSlot, and
  // the next frames rasterise them while PendingGlyphs() says so (the viewer keeps drawing).
  // None, the default (tests, screenshots): every glyph in the frame that first shows it.
  void SetGlyphBudget(std::optional<double> ms);
  size_t PendingGlyphs() const;
  static constexpr double kFrameGlyphBudgetMs = 4.0;
  // Bytes sent to the GPU since creation (instances, cells, palette texels, atlas), and by the
  // last layout upload alone.
  size_t UploadedBytesTotal() const { return m_main.renderer.UploadedBytesTotal(); }
  size_t LastLayoutUploadBytes() const { return m_main.renderer.LastUploadBytes(); }

 private:
  // A renderer with its target and what it last uploaded.
  struct Pane {
    explicit Pane(GlyphAtlas& atlas) : renderer(atlas) {}
    gl::HeatmapRenderer renderer;
    gl::OffscreenTarget target;
    uint64_t uploaded_layout = 0;
    bool uploaded_stacked = false;  // uploaded_layout counts the stacked view's layouts
    uint64_t uploaded_palette = 0;
    uint64_t uploaded_underline_palette = 0;
  };

  int PixelSize(const Session& session) const;
  void SetAtlas(std::unique_ptr<GlyphAtlas> atlas);
  // stacked: layout is the stacked view's (its own revisions and scroll), else the running text's.
  void RenderPane(Pane& pane, const Session& session, const VisibleLayout& layout, bool stacked, int width,
                  int height);

  std::string m_font;
  float m_scale = 1.0f;
  Rgb8 m_canvas{255, 255, 255};
  std::unique_ptr<GlyphAtlas> m_atlas;
  Pane m_main;
  std::unique_ptr<Pane> m_twin;
  std::optional<double> m_glyph_budget_ms;
};

}  // namespace th::app
