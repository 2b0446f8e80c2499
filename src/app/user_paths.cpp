#include "app/user_paths.hpp"

#include <cstdlib>
#include <filesystem>

namespace th::app {

std::string SettingsPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  const std::filesystem::path base = xdg && *xdg ? std::filesystem::path(xdg)
                                     : home && *home ? std::filesystem::path(home) / ".config"
                                                     : std::filesystem::path(".config");
  return (base / "tokenheat" / "settings.json").string();
}

}  // namespace th::app
