#include "app/platform_window.hpp"

#include <glad/gl.h>
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>

#include "gfx/default_framebuffer.hpp"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "text/font_match.hpp"

namespace th::app {

namespace {

std::string s_last_glfw_error;

void RecordGlfwError(int code, const char* description) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%05X", static_cast<unsigned>(code));
  s_last_glfw_error = std::string(description) + " (GLFW error " + hex + ")";
}

// The UI font: a proportional sans from fontconfig at `pixels`, with the arrows, control
// pictures and dotted box the tooltips use to show whitespace.
void LoadUiFont(float pixels) {
  ImGuiIO& io = ImGui::GetIO();
  static ImVector<ImWchar> ranges;
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesDefault());
  builder.AddRanges(io.Fonts->GetGlyphRangesCyrillic());
  static const ImWchar kExtra[] = {0x0100, 0x024F, 0x0370, 0x03FF, 0x1E00, 0x1EFF, 0x2000, 0x206F,
                                   0x2190, 0x21FF, 0x2200, 0x22FF, 0x2400, 0x243F, 0x25A0, 0x25FF,
                                   0x2B1A, 0x2B1A, 0xFFFD, 0xFFFD, 0};
  builder.AddRanges(kExtra);
  builder.BuildRanges(&ranges);
  try {
    const std::string path = MatchFontFile("sans-serif");
    if (io.Fonts->AddFontFromFileTTF(path.c_str(), pixels, nullptr, ranges.Data) != nullptr) return;
  } catch (const std::exception&) {
    // Fall through to ImGui's built-in font: the UI stays usable without fontconfig's sans.
  }
  ImFontConfig config;
  config.SizePixels = pixels;
  io.Fonts->AddFontDefault(&config);
}

}  // namespace

PlatformWindow::PlatformWindow(const std::string& title, int width, int height) {
  glfwSetErrorCallback(RecordGlfwError);
  if (!glfwInit())
    throw std::runtime_error("cannot open a window: " + s_last_glfw_error +
                             "; without a display, use `tokenheat render` for a PNG");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  m_window = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
  if (m_window == nullptr) {
    glfwTerminate();
    throw std::runtime_error("cannot create a GL 3.3 core window: " + s_last_glfw_error);
  }
  glfwMakeContextCurrent(m_window);
  if (gladLoadGL(glfwGetProcAddress) == 0) {
    glfwDestroyWindow(m_window);
    glfwTerminate();
    throw std::runtime_error("cannot load OpenGL 3.3 functions");
  }
  glfwSwapInterval(1);

  // Our counters go in first; ImGui's backend chains to them when it installs its callbacks.
  glfwSetWindowUserPointer(m_window, this);
  glfwSetCursorPosCallback(m_window, [](GLFWwindow* w, double, double) { CountEvent(w); });
  glfwSetMouseButtonCallback(m_window, [](GLFWwindow* w, int, int, int) { CountEvent(w); });
  glfwSetScrollCallback(m_window, [](GLFWwindow* w, double, double) { CountEvent(w); });
  glfwSetKeyCallback(m_window, [](GLFWwindow* w, int, int, int, int) { CountEvent(w); });
  glfwSetCharCallback(m_window, [](GLFWwindow* w, unsigned) { CountEvent(w); });
  glfwSetFramebufferSizeCallback(m_window, [](GLFWwindow* w, int, int) { CountEvent(w); });
  glfwSetWindowRefreshCallback(m_window, [](GLFWwindow* w) { CountEvent(w); });
  glfwSetDropCallback(m_window, [](GLFWwindow* w, int count, const char** paths) {
    auto* self = static_cast<PlatformWindow*>(glfwGetWindowUserPointer(w));
    self->m_dropped.insert(self->m_dropped.end(), paths, paths + count);
    CountEvent(w);
  });

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed; nothing to persist yet
  ImGui::StyleColorsLight();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
  style.WindowBorderSize = 0.0f;
  m_unscaled_style = std::make_unique<ImGuiStyle>(style);
  SetPanelTextSize(kPanelTextSize);
  ImGui_ImplGlfw_InitForOpenGL(m_window, true);
  ImGui_ImplOpenGL3_Init("#version 330");
}

void PlatformWindow::SetPanelTextSize(int pixels) {
  if (pixels == m_panel_text_size) return;
  m_panel_text_size = pixels;
  const float scale = TextScale() * static_cast<float>(pixels) / static_cast<float>(kPanelTextSize);
  // Sizes scale from the unscaled ones (scaling the current ones again would compound rounding);
  // the colours are the theme's.
  ImGuiStyle& style = ImGui::GetStyle();
  ImGuiStyle sized = *m_unscaled_style;
  std::copy(std::begin(style.Colors), std::end(style.Colors), std::begin(sized.Colors));
  sized.ScaleAllSizes(scale);
  style = sized;
  ImGuiIO& io = ImGui::GetIO();
  const bool uploaded = io.Fonts->TexID != nullptr;  // before the first frame the backend uploads it
  io.Fonts->Clear();
  LoadUiFont(static_cast<float>(kPanelTextSize) * scale);
  if (uploaded) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
}

PlatformWindow::~PlatformWindow() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(m_window);
  glfwTerminate();
}

void PlatformWindow::CountEvent(GLFWwindow* window) {
  static_cast<PlatformWindow*>(glfwGetWindowUserPointer(window))->m_events++;
}

bool PlatformWindow::ShouldClose() const { return glfwWindowShouldClose(m_window) != 0; }
void PlatformWindow::PollEvents() { glfwPollEvents(); }
void PlatformWindow::WaitEvents(double timeout_seconds) { glfwWaitEventsTimeout(timeout_seconds); }

void PlatformWindow::BeginFrame() {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

void PlatformWindow::EndFrame(const std::function<void()>& before_swap) {
  ImGui::Render();
  gl::ClearDefaultFramebuffer(FramebufferWidth(), FramebufferHeight());
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (before_swap) before_swap();
  glfwSwapBuffers(m_window);
}

float PlatformWindow::TextScale() const {
  float content_scale = 1.0f, unused = 1.0f;
  glfwGetWindowContentScale(m_window, &content_scale, &unused);
  int window_width = 0, window_height = 0;
  glfwGetWindowSize(m_window, &window_width, &window_height);
  const float framebuffer_scale =
      window_width > 0 ? static_cast<float>(FramebufferWidth()) / static_cast<float>(window_width) : 1.0f;
  return std::max(content_scale / framebuffer_scale, 0.25f);
}

void PlatformWindow::ToggleFullscreen() {
  if (glfwGetWindowMonitor(m_window) != nullptr) {
    glfwSetWindowMonitor(m_window, nullptr, m_windowed[0], m_windowed[1], m_windowed[2], m_windowed[3], GLFW_DONT_CARE);
    return;
  }
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
  if (mode == nullptr) return;
  glfwGetWindowPos(m_window, &m_windowed[0], &m_windowed[1]);
  glfwGetWindowSize(m_window, &m_windowed[2], &m_windowed[3]);
  glfwSetWindowMonitor(m_window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
}

std::vector<std::string> PlatformWindow::TakeDroppedPaths() { return std::exchange(m_dropped, {}); }

int PlatformWindow::FramebufferWidth() const {
  int width = 0, height = 0;
  glfwGetFramebufferSize(m_window, &width, &height);
  return width;
}

int PlatformWindow::FramebufferHeight() const {
  int width = 0, height = 0;
  glfwGetFramebufferSize(m_window, &width, &height);
  return height;
}

}  // namespace th::app
