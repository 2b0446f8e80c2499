#pragma once
// The desktop window: GLFW with a GL 3.3 core context, glad, and the ImGui GLFW + OpenGL3
// backends. It counts input events so the main loop can idle when nothing happens, sizes itself
// to the monitor, and keeps the panels' font able to draw the open document's characters.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/font_match.hpp"
#include "ui/missing_glyphs.hpp"

struct GLFWwindow;
struct ImGuiStyle;

namespace th {
class MappedFile;
}

namespace th::app {

// A window's size in screen coordinates.
struct WindowSize {
  int width = 0;
  int height = 0;
  bool operator==(const WindowSize&) const = default;
};

// The panels' font: how many characters came from fallback fonts, from how many faces, and what
// building its atlas (rasterising and uploading it) last cost and cost at most.
struct UiFontStats {
  size_t fallback_glyphs = 0;
  size_t fallback_faces = 0;
  double last_build_ms = 0;
  double max_build_ms = 0;
};

class PlatformWindow {
 public:
  static constexpr int kPanelTextSize = 16;  // the panels' text in pixels at 96 dpi, before presets
  static constexpr WindowSize kDefaultSize{1440, 900};  // at 96 dpi, when no size is remembered

  // Opens at `remembered`, or else at kDefaultSize times the monitor's content scale; either way
  // no larger than the primary monitor's work area (a 1280x720 projector, a HiDPI laptop).
  // Throws std::runtime_error with a one-line reason (no display, no GL 3.3) on failure.
  PlatformWindow(const std::string& title, std::optional<WindowSize> remembered);
  ~PlatformWindow();
  PlatformWindow(const PlatformWindow&) = delete;
  PlatformWindow& operator=(const PlatformWindow&) = delete;

  bool ShouldClose() const;
  void PollEvents();
  void WaitEvents(double timeout_seconds);
  // Makes a WaitEvents under way return: the one call that other threads may make (GLFW allows
  // glfwPostEmptyEvent from any thread), so a live stream's reader wakes the main loop.
  static void Wake();
  // Ctrl+C or a SIGTERM ends the loop as closing the window does (the settings are saved, and
  // --print-state prints).
  static void CloseOnSignals();
  // Bumped by every input or window event; unchanged means nothing happened.
  uint64_t EventCount() const { return m_events; }

  void BeginFrame();  // ImGui new frame
  // ImGui renders into the window; before_swap may read the finished frame back.
  void EndFrame(const std::function<void()>& before_swap = {});
  // How much larger than at 96 dpi text should be drawn, in the window's own pixels: the
  // content scale (HiDPI) less what the framebuffer's scale already provides.
  float TextScale() const;
  // The panels' text size in pixels at 96 dpi (presentation presets enlarge it): the UI font is
  // rasterised again at that size times TextScale(), sharp rather than magnified, and ImGui's
  // paddings and spacings grow with it. Call between frames; nothing happens when neither the
  // size nor the content scale (the window moved to another monitor) changed.
  void SetPanelTextSize(int pixels);
  // Makes the panels' font draw these characters: each comes from the face fontconfig's fallback
  // list for the UI font gives it, as the heatmap finds its glyphs, merged into the font atlas,
  // which is rasterised and uploaded again. A character beyond U+FFFF, which ImGui cannot load, is
  // rasterised with FreeType (FallbackFonts::Rasterise) at ImGui's scale for its face and put in
  // the atlas as its stand-in's glyph. Call between frames, with each character once. True when
  // the atlas changed.
  bool AddFallbackGlyphs(const std::vector<ui::NeededGlyph>& glyphs);
  const UiFontStats& FontStats() const { return m_font_stats; }
  int FramebufferWidth() const;
  int FramebufferHeight() const;
  // The size the window opened at, and its size now (while fullscreen: the size it will return
  // to); they differ once the user resized it.
  WindowSize OpenedSize() const { return m_opened_size; }
  WindowSize WindowedSize() const;

  // Fullscreen on the primary monitor at its current mode, or back to the window it was.
  void ToggleFullscreen();
  // Paths of files dropped onto the window since the last call.
  std::vector<std::string> TakeDroppedPaths();

 private:
  // Characters from one fallback face: those ImGui loads itself, with the glyph ranges it reads
  // them from while it builds, and those beyond U+FFFF, rasterised by m_fallback_fonts at
  // m_ui_font_pixels.
  struct FallbackGlyphs {
    FontFace face;
    std::vector<char32_t> code_points;
    std::vector<uint16_t> ranges;  // ImWchar pairs, 0-terminated
    std::vector<ui::NeededGlyph> wide;
    std::vector<std::optional<GlyphBitmap>> wide_bitmaps;  // of `wide`, at m_ui_font_pixels
  };
  static void CountEvent(GLFWwindow* window);
  // Rebuilds the font atlas at m_ui_font_pixels with the base font and every fallback face, and
  // uploads it when the backend has a texture already.
  void BuildUiFont();
  // The bytes of a font file, mapped once and kept (ImGui reads them again at every rebuild);
  // empty when it cannot be read.
  std::string_view FontFileData(const std::string& path);

  GLFWwindow* m_window = nullptr;
  uint64_t m_events = 0;
  std::vector<std::string> m_dropped;
  int m_windowed[4] = {0, 0, 0, 0};  // x, y, width, height before going fullscreen
  WindowSize m_opened_size;
  int m_panel_text_size = 0;
  float m_panel_scale = 0.0f;  // TextScale() when the panels' sizes were last set
  float m_ui_font_pixels = 0.0f;
  std::unique_ptr<ImGuiStyle> m_unscaled_style;  // ImGui's sizes for kPanelTextSize at 96 dpi
  std::unique_ptr<FallbackFonts> m_fallback_fonts;  // found on first need: sorting fonts takes a while
  std::vector<FallbackGlyphs> m_fallback_glyphs;
  std::string m_base_font_path;  // fontconfig's match for kUiFontPattern, looked up once
  std::map<std::string, std::shared_ptr<const MappedFile>> m_font_files;
  UiFontStats m_font_stats;
};

}  // namespace th::app
