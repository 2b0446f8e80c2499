// The panels' colours: secondary (disabled) text must stay readable at a talk, WCAG AA's 4.5:1
// contrast at least, against every background it is drawn on, in both themes; the histogram's
// background follows the theme.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "ui/panels.hpp"

namespace th::ui {
namespace {

// WCAG 2's relative luminance of an sRGB colour.
double Luminance(const ImVec4& colour) {
  const auto linear = [](double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); };
  return 0.2126 * linear(colour.x) + 0.7152 * linear(colour.y) + 0.0722 * linear(colour.z);
}

double ContrastRatio(const ImVec4& a, const ImVec4& b) {
  const double la = Luminance(a), lb = Luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// `over` seen through `top` (its alpha), as ImGui blends a translucent colour.
ImVec4 Over(const ImVec4& top, const ImVec4& under) {
  const float a = top.w;
  return ImVec4(top.x * a + under.x * (1 - a), top.y * a + under.y * (1 - a), top.z * a + under.z * (1 - a), 1.0f);
}

class Theme : public testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    ImGui::CreateContext();
    ApplyTheme(GetParam());
  }
  void TearDown() override { ImGui::DestroyContext(); }
};

TEST_P(Theme, SecondaryTextHasAaContrastOnEveryPanelBackground) {
  const ImVec4* colours = ImGui::GetStyle().Colors;
  const ImVec4 window = colours[ImGuiCol_WindowBg];
  // Where TextDisabled appears: the side panel, tooltips, list boxes and text fields (frames,
  // translucent over the panel) and the child regions inside the panel.
  const ImVec4 backgrounds[] = {window, Over(colours[ImGuiCol_PopupBg], window),
                                Over(colours[ImGuiCol_FrameBg], window), Over(colours[ImGuiCol_ChildBg], window)};
  for (const ImVec4& background : backgrounds) {
    EXPECT_GE(ContrastRatio(colours[ImGuiCol_TextDisabled], background), 4.5)
        << "disabled text on (" << background.x << ", " << background.y << ", " << background.z << ")";
    EXPECT_GE(ContrastRatio(colours[ImGuiCol_Text], background), 7.0);
  }
}

TEST_P(Theme, DarkThemeIsRecognisedForHandDrawnPlots) { EXPECT_EQ(DarkThemeActive(), GetParam()); }

INSTANTIATE_TEST_SUITE_P(LightAndDark, Theme, testing::Values(false, true),
                         [](const testing::TestParamInfo<bool>& theme) { return theme.param ? "dark" : "light"; });

TEST(Theme, ImGuisOwnLightGreyFailsTheSameTest) {
  // The measure itself: ImGui 1.86's light theme had 2.5:1, which the issue reported.
  ImGui::CreateContext();
  ImGui::StyleColorsLight();
  const ImVec4* colours = ImGui::GetStyle().Colors;
  EXPECT_LT(ContrastRatio(colours[ImGuiCol_TextDisabled], colours[ImGuiCol_WindowBg]), 2.6);
  ImGui::DestroyContext();
}

}  // namespace
}  // namespace th::ui
