// The colour bar, always on screen: the palette from low to high with its numbers, the range
// mode, and the "no value" style.
#include <cstdio>

#include "imgui.h"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

constexpr float kBarWidth = 360.0f;
constexpr float kBarHeight = 14.0f;

// The same diagonal grey hatching the shader draws for NaN/Inf values.
void DrawNoValueSwatch(ImVec2 min, ImVec2 max) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(min, max, IM_COL32(204, 204, 204, 255));
  draw->PushClipRect(min, max, true);
  for (float x = min.x - (max.y - min.y); x < max.x; x += 6.0f)
    draw->AddLine(ImVec2(x, max.y), ImVec2(x + (max.y - min.y), min.y), IM_COL32(158, 158, 158, 255), 3.0f);
  draw->PopClipRect();
}

}  // namespace

void DrawColourBar(const Session& session) {
  const float low = session.Low();
  const float high = session.High();
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float label_y = start.y + kBarHeight + 4.0f;

  DrawPaletteGradient(session.CurrentPalette(), start.x, start.y, start.x + kBarWidth, start.y + kBarHeight);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  char label[64];
  std::snprintf(label, sizeof label, "%.4g", low);
  draw->AddText(ImVec2(start.x, label_y), text, label);
  std::snprintf(label, sizeof label, "%.4g", 0.5f * (low + high));
  draw->AddText(ImVec2(start.x + kBarWidth * 0.5f - ImGui::CalcTextSize(label).x * 0.5f, label_y), text, label);
  std::snprintf(label, sizeof label, "%.4g", high);
  draw->AddText(ImVec2(start.x + kBarWidth - ImGui::CalcTextSize(label).x, label_y), text, label);

  // Mode and palette, then the no-value swatch, to the right of the bar.
  const float info_x = start.x + kBarWidth + 24.0f;
  const bool automatic = session.Settings().range_mode == RangeMode::kAuto;
  const Channel* channel = session.CurrentChannel();
  char mode[256];
  if (!(high > low))
    std::snprintf(mode, sizeof mode, "%s: all values equal (%.4g): palette middle", channel ? channel->name.c_str() : "",
                  low);
  else
    std::snprintf(mode, sizeof mode, "%s  %s range %.4g .. %.4g  %s", channel ? channel->name.c_str() : "",
                  automatic ? "auto (min..max)" : "manual", low, high, session.CurrentPalette().name.c_str());
  draw->AddText(ImVec2(info_x, start.y), text, mode);
  const ImVec2 swatch(info_x, label_y);
  DrawNoValueSwatch(swatch, ImVec2(swatch.x + 28.0f, swatch.y + ImGui::GetTextLineHeight()));
  draw->AddText(ImVec2(swatch.x + 34.0f, label_y), text, "no value (NaN/Inf)");
  ImGui::Dummy(ImVec2(kBarWidth, kBarHeight + 4.0f + ImGui::GetTextLineHeight()));
}

}  // namespace th::ui
