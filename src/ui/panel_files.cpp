// The Files panel: recent files, a folder browser, and Export (PNG, SVG or HTML of the current
// sequence, written by the app, which owns the GL context).
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "imgui.h"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

void ReadListing(FolderListing& listing, const std::string& folder) {
  listing.folder = folder;
  listing.entries.clear();
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (!entry.path().filename().string().starts_with(".")) listing.entries.push_back(entry);
  }
  std::sort(listing.entries.begin(), listing.entries.end(), [](const auto& a, const auto& b) {
    const bool a_dir = a.is_directory(), b_dir = b.is_directory();
    return a_dir != b_dir ? a_dir : a.path().filename() < b.path().filename();
  });
}

void DrawBrowser(FrameContext& context) {
  FolderListing& listing = context.files.listing;
  if (context.browse_folder.empty()) context.browse_folder = std::filesystem::current_path().string();
  if (listing.folder != context.browse_folder) ReadListing(listing, context.browse_folder);
  ImGui::TextDisabled("%s", PanelText(context.browse_folder).c_str());
  if (!ImGui::BeginListBox("##browser", ImVec2(-1.0f, 8.0f * ImGui::GetTextLineHeightWithSpacing()))) return;
  std::string next_folder;
  if (ImGui::Selectable("../")) next_folder = std::filesystem::path(context.browse_folder).parent_path().string();
  for (const auto& entry : listing.entries) {
    const std::string name = PanelText(entry.path().filename().string() + (entry.is_directory() ? "/" : ""));
    if (!ImGui::Selectable(name.c_str())) continue;
    if (entry.is_directory())
      next_folder = entry.path().string();
    else
      RequestOpen(context, entry.path().string());
  }
  ImGui::EndListBox();
  if (!next_folder.empty()) context.browse_folder = next_folder;
}

void DrawExport(FrameContext& context) {
  char* path = context.files.export_path;
  constexpr size_t kPathSize = sizeof context.files.export_path;
  ImGui::SetNextItemWidth(-ScaledPx(80.0f));
  ImGui::InputTextWithHint("##export", "out.png / out.svg / out.html", path, kPathSize);
  ImGui::SameLine();
  if (ImGui::Button("Export")) context.export_path = path;
  ImGui::Checkbox("legend", &context.export_legend);
  ImGui::SameLine();
  ImGui::Checkbox("caption", &context.export_caption);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ScaledPx(80.0f));
  ImGui::SliderInt("scale", &context.export_scale, 1, 4);
  if (!context.export_message.empty()) ImGui::TextWrapped("%s", PanelText(context.export_message).c_str());
}

}  // namespace

void RequestOpen(FrameContext& context, const std::string& path) { context.open_request = path; }

void DrawFilesPanel(FrameContext& context) {
  if (!context.recent_files.empty()) {
    ImGui::TextUnformatted("Recent");
    for (const std::string& file : context.recent_files) {
      ImGui::PushID(file.c_str());
      if (ImGui::Selectable(PanelText(std::filesystem::path(file).filename().string()).c_str())) RequestOpen(context, file);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", PanelText(file).c_str());
      ImGui::PopID();
    }
    ImGui::Spacing();
  }
  ImGui::TextUnformatted("Browse");
  DrawBrowser(context);
  ImGui::Spacing();
  ImGui::TextUnformatted("Export the current sequence");
  DrawExport(context);
}

}  // namespace th::ui
