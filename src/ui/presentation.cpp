// Presentation keys, for talks: everything a speaker needs without the mouse. They act only
// while no text field has the keyboard, so typing a path or a channel never triggers them.
#include <algorithm>
#include <cmath>
#include <vector>

#include "imgui.h"
#include "layout/navigation.hpp"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

// ImGui 1.86's GLFW backend indexes io.KeysDown by GLFW key code: letters and digits are their
// ASCII capitals, as panel_range.cpp's 'S'; these are GLFW's codes for the others.
constexpr int kKeyTab = 258, kKeyF11 = 300;
constexpr int kKeyMinus = 45, kKey0 = 48, kKeyEqual = 61, kKeyPad0 = 320, kKeyPadSubtract = 333, kKeyPadAdd = 334;
constexpr size_t kPeakCount = 10;  // J/K step through this many highest values

// The next (step 1) or previous (step -1) peak after the last one visited, wrapping around.
void StepPeak(Session& session, FrameContext& context, int step) {
  const std::vector<uint64_t> peaks = PeakTokens(session.CurrentValues(), kPeakCount);
  if (peaks.empty()) return;
  const int count = static_cast<int>(peaks.size());
  context.peak = context.peak < 0 ? (step > 0 ? 0 : count - 1) : ((context.peak + step) % count + count) % count;
  session.ScrollToToken(peaks[static_cast<size_t>(context.peak)]);
}

void StepSequence(Session& session, FrameContext& context, int step) {
  const int count = static_cast<int>(session.Doc().sequences.size());
  if (count == 0) return;
  session.SelectSequence(((session.Settings().sequence + step) % count + count) % count);
  context.peak = -1;
}

// Ctrl+wheel and Ctrl+plus/minus change the heatmap's text size wherever the pointer is (over a
// panel too: a speaker reaches for the zoom without aiming); Ctrl+0 restores the default.
// ImGui itself neither scrolls nor scales a window on Ctrl+wheel (FontAllowUserScaling is off).
void HandleZoom(Session& session, bool keys) {
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.KeyCtrl) return;
  const auto pressed = [&](int a, int b) { return keys && (ImGui::IsKeyPressed(a) || ImGui::IsKeyPressed(b)); };
  int size = session.Settings().font_size;
  if (io.MouseWheel != 0.0f) size += io.MouseWheel > 0.0f ? 1 : -1;
  if (pressed(kKeyEqual, kKeyPadAdd)) ++size;
  if (pressed(kKeyMinus, kKeyPadSubtract)) --size;
  if (pressed(kKey0, kKeyPad0)) size = ViewSettings{}.font_size;
  if (size != session.Settings().font_size) session.SetFontSize(size);
}

}  // namespace

void ApplyTheme(bool dark) {
  // ImGui's own secondary (disabled) text is too faint to read from the back of a room: 2.5:1 on
  // the light panels. These greys keep at least WCAG AA's 4.5:1 against every background it is
  // drawn on (panels, tooltips, list boxes); theme_test.cpp computes the ratios.
  if (dark) {
    ImGui::StyleColorsDark();
    ImGui::GetStyle().Colors[ImGuiCol_TextDisabled] = ImVec4(0.62f, 0.62f, 0.62f, 1.0f);
  } else {
    ImGui::StyleColorsLight();
    ImGui::GetStyle().Colors[ImGuiCol_TextDisabled] = ImVec4(0.36f, 0.36f, 0.36f, 1.0f);
  }
}

bool DarkThemeActive() { return ImGui::GetStyle().Colors[ImGuiCol_WindowBg].x < 0.5f; }

void ApplyTextPreset(Session& session, FrameContext& context, int preset) {
  session.SetFontSize(kTextPresets[preset].heatmap);
  context.panel_text_size = kTextPresets[preset].panels;
}

void HandlePresentationKeys(Session& session, FrameContext& context) {
  const ImGuiIO& io = ImGui::GetIO();
  HandleZoom(session, !io.WantTextInput);
  if (io.WantTextInput) return;
  if (ImGui::IsKeyPressed(kKeyF11, false)) context.fullscreen_requested = true;
  if (ImGui::IsKeyPressed(kKeyTab, false)) context.panels_hidden = !context.panels_hidden;
  if (io.KeyCtrl) {
    for (int preset = 0; preset < static_cast<int>(std::size(kTextPresets)); ++preset)
      if (ImGui::IsKeyPressed('1' + preset, false)) ApplyTextPreset(session, context, preset);
    return;
  }
  if (ImGui::IsKeyPressed('T', false)) {
    context.dark_theme = !context.dark_theme;
    ApplyTheme(context.dark_theme);
  }
  if (ImGui::IsKeyPressed('N')) StepSequence(session, context, 1);
  if (ImGui::IsKeyPressed('P')) StepSequence(session, context, -1);
  if (ImGui::IsKeyPressed('J')) StepPeak(session, context, 1);
  if (ImGui::IsKeyPressed('K')) StepPeak(session, context, -1);
}

}  // namespace th::ui
