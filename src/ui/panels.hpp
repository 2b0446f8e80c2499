#pragma once
// ImGui panels, one file each. Panels read and change the Session; none calls gl*. The heatmap
// itself is drawn by the app into a texture that the heatmap panel shows with ImGui::Image.

#include <cstdint>
#include <filesystem>
#include <optional>
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

// [SECTION] Each panel's own state: what its text boxes hold between frames and what it keeps
// across frames. One struct per panel, held by FrameContext (not in function-level statics), so
// that two viewers, or a test, each have their own.

// Data panel (panel_data.cpp).
struct DataPanelState {
  char path[1024] = "";           // the path box
  char expression[128] = "";      // Derive's box
  bool derive_failed = false;     // the last Derive found no two channels
  std::string source_error;       // why the session refused the last value source (SetSource)
  char feature_search[128] = "";  // the feature name search box
  // The attention and feature last chosen here, offered again when switching back to them.
  std::optional<ValueSourceSpec> attention;
  std::optional<uint32_t> feature;
};

// Features panel (panel_features.cpp): the feature index's list, searched and sorted; the order
// is made again only when the index, the search or the sort changes.
struct FeaturesPanelState {
  char search[128] = "";
  int sort = 0;  // FeatureSort: by index, label, density or max
  std::vector<size_t> rows;  // the index's rows, filtered and sorted
  const void* rows_of = nullptr;  // the index they were made for
  std::string rows_search;
  int rows_sort = -1;
};

// Files panel (panel_files.cpp): a folder's entries, folders first, each group by name; read
// again only when the folder changes.
struct FolderListing {
  std::string folder;
  std::vector<std::filesystem::directory_entry> entries;
};
struct FilesPanelState {
  FolderListing listing;
  char export_path[1024] = "heatmap.svg";
};

// Font panel (panel_font.cpp).
struct FontPanelState {
  char pattern[256] = "";  // the fontconfig pattern box; empty: filled from FrameContext::font
};

// Go to panel (panel_navigate.cpp): its inputs and the extremes found for the current values.
struct NavigatePanelState {
  char token[24] = "";
  int k = 20;
  bool lowest = false;
  const float* extremes_of = nullptr;  // the values the extremes were found in
  size_t extremes_k = 0;
  bool extremes_lowest = false;
  std::vector<uint64_t> extremes;
  float threshold = 0.0f;
  char pattern[256] = "";  // the search box's text
  std::string message;     // why a jump went nowhere
};

// Range panel (panel_range.cpp).
struct RangePanelState {
  // The sequence shown still receives tokens from a live stream (the app sets it each frame): a
  // range from its statistics is still moving.
  bool values_growing = false;
  char thresholds[128] = "";  // the buckets' thresholds box
  bool editing = false;       // the box is being typed in: it does not follow the mapping
  bool invalid = false;       // what was typed is not increasing numbers
  int shuffle_seed = 1;       // the seed the checkbox and the S key use; kept while shuffling is off
};

// Heatmap panel (panel_heatmap.cpp).
struct HeatmapPanelState {
  uint64_t feature_menu_token = 0;  // the token whose right-click menu of features is open
  bool left_pressed = false;        // the button went down over the running text
  bool right_pressed = false;
};

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
  // A live stream (--listen): the app fills it in each frame; panel_stream.cpp shows it.
  struct Stream {
    bool listening = false;
    std::string path;
    size_t connections = 0;
    std::vector<std::string> messages;  // the latest notices, oldest first
    bool last_message_error = false;    // the latest is a dropped connection (shown in red)
    uint64_t new_tokens = 0;            // arrived past the view while it is scrolled away from the end
    bool follow_requested = false;      // out: the "N new tokens" button; the app scrolls to the end
  } stream;
  // The panels' own state (above).
  DataPanelState data;
  FilesPanelState files;
  FontPanelState font_panel;
  NavigatePanelState navigate;
  FeaturesPanelState features;
  RangePanelState range;
  HeatmapPanelState heatmap;
};

// The heatmap's background in the light and the dark theme (the histogram's too).
inline constexpr Rgb8 kLightCanvas{255, 255, 255};
inline constexpr Rgb8 kDarkCanvas{24, 24, 24};

// The fill of the banner over a heatmap that shows no value (panel_heatmap.cpp): window tests find
// the banner in a screenshot by this colour.
inline constexpr Rgb8 kEmptyBannerFill{255, 243, 205};

// The grey of "no value" (NaN/Inf) in the panels: the colour bar's key, the overview strip, the
// head grid (the shader's hatching, whose lighter stripe it is).
inline constexpr Rgb8 kNoValueGrey{204, 204, 204};

// Loads shorter than this never show a progress bar (no flicker for small files).
inline constexpr double kLoadingBarSeconds = 0.1;


void DrawPanels(Session& session, FrameContext& context);

// A length given in pixels at the default 16 px panel text, at the current text size: widths and
// heights grow with a presentation preset's larger text (and with HiDPI text) instead of clipping it.
float ScaledPx(float pixels_at_16);

// [SECTION] Individual panels (panels.cpp arranges them)
void DrawDataPanel(Session& session, FrameContext& context);     // panel_data.cpp
void DrawRangePanel(Session& session, RangePanelState& state);   // panel_range.cpp
void ToggleShuffle(Session& session, const RangePanelState& state);  // panel_range.cpp: the S key
void DrawPalettePanel(Session& session);                         // panel_palette.cpp
void DrawFontPanel(Session& session, FrameContext& context);     // panel_font.cpp
void DrawNavigatePanel(Session& session, NavigatePanelState& state, bool focus_search);  // panel_navigate.cpp
void DrawHeatmapPanel(Session& session, FrameContext& context);  // panel_heatmap.cpp
void DrawColourBar(const Session& session);                      // colour_bar.cpp
float ColourBarHeight(const Session& session, float width);      // colour_bar.cpp: its window's, at this width
void DrawFilesPanel(FrameContext& context);                      // panel_files.cpp
void DrawStreamPanel(const FrameContext::Stream& stream);         // panel_stream.cpp
void DrawFeaturesPanel(Session& session, FeaturesPanelState& state);  // panel_features.cpp
// The head grid (panel_heads.cpp): every layer's and head's attention from (to) the source token
// as small multiples, while the source is attention. Its window's height at this width and
// window height (0: no grid), then the grid itself inside that window.
float HeadGridHeight(Session& session, float width, float window_height);
void DrawHeadGrid(Session& session, DataPanelState& state);

// Switches the values shown to `spec` (Session::SetSource); when that changes the kind of source
// (channel, attention, feature), the new kind's default mapping and palette follow, as for a file
// just opened (Session::ApplyDataDefaults: attention 0..max on Blues): another layer, head, source
// token or feature keeps the mapping and palette in use. Returns "" or why the session refused
// (the view unchanged), which the Data panel shows (state.source_error).
std::string ShowSource(Session& session, DataPanelState& state, const ValueSourceSpec& spec);
// Left/Right, outside text boxes, while the source is attention: the source token one back or on.
void HandleSourceTokenKeys(Session& session);

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

// The "no value" (NaN/Inf) look of the colour bar's key and of the shader: grey with diagonal
// darker stripes, over [min, max], in the current window (colour_bar.cpp).
void DrawNoValueHatch(float min_x, float min_y, float max_x, float max_y);

// A horizontal gradient of the palette in [min, max] (shared by the palette list and colour bar).
void DrawPaletteGradient(const Palette& palette, float min_x, float min_y, float max_x, float max_y);

}  // namespace th::ui
