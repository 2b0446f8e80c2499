#pragma once
// What the viewer remembers between runs, in $XDG_CONFIG_HOME/tokenheat/settings.json (or
// ~/.config/...): recent files, palette, range mode, font size and panel layout. Options given
// on the command line win over what was saved; `--reset-settings` forgets it all.

#include <optional>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "ui/panels.hpp"

namespace th::app {

struct SavedSettings {
  std::vector<std::string> recent_files;  // most recent first
  std::optional<std::string> palette;     // a built-in palette's name
  std::optional<std::string> norm;        // a --norm spec
  std::optional<int> font_size;
  std::optional<int> panel_text_size;     // a presentation preset's panel text
  bool panels_hidden = false;
  bool dark_theme = false;

  // Puts path first in recent_files (absolute), keeping at most kMaxRecent.
  void AddRecent(const std::string& path);
  static constexpr size_t kMaxRecent = 10;  // loading and saving keep as many, however many the file lists
};

// The file the settings live in.
std::string SettingsPath();
// The saved settings, or defaults when there are none. Never stops the viewer: a settings path
// that is not a regular file (a folder; a FIFO, never waited on), unreadable, or not a JSON object
// is reported in one line on stderr and ignored; so is each value this version refuses (an
// unknown palette or range mode, a wrong type), the other values kept.
SavedSettings LoadSettings();
void SaveSettings(const SavedSettings& settings);  // atomic; a failure is reported on stderr
void ForgetSettings();                             // --reset-settings

// Fills in the view options the command line left open (those not in line.given).
void ApplySavedSettings(const SavedSettings& settings, CommandLine& line);

// The session's choices as settings to save (keeping the recent files).
SavedSettings CaptureSettings(SavedSettings base, const Session& session, const ui::FrameContext& context);

}  // namespace th::app
