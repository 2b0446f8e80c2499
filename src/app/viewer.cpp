// The interactive viewer: the main loop that runs the panels, keeps the GPU copies of the
// session's layout and palette current, draws the heatmap into a texture, and idles when
// nothing changes.
#include <chrono>
#include <cstdio>
#include <memory>

#include "app/commands.hpp"
#include "app/platform_window.hpp"
#include "gfx/default_framebuffer.hpp"
#include "gfx/heatmap_renderer.hpp"
#include "gfx/image_io.hpp"
#include "gfx/offscreen_target.hpp"
#include "imgui.h"
#include "text/glyph_atlas.hpp"
#include "ui/panels.hpp"

namespace th::app {

namespace {

constexpr int kWindowWidth = 1440;
constexpr int kWindowHeight = 900;
constexpr int kFramesAfterEvent = 3;     // ImGui settles hover and animation over a few frames
constexpr double kIdleWaitSeconds = 0.5;
constexpr Rgb8 kCanvas{255, 255, 255};

Session MakeSession(const CommandLine& line) {
  Document document = LoadInput(line.view);
  const ResolvedView view = ResolveView(document, line.view);
  Session session(std::move(document));
  session.SelectSequence(view.sequence);
  if (view.channel >= 0) session.SelectChannel(view.channel);
  if (line.view.range) session.SetManualRange(view.low, view.high);
  session.SetPalette(view.palette);
  session.SetFontSize(line.view.font_size);
  return session;
}

}  // namespace

int RunViewer(const CommandLine& line) {
  Session session = MakeSession(line);
  PlatformWindow window("tokenheat - " + session.Doc().source, kWindowWidth, kWindowHeight);

  auto atlas = std::make_unique<GlyphAtlas>(line.view.font, session.Settings().font_size);
  gl::HeatmapRenderer renderer(*atlas);
  gl::OffscreenTarget target;
  uint64_t uploaded_palette = 0;
  uint64_t uploaded_layout = 0;
  ui::FrameContext context;
  context.heatmap_texture = target.TextureId();

  uint64_t seen_events = window.EventCount();
  int active_frames = kFramesAfterEvent;
  int frames_left = line.frames.value_or(0);
  while (!window.ShouldClose()) {
    if (line.frames || active_frames > 0)
      window.PollEvents();
    else
      window.WaitEvents(kIdleWaitSeconds);
    if (window.EventCount() != seen_events) {
      seen_events = window.EventCount();
      active_frames = kFramesAfterEvent;
    }
    const auto frame_start = std::chrono::steady_clock::now();

    window.BeginFrame();
    ui::DrawPanels(session, context);

    if (session.Settings().font_size != atlas->PixelSize()) {
      atlas = std::make_unique<GlyphAtlas>(line.view.font, session.Settings().font_size);
      renderer.SetAtlas(*atlas);
      uploaded_layout = 0;
    }
    if (context.heatmap_width > 0 && context.heatmap_height > 0) {
      const uint64_t layout_before = session.LayoutRevision();
      session.UpdateLayout(context.heatmap_width, context.heatmap_height,
                           GridGeometry::ForCell(atlas->CellWidth(), atlas->CellHeight()));
      if (session.LayoutRevision() != layout_before || uploaded_layout == 0) {
        renderer.SetLayout(session.Visible());
        uploaded_layout = session.LayoutRevision();
        context.upload_bytes = renderer.LastUploadBytes();
      }
      if (session.PaletteRevision() != uploaded_palette) {
        renderer.SetPalette(session.CurrentPalette());
        uploaded_palette = session.PaletteRevision();
      }
      target.Resize(context.heatmap_width, context.heatmap_height);
      target.Bind();
      gl::HeatmapDrawParams params;
      params.viewport_width = context.heatmap_width;
      params.viewport_height = context.heatmap_height;
      params.geometry = session.Geometry();
      params.origin_x = static_cast<float>(Session::kPadding);
      params.origin_y = session.LayoutOriginY();
      params.low = session.Low();
      params.high = session.High();
      params.canvas = kCanvas;
      renderer.Draw(params);
      gl::OffscreenTarget::BindDefault();
    }

    const bool last_frame = line.frames && frames_left == 1;
    window.EndFrame([&] {
      if (!last_frame || !line.screenshot) return;
      const int width = window.FramebufferWidth();
      const int height = window.FramebufferHeight();
      WritePng(*line.screenshot, width, height, gl::ReadDefaultFramebuffer(width, height));
    });
    gl::CheckErrors("viewer frame");
    context.frame_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count();
    if (active_frames > 0) --active_frames;
    // Keep drawing while ImGui animates or a button is held (dragging a slider or the scrollbar).
    if (ImGui::IsAnyItemActive()) active_frames = kFramesAfterEvent;
    if (line.frames && --frames_left == 0) break;
  }
  return 0;
}

}  // namespace th::app
