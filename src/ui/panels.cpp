#include "ui/panels.hpp"

#include "imgui.h"

namespace th::ui {

namespace {
constexpr float kSidebarWidth = 320.0f;
constexpr ImGuiWindowFlags kFixedWindow = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                          ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                          ImGuiWindowFlags_NoBringToFrontOnFocus;

void DrawSidebar(Session& session, FrameContext& context, ImVec2 origin, ImVec2 size, bool focus_search) {
  ImGui::SetNextWindowPos(origin);
  ImGui::SetNextWindowSize(ImVec2(ScaledPx(kSidebarWidth), size.y));
  ImGui::Begin("tokenheat", nullptr, kFixedWindow);
  // Each section folds away, so a small window still reaches every control.
  if (ImGui::CollapsingHeader("Files")) DrawFilesPanel(context);
  if (context.stream.listening && ImGui::CollapsingHeader("Stream", ImGuiTreeNodeFlags_DefaultOpen))
    DrawStreamPanel(context.stream);
  if (session.Doc().feature_index && ImGui::CollapsingHeader("Features", ImGuiTreeNodeFlags_DefaultOpen))
    DrawFeaturesPanel(session, context.features);
  if (ImGui::CollapsingHeader("Data", ImGuiTreeNodeFlags_DefaultOpen)) DrawDataPanel(session, context);
  if (ImGui::CollapsingHeader("Range", ImGuiTreeNodeFlags_DefaultOpen)) DrawRangePanel(session, context.range);
  if (ImGui::CollapsingHeader("Palette", ImGuiTreeNodeFlags_DefaultOpen)) DrawPalettePanel(session);
  if (focus_search) ImGui::SetNextItemOpen(true);
  if (ImGui::CollapsingHeader("Go to", ImGuiTreeNodeFlags_DefaultOpen))
    DrawNavigatePanel(session, context.navigate, focus_search);
  if (ImGui::CollapsingHeader("Font")) DrawFontPanel(session, context);
  ImGui::Spacing();
  ImGui::TextDisabled("%.1f ms/frame, %zu B uploaded", context.frame_ms, context.upload_bytes);
  ImGui::End();
}

}  // namespace

float ScaledPx(float pixels_at_16) { return pixels_at_16 * ImGui::GetFontSize() / 16.0f; }

void DrawPanels(Session& session, FrameContext& context) {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const ImVec2 origin = viewport->WorkPos;
  const ImVec2 size = viewport->WorkSize;
  HandlePresentationKeys(session, context);
  const bool focus_search = HandleSearchKeys(session, context);
  // S toggles the shuffled control from anywhere, even with the Range section folded.
  if (ImGui::IsKeyPressed('S', false) && !ImGui::GetIO().WantTextInput && !ImGui::GetIO().KeyCtrl)
    ToggleShuffle(session, context.range);
  HandleSourceTokenKeys(session);
  // V switches between one sequence as running text and every listed sequence stacked.
  if (ImGui::IsKeyPressed('V', false) && !ImGui::GetIO().WantTextInput && !ImGui::GetIO().KeyCtrl)
    session.SetStacked(!session.Settings().stacked);
  const float sidebar_width = context.panels_hidden ? 0.0f : ScaledPx(kSidebarWidth);

  // Sidebar: data, range and palette, top to bottom; Tab hides it for a talk.
  if (!context.panels_hidden) DrawSidebar(session, context, origin, size, focus_search);

  // Heatmap, with the colour bar always visible beneath it and, while the values are attention,
  // the head grid between them (hidden with the sidebar).
  const float main_x = origin.x + sidebar_width;
  const float main_width = size.x - sidebar_width;
  const float colour_bar_height = ColourBarHeight(session, main_width);
  const float heads_height =
      context.panels_hidden ? 0.0f : HeadGridHeight(session, main_width, size.y - colour_bar_height);
  ImGui::SetNextWindowPos(ImVec2(main_x, origin.y));
  ImGui::SetNextWindowSize(ImVec2(main_width, size.y - colour_bar_height - heads_height));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("##heatmap", nullptr, kFixedWindow | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar |
                                         ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar();
  DrawHeatmapPanel(session, context);
  ImGui::End();

  if (heads_height > 0.0f) {
    ImGui::SetNextWindowPos(ImVec2(main_x, origin.y + size.y - colour_bar_height - heads_height));
    ImGui::SetNextWindowSize(ImVec2(main_width, heads_height));
    ImGui::Begin("##heads", nullptr, kFixedWindow | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
    DrawHeadGrid(session, context.data);
    ImGui::End();
  }

  ImGui::SetNextWindowPos(ImVec2(main_x, origin.y + size.y - colour_bar_height));
  ImGui::SetNextWindowSize(ImVec2(main_width, colour_bar_height));
  ImGui::Begin("##colourbar", nullptr, kFixedWindow | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  DrawColourBar(session);
  ImGui::End();

  DrawLoadingBar(context);
}

}  // namespace th::ui
