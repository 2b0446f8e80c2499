// The colour bar (legend), always on screen: the palette from low to high with its numbers (or
// the buckets with their thresholds), and in words the channel, scope, mapping, palette and the
// reason for a default, whether values are shuffled, and the "no value" style. A mode never
// changes by itself, so what is written here is what is drawn.
#include <cstdio>
#include <string>

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

std::string Number(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

// Buckets: one swatch per bucket with the thresholds between them.
void DrawBuckets(const Session& session, ImVec2 start, float label_y) {
  const ValueMapping& mapping = session.Mapping();
  const Palette& palette = session.CurrentPalette();
  const bool categorical = palette.kind == PaletteKind::kCategorical;
  const size_t buckets = mapping.thresholds.size() + 1;
  const float width = kBarWidth / static_cast<float>(buckets);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (size_t b = 0; b < buckets; ++b) {
    // A value inside bucket b: the threshold that opens it.
    const float probe = b == 0 ? mapping.thresholds.front() - 1.0f : mapping.thresholds[b - 1];
    const Rgb8 c = palette.At(MapValue(mapping, probe, palette.stops.size(), categorical)->t);
    const float x0 = start.x + width * static_cast<float>(b);
    draw->AddRectFilled(ImVec2(x0, start.y), ImVec2(x0 + width - 2.0f, start.y + kBarHeight), IM_COL32(c.r, c.g, c.b, 255));
    const std::string label = b == 0 ? "< " + Number(mapping.thresholds.front()) : ">= " + Number(mapping.thresholds[b - 1]);
    draw->AddText(ImVec2(x0, label_y), ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
  }
}

void DrawGradient(const Session& session, ImVec2 start, float label_y) {
  DrawPaletteGradient(session.CurrentPalette(), start.x, start.y, start.x + kBarWidth, start.y + kBarHeight);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const float low = session.Low(), high = session.High();
  const std::string low_label = Number(low), high_label = Number(high);
  draw->AddText(ImVec2(start.x, label_y), text, low_label.c_str());
  // The middle label is the value at the palette's middle (not the arithmetic mean for log or gamma).
  if (high > low && !session.Mapping().Logarithmic() && session.Mapping().gamma == 1.0f) {
    const std::string mid = Number(0.5f * (low + high));
    draw->AddText(ImVec2(start.x + kBarWidth * 0.5f - ImGui::CalcTextSize(mid.c_str()).x * 0.5f, label_y), text, mid.c_str());
  }
  draw->AddText(ImVec2(start.x + kBarWidth - ImGui::CalcTextSize(high_label.c_str()).x, label_y), text, high_label.c_str());
}

}  // namespace

void DrawColourBar(const Session& session) {
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float label_y = start.y + kBarHeight + 4.0f;
  const ValueMapping& mapping = session.Mapping();
  if (mapping.Bucketed())
    DrawBuckets(session, start, label_y);
  else
    DrawGradient(session, start, label_y);

  // The mapping in words, to the right of the bar.
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const float info_x = start.x + kBarWidth + 24.0f;
  const Channel* channel = session.CurrentChannel();
  std::string words = (channel ? channel->name : std::string("no channel")) + "  |  " +
                      ScopeName(session.Spec().scope) + " scope, " + NormName(mapping.kind);
  if (mapping.kind == NormKind::kSymmetric && session.Spec().symmetric_percentile < 100.0f)
    words += " (|x| at " + Number(session.Spec().symmetric_percentile) + "%)";
  if (mapping.kind == NormKind::kPercentile)
    words += " " + Number(session.Spec().percentile_low) + ".." + Number(session.Spec().percentile_high) + "%";
  if (!mapping.Bucketed()) {
    words += "  " + Number(mapping.low) + " .. " + Number(mapping.high);
    if (mapping.gamma != 1.0f) words += ", gamma " + Number(mapping.gamma);
    if (!(mapping.high > mapping.low)) words += "  (a single value: palette middle)";
  }
  words += "  |  " + session.CurrentPalette().name;
  if (!session.DefaultReason().empty()) words += "  (default: " + session.DefaultReason() + ")";
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
