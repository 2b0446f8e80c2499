#pragma once
// Where tokenheat keeps files of its own in the user's home: shared by the viewer (which writes
// them) and `render` (which must not overwrite them with an output).

#include <string>

namespace th::app {

// The viewer's settings: $XDG_CONFIG_HOME/tokenheat/settings.json, else ~/.config/...
std::string SettingsPath();

}  // namespace th::app
