#include "app/settings.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/palette_registry.hpp"
#include "gfx/image_io.hpp"

namespace th::app {

namespace {

// Range modes saved by name; the ones with numbers (percentile, buckets) come back as chosen
// on the command line or in the range panel, not from here.
std::optional<std::string> NormSpecOf(NormKind kind) {
  switch (kind) {
    case NormKind::kMinMax: return "minmax";
    case NormKind::kZeroMax: return "zero-max";
    case NormKind::kSymmetric: return "symmetric";
    case NormKind::kLog: return "log";
    case NormKind::kPercentile:
    case NormKind::kBuckets: return std::nullopt;
  }
  return std::nullopt;
}

bool Given(const CommandLine& line, const std::string& option) {
  return std::find(line.given.begin(), line.given.end(), option) != line.given.end();
}

}  // namespace

void SavedSettings::AddRecent(const std::string& path) {
  std::error_code error;
  const std::string absolute = std::filesystem::absolute(path, error).lexically_normal().string();
  std::erase(recent_files, absolute);
  recent_files.insert(recent_files.begin(), absolute);
  if (recent_files.size() > kMaxRecent) recent_files.resize(kMaxRecent);
}

std::string SettingsPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  const std::filesystem::path base = xdg && *xdg ? std::filesystem::path(xdg)
                                     : home && *home ? std::filesystem::path(home) / ".config"
                                                     : std::filesystem::path(".config");
  return (base / "tokenheat" / "settings.json").string();
}

SavedSettings LoadSettings() {
  SavedSettings settings;
  std::ifstream in(SettingsPath());
  if (!in) return settings;
  try {
    const nlohmann::json json = nlohmann::json::parse(in);
    for (const auto& path : json.value("recent_files", nlohmann::json::array())) settings.recent_files.push_back(path);
    if (json.contains("palette")) settings.palette = json["palette"].get<std::string>();
    if (json.contains("norm")) settings.norm = json["norm"].get<std::string>();
    if (json.contains("font_size")) settings.font_size = std::clamp(json["font_size"].get<int>(), kMinFontSize, kMaxFontSize);
    if (json.contains("panel_text_size"))
      settings.panel_text_size = std::clamp(json["panel_text_size"].get<int>(), 8, 64);
    settings.panels_hidden = json.value("panels_hidden", false);
    settings.dark_theme = json.value("dark_theme", false);
  } catch (const nlohmann::json::exception& error) {
    std::fprintf(stderr, "tokenheat: warning: %s: ignored (%s)\n", SettingsPath().c_str(), error.what());
    return SavedSettings{};
  }
  return settings;
}

void SaveSettings(const SavedSettings& settings) {
  nlohmann::json json = {{"recent_files", settings.recent_files},
                         {"panels_hidden", settings.panels_hidden},
                         {"dark_theme", settings.dark_theme}};
  if (settings.palette) json["palette"] = *settings.palette;
  if (settings.norm) json["norm"] = *settings.norm;
  if (settings.font_size) json["font_size"] = *settings.font_size;
  if (settings.panel_text_size) json["panel_text_size"] = *settings.panel_text_size;
  const std::string path = SettingsPath();
  try {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    WriteTextFile(path, json.dump(2) + "\n");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tokenheat: warning: settings not saved: %s\n", error.what());
  }
}

void ForgetSettings() {
  std::error_code error;
  std::filesystem::remove(SettingsPath(), error);
}

void ApplySavedSettings(const SavedSettings& settings, CommandLine& line) {
  const bool palette_given = Given(line, "--palette") || Given(line, "--palette-file");
  if (settings.palette && !palette_given && FindPalette(*settings.palette)) line.view.palette = settings.palette;
  if (settings.norm && !Given(line, "--norm") && !Given(line, "--range")) line.view.norm = settings.norm;
  if (settings.font_size && !Given(line, "--font-size")) line.view.font_size = *settings.font_size;
}

SavedSettings CaptureSettings(SavedSettings base, const Session& session, const ui::FrameContext& context) {
  // Only what the user chose is saved: the data's defaults (min-max on Reds, symmetric on RdBu_r)
  // must stay free to follow the next file's values. A palette from a file has no name to find
  // again, so the last built-in one stays saved.
  const std::string& palette = session.CurrentPalette().name;
  if (palette == DefaultPaletteName(session.Spec().kind))
    base.palette.reset();
  else if (FindPalette(palette))
    base.palette = palette;
  base.norm = session.DefaultReason().empty() ? NormSpecOf(session.Spec().kind) : std::nullopt;
  base.font_size = session.Settings().font_size;
  base.panel_text_size = context.panel_text_size;
  base.panels_hidden = context.panels_hidden;
  base.dark_theme = context.dark_theme;
  return base;
}

}  // namespace th::app
