// The colour bar (legend), always on screen: the palette from low to high with its numbers (or
// the buckets with their thresholds), and in words the channel, scope, mapping, palette and the
// reason for a default, whether values are shuffled, and the "no value" style. A mode never
// changes by itself, so what is written here is what is drawn.
#include <algorithm>
#include <string>
#include <vector>

#include "imgui.h"
#include "ui/legend.hpp"
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

// Buckets: one swatch per bucket with the thresholds between them.
void DrawBuckets(const Session& session, ImVec2 start, float label_y) {
  const std::vector<LegendSwatch> swatches = BucketSwatches(session);
  const float width = kBarWidth / static_cast<float>(swatches.size());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (size_t b = 0; b < swatches.size(); ++b) {
    const Rgb8 c = swatches[b].colour;
    const float x0 = start.x + width * static_cast<float>(b);
    draw->AddRectFilled(ImVec2(x0, start.y), ImVec2(x0 + width - 2.0f, start.y + kBarHeight), IM_COL32(c.r, c.g, c.b, 255));
    draw->AddText(ImVec2(x0, label_y), ImGui::GetColorU32(ImGuiCol_Text), swatches[b].label.c_str());
  }
}

void DrawGradient(const Session& session, ImVec2 start, float label_y) {
  DrawPaletteGradient(session.CurrentPalette(), start.x, start.y, start.x + kBarWidth, start.y + kBarHeight);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  for (const LegendLabel& label : GradientLabels(session)) {
    // Labels are centred on their position and kept inside the bar.
    const float width = ImGui::CalcTextSize(label.text.c_str()).x;
    const float x = start.x + std::max(0.0f, std::min(kBarWidth * label.position - width * 0.5f, kBarWidth - width));
    draw->AddText(ImVec2(x, label_y), text, label.text.c_str());
  }
}

}  // namespace

void DrawColourBar(const Session& session) {
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float label_y = start.y + kBarHeight + 4.0f;
  if (session.Mapping().Bucketed())
    DrawBuckets(session, start, label_y);
  else
    DrawGradient(session, start, label_y);

  // The mapping in words, to the right of the bar.
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const float info_x = start.x + kBarWidth + 24.0f;
  const std::string words = MappingWords(session);
  draw->AddText(ImVec2(info_x, start.y), text, words.c_str());

  float x = info_x;
  if (session.Settings().shuffle_seed) {
    const std::string shuffled = std::string(session.Settings().side_by_side ? "right: " : "") + "SHUFFLED values (seed " +
                                 std::to_string(*session.Settings().shuffle_seed) + ")   ";
    draw->AddText(ImVec2(x, label_y), IM_COL32(200, 90, 0, 255), shuffled.c_str());
    x += ImGui::CalcTextSize(shuffled.c_str()).x;
  }
  DrawNoValueSwatch(ImVec2(x, label_y), ImVec2(x + 28.0f, label_y + ImGui::GetTextLineHeight()));
  draw->AddText(ImVec2(x + 34.0f, label_y), text, "no value (NaN/Inf)   notch: clipped by the range");
  ImGui::Dummy(ImVec2(kBarWidth, kBarHeight + 4.0f + ImGui::GetTextLineHeight()));
}

}  // namespace th::ui
