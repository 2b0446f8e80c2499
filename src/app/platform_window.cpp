#include "app/platform_window.hpp"

#include <glad/gl.h>
#include <GLFW/glfw3.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/loaders/mapped_file.hpp"
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

constexpr const char* kUiFontPattern = "sans-serif";
// At most this many characters come from fallback fonts: each is rasterised again at every
// rebuild of the atlas, and the atlas must stay one texture of sensible size even at a lecture
// hall's text size on a HiDPI screen.
constexpr size_t kMaxFallbackGlyphs = 4096;

// The base font's characters: Latin, Greek, Cyrillic, punctuation, and the arrows, control
// pictures and dotted box the tooltips use to show whitespace. Others come from fallback fonts.
const ImWchar* BaseGlyphRanges() {
  static ImVector<ImWchar> ranges;
  if (ranges.empty()) {
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(ImGui::GetIO().Fonts->GetGlyphRangesDefault());
    builder.AddRanges(ImGui::GetIO().Fonts->GetGlyphRangesCyrillic());
    static const ImWchar kExtra[] = {0x0100, 0x024F, 0x0370, 0x03FF, 0x1E00, 0x1EFF, 0x2000, 0x206F,
                                     0x2190, 0x21FF, 0x2200, 0x22FF, 0x2400, 0x243F, 0x25A0, 0x25FF,
                                     0x2B1A, 0x2B1A, 0xFFFD, 0xFFFD, 0};
    builder.AddRanges(kExtra);
    builder.BuildRanges(&ranges);
  }
  return ranges.Data;
}

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

PlatformWindow::PlatformWindow(const std::string& title, std::optional<WindowSize> remembered) {
  glfwSetErrorCallback(RecordGlfwError);
  if (!glfwInit())
    throw std::runtime_error("cannot open a window: " + s_last_glfw_error +
                             "; without a display, use `tokenheat render` for a PNG");
  // The size is settled before the window shows: the default grows with the monitor's content
  // scale (HiDPI), and neither it nor a remembered size may run off the work area (the screen
  // less panels and docks), as on a 1280x720 projector.
  WindowSize size = kDefaultSize;
  int area_x = 0, area_y = 0, area_width = 0, area_height = 0;
  if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) {
    float scale_x = 1.0f, scale_y = 1.0f;
    glfwGetMonitorContentScale(monitor, &scale_x, &scale_y);
    size = {static_cast<int>(static_cast<float>(size.width) * scale_x),
            static_cast<int>(static_cast<float>(size.height) * scale_y)};
    glfwGetMonitorWorkarea(monitor, &area_x, &area_y, &area_width, &area_height);
  }
  if (remembered) size = *remembered;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  m_window = glfwCreateWindow(std::max(size.width, 1), std::max(size.height, 1), title.c_str(), nullptr, nullptr);
  if (m_window == nullptr) {
    glfwTerminate();
    throw std::runtime_error("cannot create a GL 3.3 core window: " + s_last_glfw_error);
  }
  if (area_width > 0 && area_height > 0) {
    // The title bar and borders a window manager adds count too (all 0 without one).
    int left = 0, top = 0, right = 0, bottom = 0;
    glfwGetWindowFrameSize(m_window, &left, &top, &right, &bottom);
    size = {std::clamp(size.width, 1, std::max(area_width - left - right, 1)),
            std::clamp(size.height, 1, std::max(area_height - top - bottom, 1))};
    glfwSetWindowSize(m_window, size.width, size.height);
    glfwSetWindowPos(m_window, area_x + left + (area_width - left - right - size.width) / 2,
                     area_y + top + (area_height - top - bottom - size.height) / 2);
  }
  m_opened_size = size;
  glfwShowWindow(m_window);
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
  glfwSetWindowContentScaleCallback(m_window, [](GLFWwindow* w, float, float) { CountEvent(w); });
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
  const float text_scale = TextScale();
  if (pixels == m_panel_text_size && text_scale == m_panel_scale) return;
  m_panel_text_size = pixels;
  m_panel_scale = text_scale;
  const float scale = text_scale * static_cast<float>(pixels) / static_cast<float>(kPanelTextSize);
  // Sizes scale from the unscaled ones (scaling the current ones again would compound rounding);
  // the colours are the theme's.
  ImGuiStyle& style = ImGui::GetStyle();
  ImGuiStyle sized = *m_unscaled_style;
  std::copy(std::begin(style.Colors), std::end(style.Colors), std::begin(sized.Colors));
  sized.ScaleAllSizes(scale);
  style = sized;
  m_ui_font_pixels = static_cast<float>(kPanelTextSize) * scale;
  for (FallbackGlyphs& glyphs : m_fallback_glyphs) glyphs.wide_bitmaps.clear();  // rasterised again at the new size
  BuildUiFont();
}

bool PlatformWindow::AddFallbackGlyphs(const std::vector<ui::NeededGlyph>& glyphs) {
  size_t added = 0;
  for (const ui::NeededGlyph& glyph : glyphs) {
    if (m_font_stats.fallback_glyphs + added >= kMaxFallbackGlyphs) break;
    if (!m_fallback_fonts) {
      try {
        m_fallback_fonts = std::make_unique<FallbackFonts>(kUiFontPattern);
      } catch (const std::exception&) {
        return false;  // no fontconfig font at all: ImGui's built-in font has nothing to add to
      }
    }
    const std::optional<FontFace> face = m_fallback_fonts->FaceFor(glyph.code_point);
    if (!face) continue;  // no installed font has it: it stays U+FFFD
    auto group = std::find_if(m_fallback_glyphs.begin(), m_fallback_glyphs.end(),
                              [&](const FallbackGlyphs& fallback) { return fallback.face == *face; });
    if (group == m_fallback_glyphs.end()) {
      group = m_fallback_glyphs.emplace(group);
      group->face = *face;
    }
    if (glyph.StandsIn()) group->wide.push_back(glyph);
    else group->code_points.push_back(glyph.code_point);
    ++added;
  }
  if (added == 0) return false;
  m_font_stats.fallback_glyphs += added;
  m_font_stats.fallback_faces = m_fallback_glyphs.size();
  BuildUiFont();
  return true;
}

void PlatformWindow::BuildUiFont() {
  const auto start = std::chrono::steady_clock::now();
  ImGuiIO& io = ImGui::GetIO();
  const bool uploaded = io.Fonts->TexID != nullptr;  // before the first frame the backend uploads it
  io.Fonts->Clear();
  // The base font: a proportional sans from fontconfig, or ImGui's built-in font without one.
  if (m_base_font_path.empty()) {
    try {
      m_base_font_path = MatchFontFile(kUiFontPattern);
    } catch (const std::exception&) {
      // None: ImGui's built-in font below keeps the panels usable.
    }
  }
  // The files are mapped and ImGui only reads them (FontDataOwnedByAtlas false: it never frees them).
  const auto add_font = [&](std::string_view data, ImFontConfig& config, const ImWchar* ranges) {
    config.FontDataOwnedByAtlas = false;
    return !data.empty() && io.Fonts->AddFontFromMemoryTTF(const_cast<char*>(data.data()), static_cast<int>(data.size()),
                                                           m_ui_font_pixels, &config, ranges) != nullptr;
  };
  ImFontConfig base_config;
  if (m_base_font_path.empty() || !add_font(FontFileData(m_base_font_path), base_config, BaseGlyphRanges())) {
    ImFontConfig config;
    config.SizePixels = m_ui_font_pixels;
    io.Fonts->AddFontDefault(&config);
  }
  ImFont* font = io.Fonts->Fonts[0];
  // Glyphs beyond U+FFFF, each in a rectangle of the atlas under its stand-in, with the
  // rectangle's index: their pixels are written once the atlas is packed.
  std::vector<std::pair<int, const GlyphBitmap*>> wide_rects;
  for (FallbackGlyphs& glyphs : m_fallback_glyphs) {
    if (!glyphs.code_points.empty()) {
      glyphs.ranges.clear();
      for (const char32_t cp : glyphs.code_points)
        glyphs.ranges.insert(glyphs.ranges.end(), 2, static_cast<uint16_t>(cp));  // the range cp..cp
      glyphs.ranges.push_back(0);
      ImFontConfig config;
      config.MergeMode = true;
      config.FontNo = glyphs.face.index;
      add_font(FontFileData(glyphs.face.path), config, glyphs.ranges.data());
    }
    if (glyphs.wide.empty()) continue;
    while (glyphs.wide_bitmaps.size() < glyphs.wide.size())  // those added since the last build
      glyphs.wide_bitmaps.push_back(m_fallback_fonts->Rasterise(glyphs.wide[glyphs.wide_bitmaps.size()].code_point,
                                                                m_ui_font_pixels));
    for (size_t i = 0; i < glyphs.wide.size(); ++i) {
      if (!glyphs.wide_bitmaps[i]) continue;  // the face has no outline for it: it stays U+FFFD
      const GlyphBitmap& bitmap = *glyphs.wide_bitmaps[i];
      // A blank pixel around the bitmap, as ImGui pads its own glyphs: the panels' text lands on
      // fractional positions and is sampled linearly, which would bleed in a neighbour's edge.
      // The vertical offset needs the font's ascent, known once built: it is set below.
      const int rect =
          io.Fonts->AddCustomRectFontGlyph(font, glyphs.wide[i].drawn_as, bitmap.width + 2, bitmap.height + 2,
                                           std::round(bitmap.advance), ImVec2(static_cast<float>(bitmap.left - 1), 0.0f));
      wide_rects.emplace_back(rect, &bitmap);
    }
  }
  unsigned char* pixels = nullptr;
  int atlas_width = 0;
  if (io.Fonts->Build()) io.Fonts->GetTexDataAsAlpha8(&pixels, &atlas_width, nullptr);
  // ImGui places its own glyphs from the rounded ascent (the top of the line) down.
  const float baseline = std::round(font->Ascent);
  for (const auto& [rect_index, bitmap] : wide_rects) {
    const ImFontAtlasCustomRect& rect = *io.Fonts->GetCustomRectByIndex(rect_index);
    if (pixels == nullptr || !rect.IsPacked()) break;  // no atlas to draw into: they stay U+FFFD
    for (int row = 0; row < bitmap->height; ++row)
      std::copy_n(bitmap->coverage.data() + static_cast<size_t>(row) * bitmap->width, bitmap->width,
                  pixels + static_cast<size_t>(rect.Y + 1 + row) * atlas_width + rect.X + 1);
    ImFontGlyph& glyph = font->Glyphs[font->IndexLookup[rect.GlyphID]];
    glyph.Y0 = baseline - static_cast<float>(bitmap->top + 1);
    glyph.Y1 = glyph.Y0 + static_cast<float>(rect.Height);
  }
  if (uploaded) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  m_font_stats.last_build_ms = MillisecondsSince(start);
  m_font_stats.max_build_ms = std::max(m_font_stats.max_build_ms, m_font_stats.last_build_ms);
}

std::string_view PlatformWindow::FontFileData(const std::string& path) {
  const auto [it, inserted] = m_font_files.try_emplace(path);
  if (inserted) {
    try {
      it->second = MappedFile::Open(path);
    } catch (const std::exception&) {
      it->second = nullptr;  // unreadable: the font is left out
    }
  }
  return it->second ? it->second->Bytes() : std::string_view();
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

namespace {
// Set by a signal handler: only a lock-free atomic may be.
std::atomic<bool> g_close_signalled{false};
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace

bool PlatformWindow::ShouldClose() const { return glfwWindowShouldClose(m_window) != 0 || g_close_signalled; }
void PlatformWindow::PollEvents() { glfwPollEvents(); }
void PlatformWindow::WaitEvents(double timeout_seconds) { glfwWaitEventsTimeout(timeout_seconds); }

void PlatformWindow::Wake() { glfwPostEmptyEvent(); }

void PlatformWindow::CloseOnSignals() {
  struct sigaction action {};
  action.sa_handler = [](int) { g_close_signalled = true; };
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

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

WindowSize PlatformWindow::WindowedSize() const {
  if (glfwGetWindowMonitor(m_window) != nullptr) return {m_windowed[2], m_windowed[3]};
  WindowSize size;
  glfwGetWindowSize(m_window, &size.width, &size.height);
  return size;
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
