// The palette panel: every built-in palette as a named gradient, reversed on request.
#include "core/palette_registry.hpp"
#include "imgui.h"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

constexpr float kLabelWidth = 90.0f;

// One selectable row: the label, then the palette's gradient. Returns true when clicked.
bool PaletteRow(const char* label, const Palette& palette, bool selected) {
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float height = ImGui::GetFrameHeight();
  ImGui::PushID(palette.name.c_str());
  const bool clicked = ImGui::Selectable("##row", selected, 0, ImVec2(0, height));
  ImGui::PopID();
  ImGui::GetWindowDrawList()->AddText(ImVec2(start.x + 4.0f, start.y + 3.0f), ImGui::GetColorU32(ImGuiCol_Text),
                                      label);
  // Palettes readable with the common colour-vision deficiencies carry a green dot.
  if (palette.cvd_safe)
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(start.x + kLabelWidth - 10.0f, start.y + height * 0.5f), 3.5f,
                                                IM_COL32(40, 150, 60, 255));
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s%s", palette.name.c_str(),
                      palette.cvd_safe ? ": safe for colour-vision deficiencies" : ": not colour-vision safe");
  DrawPaletteGradient(palette, start.x + ScaledPx(kLabelWidth), start.y + 3.0f,
                      start.x + ImGui::GetContentRegionAvail().x - 4.0f, start.y + height - 3.0f);
  return clicked;
}

}  // namespace

void DrawPaletteGradient(const Palette& palette, float min_x, float min_y, float max_x, float max_y) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const auto colour = [](Rgb8 c) { return IM_COL32(c.r, c.g, c.b, 255); };
  const size_t segments = palette.stops.size() - 1;
  const float width = (max_x - min_x) / static_cast<float>(segments);
  for (size_t i = 0; i < segments; ++i) {
    const ImU32 left = colour(palette.stops[i]);
    const ImU32 right = colour(palette.stops[i + 1]);
    const float x0 = min_x + width * static_cast<float>(i);
    draw->AddRectFilledMultiColor(ImVec2(x0, min_y), ImVec2(x0 + width, max_y), left, right, right, left);
  }
}

void DrawPalettePanel(Session& session) {
  const std::string current = session.CurrentPalette().name;
  bool reversed = current.ends_with("_r");
  if (ImGui::Checkbox("Reversed (_r)", &reversed)) session.SetPalette(session.CurrentPalette().Reversed());

  constexpr float kVisibleRows = 8.5f;  // the rest scrolls, so the sections below stay in reach
  if (ImGui::BeginChild("##palettes", ImVec2(0, kVisibleRows * ImGui::GetFrameHeightWithSpacing()), false)) {
    for (const std::string& base : BuiltinPaletteNames()) {
      const std::string name = reversed ? base + "_r" : base;
      const Palette palette = *FindPalette(name);
      if (PaletteRow(name.c_str(), palette, current == name)) session.SetPalette(palette);
    }
    // A palette loaded from a file (--palette-file) is not in the registry: list it too.
    if (!FindPalette(current)) PaletteRow("custom", session.CurrentPalette(), true);
  }
  ImGui::EndChild();
}

}  // namespace th::ui
