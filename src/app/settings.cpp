#include "app/settings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "core/atomic_file.hpp"
#include "core/json_parse.hpp"
#include "core/palette_registry.hpp"
#include "core/value_mapping.hpp"

namespace th::app {

namespace {

// A saved window side outside these is a mistake (or another program's), not a size to open at.
constexpr int64_t kMinWindowLength = 200;
constexpr int64_t kMaxWindowLength = 16384;

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

// A saved view option's value as its option takes it on the command line ("magma", "0.25", "28",
// "-1.5:2"): ApplySavedSettings reads it with the option's own reader.
std::string OptionText(const std::string& value) { return value; }
std::string OptionText(float value) { return ShortestText(value); }
std::string OptionText(int value) { return std::to_string(value); }
std::string OptionText(const std::pair<float, float>& range) {
  return ShortestText(range.first) + ":" + ShortestText(range.second);
}

// A finite float from a JSON number.
std::optional<float> FiniteFloat(const nlohmann::ordered_json& value) {
  if (!value.is_number()) return std::nullopt;
  const float number = value.get<float>();
  return std::isfinite(number) ? std::optional(number) : std::nullopt;
}

// Keeps the option's saved value in settings when it has the type of the option's field and the
// option's reader (and the row's own check) accepts it; false when it is refused.
bool KeepSavedOption(const OptionSpec& option, const nlohmann::ordered_json& value, SavedSettings& settings) {
  return std::visit(
      [&](auto field) {
        using Value = typename std::remove_reference_t<decltype(settings.*field)>::value_type;
        std::optional<Value> kept;
        if constexpr (std::is_same_v<Value, std::string>) {
          if (value.is_string()) kept = value.get<std::string>();
        } else if constexpr (std::is_same_v<Value, float>) {
          kept = FiniteFloat(value);
        } else if constexpr (std::is_same_v<Value, int>) {
          // A whole number out of the option's range is brought into it, not refused.
          if (value.is_number_integer())
            kept = static_cast<int>(
                std::clamp<int64_t>(value.get<int64_t>(), option.saved.clamp.first, option.saved.clamp.second));
        } else {
          static_assert(std::is_same_v<Value, std::pair<float, float>>);
          const auto low = value.is_array() && value.size() == 2 ? FiniteFloat(value[0]) : std::nullopt;
          const auto high = value.is_array() && value.size() == 2 ? FiniteFloat(value[1]) : std::nullopt;
          if (low && high) kept = std::pair(*low, *high);
        }
        if (!kept) return false;
        const std::string text = OptionText(*kept);
        if (option.saved.accepts && !option.saved.accepts(text)) return false;
        try {
          CommandLine scratch;
          option.read(scratch, std::string(option.name), text);
        } catch (const UsageError&) {
          return false;
        }
        settings.*field = std::move(kept);
        return true;
      },
      option.saved.field);
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
  // The view options the option table saves, each read back as its option reads its value.
  for (const OptionSpec& option : Options())
    if (!option.saved.key.empty())
      if (const auto value = json.find(option.saved.key);
          value != json.end() && !KeepSavedOption(option, *value, settings))
        refuse(std::string(option.saved.key) + " " + Shown(*value) + " " + std::string(option.saved.refused));
  const auto whole_number = [&](const char* key, int min, int max) -> std::optional<int> {
    const auto value = json.find(key);
    if (value == json.end()) return std::nullopt;
    if (value->is_number_integer()) return static_cast<int>(std::clamp<int64_t>(value->get<int64_t>(), min, max));
    refuse(std::string(key) + " " + Shown(*value) + " is not a whole number");
    return std::nullopt;
  };
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
  if (const auto size = json.find("window_size"); size != json.end()) {
    const bool pair = size->is_array() && size->size() == 2 && (*size)[0].is_number_integer() &&
                      (*size)[1].is_number_integer();
    const auto within = [](const nlohmann::ordered_json& length) {
      return length.get<int64_t>() >= kMinWindowLength && length.get<int64_t>() <= kMaxWindowLength;
    };
    if (pair && within((*size)[0]) && within((*size)[1]))
      settings.window_size = WindowSize{(*size)[0].get<int>(), (*size)[1].get<int>()};
    else
      refuse("window_size " + Shown(*size) + " is not [WIDTH, HEIGHT] in " + std::to_string(kMinWindowLength) +
             ".." + std::to_string(kMaxWindowLength));
  }
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
  for (const OptionSpec& option : Options())
    if (!option.saved.key.empty())
      std::visit(
          [&](auto field) {
            if (!(settings.*field)) return;
            const auto& value = *(settings.*field);
            nlohmann::json& saved = json[std::string(option.saved.key)];
            if constexpr (std::is_same_v<std::remove_cvref_t<decltype(value)>, std::pair<float, float>>)
              saved = {value.first, value.second};
            else
              saved = value;
          },
          option.saved.field);
  if (settings.panel_text_size) json["panel_text_size"] = *settings.panel_text_size;
  if (settings.window_size) json["window_size"] = {settings.window_size->width, settings.window_size->height};
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
  // LoadSettings kept only values that this version's options read. A mapping option on the
  // command line replaces the saved mapping parts it conflicts with (a --norm or --scope, the
  // saved manual range): each row's yields_to.
  const auto given = [&](std::string_view option) {
    return std::find(line.given.begin(), line.given.end(), option) != line.given.end();
  };
  for (const OptionSpec& option : Options()) {
    if (option.saved.key.empty() || std::any_of(option.saved.yields_to.begin(), option.saved.yields_to.end(), given))
      continue;
    const std::optional<std::string> text = std::visit(
        [&](auto field) { return settings.*field ? std::optional(OptionText(*(settings.*field))) : std::nullopt; },
        option.saved.field);
    if (!text) continue;
    try {
      option.read(line, std::string(option.name), *text);
    } catch (const UsageError& error) {  // a value set since it was loaded, and refused
      Warn(SettingsPath(), std::string(option.saved.key) + ": " + error.what() + "; using its default");
    }
  }
}

ViewChoices CurrentChoices(const Session& session, const ui::FrameContext& context) {
  const MappingSpec& spec = session.Spec();
  return {session.CurrentPalette().name, session.PaletteRevision(), NormSpecText(spec), session.ChosenScope(),
          {spec.manual_low, spec.manual_high}, spec.gamma, session.Settings().font_size, context.panel_text_size,
          context.panels_hidden, context.dark_theme};
}

void KeepUserChanges(SavedSettings& settings, const ViewChoices& before, const ViewChoices& after,
                     const Session& session) {
  if (after.palette_revision != before.palette_revision) {
    if (after.palette == DefaultPaletteName(session.Spec().kind))
      settings.palette.reset();
    else if (FindPalette(after.palette))
      settings.palette = after.palette;
  }
  if (after.norm != before.norm) {
    // The data's default is the kind alone (min-max, symmetric, ratio), with no numbers.
    MappingSpec plain;
    plain.kind = session.Spec().kind;
    const bool data_default = !session.DefaultReason().empty() && after.norm == NormSpecText(plain);
    settings.norm = data_default ? std::nullopt : std::optional(after.norm);
  }
  const bool manual = after.scope == RangeScope::kManual;
  if (after.scope != before.scope || (manual && after.manual_range != before.manual_range)) {
    if (manual) {
      settings.range = after.manual_range;
    } else {
      settings.range.reset();
      settings.scope = after.scope == RangeScope::kSequence ? std::nullopt : std::optional(ScopeName(after.scope));
    }
  }
  if (after.gamma != before.gamma) settings.gamma = after.gamma == 1.0f ? std::nullopt : std::optional(after.gamma);
  if (after.font_size != before.font_size) settings.font_size = after.font_size;
  if (after.panel_text_size != before.panel_text_size) settings.panel_text_size = after.panel_text_size;
  if (after.panels_hidden != before.panels_hidden) settings.panels_hidden = after.panels_hidden;
  if (after.dark_theme != before.dark_theme) settings.dark_theme = after.dark_theme;
}

}  // namespace th::app
