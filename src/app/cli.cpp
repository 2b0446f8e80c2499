#include "app/cli.hpp"

#include <charconv>
#include <tuple>
#include <cmath>

#include "core/demo_document.hpp"
#include "core/load_document.hpp"
#include "core/palette_registry.hpp"
#include "core/value_stats.hpp"

namespace th::app {

// [SECTION] Values

namespace {

int ParseInt(const std::string& option, const std::string& text, int min, int max) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max)
    throw UsageError(option + ": expected a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got \"" + text + "\"");
  return value;
}

float ParseFloat(const std::string& option, const std::string& text) {
  size_t used = 0;
  float value = NAN;
  try {
    value = std::stof(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(value))
    throw UsageError(option + ": \"" + text + "\" is not a finite number");
  return value;
}

std::pair<float, float> ParseRange(const std::string& text) {
  // Split at the colon that follows a number, so "-1:-0.5" and "1e-3:2" both work.
  for (size_t colon = text.find(':', 1); colon != std::string::npos; colon = text.find(':', colon + 1)) {
    const float low = ParseFloat("--range", text.substr(0, colon));
    const float high = ParseFloat("--range", text.substr(colon + 1));
    if (high < low) throw UsageError("--range: LO must not be above HI, got \"" + text + "\"");
    return {low, high};
  }
  throw UsageError("--range: expected LO:HI such as 0:1, got \"" + text + "\"");
}

}  // namespace

// The built-in palette called name, or a UsageError that lists them.
Palette CheckedPalette(const std::string& option, const std::string& name) {
  if (const auto palette = FindPalette(name)) return *palette;
  std::string names;
  for (const std::string& builtin : BuiltinPaletteNames()) names += (names.empty() ? "" : ", ") + builtin;
  throw UsageError(option + " " + name + ": unknown palette (built in: " + names + "; add _r to reverse)");
}

// [SECTION] Arguments

CommandLine ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine line;
  size_t i = 0;
  if (!args.empty()) {
    if (args[0] == "render") line.command = Command::kRender, i = 1;
    else if (args[0] == "info") line.command = Command::kInfo, i = 1;
  }
  bool demo = false;
  const auto value_of = [&](const std::string& option) -> const std::string& {
    if (i + 1 >= args.size()) throw UsageError(option + ": missing value");
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      line.command = Command::kHelp;
      return line;
    } else if (arg == "--version") {
      line.command = Command::kVersion;
      return line;
    } else if (arg == "--demo") {
      demo = true;
    } else if (arg == "--vocab") {
      line.view.vocab = value_of(arg);
    } else if (arg == "--seq") {
      line.view.sequence = ParseInt(arg, value_of(arg), 0, 1 << 30);
    } else if (arg == "--channel") {
      line.view.channel = value_of(arg);
    } else if (arg == "--range") {
      line.view.range = ParseRange(value_of(arg));
    } else if (arg == "--norm") {
      line.view.norm = value_of(arg);
    } else if (arg == "--scope") {
      line.view.scope = value_of(arg);
    } else if (arg == "--gamma") {
      line.view.gamma = ParseFloat(arg, value_of(arg));
      if (!(line.view.gamma > 0.0f)) throw UsageError("--gamma: must be above 0");
    } else if (arg == "--shuffle") {
      line.view.shuffle_seed = static_cast<uint64_t>(ParseInt(arg, value_of(arg), 0, 1 << 30));
    } else if (arg == "--side-by-side") {
      line.view.side_by_side = true;
    } else if (arg == "--underline") {
      line.view.underline = value_of(arg);
    } else if (arg == "--underline-palette") {
      line.view.underline_palette = value_of(arg);
    } else if (arg == "--granularity") {
      line.view.granularity = value_of(arg);
    } else if (arg == "--merge") {
      line.view.merge = value_of(arg);
    } else if (arg == "--palette") {
      line.view.palette = value_of(arg);
    } else if (arg == "--palette-file") {
      line.view.palette_file = value_of(arg);
    } else if (arg == "--font-size") {
      line.view.font_size = ParseInt(arg, value_of(arg), 6, 96);
    } else if (arg == "--font") {
      line.view.font = value_of(arg);
    } else if (arg == "--width" && line.command == Command::kRender) {
      line.view.width = ParseInt(arg, value_of(arg), 64, 16384);
    } else if ((arg == "-o" || arg == "--output") && line.command == Command::kRender) {
      line.output = value_of(arg);
    } else if (arg == "--layout" && line.command == Command::kRender) {
      line.layout_output = value_of(arg);
    } else if (arg == "--json" && line.command == Command::kInfo) {
      line.json = true;
    } else if (arg == "--frames" && line.command == Command::kView) {
      line.frames = ParseInt(arg, value_of(arg), 1, 1 << 30);
    } else if (arg == "--screenshot" && line.command == Command::kView) {
      line.screenshot = value_of(arg);
    } else if (arg.starts_with("-") && arg.size() > 1) {
      throw UsageError("unknown option " + arg + " (see tokenheat --help)");
    } else if (line.view.input) {
      throw UsageError("more than one input file: " + *line.view.input + " and " + arg);
    } else {
      line.view.input = arg;
    }
  }
  if (demo && line.view.input) throw UsageError("give either --demo or an input file, not both");
  if (line.command != Command::kView && !demo && !line.view.input)
    throw UsageError(std::string(line.command == Command::kRender ? "render" : "info") +
                     ": missing INPUT (a file, or --demo)");
  if (line.command == Command::kRender && line.output.empty()) throw UsageError("render: missing -o OUT.png");
  if (line.screenshot && !line.frames) throw UsageError("--screenshot needs --frames N (it saves the last frame)");
  return line;
}

std::string UsageText() {
  return R"(tokenheat: a GPU text heatmap viewer for language-model interpretability

Usage:
  tokenheat [FILE] [view options] [--frames N]    open the viewer (the built-in demo without FILE)
  tokenheat render (INPUT | --demo) -o OUT.png [view options] [--width PX] [--layout OUT.json]
  tokenheat info (INPUT | --demo) [--json]

Inputs (chosen by content): .npy, .npz, safetensors, JSON / JSONL (tokenheat's own, CircuitsVis,
        OpenAI neuron-viewer, GLTR, inseq), CSV / TSV with a "token" column, or any text file.
  --vocab FILE         vocabulary for inputs with token ids: tokenizer.json or one token per line
                       (default: tokenizer.json or vocab.txt beside the input)

View options:
  --seq N              sequence index (default 0)
  --channel NAME       channel to colour by (default: the sequence's first)
  --range LO:HI        a manual range (scope manual) for the mapping
  --channel "A-B"      a derived channel: A-B, A/B or z(A)-z(B) (zero-anchored, diverging)
  --norm MAPPING       minmax | zero-max | symmetric[:P] | percentile:LO:HI | log | buckets:T1,T2,...
                       (symmetric:98 clips at the 98th percentile of |x|)
                       (default: minmax when no value is negative, symmetric when values have both signs)
  --scope SCOPE        sequence | global (the channel over every sequence) | visible (default sequence)
  --gamma G            bend the scale: t' = t^G (default 1)
  --shuffle SEED       show the values permuted at random among the tokens (what chance looks like)
  --side-by-side       with --shuffle: the real values and, beside them, the shuffled ones
  --underline CHANNEL  draw a second channel as an underline (thickness and colour from its min..max)
  --underline-palette NAME  the underline's palette (default Greys)
  --granularity G      token | word | line | sentence: one value and one box per group
  --merge AGG          how a group's value is made: sum | mean | max | max-abs (default mean)
  --palette NAME       Reds, Blues, Greens, Purples, Greys, viridis, magma, inferno, plasma, cividis,
                       turbo, RdBu, coolwarm, PiYG, BrBG, tab10, Set2, gltr; NAME_r reverses
                       (default: Reds, RdBu_r for symmetric, gltr for buckets)
  --palette-file FILE  one #rrggbb per line: evenly spaced stops, linear in between
  --font-size PX       text size in pixels (default 16)
  --font PATTERN       fontconfig pattern of the monospace font (default "monospace")
Render options:
  -o, --output FILE    the PNG to write
  --width PX           image width (default 1000); the height follows the content
  --layout FILE        write every drawn token box as JSON, in the PNG's pixels
Viewer options:
  --frames N           draw N frames and exit (tests, scripted demos)
  --screenshot FILE    with --frames: save the last frame of the window as a PNG
)";
}

// [SECTION] Documents and views

Document LoadInput(const ViewOptions& options) {
  return options.input ? LoadDocumentFile(*options.input, LoadOptions{options.vocab}) : MakeDemoDocument();
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
  // A derived channel ("A-B", "A/B", "z(A)-z(B)") is a signed comparison: zero-anchored and
  // diverging unless the options say otherwise.
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
  } else if (derived) {
    spec.kind = NormKind::kSymmetric;
    session.SetSpec(spec);
    if (!palette_given) session.SetPalette(*FindPalette(DefaultPaletteName(spec.kind)));
  } else {
    session.ApplyDataDefaults(palette_given);
  }
  if (options.range) session.SetManualRange(options.range->first, options.range->second);
}

}  // namespace th::app
