#pragma once
// ImGui panels, one file each. Panels read and change the Session; none calls gl*. The heatmap
// itself is drawn by the app into a texture that the heatmap panel shows with ImGui::Image.

#include <cstdint>
#include <string>

#include "ui/view_state.hpp"

namespace th::ui {

// What the panels need from the app besides the session, and what they ask of it.
struct FrameContext {
  uintptr_t heatmap_texture = 0;  // GL texture name of the rendered heatmap (opaque here)
  uintptr_t twin_texture = 0;     // the shuffled twin's, while values are side by side (else 0)
  int heatmap_width = 0;          // out: the size the heatmap should be rendered at
  int heatmap_height = 0;
  std::string open_error;         // shown in the data panel; set by a failed open
  std::string font;               // fontconfig pattern of the heatmap font; the font panel may change it
  std::string font_file;          // the file it resolved to
  std::string font_error;         // why the app refused the last pattern
  double frame_ms = 0;
  size_t upload_bytes = 0;
};

void DrawPanels(Session& session, FrameContext& context);

// [SECTION] Individual panels (panels.cpp arranges them)
void DrawDataPanel(Session& session, FrameContext& context);     // panel_data.cpp
void DrawRangePanel(Session& session);                           // panel_range.cpp
void DrawPalettePanel(Session& session);                         // panel_palette.cpp
void DrawFontPanel(Session& session, FrameContext& context);     // panel_font.cpp
void DrawHeatmapPanel(Session& session, FrameContext& context);  // panel_heatmap.cpp
void DrawColourBar(const Session& session);                      // colour_bar.cpp

// A horizontal gradient of the palette in [min, max] (shared by the palette list and colour bar).
void DrawPaletteGradient(const Palette& palette, float min_x, float min_y, float max_x, float max_y);

}  // namespace th::ui
