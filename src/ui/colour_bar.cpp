// The colour bar (legend), always on screen: the palette from low to high with its numbers (or
// the buckets with their thresholds), and in words the channel, scope, mapping, palette and the
// reason for a default, whether values are shuffled, the "no value" style and the clip notch with
// how many values the range clips. A mode never changes by itself, so what is written here is
// what is drawn.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "imgui.h"
#include "session/legend.hpp"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

// Lengths in pixels at 16 px text (ScaledPx): the bar grows with a presentation preset's text.
constexpr float kBarWidth = 360.0f;
constexpr float kBarHeight = 14.0f;
constexpr float kLabelGap = 4.0f;   // between the bar and its numbers
constexpr float kWordsGap = 24.0f;  // between the bar and the words beside it
constexpr float kSwatchWidth = 28.0f;
constexpr float kSwatchGap = 6.0f;

// Buckets: one swatch per bucket with the thresholds between them.
void DrawBuckets(const Session& session, ImVec2 start, float label_y) {
  const std::vector<LegendSwatch> swatches = BucketSwatches(session);
  const float width = ScaledPx(kBarWidth) / static_cast<float>(swatches.size());
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (size_t b = 0; b < swatches.size(); ++b) {
    const Rgb8 c = swatches[b].colour;
    const float x0 = start.x + width * static_cast<float>(b);
    draw->AddRectFilled(ImVec2(x0, start.y), ImVec2(x0 + width - 2.0f, start.y + ScaledPx(kBarHeight)),
                        IM_COL32(c.r, c.g, c.b, 255));
    draw->AddText(ImVec2(x0, label_y), ImGui::GetColorU32(ImGuiCol_Text), swatches[b].label.c_str());
  }
}

void DrawGradient(const Session& session, ImVec2 start, float label_y) {
  const float bar_width = ScaledPx(kBarWidth);
  DrawPaletteGradient(session.CurrentPalette(), start.x, start.y, start.x + bar_width, start.y + ScaledPx(kBarHeight));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  for (const LegendLabel& label : GradientLabels(session)) {
    // Labels are centred on their position and kept inside the bar.
    const float width = ImGui::CalcTextSize(label.text.c_str()).x;
    const float x = start.x + std::max(0.0f, std::min(bar_width * label.position - width * 0.5f, bar_width - width));
    draw->AddText(ImVec2(x, label_y), text, label.text.c_str());
  }
}

// The no-value key's words, then the clip notch's with the counts.
std::string KeyText(const Session& session) {
  const std::optional<ClipKey> clip = ClippingKey(session);
  return "no value (NaN/Inf)" + (clip ? "   notch: " + clip->words : std::string());
}

// The shuffled mark before the no-value key, spaced from it.
std::string ShuffledText(const Session& session) {
  const std::string words = ShuffledWords(session);
  return words.empty() ? words : words + "   ";
}

// Where the words and the no-value key go, from the bar's top-left corner: beside the bar while
// they fit in the width, else under its numbers with the words wrapped (large presentation text).
struct Arrangement {
  ImVec2 words;
  ImVec2 key;
  float wrap_width = 0.0f;  // 0: one line
  float height = 0.0f;
};

Arrangement Arrange(const Session& session, float width) {
  const float label_y = ScaledPx(kBarHeight + kLabelGap);
  const float line = ImGui::GetTextLineHeight();
  const std::string words = PanelText(MappingWords(session));
  const float key_width = ImGui::CalcTextSize(ShuffledText(session).c_str()).x + ScaledPx(kSwatchWidth + kSwatchGap) +
                          ImGui::CalcTextSize(KeyText(session).c_str()).x;
  const float beside = ScaledPx(kBarWidth + kWordsGap);
  if (beside + std::max(ImGui::CalcTextSize(words.c_str()).x, key_width) <= width)
    return {ImVec2(beside, 0.0f), ImVec2(beside, label_y), 0.0f, label_y + line};
  const float words_y = label_y + line + ImGui::GetStyle().ItemSpacing.y;
  const float key_y = words_y + ImGui::CalcTextSize(words.c_str(), nullptr, false, width).y;
  return {ImVec2(0.0f, words_y), ImVec2(0.0f, key_y), width, key_y + line};
}

}  // namespace

// The same diagonal grey hatching the shader draws for NaN/Inf values.
void DrawNoValueHatch(float min_x, float min_y, float max_x, float max_y) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 min(min_x, min_y), max(max_x, max_y);
  draw->AddRectFilled(min, max, IM_COL32(kNoValueGrey.r, kNoValueGrey.g, kNoValueGrey.b, 255));
  draw->PushClipRect(min, max, true);
  const float stripe = ScaledPx(3.0f);
  for (float x = min.x - (max.y - min.y); x < max.x; x += 2.0f * stripe)
    draw->AddLine(ImVec2(x, max.y), ImVec2(x + (max.y - min.y), min.y), IM_COL32(158, 158, 158, 255), stripe);
  draw->PopClipRect();
}

float ColourBarHeight(const Session& session, float width) {
  const ImVec2 padding = ImGui::GetStyle().WindowPadding;
  return Arrange(session, width - 2.0f * padding.x).height + 2.0f * padding.y;
}

void DrawColourBar(const Session& session) {
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const Arrangement arrangement = Arrange(session, ImGui::GetContentRegionAvail().x);
  const float label_y = start.y + ScaledPx(kBarHeight + kLabelGap);
  if (session.Mapping().Bucketed())
    DrawBuckets(session, start, label_y);
  else
    DrawGradient(session, start, label_y);

  // The mapping in words.
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const std::string words = PanelText(MappingWords(session));
  draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(start.x + arrangement.words.x, start.y + arrangement.words.y),
                text, words.c_str(), nullptr, arrangement.wrap_width);

  ImVec2 key(start.x + arrangement.key.x, start.y + arrangement.key.y);
  const std::string shuffled = ShuffledText(session);
  if (!shuffled.empty()) {
    draw->AddText(key, IM_COL32(200, 90, 0, 255), shuffled.c_str());
    key.x += ImGui::CalcTextSize(shuffled.c_str()).x;
  }
  DrawNoValueHatch(key.x, key.y, key.x + ScaledPx(kSwatchWidth), key.y + ImGui::GetTextLineHeight());
  draw->AddText(ImVec2(key.x + ScaledPx(kSwatchWidth + kSwatchGap), key.y), text, KeyText(session).c_str());
  ImGui::Dummy(ImVec2(ScaledPx(kBarWidth), arrangement.height));
}

}  // namespace th::ui
