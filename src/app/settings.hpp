#pragma once
// What the viewer remembers between runs, in $XDG_CONFIG_HOME/tokenheat/settings.json (or
// ~/.config/...): recent files, palette, the mapping (its kind with its numbers, scope, manual
// range, gamma), text sizes, panel layout and the window's size. What the user changes in the
// window is kept (KeepUserChanges); options given on the command line and script steps win over
// what was saved for their run only, and are not written back. `--reset-settings` forgets it all.
// Which view options are saved, under which keys, and how each is read back is the option table's
// (options.cpp: a row's `saved`).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cli.hpp"
#include "app/options.hpp"
#include "app/platform_window.hpp"
#include "app/user_paths.hpp"
#include "ui/panels.hpp"

namespace th::app {

// The saved view options (palette, norm, scope, range, gamma, font_size: SavedViewOptions, which
// the option table's saved rows name), and what the window alone sets.
struct SavedSettings : SavedViewOptions {
  std::vector<std::string> recent_files;  // most recent first
  std::optional<int> panel_text_size;     // a presentation preset's panel text
  bool panels_hidden = false;
  bool dark_theme = false;
  std::optional<WindowSize> window_size;  // the size the user last gave the window

  // Puts path first in recent_files (absolute), keeping at most kMaxRecent.
  void AddRecent(const std::string& path);
  static constexpr size_t kMaxRecent = 10;  // loading and saving keep as many, however many the file lists
};

// The saved settings, or defaults when there are none. Never stops the viewer: a settings path
// that is not a regular file (a folder; a FIFO, never waited on), unreadable, or not a JSON object
// is reported in one line on stderr and ignored; so is each value this version refuses (an
// unknown palette or range mode, a wrong type), the other values kept.
SavedSettings LoadSettings();
void SaveSettings(const SavedSettings& settings);  // atomic; a failure is reported on stderr
void ForgetSettings();                             // --reset-settings

// Fills in the view options the command line left open (a saved option is not used when one of
// its row's yields_to is in line.given).
void ApplySavedSettings(const SavedSettings& settings, CommandLine& line);

// The choices the settings keep, as the session and the window hold them now.
struct ViewChoices {
  std::string palette;
  uint64_t palette_revision = 0;  // Session::PaletteRevision: a palette picked again is a choice too
  std::string norm;                                // NormSpecText
  RangeScope scope = RangeScope::kSequence;        // Session::ChosenScope
  std::pair<float, float> manual_range{0.0f, 1.0f};
  float gamma = 1.0f;
  int font_size = 0;
  int panel_text_size = 0;
  bool panels_hidden = false;
  bool dark_theme = false;
};
ViewChoices CurrentChoices(const Session& session, const ui::FrameContext& context);

// Keeps in settings each choice that differs between before and after, taken around what the
// user did in the window (its panels and keys): the command line and script steps, which set up
// one run, never pass through here. A palette or mapping that the change left at the data's
// default is forgotten instead, so that the next file gets the default that fits its values; a
// palette read from a file has no name to find again, so the last built-in one stays.
void KeepUserChanges(SavedSettings& settings, const ViewChoices& before, const ViewChoices& after,
                     const Session& session);

}  // namespace th::app
