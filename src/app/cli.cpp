#include "app/cli.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <tuple>

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

int64_t ParseLong(const std::string& option, const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max)
    throw UsageError(option + ": expected a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got \"" + text + "\"");
  return value;
}

// "A:B" with A < B: the tokens [A, B).
std::pair<uint64_t, uint64_t> ParseTokenRange(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon != std::string::npos) {
    const int first = ParseInt("--tokens", text.substr(0, colon), 0, 1 << 30);
    const int end = ParseInt("--tokens", text.substr(colon + 1), 0, 1 << 30);
    if (first < end) return {static_cast<uint64_t>(first), static_cast<uint64_t>(end)};
  }
  throw UsageError("--tokens: expected A:B with A < B (the tokens A to B-1), got \"" + text + "\"");
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

namespace {

// Up to 4G tokens: 32 GB of ids and values, past every 4 GiB limit of plain zip.
constexpr int64_t kMaxGeneratedTokens = 4'000'000'000;
// --goto-top K, --goto-bottom K: as many ranks as a document of 32-bit token indices has tokens.
constexpr int64_t kMaxJumpRank = int64_t{1} << 32;

void CheckGenerate(const CommandLine& line) {
  // generate takes none of the view options: one given is a mistake, not something to ignore.
  for (const std::string& option : line.given)
    if (option != "--output" && option != "--sequences")
      throw UsageError("generate: " + option + " is not an option of generate (see tokenheat --help)");
  if (!line.synthetic_tokens) throw UsageError("generate: missing N, the number of tokens");
  if (line.output.empty()) throw UsageError("generate: missing -o OUT.npz");
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
  bool demo = false;
  const auto value_of = [&](const std::string& option) -> const std::string& {
    if (i + 1 >= args.size()) throw UsageError(option + ": missing value");
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.starts_with("--")) line.given.push_back(arg);
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
      line.view.font_size = ParseInt(arg, value_of(arg), kMinFontSize, kMaxFontSize);
    } else if (arg == "--font") {
      line.view.font = value_of(arg);
    } else if (arg == "--stacked") {
      line.view.stacked = true;
    } else if (arg == "--filter") {
      line.view.filter = value_of(arg);
    } else if (arg == "--sort") {
      line.view.sort = value_of(arg);
      if (!ParseSequenceOrder(line.view.sort)) throw UsageError("--sort " + line.view.sort + ": expected file, max, mean or length");
    } else if (arg == "--overview") {
      line.view.overview = value_of(arg);
      if (!ParseReduction(line.view.overview))
        throw UsageError("--overview " + line.view.overview + ": expected max-abs, max, min or mean");
    } else if (arg == "--width" && (line.command == Command::kRender || line.command == Command::kBench)) {
      line.view.width = ParseInt(arg, value_of(arg), 64, 16384);
    } else if (arg == "--height" && line.command == Command::kBench) {
      line.height = ParseInt(arg, value_of(arg), 64, 16384);
    } else if (arg == "--synthetic" && line.command == Command::kBench) {
      line.synthetic_tokens = static_cast<uint64_t>(ParseLong(arg, value_of(arg), 1, 1'000'000'000));
    } else if (arg == "--frames" && line.command == Command::kBench) {
      line.bench_frames = ParseInt(arg, value_of(arg), 1, 100'000);
    } else if (arg == "--sequences" && line.command == Command::kGenerate) {
      line.sequences = static_cast<uint64_t>(ParseLong(arg, value_of(arg), 1, kMaxGeneratedTokens));
    } else if ((arg == "-o" || arg == "--output") &&
               (line.command == Command::kRender || line.command == Command::kGenerate)) {
      line.output = value_of(arg);
    } else if (arg == "--scale" && line.command == Command::kRender) {
      line.scale = ParseInt(arg, value_of(arg), 1, 8);
    } else if (arg == "--tokens" && line.command == Command::kRender) {
      line.tokens = ParseTokenRange(value_of(arg));
    } else if (arg == "--all-sequences" && line.command == Command::kRender) {
      line.all_sequences = true;
    } else if (arg == "--out-dir" && line.command == Command::kRender) {
      line.out_dir = value_of(arg);
    } else if (arg == "--format" && line.command == Command::kRender) {
      line.format = value_of(arg);
      if (line.format != "png" && line.format != "svg" && line.format != "html")
        throw UsageError("--format " + line.format + ": expected png, svg or html");
    } else if (arg == "--legend" && line.command == Command::kRender) {
      line.legend = true;
    } else if (arg == "--caption" && line.command == Command::kRender) {
      line.caption = true;
    } else if (arg == "--allow-empty" && line.command == Command::kRender) {
      line.allow_empty = true;
    } else if (arg == "--layout" && line.command == Command::kRender) {
      line.layout_output = value_of(arg);
    } else if (arg == "--json" && line.command == Command::kInfo) {
      line.json = true;
    } else if (arg == "--frames" && line.command == Command::kView) {
      line.frames = ParseInt(arg, value_of(arg), 1, 1 << 30);
    } else if (arg == "--screenshot" && line.command == Command::kView) {
      line.screenshot = value_of(arg);
    } else if (arg == "--script" && line.command == Command::kView) {
      line.script = value_of(arg);
    } else if (arg == "--print-state" && line.command == Command::kView) {
      line.print_state = true;
    } else if (arg == "--reset-settings" && line.command == Command::kView) {
      line.reset_settings = true;
    } else if ((arg == "--goto-top" || arg == "--goto-bottom" || arg == "--goto-above") &&
               line.command == Command::kView) {
      if (line.jump) throw UsageError(arg + ": give one of --goto-top, --goto-bottom or --goto-above (" +
                                      line.jump_option + " was given)");
      const std::string& value = value_of(arg);
      ValueJump jump;
      if (arg == "--goto-above") {
        jump.kind = ValueJump::Kind::kNextAbove;
        jump.threshold = ParseFloat(arg, value);
      } else {
        jump.kind = arg == "--goto-top" ? ValueJump::Kind::kHighest : ValueJump::Kind::kLowest;
        jump.rank = static_cast<uint64_t>(ParseLong(arg, value, 1, kMaxJumpRank));
      }
      line.jump = jump;
      line.jump_option = arg + " " + value;
    } else if (arg.starts_with("-") && arg.size() > 1) {
      throw UsageError("unknown option " + arg + " (see tokenheat --help)");
    } else if (line.command == Command::kGenerate) {
      if (line.synthetic_tokens)
        throw UsageError("generate: more than one token count: " + std::to_string(*line.synthetic_tokens) + " and " + arg);
      line.synthetic_tokens = static_cast<uint64_t>(ParseLong("generate N", arg, 1, kMaxGeneratedTokens));
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
  const int sources = int{demo} + int{line.view.input.has_value()} + int{line.synthetic_tokens.has_value()};
  if (sources > 1) throw UsageError("give one of --demo, --synthetic N or an input file");
  if (line.command != Command::kView && sources == 0)
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

std::string UsageText() {
  return R"(tokenheat: a GPU text heatmap viewer for language-model interpretability

Usage:
  tokenheat [FILE] [view options] [--frames N]    open the viewer (the built-in demo without FILE)
  tokenheat render (INPUT | --demo) -o OUT.(png|svg|html) [view options] [render options]
  tokenheat render (INPUT | --demo) --all-sequences --out-dir DIR [--format png|svg|html] [...]
  tokenheat info (INPUT | --demo) [--json]
  tokenheat bench (INPUT | --demo | --synthetic N) [view options] [--width PX] [--height PX] [--frames N]
  tokenheat generate N -o OUT.npz [--sequences S]   a synthetic document of N tokens, as a file

Inputs (chosen by content): .npy, .npz, safetensors, JSON / JSONL (tokenheat's own, CircuitsVis,
        OpenAI neuron-viewer, GLTR, inseq), CSV / TSV with a "token" column, or any text file.
  --vocab FILE         vocabulary for inputs with token ids: tokenizer.json or one token per line
                       (default: tokenizer.json or vocab.txt beside the input)

View options:
  --seq N              sequence index (default 0)
  --channel NAME       channel to colour by (default: the sequence's first)
  --range LO:HI        a manual range (scope manual) for the mapping
  --channel "A-B"      a derived channel: A-B or z(A)-z(B) (zero-anchored, diverging), or A/B
                       (--norm ratio: log scale centred at 1, diverging)
  --norm MAPPING       minmax | zero-max | symmetric[:P] | percentile:LO:HI | log | ratio[:P] |
                       buckets:T1,T2,...  (percentiles interpolate linearly, as NumPy's default;
                       symmetric:98 clips at the 98th percentile of |x|, ratio:98 at exp(+-the
                       98th percentile of |log x|))
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
                       (default: Reds, RdBu_r for symmetric and ratio, gltr for buckets)
  --palette-file FILE  one #rrggbb per line: evenly spaced stops, linear in between
  --font-size PX       text size in pixels, 1..96 (default 16); below 6 zoomed out, in folded blocks
  --font PATTERN       fontconfig pattern of the monospace font (default "monospace")
  --stacked            every listed sequence under a header (name, tokens, max, mean), in one
                       scroll that opens at the top of the list (render: one PNG); the range scope
                       becomes global unless --scope says
  --filter TEXT        list only the sequences whose name contains TEXT (ignoring case)
  --sort ORDER         file | max | mean | length: the list's order, largest first (default file)
  --overview R         max-abs | max | min | mean: how the overview strip reduces a row (default max-abs)
Render options:
  -o, --output FILE    the file to write; its extension picks the format: .png, .svg (vector, one
                       rectangle and text per token) or .html (a page with value tooltips)
  --width PX           image width (default 1000); the height follows the content
  --scale N            every length times N, 1..8 (PNG at 2x or 4x for print)
  --tokens A:B         only the tokens A to B-1 of the sequence
  --all-sequences      every sequence (or those --filter lists), one file each, into --out-dir DIR
                       as seq-N.FORMAT
  --format FORMAT      png, svg or html, with --all-sequences (default png)
  --legend             the palette with its range and the mapping in words, below the text
  --caption            the file, sequence and channel above the text
  --layout FILE        write every drawn token box as JSON, in the PNG's pixels, each with its
                       "seq" (a --stacked PNG's boxes name their sequences)
  --allow-empty        draw it even when a drawn sequence has no tokens or its channel no finite
                       value (without it: a warning naming each, no such picture written, exit 3)
Bench options (a scripted headless run: first frame, scroll, scrub, jumps, recolour; the last
line printed is one JSON object):
  --synthetic N        a generated document of N tokens instead of INPUT (no download needed)
  --width PX, --height PX   frame size (default 1920x1080)
  --frames N           frames per phase (default 120)
Generate options (the tokens and values of bench --synthetic N, as an uncompressed .npz that
opens memory-mapped, with its vocabulary as tokenizer.json beside it):
  -o, --output FILE    the .npz to write
  --sequences S        S sequences of N/S tokens each (default 1)
Viewer options:
  --frames N           draw N frames and exit (tests, scripted demos)
  --screenshot FILE    with --frames: save the last frame of the window as a PNG
  --script FILE        play a scripted demo (open, seq, channel, goto, top, bottom, next-above,
                       range, palette, norm, wait, screenshot, export...; one step per line); with
                       --frames, N frames after its end; a failing step stops it: FILE:LINE, exit != 0
  --print-state        on exit, print the view (file, sequence, channel, top token, the stacked
                       view's top sequence, the mapping with its numbers...) as JSON
  --reset-settings     forget the saved settings (recent files, palette, mapping, text sizes, theme)
  --goto-top K         open at the token with the K-th highest value (K = 1: the highest; equal
                       values rank in reading order), its line at the top of the view, as the Go to
                       panel's k-th button. Viewer only: render draws whole sequences
  --goto-bottom K      the same with the K-th lowest value
  --goto-above T       open at the first token after token 0 with a value above T (as the Go to
                       panel's "next above"); no such token, or no K-th value, is an error
Saved settings: what you change in the viewer's window (palette, mapping, scope, range, gamma,
text sizes, panels, theme) is saved on exit; options on the command line and script steps apply
to their run only.
)";
}

// [SECTION] Documents and views

Document LoadInput(const ViewOptions& options) {
  LoadOptions load;
  load.vocabulary = options.vocab;
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
  session.SetStacked(options.stacked);

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
