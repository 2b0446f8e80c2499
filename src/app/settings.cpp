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

#include "core/atomic_file.hpp"
#include "core/json_parse.hpp"
#include "core/palette_registry.hpp"
#include "core/value_mapping.hpp"

namespace th::app {

namespace {

// A saved window side outside these is a mistake (or another program's), not a size to open at.
constexpr int64_t kMinWindowLength = 200;
constexpr int64_t kMaxWindowLength = 16384;

// The float's shortest decimal form, which from_chars (ParseNormSpec) reads back exactly.
std::string Shortest(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

std::optional<RangeScope> ParseSavedScope(const std::string& name) {
  for (const RangeScope scope : {RangeScope::kSequence, RangeScope::kGlobal, RangeScope::kVisible})
    if (name == ScopeName(scope)) return scope;
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
  // A string this version accepts (known(text) is true), else reported and left at its default.
  const auto known_string = [&](const char* key, const auto& known, const char* refused) -> std::optional<std::string> {
    const auto value = json.find(key);
    if (value == json.end()) return std::nullopt;
    if (value->is_string() && known(value->template get<std::string>())) return value->template get<std::string>();
    refuse(std::string(key) + " " + Shown(*value) + " " + refused);
    return std::nullopt;
  };
  settings.palette = known_string("palette", [](const std::string& name) { return FindPalette(name).has_value(); },
                                  "is not a built-in palette");
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
  settings.scope = known_string("scope", [](const std::string& name) { return ParseSavedScope(name).has_value(); },
                                "is not sequence, global or visible");
  if (const auto range = json.find("range"); range != json.end()) {
    const bool pair = range->is_array() && range->size() == 2 && (*range)[0].is_number() && (*range)[1].is_number();
    const float low = pair ? (*range)[0].get<float>() : NAN, high = pair ? (*range)[1].get<float>() : NAN;
    if (std::isfinite(low) && std::isfinite(high) && low <= high)
      settings.range = {low, high};
    else
      refuse("range " + Shown(*range) + " is not [LO, HI] with LO <= HI");
  }
  if (const auto gamma = json.find("gamma"); gamma != json.end()) {
    const float value = gamma->is_number() ? gamma->get<float>() : NAN;
    if (std::isfinite(value) && value > 0.0f)
      settings.gamma = value;
    else
      refuse("gamma " + Shown(*gamma) + " is not a number above 0");
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
  if (settings.palette) json["palette"] = *settings.palette;
  if (settings.norm) json["norm"] = *settings.norm;
  if (settings.scope) json["scope"] = *settings.scope;
  if (settings.range) json["range"] = {settings.range->first, settings.range->second};
  if (settings.gamma) json["gamma"] = *settings.gamma;
  if (settings.font_size) json["font_size"] = *settings.font_size;
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
  // LoadSettings kept only names and values that this version knows. A mapping option on the
  // command line replaces the saved mapping parts it conflicts with: a --norm or --scope, the
  // saved manual range.
  const bool palette_given = Given(line, "--palette") || Given(line, "--palette-file");
  const bool range_given = Given(line, "--range");
  if (settings.palette && !palette_given) line.view.palette = settings.palette;
  if (settings.norm && !Given(line, "--norm") && !range_given) line.view.norm = settings.norm;
  if (settings.scope && !Given(line, "--scope") && !range_given) line.view.scope = settings.scope;
  if (settings.range && !range_given && !Given(line, "--norm") && !Given(line, "--scope"))
    line.view.range = settings.range;
  if (settings.gamma && !Given(line, "--gamma")) line.view.gamma = *settings.gamma;
  if (settings.font_size && !Given(line, "--font-size")) line.view.font_size = *settings.font_size;
}

std::string NormSpecText(const MappingSpec& spec) {
  const auto with_percentile = [&](const char* name) {
    return spec.symmetric_percentile == 100.0f ? std::string(name)
                                               : std::string(name) + ":" + Shortest(spec.symmetric_percentile);
  };
  switch (spec.kind) {
    case NormKind::kMinMax: return "minmax";
    case NormKind::kZeroMax: return "zero-max";
    case NormKind::kSymmetric: return with_percentile("symmetric");
    case NormKind::kLog: return "log";
    case NormKind::kLogRatio: return with_percentile("ratio");
    case NormKind::kPercentile:
      return "percentile:" + Shortest(spec.percentile_low) + ":" + Shortest(spec.percentile_high);
    case NormKind::kBuckets: {
      std::string text = "buckets:";
      for (size_t i = 0; i < spec.thresholds.size(); ++i) text += (i > 0 ? "," : "") + Shortest(spec.thresholds[i]);
      return text;
    }
  }
  return "minmax";
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
