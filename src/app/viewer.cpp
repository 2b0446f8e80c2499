// The interactive viewer: the main loop that runs the panels, keeps the GPU copies of the
// session's layout and palette current, draws the heatmap into a texture, and idles when
// nothing changes.
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>

#include "app/commands.hpp"
#include "app/platform_window.hpp"
#include "gfx/default_framebuffer.hpp"
#include "app/heatmap_view.hpp"
#include "gfx/image_io.hpp"
#include "imgui.h"
#include "ui/panels.hpp"

namespace th::app {

namespace {

constexpr int kWindowWidth = 1440;
constexpr int kWindowHeight = 900;
constexpr int kFramesAfterEvent = 3;     // ImGui settles hover and animation over a few frames
constexpr double kIdleWaitSeconds = 0.5;

}  // namespace

int RunViewer(const CommandLine& line) {
  Session session(LoadInput(line.view));
  ConfigureSession(session, line.view);
  PlatformWindow window("tokenheat - " + session.Doc().source, kWindowWidth, kWindowHeight);

  HeatmapView heatmap(line.view.font, session.Settings().font_size);
  ui::FrameContext context;
  context.heatmap_texture = heatmap.TextureId();
  context.font = heatmap.Font();
  context.font_file = heatmap.Atlas().PrimaryFontPath();

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

    if (context.font != heatmap.Font()) {
      try {
        heatmap.SetFont(context.font);
        context.font_error.clear();
      } catch (const std::exception& error) {  // FontError: the old font stays
        context.font_error = error.what();
        context.font = heatmap.Font();
      }
      context.font_file = heatmap.Atlas().PrimaryFontPath();
    }
    heatmap.SetContentScale(window.TextScale());

    if (context.heatmap_width > 0 && context.heatmap_height > 0) {
      heatmap.Render(session, context.heatmap_width, context.heatmap_height);
      context.twin_texture = heatmap.TwinTextureId();
      context.upload_bytes = heatmap.LastLayoutUploadBytes();
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
