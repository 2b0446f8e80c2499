#include "app/cli.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <tuple>

#include "app/options.hpp"
#include "app/value_source_options.hpp"
#include "core/demo_document.hpp"
#include "core/load_document.hpp"
#include "core/palette_registry.hpp"
#include "core/value_stats.hpp"

namespace th::app {

// [SECTION] Arguments

// The built-in palette called name, or a UsageError that lists them.
Palette CheckedPalette(const std::string& option, const std::string& name) {
  if (const auto palette = FindPalette(name)) return *palette;
  std::string names;
  for (const std::string& builtin : BuiltinPaletteNames()) names += (names.empty() ? "" : ", ") + builtin;
  throw UsageError(option + " " + name + ": unknown palette (built in: " + names + "; add _r to reverse)");
}

namespace {

// Up to 4G tokens: 32 GB of ids and values, past every 4 GiB limit of plain zip.
constexpr int64_t kMaxGeneratedTokens = 4'000'000'000;

void CheckGenerate(const CommandLine& line) {
  // generate takes none of the view options (every command reads them): one given is a mistake,
  // not something to ignore. Its own are the option table's Generate rows.
  for (const std::string& option : line.given)
    if (const OptionSpec* spec = FindOption(option, Command::kGenerate);
        !spec || spec->section != OptionSection::kGenerate)
      throw UsageError("generate: " + option + " is not an option of generate (see tokenheat --help)");
  if (!line.generate_attention && (std::find(line.given.begin(), line.given.end(), "--layers") != line.given.end() ||
                                   std::find(line.given.begin(), line.given.end(), "--heads") != line.given.end()))
    throw UsageError("generate: --layers and --heads shape the patterns of --attention, which is not given");
  const auto given = [&](std::string_view option) { return std::find(line.given.begin(), line.given.end(), option) != line.given.end(); };
  if (!line.generate_features && (given("--k") || given("--shards")))
    throw UsageError("generate: --k and --shards shape the store of --features, which is not given");
  if (line.generate_features && (line.generate_attention || line.sequences != 1))
    throw UsageError("generate: --features writes a store of shards; give no --attention or --sequences with it");
  if (!line.synthetic_tokens) throw UsageError("generate: missing N, the number of tokens");
  if (line.output.empty()) throw UsageError(line.generate_features ? "generate: missing -o DIR" : "generate: missing -o OUT.npz");
  if (line.generate_features) {
    if (line.feature_k > *line.generate_features)
      throw UsageError("--k " + std::to_string(line.feature_k) + ": more than the " + std::to_string(*line.generate_features) +
                       " features");
    if (*line.synthetic_tokens % line.shards != 0)
      throw UsageError("--shards " + std::to_string(line.shards) + ": must divide the " +
                       std::to_string(*line.synthetic_tokens) + " tokens into shards of equal length");
    return;
  }
  if (!line.output.ends_with(".npz")) throw UsageError("generate -o " + line.output + ": the output must end in .npz");
  if (*line.synthetic_tokens % line.sequences != 0)
    throw UsageError("--sequences " + std::to_string(line.sequences) + ": must divide the " +
                     std::to_string(*line.synthetic_tokens) + " tokens into rows of equal length");
}

}  // namespace

CommandLine ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine line;
  size_t i = 0;
  if (!args.empty()) {
    if (args[0] == "render") line.command = Command::kRender, i = 1;
    else if (args[0] == "info") line.command = Command::kInfo, i = 1;
    else if (args[0] == "bench") line.command = Command::kBench, line.view.width = 1920, i = 1;
    else if (args[0] == "generate") line.command = Command::kGenerate, i = 1;
  }
  const Command command = line.command;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.starts_with("--")) line.given.push_back(arg);
    // An optional value ("[PATH]") comes as --option=VALUE, or as the next argument when that ends
    // in .sock: a plain next argument stays the input file.
    const size_t equals = arg.find('=');
    if (const OptionSpec* optional = arg.starts_with("--") ? FindOption(arg.substr(0, equals), command) : nullptr;
        optional && optional->value.starts_with("[")) {
      std::string value;
      if (equals != std::string::npos) {
        value = arg.substr(equals + 1);
        if (value.empty()) throw UsageError(arg + ": missing value after '='");
      } else if (i + 1 < args.size() && args[i + 1].ends_with(".sock")) {
        value = args[++i];
      }
      optional->read(line, arg.substr(0, equals), value);
    } else if (const OptionSpec* option = FindOption(arg, command)) {
      std::string value;
      if (!option->value.empty()) {
        if (i + 1 >= args.size()) throw UsageError(arg + ": missing value");
        value = args[++i];
      }
      option->read(line, arg, value);
      if (line.command == Command::kHelp || line.command == Command::kVersion) return line;
    } else if (arg.starts_with("-") && arg.size() > 1) {
      throw UsageError("unknown option " + arg + " (see tokenheat --help)");
    } else if (command == Command::kGenerate) {
      if (line.synthetic_tokens)
        throw UsageError("generate: more than one token count: " + std::to_string(*line.synthetic_tokens) + " and " + arg);
      line.synthetic_tokens = static_cast<uint64_t>(ReadWholeNumber("generate N", arg, 1, kMaxGeneratedTokens));
    } else if (line.view.input) {
      throw UsageError("more than one input file: " + *line.view.input + " and " + arg);
    } else {
      line.view.input = arg;
    }
  }
  if (line.command == Command::kGenerate) {
    CheckGenerate(line);
    return line;
  }
  const int sources = int{line.demo} + int{line.view.input.has_value()} + int{line.synthetic_tokens.has_value()} +
                      int{line.synthetic_cjk.has_value()};
  if (sources > 1) throw UsageError("give one of --demo, --synthetic N, --synthetic-cjk N or an input file");
  if (line.command != Command::kView && sources == 0 && !(line.command == Command::kBench && line.listen))
    throw UsageError(std::string(line.command == Command::kRender ? "render"
                                 : line.command == Command::kInfo ? "info"
                                                                  : "bench") +
                     ": missing INPUT (a file, or --demo" + (line.command == Command::kBench ? ", or --synthetic N)" : ")"));
  if (line.command == Command::kRender) {
    if (line.all_sequences) {
      if (line.out_dir.empty()) throw UsageError("--all-sequences needs --out-dir DIR (one file per sequence)");
      if (!line.output.empty() || line.layout_output)
        throw UsageError("--all-sequences writes into --out-dir: give no -o or --layout");
    } else if (line.output.empty()) {
      throw UsageError("render: missing -o OUT.png (or .svg, .html)");
    } else if (!line.out_dir.empty()) {
      throw UsageError("--out-dir is for --all-sequences; with one sequence give -o");
    }
    if (line.view.stacked && (line.all_sequences || line.tokens || line.view.side_by_side))
      throw UsageError("--stacked draws every listed sequence into one PNG: give no --all-sequences, --tokens "
                       "or --side-by-side");
  }
  if (line.jump && line.view.stacked)
    throw UsageError(line.jump_option + ": jumps in one sequence's running text; give no --stacked");
  if (line.screenshot && !line.frames) throw UsageError("--screenshot needs --frames N (it saves the last frame)");
  return line;
}

// [SECTION] Usage: every option's row from the table, under its section's heading

namespace {

constexpr size_t kHelpColumn = 23;  // where the options' help text starts
constexpr size_t kHelpWidth = 100;  // the paragraphs below the options wrap before this column

// "  --seq N              sequence index (default 0)", the help's further lines under its first.
std::string HelpRow(const OptionSpec& option) {
  std::string row = "  " + option.Label();
  row += row.size() + 2 <= kHelpColumn ? std::string(kHelpColumn - row.size(), ' ') : std::string(2, ' ');
  for (const char c : option.help) row += c == '\n' ? "\n" + std::string(kHelpColumn, ' ') : std::string(1, c);
  return row + "\n";
}

// text in lines shorter than kHelpWidth, none of them starting with a space or a '-' (help2man and
// the Python bridge's test read a line starting so as an option's row); kNoBreak is a space that
// does not end a line.
constexpr char kNoBreak = '\x01';
std::string Wrapped(const std::string& text) {
  std::string wrapped, line, word;
  const auto add_word = [&] {
    if (word.empty()) return;
    if (!line.empty() && line.size() + 1 + word.size() >= kHelpWidth) {
      // A line never starts with an option: the words back to one that is not go along.
      size_t space = std::string::npos;
      if (word.starts_with("-"))
        for (size_t at = line.rfind(' '); at != std::string::npos && at > 0; at = line.rfind(' ', at - 1))
          if (line[at + 1] != '-') {
            space = at;
            break;
          }
      wrapped += line.substr(0, space) + "\n";
      line = space == std::string::npos ? std::string() : line.substr(space + 1);
    }
    std::replace(word.begin(), word.end(), kNoBreak, ' ');
    line += (line.empty() ? "" : " ") + word;
    word.clear();
  };
  for (const char c : text) {
    if (c == ' ') add_word();
    else word += c;
  }
  add_word();
  return wrapped + line + "\n";
}

}  // namespace

std::string UsageText() {
  std::string text = R"(tokenheat: a GPU text heatmap viewer for language-model interpretability

Usage:
  tokenheat [FILE] [view options] [--frames N]    open the viewer (the built-in demo without FILE)
  tokenheat render (INPUT | --demo) -o OUT.(png|svg|html) [view options] [render options]
  tokenheat render (INPUT | --demo) --all-sequences --out-dir DIR [--format png|svg|html] [...]
  tokenheat info (INPUT | --demo) [--json]
  tokenheat bench (INPUT | --demo | --synthetic N | --synthetic-cjk N) [view options] [--width PX] [--height PX] [--frames N]
  tokenheat generate N -o OUT.npz [--sequences S] [--attention [--layers L] [--heads H]]
  tokenheat --help | --version

)";
  std::optional<OptionSection> section;
  std::string steps, saved;
  for (const OptionSpec& option : Options()) {
    if (option.section != section) {
      section = option.section;
      text += std::string(OptionSectionTitle(option.section)) + "\n";
    }
    text += HelpRow(option);
    if (!option.step.verb.empty()) {
      std::string step = option.StepSyntax();
      std::replace(step.begin(), step.end(), ' ', kNoBreak);
      steps += (steps.empty() ? "" : ", ") + step;
    }
    if (!option.saved.key.empty()) saved += (saved.empty() ? "" : ", ") + std::string(option.name);
  }
  text += "\n" + Wrapped("Script steps that set a view option, one a line in a --script FILE, each reading its value as "
                         "the option of its name does: " + steps + ".");
  text += Wrapped("Saved settings: what you change in the viewer's window is saved on exit: the view of " + saved +
                  ", the text sizes, panels and theme; options on the command line and script steps apply to their "
                  "run only.");
  return text;
}

// [SECTION] Documents and views

Document LoadInput(const ViewOptions& options) {
  LoadOptions load;
  load.vocabulary = options.vocab;
  load.attention_array = options.attention;
  Document document = options.input ? LoadDocumentFile(*options.input, load) : MakeDemoDocument();
  for (const std::string& warning : document.warnings)
    std::fprintf(stderr, "tokenheat: warning: %s: %s\n", document.source.c_str(), warning.c_str());
  return document;
}

void WarnOfEmptyParts(const Document& document, const EmptyParts& parts) {
  for (const EmptyPart& part : parts.listed)
    std::fprintf(stderr, "tokenheat: warning: %s: %s\n", document.source.c_str(), DescribeEmptyPart(document, part).c_str());
  if (parts.count > parts.listed.size())
    std::fprintf(stderr, "tokenheat: warning: %s: and %llu more sequences or channels without a finite value\n",
                 document.source.c_str(), static_cast<unsigned long long>(parts.count - parts.listed.size()));
}

void ConfigureSession(Session& session, const ViewOptions& options) {
  const Document& document = session.Doc();
  const int count = static_cast<int>(document.sequences.size());
  if (options.sequence >= count)
    throw UsageError("--seq " + std::to_string(options.sequence) + ": " + document.source + " has " +
                     std::to_string(count) + " sequence" + (count == 1 ? "" : "s") + " (0.." +
                     std::to_string(count - 1) + ")");
  session.SelectSequence(options.sequence);
  const Sequence& sequence = session.CurrentSequence();
  // A derived channel ("A-B", "A/B", "z(A)-z(B)") brings its own default mapping
  // (Session::AddDerivedChannel); options given below still override it.
  bool derived = false;
  if (options.channel && sequence.FindChannel(*options.channel) < 0)
    derived = session.AddDerivedChannel(*options.channel);
  if (options.channel) {
    const int channel = session.CurrentSequence().FindChannel(*options.channel);
    if (channel < 0) {
      std::string names;
      for (const Channel& c : sequence.channels) names += (names.empty() ? "" : ", ") + c.name;
      throw UsageError("--channel " + *options.channel + ": sequence " + std::to_string(options.sequence) +
                       " has no such channel (it has: " + names + "; or derive one: A-B, A/B, z(A)-z(B))");
    }
    session.SelectChannel(channel);
  }
  ConfigureValueSource(session, options);
  if (options.side_by_side && !options.shuffle_seed)
    throw UsageError("--side-by-side needs --shuffle SEED (it puts the real values beside the shuffled ones)");
  session.SetShuffle(options.shuffle_seed);
  session.SetSideBySide(options.side_by_side);
  if (options.underline) {
    if (session.CurrentSequence().FindChannel(*options.underline) < 0 && !session.AddDerivedChannel(*options.underline))
      throw UsageError("--underline " + *options.underline + ": sequence " + std::to_string(options.sequence) +
                       " has no such channel");
    session.SetUnderline(options.underline);
  }
  if (options.underline_palette) session.SetUnderlinePalette(CheckedPalette("--underline-palette", *options.underline_palette));
  try {
    session.SetGranularity(ParseGranularity(options.granularity), ParseAggregate(options.merge));
  } catch (const std::invalid_argument& error) {
    throw UsageError(error.what());
  }
  session.SetFontSize(options.font_size);
  session.Stacked().SetFilter(options.filter);
  session.Stacked().SetOrder(ParseSequenceOrder(options.sort).value_or(SequenceOrder::kFile));
  session.SetOverviewReduction(ParseReduction(options.overview).value_or(Reduction::kMaxAbs));
  // Before the scope: a stacked view's range is global unless --scope says otherwise.
  // A feature index is read as its contexts stacked (the feature browser).
  session.SetStacked(options.stacked || session.Doc().feature_index);

  if (options.palette_file) {
    session.SetPalette(LoadPaletteFile(*options.palette_file));
  } else if (options.palette) {
    session.SetPalette(CheckedPalette("--palette", *options.palette));
  }
  const bool palette_given = options.palette_file || options.palette;

  MappingSpec spec = session.Spec();
  spec.gamma = options.gamma;
  if (options.scope) {
    if (*options.scope == "sequence") spec.scope = RangeScope::kSequence;
    else if (*options.scope == "global") spec.scope = RangeScope::kGlobal;
    else if (*options.scope == "visible") spec.scope = RangeScope::kVisible;
    else throw UsageError("--scope " + *options.scope + ": expected sequence, global or visible");
  }
  session.SetSpec(spec);
  if (options.norm) {
    try {
      ParseNormSpec(*options.norm, spec);
    } catch (const std::invalid_argument& error) {
      throw UsageError(error.what());
    }
    session.SetSpec(spec);
    if (!palette_given) session.SetPalette(*FindPalette(DefaultPaletteName(spec.kind)));
  } else if (!derived) {
    session.ApplyDataDefaults(palette_given);
  }
  if (options.range) session.SetManualRange(options.range->first, options.range->second);
}

void JumpByValue(Session& session, const ValueJump& jump) {
  if (jump.kind == ValueJump::Kind::kNextAbove) {
    const uint64_t origin = session.JumpOrigin();
    if (!session.GoToNextAbove(jump.threshold))
      throw std::invalid_argument("no value above the threshold after token " + std::to_string(origin));
    return;
  }
  if (!session.GoToRanked(jump.rank, jump.kind == ValueJump::Kind::kHighest)) {
    const std::span<const float> values = session.CurrentValues();
    const auto count = std::count_if(values.begin(), values.end(), [](float value) { return std::isfinite(value); });
    throw std::invalid_argument("only " + std::to_string(count) + " tokens have a value");
  }
}

}  // namespace th::app
