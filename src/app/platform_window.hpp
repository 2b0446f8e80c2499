#pragma once
// The desktop window: GLFW with a GL 3.3 core context, glad, and the ImGui GLFW + OpenGL3
// backends. It counts input events so the main loop can idle when nothing happens.

#include <cstdint>
#include <functional>
#include <string>

struct GLFWwindow;

namespace th::app {

class PlatformWindow {
 public:
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
  int FramebufferWidth() const;
  int FramebufferHeight() const;

 private:
  static void CountEvent(GLFWwindow* window);
  GLFWwindow* m_window = nullptr;
  uint64_t m_events = 0;
};

}  // namespace th::app
