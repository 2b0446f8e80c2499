// The font panel: the heatmap's monospace font as a fontconfig pattern (applied by the app, which
// owns the glyph atlas), the file it resolved to, and the text size.
#include <cstdio>

#include "imgui.h"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"

namespace th::ui {

void DrawFontPanel(Session& session, FrameContext& context) {
  char* pattern = context.font_panel.pattern;
  constexpr size_t kPatternSize = sizeof context.font_panel.pattern;
  if (pattern[0] == '\0') std::snprintf(pattern, kPatternSize, "%s", context.font.c_str());
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  const bool submitted = ImGui::InputTextWithHint("##font", "monospace, DejaVu Sans Mono:bold, ...", pattern,
                                                  kPatternSize, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Apply") || submitted) context.font = pattern;
  ImGui::TextDisabled("%s", PanelText(context.font_file).c_str());
  if (!context.font_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.2f, 0.2f, 1.0f));
    ImGui::TextWrapped("%s", PanelText(context.font_error).c_str());
    ImGui::PopStyleColor();
  }
  int size = session.Settings().font_size;
  ImGui::SetNextItemWidth(-1.0f);
  if (ImGui::SliderInt("##font_size", &size, kMinFontSize, kMaxFontSize, "%d px (Ctrl+wheel, Ctrl +/-/0)")) session.SetFontSize(size);
}

}  // namespace th::ui
