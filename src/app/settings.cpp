#include "app/settings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/atomic_file.hpp"
#include "core/json_parse.hpp"
#include "core/palette_registry.hpp"
#include "core/value_mapping.hpp"

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

void Warn(const std::string& path, const std::string& message) {
  std::fprintf(stderr, "tokenheat: warning: %s: %s\n", path.c_str(), message.c_str());
}

// A saved path worth keeping: one the program could open.
bool UsableRecentPath(const std::string& path) {
  return !path.empty() && path.size() < PATH_MAX && path.find('\0') == std::string::npos;
}

// The file's text; nullopt when there is none. Opened without blocking and read only when it is
// a regular file: a FIFO there would wait for a writer forever, a directory has no text.
std::optional<std::string> ReadSettingsFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw std::runtime_error(std::strerror(errno));
  }
  const struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat status {};
  if (::fstat(fd, &status) != 0) throw std::runtime_error(std::strerror(errno));
  if (!S_ISREG(status.st_mode)) throw std::runtime_error("not a regular file");
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got == 0) return text;
    if (got > 0)
      text.append(buffer, static_cast<size_t>(got));
    else if (errno != EINTR)
      throw std::runtime_error(std::strerror(errno));
  }
}

// A saved value shown in a warning: a number, true or false as itself, a string JSON-quoted (one
// line whatever it holds) and cut short, a list or an object by its type (dumping one would
// recurse once per level of nesting).
std::string Shown(const nlohmann::ordered_json& value) {
  constexpr size_t kShown = 40;
  if (value.is_structured()) return value.type_name();
  const std::string text = value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return text.size() <= kShown ? text : text.substr(0, kShown) + "...";
}

// The settings in json, value by value: one that this version refuses (of the wrong type, an
// unknown palette or range mode) is reported and left at its default, the others kept.
SavedSettings SettingsFrom(const nlohmann::ordered_json& json, const std::string& path) {
  if (!json.is_object()) throw std::runtime_error("not a JSON object");
  SavedSettings settings;
  const auto refuse = [&](const std::string& what) { Warn(path, what + "; using its default"); };
  if (const auto files = json.find("recent_files"); files != json.end()) {
    if (!files->is_array()) refuse("recent_files " + Shown(*files) + " is not a list");
    // A list grown by hand or by another program keeps its first kMaxRecent usable paths.
    const size_t count = files->is_array() ? files->size() : 0;
    for (size_t i = 0; i < count && settings.recent_files.size() < SavedSettings::kMaxRecent; ++i) {
      const nlohmann::ordered_json& file = (*files)[i];
      if (file.is_string() && UsableRecentPath(file.get_ref<const std::string&>()))
        settings.recent_files.push_back(file.get<std::string>());
    }
  }
  if (const auto palette = json.find("palette"); palette != json.end()) {
    if (palette->is_string() && FindPalette(palette->get<std::string>()))
      settings.palette = palette->get<std::string>();
    else
      refuse("palette " + Shown(*palette) + " is not a built-in palette");
  }
  if (const auto norm = json.find("norm"); norm != json.end()) {
    MappingSpec spec;
    try {
      if (!norm->is_string()) throw std::invalid_argument("not a string");
      ParseNormSpec(norm->get<std::string>(), spec);
      settings.norm = norm->get<std::string>();
    } catch (const std::invalid_argument&) {
      refuse("norm " + Shown(*norm) + " is not a range mode of this version");
    }
  }
  const auto whole_number = [&](const char* key, int min, int max) -> std::optional<int> {
    const auto value = json.find(key);
    if (value == json.end()) return std::nullopt;
    if (value->is_number_integer()) return static_cast<int>(std::clamp<int64_t>(value->get<int64_t>(), min, max));
    refuse(std::string(key) + " " + Shown(*value) + " is not a whole number");
    return std::nullopt;
  };
  settings.font_size = whole_number("font_size", kMinFontSize, kMaxFontSize);
  settings.panel_text_size = whole_number("panel_text_size", 8, 64);
  const auto flag = [&](const char* key) {
    const auto value = json.find(key);
    if (value == json.end()) return false;
    if (value->is_boolean()) return value->get<bool>();
    refuse(std::string(key) + " " + Shown(*value) + " is not true or false");
    return false;
  };
  settings.panels_hidden = flag("panels_hidden");
  settings.dark_theme = flag("dark_theme");
  return settings;
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
  const std::string path = SettingsPath();
  try {
    const std::optional<std::string> text = ReadSettingsFile(path);
    return text ? SettingsFrom(ParseJson(*text, path), path) : SavedSettings{};
  } catch (const LoadError& error) {  // not JSON, or nested too deep: the message names the place
    std::fprintf(stderr, "tokenheat: warning: %s; ignored, using the defaults\n", error.what());
    return SavedSettings{};
  } catch (const std::exception& error) {  // memory for a huge file
    Warn(path, std::string("ignored (") + error.what() + "); using the defaults");
    return SavedSettings{};
  }
}

void SaveSettings(const SavedSettings& settings) {
  std::vector<std::string> recent_files;
  for (const std::string& file : settings.recent_files)
    if (recent_files.size() < SavedSettings::kMaxRecent && UsableRecentPath(file)) recent_files.push_back(file);
  nlohmann::json json = {{"recent_files", recent_files},
                         {"panels_hidden", settings.panels_hidden},
                         {"dark_theme", settings.dark_theme}};
  if (settings.palette) json["palette"] = *settings.palette;
  if (settings.norm) json["norm"] = *settings.norm;
  if (settings.font_size) json["font_size"] = *settings.font_size;
  if (settings.panel_text_size) json["panel_text_size"] = *settings.panel_text_size;
  const std::string path = SettingsPath();
  try {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    WriteFileAtomically(path, json.dump(2) + "\n");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tokenheat: warning: settings not saved: %s\n", error.what());
  }
}

void ForgetSettings() {
  std::error_code error;
  std::filesystem::remove(SettingsPath(), error);
}

void ApplySavedSettings(const SavedSettings& settings, CommandLine& line) {
  // LoadSettings kept only names and modes that this version knows.
  const bool palette_given = Given(line, "--palette") || Given(line, "--palette-file");
  if (settings.palette && !palette_given) line.view.palette = settings.palette;
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
