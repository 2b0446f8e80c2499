// The progress of a file loading in the background: a small window over the heatmap with the
// file's name, a bar of the bytes read, the seconds so far and a Cancel button (or Escape). Shown only once
// the load has taken kLoadingBarSeconds, so small files open without a flash of it.
#include <cstdio>
#include <filesystem>
#include <string>

#include "imgui.h"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

std::string Megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

}  // namespace

void DrawLoadingBar(FrameContext& context) {
  const FrameContext::Loading& loading = context.loading;
  if (!loading.running || loading.seconds < kLoadingBarSeconds) return;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const ImVec2 centre(viewport->WorkPos.x + viewport->WorkSize.x * 0.5f, viewport->WorkPos.y + viewport->WorkSize.y * 0.5f);
  ImGui::SetNextWindowPos(centre, ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(ScaledPx(420.0f), 0.0f));
  ImGui::Begin("##loading", nullptr,
               ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::Text("Loading %s", PanelText(std::filesystem::path(loading.path).filename().string()).c_str());
  const float fraction = loading.bytes_total > 0
                             ? static_cast<float>(static_cast<double>(loading.bytes_done) / static_cast<double>(loading.bytes_total))
                             : 0.0f;
  const std::string bytes = loading.bytes_total > 0
                                ? Megabytes(loading.bytes_done) + " of " + Megabytes(loading.bytes_total) + " (" +
                                      std::to_string(static_cast<int>(fraction * 100.0f)) + "%)"
                                : std::string("opening");
  ImGui::ProgressBar(fraction, ImVec2(-1.0f, 0.0f), bytes.c_str());
  ImGui::Text("%.1f s", loading.seconds);
  ImGui::SameLine();
  ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - ScaledPx(80.0f));
  if (loading.cancelling) {
    ImGui::TextDisabled("cancelling");
  } else if (ImGui::Button("Cancel", ImVec2(ScaledPx(80.0f), 0.0f)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    context.loading.cancel_requested = true;
  }
  ImGui::End();
}

}  // namespace th::ui
