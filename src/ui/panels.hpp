#pragma once
// ImGui panels, one file each. Panels read and change the Session; none calls gl*. The heatmap
// itself is drawn by the app into a texture that the heatmap panel shows with ImGui::Image.

#include <cstdint>
#include <string>
#include <vector>

#include "session/session.hpp"

namespace th::ui {

// Ctrl+1, Ctrl+2, Ctrl+3: text sizes for a laptop, a meeting room and a lecture hall, of the
// heatmap and of the panels and colour bar (which grow less: they must still leave the heatmap room).
struct TextPreset {
  int heatmap = 16;  // pixels
  int panels = 16;
};
inline constexpr TextPreset kTextPresets[] = {{16, 16}, {28, 22}, {44, 30}};

// What the panels need from the app besides the session, and what they ask of it.
struct FrameContext {
  uintptr_t heatmap_texture = 0;  // GL texture name of the rendered heatmap (opaque here)
  uintptr_t twin_texture = 0;     // the shuffled twin's, while values are side by side (else 0)
  int heatmap_width = 0;          // out: the size the heatmap should be rendered at
  int heatmap_height = 0;
  Rgb8 canvas{255, 255, 255};     // the heatmap's background, which search marks must stand out from
  std::string open_error;         // shown in the data panel; set by a failed open
  std::string open_note;          // shown beneath it, dimmed: a cancelled load
  std::string open_request;       // out: a file to open (RequestOpen); the app loads it in the background
  std::string font;               // fontconfig pattern of the heatmap font; the font panel may change it
  std::string font_file;          // the file it resolved to
  std::string font_error;         // why the app refused the last pattern
  double frame_ms = 0;
  size_t upload_bytes = 0;
  // Presentation (presentation.cpp): the keys set these; the app applies the window's part.
  bool panels_hidden = false;         // Tab: the heatmap and colour bar fill the window
  bool dark_theme = false;            // T: dark UI and canvas
  bool fullscreen_requested = false;  // F11 pressed: the app toggles fullscreen and clears it
  int peak = -1;                      // J/K: the peak last visited (-1: none yet)
  int panel_text_size = kTextPresets[0].panels;  // the panels' text in pixels; the app rebuilds their font
  // Files panel (panel_files.cpp).
  std::vector<std::string> recent_files;  // most recent first (the app keeps them)
  std::string browse_folder;              // the folder browser's folder ("" = the working directory)
  std::string export_path;                // out: Export pressed; the app writes it and clears this
  bool export_legend = true;
  bool export_caption = false;
  int export_scale = 1;
  std::string export_message;             // what the last export wrote, or why it failed
  // A file loading in the background (the app fills this in each frame); panel_loading.cpp shows
  // it once it has taken kLoadingBarSeconds.
  struct Loading {
    bool running = false;
    std::string path;
    uint64_t bytes_done = 0;
    uint64_t bytes_total = 0;  // 0 until the file is open
    double seconds = 0;        // since it started
    bool cancelling = false;   // Cancel pressed, the load not stopped yet
    bool cancel_requested = false;  // out: Cancel pressed; the app cancels the load and clears this
  } loading;
};

// The heatmap's background in the light and the dark theme (the histogram's too).
inline constexpr Rgb8 kLightCanvas{255, 255, 255};
inline constexpr Rgb8 kDarkCanvas{24, 24, 24};

// The fill of the banner over a heatmap that shows no value (panel_heatmap.cpp): window tests find
// the banner in a screenshot by this colour.
inline constexpr Rgb8 kEmptyBannerFill{255, 243, 205};

// Loads shorter than this never show a progress bar (no flicker for small files).
inline constexpr double kLoadingBarSeconds = 0.1;


void DrawPanels(Session& session, FrameContext& context);

// A length given in pixels at the default 16 px panel text, at the current text size: widths and
// heights grow with a presentation preset's larger text (and with HiDPI text) instead of clipping it.
float ScaledPx(float pixels_at_16);

// [SECTION] Individual panels (panels.cpp arranges them)
void DrawDataPanel(Session& session, FrameContext& context);     // panel_data.cpp
void DrawRangePanel(Session& session);                           // panel_range.cpp
void ToggleShuffle(Session& session);                            // panel_range.cpp: the S key
void DrawPalettePanel(Session& session);                         // panel_palette.cpp
void DrawFontPanel(Session& session, FrameContext& context);     // panel_font.cpp
void DrawNavigatePanel(Session& session, bool focus_search);     // panel_navigate.cpp
void DrawHeatmapPanel(Session& session, FrameContext& context);  // panel_heatmap.cpp
void DrawColourBar(const Session& session);                      // colour_bar.cpp
float ColourBarHeight(const Session& session, float width);      // colour_bar.cpp: its window's, at this width
void DrawFilesPanel(FrameContext& context);                      // panel_files.cpp

// Asks the app to open a file in place of the current document (the data panel, the browser and
// recent files open this way); the app loads it in the background, and a failure goes to
// context.open_error.
void RequestOpen(FrameContext& context, const std::string& path);
// The running load's progress bar with its Cancel button (panel_loading.cpp); DrawPanels calls it.
void DrawLoadingBar(FrameContext& context);

// Search keys (panel_navigate.cpp): Enter or F3 the next match, with Shift the previous one,
// outside text boxes; Ctrl+F shows the panels and returns true: the search box is to take the
// keyboard. DrawPanels calls it.
bool HandleSearchKeys(Session& session, FrameContext& context);
// Presentation keys (F11, Tab, Ctrl+1/2/3, T, N/P, J/K); DrawPanels calls it first.
void HandlePresentationKeys(Session& session, FrameContext& context);
// ImGui's dark or light colours, with secondary text readable on either.
void ApplyTheme(bool dark);
// Whether the colours in use are the dark theme's (plots drawn by hand follow them).
bool DarkThemeActive();
// Ctrl+1/2/3 (preset 0, 1, 2): the heatmap's and the panels' text sizes.
void ApplyTextPreset(Session& session, FrameContext& context, int preset);

// A horizontal gradient of the palette in [min, max] (shared by the palette list and colour bar).
void DrawPaletteGradient(const Palette& palette, float min_x, float min_y, float max_x, float max_y);

}  // namespace th::ui
