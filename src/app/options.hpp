#pragma once
// The option table: every option of tokenheat in one list (options.cpp), each with its names, its
// value, its help text, the commands that take it and how its value is read; a view option also
// says whether it is a script step, a key of the saved settings and a field of --print-state.
// Everything that spells an option is made from it:
//   ParseCommandLine      every command's options (cli.cpp)
//   UsageText             --help, and so the man page help2man makes from it
//   ScriptPlayer          the steps that set a view option (script.cpp)
//   LoadSettings, SaveSettings, ApplySavedSettings   the saved view options (settings.cpp)
//   --print-state         the fields of the options it shows (viewer.cpp)
// Adding an option: its field in ViewOptions (or CommandLine), then one row in options.cpp; a
// script step, a --print-state field or --help's text is part of that row. An option the settings
// save also has its field in SavedViewOptions (below), which the row names.

#include <climits>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "app/cli.hpp"

namespace th::app {

// The view options the settings file can hold, each as the option's own value (SavedSettings
// derives from it): set when saved. A saved option's row names its field here.
struct SavedViewOptions {
  std::optional<std::string> palette;     // a built-in palette's name
  std::optional<std::string> norm;        // a --norm spec, with its numbers ("symmetric:98")
  std::optional<std::string> scope;       // a --scope: global or visible (sequence is the default)
  std::optional<std::pair<float, float>> range;  // a manual range, LO <= HI (scope manual)
  std::optional<float> gamma;
  std::optional<int> font_size;
};
using SavedField = std::variant<std::optional<std::string> SavedViewOptions::*,
                                std::optional<float> SavedViewOptions::*, std::optional<int> SavedViewOptions::*,
                                std::optional<std::pair<float, float>> SavedViewOptions::*>;

// A value of --print-state's JSON (std::monostate: the field is left out).
using StateValue = std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string>;

// Where --help lists an option (its heading: OptionSectionTitle).
enum class OptionSection { kInput, kView, kValueSource, kRender, kInfo, kBench, kGenerate, kViewer, kOther };

constexpr unsigned CommandBit(Command command) { return 1u << static_cast<unsigned>(command); }

struct OptionSpec {
  std::string_view name{};   // "--seq"
  std::string_view alias{};  // "-o", or ""
  std::string_view value{};  // what --help calls its value ("N", "LO:HI"); "" for a flag
  OptionSection section = OptionSection::kView;
  unsigned commands = 0;   // CommandBit of each command that takes it
  std::string_view help{};   // --help's text, lines separated by '\n'
  // Reads value (a flag's is "") into line; throws UsageError naming `as` (the option as given,
  // or a script step's verb).
  void (*read)(CommandLine& line, const std::string& as, const std::string& value) = nullptr;

  // A script step that sets the option: `verb VALUE`, read by `read` when the script is loaded
  // (a bad value stops it before the window opens, exit 2) and played in its turn.
  struct Step {
    std::string_view verb{};  // "" : no step
    int words = 1;          // the words the step takes: 1; 2 (joined with ':', "range LO HI"); -1: the rest of the line
    // Applies the view options the step has just set to the session; throws std::invalid_argument
    // with the reason. nullptr: the step sets the view option only (the app applies it).
    void (*play)(Session& session, const ViewOptions& view) = nullptr;
  } step{};

  // The key of the saved settings that keeps it, read back as the option reads its value.
  struct Saved {
    std::string_view key{};      // "" : not saved
    SavedField field{};
    std::string_view refused{};  // the warning for a saved value this version refuses: "is not a built-in palette"
    // What a saved value must also pass beyond `read` (which accepts any palette name, any --norm
    // text: the session checks those); nullptr: `read` alone.
    bool (*accepts)(const std::string& text) = nullptr;
    std::pair<int, int> clamp{INT_MIN, INT_MAX};  // a saved whole number is brought into this range
    // Options that, given on the command line, leave the saved value unused (the option itself,
    // and those that would conflict with it).
    std::vector<std::string_view> yields_to{};
  } saved{};

  // Its field in --print-state.
  struct State {
    std::string_view key{};  // "sequence", or an object's field "mapping.norm"; "" : not shown
    StateValue (*shown)(const Session& session, const ViewOptions& view) = nullptr;
  } state{};

  // "-o, --output FILE", as --help shows it.
  std::string Label() const;
  // "range LO HI", as a script spells the step.
  std::string StepSyntax() const;
};

// Every option, in --help's order.
std::span<const OptionSpec> Options();
// The option called arg (a name or an alias) that command takes, or nullptr.
const OptionSpec* FindOption(std::string_view arg, Command command);
// The option whose script step is verb, or nullptr.
const OptionSpec* FindStep(std::string_view verb);
std::string_view OptionSectionTitle(OptionSection section);

// text as a whole number from min to max; throws UsageError naming `as` (the rows read numbers so).
int64_t ReadWholeNumber(const std::string& as, const std::string& text, int64_t min, int64_t max);

// The --norm spelling of the spec's kind with its numbers ("symmetric:98", "percentile:1:99",
// "buckets:10,100,1000"), which ParseNormSpec reads back to the same numbers.
std::string NormSpecText(const MappingSpec& spec);
// A float's shortest decimal form, which reads back to the same float.
std::string ShortestText(float value);

}  // namespace th::app
