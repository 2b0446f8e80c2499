#pragma once
// The desktop window: GLFW with a GL 3.3 core context, glad, and the ImGui GLFW + OpenGL3
// backends. It counts input events so the main loop can idle when nothing happens.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct GLFWwindow;
struct ImGuiStyle;

namespace th::app {

class PlatformWindow {
 public:
  static constexpr int kPanelTextSize = 16;  // the panels' text in pixels at 96 dpi, before presets

  // Throws std::runtime_error with a one-line reason (no display, no GL 3.3) on failure.
  PlatformWindow(const std::string& title, int width, int height);
  ~PlatformWindow();
  PlatformWindow(const PlatformWindow&) = delete;
  PlatformWindow& operator=(const PlatformWindow&) = delete;

  bool ShouldClose() const;
  void PollEvents();
  void WaitEvents(double timeout_seconds);
  // Bumped by every input or window event; unchanged means nothing happened.
  uint64_t EventCount() const { return m_events; }

  void BeginFrame();  // ImGui new frame
  // ImGui renders into the window; before_swap may read the finished frame back.
  void EndFrame(const std::function<void()>& before_swap = {});
  // How much larger than at 96 dpi text should be drawn, in the window's own pixels: the
  // content scale (HiDPI) less what the framebuffer's scale already provides.
  float TextScale() const;
  // The panels' text size in pixels at 96 dpi (presentation presets enlarge it): the UI font is
  // rasterised again at that size, sharp rather than magnified, and ImGui's paddings and spacings
  // grow with it. Call between frames; nothing happens when the size is unchanged.
  void SetPanelTextSize(int pixels);
  int FramebufferWidth() const;
  int FramebufferHeight() const;

  // Fullscreen on the primary monitor at its current mode, or back to the window it was.
  void ToggleFullscreen();
  // Paths of files dropped onto the window since the last call.
  std::vector<std::string> TakeDroppedPaths();

 private:
  static void CountEvent(GLFWwindow* window);
  GLFWwindow* m_window = nullptr;
  uint64_t m_events = 0;
  std::vector<std::string> m_dropped;
  int m_windowed[4] = {0, 0, 0, 0};  // x, y, width, height before going fullscreen
  int m_panel_text_size = 0;
  std::unique_ptr<ImGuiStyle> m_unscaled_style;  // ImGui's sizes for kPanelTextSize at 96 dpi
};

}  // namespace th::app
