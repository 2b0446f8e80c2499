// The option table (options.hpp): one row per option, in --help's order.
#include "app/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <type_traits>

#include "app/value_source_options.hpp"
#include "core/feature_dictionary.hpp"
#include "core/palette_registry.hpp"
#include "core/value_mapping.hpp"

namespace th::app {

// [SECTION] Values: each reader throws UsageError naming `as`, the option as given or a script step

namespace {

float ReadFloat(const std::string& as, const std::string& text) {
  size_t used = 0;
  float value = NAN;
  try {
    value = std::stof(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(value))
    throw UsageError(as + ": \"" + text + "\" is not a finite number");
  return value;
}

std::pair<float, float> ReadRange(const std::string& as, const std::string& text) {
  // Split at the colon that follows a number, so "-1:-0.5" and "1e-3:2" both work.
  for (size_t colon = text.find(':', 1); colon != std::string::npos; colon = text.find(':', colon + 1)) {
    const float low = ReadFloat(as, text.substr(0, colon));
    const float high = ReadFloat(as, text.substr(colon + 1));
    if (high < low) throw UsageError(as + ": LO must not be above HI, got \"" + text + "\"");
    return {low, high};
  }
  throw UsageError(as + ": expected LO:HI such as 0:1, got \"" + text + "\"");
}

// "A:B" with A < B: the tokens [A, B).
std::pair<uint64_t, uint64_t> ReadTokenRange(const std::string& as, const std::string& text) {
  const size_t colon = text.find(':');
  if (colon != std::string::npos) {
    const int64_t first = ReadWholeNumber(as, text.substr(0, colon), 0, 1 << 30);
    const int64_t end = ReadWholeNumber(as, text.substr(colon + 1), 0, 1 << 30);
    if (first < end) return {static_cast<uint64_t>(first), static_cast<uint64_t>(end)};
  }
  throw UsageError(as + ": expected A:B with A < B (the tokens A to B-1), got \"" + text + "\"");
}

// --layer, --head: an index, or mean or max over them all.
IndexOrReduction ReadIndexOrReduction(const std::string& as, const std::string& text) {
  if (text == "mean") return IndexOrReduction::Mean();
  if (text == "max") return IndexOrReduction::Max();
  int64_t index = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (error != std::errc() || end != text.data() + text.size() || index < 0 || index > int64_t{UINT32_MAX})
    throw UsageError(as + ": expected a whole number from 0 to " + std::to_string(UINT32_MAX) +
                     ", mean or max, got \"" + text + "\"");
  return {IndexOrReduction::Kind::kIndex, static_cast<uint32_t>(index)};
}

StateValue IndexOrReductionState(const IndexOrReduction& choice) {
  if (choice.kind == IndexOrReduction::Kind::kIndex) return uint64_t{choice.index};
  return ToString(choice);
}

// --print-state says what the session shows, not what was asked for: an attention field while the
// values are attention, the feature while they are a feature.
bool ShowsAttention(const Session& session) {
  return session.Source().kind == ValueSourceSpec::Kind::kAttention;
}

// Up to 4G tokens: 32 GB of ids and values, past every 4 GiB limit of plain zip.
constexpr int64_t kMaxGeneratedTokens = 4'000'000'000;
// --goto-top K, --goto-bottom K, --source I: as many as a document of 32-bit token indices has tokens.
constexpr int64_t kMaxTokens = int64_t{1} << 32;

// [SECTION] Readers made from the field they fill (a ViewOptions or a CommandLine member)

template <typename T>
struct MemberOf;
template <typename Class, typename T>
struct MemberOf<T Class::*> {
  using Owner = Class;
  using Type = T;
};
template <typename T>
struct Unwrapped {
  using Type = T;
};
template <typename T>
struct Unwrapped<std::optional<T>> {
  using Type = T;
};

template <auto field>
auto& Field(CommandLine& line) {
  if constexpr (std::is_same_v<typename MemberOf<decltype(field)>::Owner, ViewOptions>)
    return line.view.*field;
  else
    return line.*field;
}

template <auto field>
void Text(CommandLine& line, const std::string&, const std::string& value) {
  Field<field>(line) = value;
}

template <auto field>
void Flag(CommandLine& line, const std::string&, const std::string&) {
  Field<field>(line) = true;
}

template <auto field, int64_t min, int64_t max>
void Whole(CommandLine& line, const std::string& as, const std::string& value) {
  using Number = typename Unwrapped<typename MemberOf<decltype(field)>::Type>::Type;
  Field<field>(line) = static_cast<Number>(ReadWholeNumber(as, value, min, max));
}

// A name that must not be empty (an array's, a feature's).
template <auto field>
void Name(CommandLine& line, const std::string& as, const std::string& value) {
  if (value.empty()) throw UsageError(as + ": expected a name, got \"\"");
  Field<field>(line) = value;
}

void ReadJump(CommandLine& line, const std::string& as, const std::string& value) {
  if (line.jump)
    throw UsageError(as + ": give one of --goto-top, --goto-bottom or --goto-above (" + line.jump_option +
                     " was given)");
  ValueJump jump;
  if (as == "--goto-above") {
    jump.kind = ValueJump::Kind::kNextAbove;
    jump.threshold = ReadFloat(as, value);
  } else {
    jump.kind = as == "--goto-top" ? ValueJump::Kind::kHighest : ValueJump::Kind::kLowest;
    jump.rank = static_cast<uint64_t>(ReadWholeNumber(as, value, 1, kMaxTokens));
  }
  line.jump = jump;
  line.jump_option = as + " " + value;
}

// [SECTION] Script steps: the session takes the view option the step has just read

void PlaySequence(Session& session, const ViewOptions& view) {
  if (view.sequence >= static_cast<int>(session.Doc().sequences.size()))
    throw std::invalid_argument("no sequence " + std::to_string(view.sequence));
  session.SelectSequence(view.sequence);
}

void PlayChannel(Session& session, const ViewOptions& view) {
  const int channel = session.CurrentSequence().FindChannel(*view.channel);
  if (channel < 0) throw std::invalid_argument("no channel \"" + *view.channel + "\" in this sequence");
  session.SelectChannel(channel);
}

void PlayRange(Session& session, const ViewOptions& view) {
  session.SetManualRange(view.range->first, view.range->second);
}

void PlayPalette(Session& session, const ViewOptions& view) {
  const auto palette = FindPalette(*view.palette);
  if (!palette) throw std::invalid_argument("unknown palette " + *view.palette);
  session.SetPalette(*palette);
}

// A script's attention step (source, direction, layer, head) and feature step: the options so far
// pick the values as on the command line, the other kinds' left out (the last step wins: a channel
// step or --channel before it too), and a new kind of values brings its default mapping.
void PlayValueSource(Session& session, ViewOptions view, bool feature) {
  view.channel.reset();
  if (feature) {
    view.source.reset();
    view.layer.reset();
    view.head.reset();
    view.direction = AttentionDirection::kFrom;
  } else {
    view.feature.reset();
  }
  const ValueSourceSpec::Kind before = session.Source().kind;
  try {
    ConfigureValueSource(session, view);
  } catch (const UsageError& error) {
    throw std::invalid_argument(error.what());
  }
  if (session.Source().kind != before) session.ApplyDataDefaults(view.palette.has_value());
}
void PlayAttention(Session& session, const ViewOptions& view) { PlayValueSource(session, view, false); }
void PlayFeature(Session& session, const ViewOptions& view) { PlayValueSource(session, view, true); }

void PlayNorm(Session& session, const ViewOptions& view) {
  MappingSpec spec = session.Spec();
  ParseNormSpec(*view.norm, spec);  // std::invalid_argument with its reason
  session.SetSpec(spec);
}

// [SECTION] The table

constexpr unsigned kViewer = CommandBit(Command::kView);
constexpr unsigned kRender = CommandBit(Command::kRender);
constexpr unsigned kInfo = CommandBit(Command::kInfo);
constexpr unsigned kBench = CommandBit(Command::kBench);
constexpr unsigned kGenerate = CommandBit(Command::kGenerate);
// Every command reads the view options (generate then refuses each one given: CheckGenerate).
constexpr unsigned kEvery = kViewer | kRender | kInfo | kBench | kGenerate;

using S = OptionSection;

std::vector<OptionSpec> MakeOptions() {
  return {
      // [SECTION] Inputs
      {.name = "--demo", .section = S::kInput, .commands = kEvery,
       .help = "the built-in demo instead of a file (the viewer's default)", .read = Flag<&CommandLine::demo>},
      {.name = "--vocab", .value = "FILE", .section = S::kInput, .commands = kEvery,
       .help = "vocabulary for inputs with token ids: tokenizer.json or one token per line\n"
               "(default: tokenizer.json or vocab.txt beside the input)",
       .read = Text<&ViewOptions::vocab>},

      // [SECTION] View options
      {.name = "--seq", .value = "N", .commands = kEvery, .help = "sequence index (default 0)",
       .read = Whole<&ViewOptions::sequence, 0, 1 << 30>,
       .step = {.verb = "seq", .play = PlaySequence},
       .state = {.key = "sequence",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   return int64_t{session.Settings().sequence};
                 }}},
      {.name = "--channel", .value = "NAME", .commands = kEvery,
       .help = "channel to colour by (default: the sequence's first); or a derived channel:\n"
               "\"A-B\" or \"z(A)-z(B)\" (zero-anchored, diverging), or \"A/B\" (--norm ratio: log\n"
               "scale centred at 1, diverging)",
       .read = Text<&ViewOptions::channel>,
       .step = {.verb = "channel", .words = -1, .play = PlayChannel},
       .state = {.key = "channel",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   const Channel* channel = session.CurrentChannel();
                   return channel ? channel->name : std::string();
                 }}},
      {.name = "--range", .value = "LO:HI", .commands = kEvery, .help = "a manual range (scope manual) for the mapping",
       .read = [](CommandLine& line, const std::string& as, const std::string& value) {
         line.view.range = ReadRange(as, value);
       },
       .step = {.verb = "range", .words = 2, .play = PlayRange},
       .saved = {.key = "range", .field = &SavedViewOptions::range, .refused = "is not [LO, HI] with LO <= HI",
                 .yields_to = {"--range", "--norm", "--scope"}}},
      {.name = "--norm", .value = "MAPPING", .commands = kEvery,
       .help = "minmax | zero-max | symmetric[:P] | percentile:LO:HI | log | ratio[:P] |\n"
               "buckets:T1,T2,...  (percentiles interpolate linearly, as NumPy's default;\n"
               "symmetric:98 clips at the 98th percentile of |x|, ratio:98 at exp(+-the\n"
               "98th percentile of |log x|))\n"
               "(default: minmax when no value is negative, symmetric when values have both signs)",
       .read = Text<&ViewOptions::norm>,
       .step = {.verb = "norm", .play = PlayNorm},
       .saved = {.key = "norm", .field = &SavedViewOptions::norm, .refused = "is not a range mode of this version",
                 .accepts = [](const std::string& text) {
                   MappingSpec spec;
                   try {
                     ParseNormSpec(text, spec);
                     return true;
                   } catch (const std::invalid_argument&) {
                     return false;
                   }
                 },
                 .yields_to = {"--norm", "--range"}},
       .state = {.key = "mapping.norm",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   return NormSpecText(session.Spec());
                 }}},
      {.name = "--scope", .value = "SCOPE", .commands = kEvery,
       .help = "sequence | global (the channel over every sequence) | visible (default sequence)",
       .read = Text<&ViewOptions::scope>,
       .saved = {.key = "scope", .field = &SavedViewOptions::scope, .refused = "is not sequence, global or visible",
                 .accepts = [](const std::string& text) {
                   return text == "sequence" || text == "global" || text == "visible";
                 },
                 .yields_to = {"--scope", "--range"}},
       .state = {.key = "mapping.scope",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   return ScopeName(session.Spec().scope);
                 }}},
      {.name = "--gamma", .value = "G", .commands = kEvery, .help = "bend the scale: t' = t^G (default 1)",
       .read = [](CommandLine& line, const std::string& as, const std::string& value) {
         line.view.gamma = ReadFloat(as, value);
         if (!(line.view.gamma > 0.0f)) throw UsageError(as + ": must be above 0");
       },
       .saved = {.key = "gamma", .field = &SavedViewOptions::gamma, .refused = "is not a number above 0",
                 .yields_to = {"--gamma"}},
       .state = {.key = "mapping.gamma",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   return double{session.Spec().gamma};
                 }}},
      {.name = "--shuffle", .value = "SEED", .commands = kEvery,
       .help = "show the values permuted at random among the tokens (what chance looks like)",
       .read = Whole<&ViewOptions::shuffle_seed, 0, 1 << 30>},
      {.name = "--side-by-side", .commands = kEvery,
       .help = "with --shuffle: the real values and, beside them, the shuffled ones",
       .read = Flag<&ViewOptions::side_by_side>},
      {.name = "--underline", .value = "CHANNEL", .commands = kEvery,
       .help = "draw a second channel as an underline (thickness and colour from its min..max)",
       .read = Text<&ViewOptions::underline>},
      {.name = "--underline-palette", .value = "NAME", .commands = kEvery,
       .help = "the underline's palette (default Greys)", .read = Text<&ViewOptions::underline_palette>},
      {.name = "--granularity", .value = "G", .commands = kEvery,
       .help = "token | word | line | sentence: one value and one box per group",
       .read = Text<&ViewOptions::granularity>},
      {.name = "--merge", .value = "AGG", .commands = kEvery,
       .help = "how a group's value is made: sum | mean | max | max-abs (default mean)",
       .read = Text<&ViewOptions::merge>},
      {.name = "--palette", .value = "NAME", .commands = kEvery,
       .help = "Reds, Blues, Greens, Purples, Greys, viridis, magma, inferno, plasma, cividis,\n"
               "turbo, RdBu, coolwarm, PiYG, BrBG, tab10, Set2, gltr; NAME_r reverses\n"
               "(default: Reds, RdBu_r for symmetric and ratio, gltr for buckets)",
       .read = Text<&ViewOptions::palette>,
       .step = {.verb = "palette", .play = PlayPalette},
       .saved = {.key = "palette", .field = &SavedViewOptions::palette, .refused = "is not a built-in palette",
                 .accepts = [](const std::string& text) { return FindPalette(text).has_value(); },
                 .yields_to = {"--palette", "--palette-file"}},
       .state = {.key = "palette",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   return session.CurrentPalette().name;
                 }}},
      {.name = "--palette-file", .value = "FILE", .commands = kEvery,
       .help = "one #rrggbb per line: evenly spaced stops, linear in between",
       .read = Text<&ViewOptions::palette_file>},
      {.name = "--font-size", .value = "PX", .commands = kEvery,
       .help = "text size in pixels, 1..96 (default 16); below 6 zoomed out, in folded blocks",
       .read = Whole<&ViewOptions::font_size, kMinFontSize, kMaxFontSize>,
       .saved = {.key = "font_size", .field = &SavedViewOptions::font_size, .refused = "is not a whole number",
                 .clamp = {kMinFontSize, kMaxFontSize}, .yields_to = {"--font-size"}},
       .state = {.key = "font_size",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   return int64_t{session.Settings().font_size};
                 }}},
      {.name = "--font", .value = "PATTERN", .commands = kEvery,
       .help = "fontconfig pattern of the monospace font (default \"monospace\")", .read = Text<&ViewOptions::font>},
      {.name = "--stacked", .commands = kEvery,
       .help = "every listed sequence under a header (name, tokens, max, mean), in one\n"
               "scroll that opens at the top of the list (render: one PNG); the range scope\n"
               "becomes global unless --scope says",
       .read = Flag<&ViewOptions::stacked>,
       .state = {.key = "stacked",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   return session.Settings().stacked;
                 }}},
      {.name = "--filter", .value = "TEXT", .commands = kEvery,
       .help = "list only the sequences whose name contains TEXT (ignoring case)", .read = Text<&ViewOptions::filter>},
      {.name = "--sort", .value = "ORDER", .commands = kEvery,
       .help = "file | max | mean | length: the list's order, largest first (default file)",
       .read = [](CommandLine& line, const std::string& as, const std::string& value) {
         if (!ParseSequenceOrder(value)) throw UsageError(as + " " + value + ": expected file, max, mean or length");
         line.view.sort = value;
       }},
      {.name = "--overview", .value = "R", .commands = kEvery,
       .help = "max-abs | max | min | mean: how the overview strip reduces a row (default max-abs)",
       .read = [](CommandLine& line, const std::string& as, const std::string& value) {
         if (!ParseReduction(value)) throw UsageError(as + " " + value + ": expected max-abs, max, min or mean");
         line.view.overview = value;
       }},

      // [SECTION] What the values are: attention patterns, feature dictionaries (per file: not saved)
      // Not generate's: there --attention is a flag (the Generate options below).
      {.name = "--attention", .value = "NAME", .section = S::kValueSource, .commands = kEvery & ~kGenerate,
       .help = "the array of attention patterns [layers, heads, query, key] in an .npy, .npz or\n"
               "safetensors input, or NAME.0.npy, NAME.1.npy... beside it (default: attention\n"
               "or attn)",
       .read = Name<&ViewOptions::attention>,
       .step = {.verb = "attention", .words = -1},
       .state = {.key = "value_source.attention",
                 .shown = [](const Session&, const ViewOptions& view) -> StateValue {
                   return view.attention.empty() ? StateValue() : StateValue(view.attention);
                 }}},
      {.name = "--source", .value = "I", .section = S::kValueSource, .commands = kEvery,
       .help = "the source token, from 0: the values are its attention (see --direction)",
       .read = Whole<&ViewOptions::source, 0, kMaxTokens - 1>,
       .step = {.verb = "source", .play = PlayAttention},
       .state = {.key = "value_source.source",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   return ShowsAttention(session) ? StateValue(session.Source().source_token) : StateValue();
                 }}},
      {.name = "--direction", .value = "from|to", .section = S::kValueSource, .commands = kEvery,
       .help = "from: what the source token attends to (its row); to: what attends to it (its\n"
               "column) (default from)",
       .read = [](CommandLine& line, const std::string& as, const std::string& value) {
         if (value != "from" && value != "to") throw UsageError(as + " " + value + ": expected from or to");
         line.view.direction = value == "from" ? AttentionDirection::kFrom : AttentionDirection::kTo;
       },
       .step = {.verb = "direction", .play = PlayAttention},
       .state = {.key = "value_source.direction",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   if (!ShowsAttention(session)) return {};
                   return std::string(session.Source().direction == AttentionDirection::kTo ? "to" : "from");
                 }}},
      {.name = "--layer", .value = "L|mean|max", .section = S::kValueSource, .commands = kEvery,
       .help = "the layer, from 0, or the mean or max over the layers",
       .read = [](CommandLine& line, const std::string& as, const std::string& value) {
         line.view.layer = ReadIndexOrReduction(as, value);
       },
       .step = {.verb = "layer", .play = PlayAttention},
       .state = {.key = "value_source.layer",
                 .shown = [](const Session& session, const ViewOptions&) {
                   return ShowsAttention(session) ? IndexOrReductionState(session.Source().layer) : StateValue();
                 }}},
      {.name = "--head", .value = "H|mean|max", .section = S::kValueSource, .commands = kEvery,
       .help = "the head, from 0, or the mean or max over the heads",
       .read = [](CommandLine& line, const std::string& as, const std::string& value) {
         line.view.head = ReadIndexOrReduction(as, value);
       },
       .step = {.verb = "head", .play = PlayAttention},
       .state = {.key = "value_source.head",
                 .shown = [](const Session& session, const ViewOptions&) {
                   return ShowsAttention(session) ? IndexOrReductionState(session.Source().head) : StateValue();
                 }}},
      {.name = "--feature", .value = "INDEX|NAME", .section = S::kValueSource, .commands = kEvery,
       .help = "a feature of the input's feature dictionary, by its index or its name",
       .read = Name<&ViewOptions::feature>,
       .step = {.verb = "feature", .words = -1, .play = PlayFeature},
       .state = {.key = "value_source.feature",
                 .shown = [](const Session& session, const ViewOptions&) -> StateValue {
                   if (session.Source().kind != ValueSourceSpec::Kind::kFeature) return {};
                   return uint64_t{session.Source().feature};
                 }}},

      // [SECTION] Render options
      {.name = "--output", .alias = "-o", .value = "FILE", .section = S::kRender, .commands = kRender,
       .help = "the file to write; its extension picks the format: .png, .svg (vector, one\n"
               "rectangle and text per token) or .html (a page with value tooltips)",
       .read = Text<&CommandLine::output>},
      {.name = "--width", .value = "PX", .section = S::kRender, .commands = kRender,
       .help = "image width, 64..16384 (default 1000); the height follows the content",
       .read = Whole<&ViewOptions::width, 64, 16384>},
      {.name = "--scale", .value = "N", .section = S::kRender, .commands = kRender,
       .help = "every length times N, 1..8 (PNG at 2x or 4x for print)", .read = Whole<&CommandLine::scale, 1, 8>},
      {.name = "--tokens", .value = "A:B", .section = S::kRender, .commands = kRender,
       .help = "only the tokens A to B-1 of the sequence",
       .read = [](CommandLine& line, const std::string& as, const std::string& value) {
         line.tokens = ReadTokenRange(as, value);
       }},
      {.name = "--all-sequences", .section = S::kRender, .commands = kRender,
       .help = "every sequence (or those --filter lists), one file each, into --out-dir DIR\n"
               "as seq-N.FORMAT",
       .read = Flag<&CommandLine::all_sequences>},
      {.name = "--out-dir", .value = "DIR", .section = S::kRender, .commands = kRender,
       .help = "the folder --all-sequences writes into", .read = Text<&CommandLine::out_dir>},
      {.name = "--format", .value = "FORMAT", .section = S::kRender, .commands = kRender,
       .help = "png, svg or html, with --all-sequences (default png)",
       .read = [](CommandLine& line, const std::string& as, const std::string& value) {
         if (value != "png" && value != "svg" && value != "html")
           throw UsageError(as + " " + value + ": expected png, svg or html");
         line.format = value;
       }},
      {.name = "--legend", .section = S::kRender, .commands = kRender,
       .help = "the palette with its range and the mapping in words, below the text",
       .read = Flag<&CommandLine::legend>},
      {.name = "--caption", .section = S::kRender, .commands = kRender,
       .help = "the file, sequence and channel above the text", .read = Flag<&CommandLine::caption>},
      {.name = "--layout", .value = "FILE", .section = S::kRender, .commands = kRender,
       .help = "write every drawn token box as JSON, in the PNG's pixels, each with its\n"
               "\"seq\" (a --stacked PNG's boxes name their sequences)",
       .read = Text<&CommandLine::layout_output>},
      {.name = "--allow-empty", .section = S::kRender, .commands = kRender,
       .help = "draw it even when a drawn sequence has no tokens or its channel no finite\n"
               "value (without it: a warning naming each, no such picture written, exit 3)",
       .read = Flag<&CommandLine::allow_empty>},

      // [SECTION] Info options
      {.name = "--json", .section = S::kInfo, .commands = kInfo,
       .help = "print what the file holds as one JSON object, for scripts", .read = Flag<&CommandLine::json>},

      // [SECTION] Bench options
      {.name = "--synthetic", .value = "N", .section = S::kBench, .commands = kBench,
       .help = "a generated document of N tokens instead of INPUT (no download needed)",
       .read = Whole<&CommandLine::synthetic_tokens, 1, 1'000'000'000>},
      {.name = "--synthetic-cjk", .value = "N", .section = S::kBench, .commands = kBench,
       .help = "a generated document of N distinct CJK characters, 1..20992, each once (every\n"
               "page mostly glyphs not drawn before) instead of INPUT",
       .read = Whole<&CommandLine::synthetic_cjk, 1, 20'992>},
      {.name = "--width", .value = "PX", .section = S::kBench, .commands = kBench,
       .help = "frame width, 64..16384 (default 1920)", .read = Whole<&ViewOptions::width, 64, 16384>},
      {.name = "--height", .value = "PX", .section = S::kBench, .commands = kBench,
       .help = "frame height, 64..16384 (default 1080)", .read = Whole<&CommandLine::height, 64, 16384>},
      {.name = "--frames", .value = "N", .section = S::kBench, .commands = kBench,
       .help = "frames per phase (default 120)", .read = Whole<&CommandLine::bench_frames, 1, 100'000>},

      // [SECTION] Generate options
      {.name = "--output", .alias = "-o", .value = "FILE", .section = S::kGenerate, .commands = kGenerate,
       .help = "the .npz to write", .read = Text<&CommandLine::output>},
      {.name = "--sequences", .value = "S", .section = S::kGenerate, .commands = kGenerate,
       .help = "S sequences of N/S tokens each (default 1)",
       .read = Whole<&CommandLine::sequences, 1, kMaxGeneratedTokens>},
      {.name = "--attention", .section = S::kGenerate, .commands = kGenerate,
       .help = "also write attention, float16 [L, H, N, N] ([S, L, H, N/S, N/S] with\n"
               "--sequences): causal synthetic heads (previous token, first token, a window,\n"
               "induction), rows summing to 1, streamed to disk (4096 tokens: 4.8 GB)",
       .read = Flag<&CommandLine::generate_attention>},
      {.name = "--layers", .value = "L", .section = S::kGenerate, .commands = kGenerate,
       .help = "with --attention: L layers (default 12)", .read = Whole<&CommandLine::attention_layers, 1, 4096>},
      {.name = "--heads", .value = "H", .section = S::kGenerate, .commands = kGenerate,
       .help = "with --attention: H heads a layer (default 12)", .read = Whole<&CommandLine::attention_heads, 1, 4096>},
      {.name = "--features", .value = "F", .section = S::kGenerate, .commands = kGenerate,
       .help = "instead: a sparse store of F features' activations, --k a token (token_ids,\n"
               "feature_indices int32 and feature_values float32 [n, k]) as --shards files\n"
               "shard-00000.npz... in the folder -o DIR, with its tokenizer.json (for\n"
               "python3 -m tokenheat.index build DIR/shard-*.npz)",
       .read = Whole<&CommandLine::generate_features, 1, 1 << 24>},
      {.name = "--k", .value = "K", .section = S::kGenerate, .commands = kGenerate,
       .help = "with --features: K active features a token (default 32)", .read = Whole<&CommandLine::feature_k, 1, 4096>},
      {.name = "--shards", .value = "S", .section = S::kGenerate, .commands = kGenerate,
       .help = "with --features: S shards of N/S tokens (default 1)", .read = Whole<&CommandLine::shards, 1, 100'000>},

      // [SECTION] Viewer options
      {.name = "--frames", .value = "N", .section = S::kViewer, .commands = kViewer,
       .help = "draw N frames and exit (tests, scripted demos)", .read = Whole<&CommandLine::frames, 1, 1 << 30>},
      {.name = "--screenshot", .value = "FILE", .section = S::kViewer, .commands = kViewer,
       .help = "with --frames: save the last frame of the window as a PNG", .read = Text<&CommandLine::screenshot>},
      {.name = "--script", .value = "FILE", .section = S::kViewer, .commands = kViewer,
       .help = "play a scripted demo (open, seq, channel, goto, top, bottom, next-above,\n"
               "range, palette, norm, wait, screenshot, export...; one step per line); with\n"
               "--frames, N frames after its end; a failing step stops it: FILE:LINE, exit != 0",
       .read = Text<&CommandLine::script>},
      {.name = "--print-state", .section = S::kViewer, .commands = kViewer,
       .help = "on exit, print the view (file, sequence, channel, top token, the stacked\n"
               "view's top sequence, the mapping with its numbers, the value source...) as JSON",
       .read = Flag<&CommandLine::print_state>},
      {.name = "--listen", .value = "[PATH]", .section = S::kViewer, .commands = kViewer | kBench,
       .help = "accept live streams of tokens and values (tokenheat.connect() in Python) on a\n"
               "Unix socket: PATH, or $XDG_RUNTIME_DIR/tokenheat/<pid>.sock; printed on stdout.\n"
               "The next argument is PATH when it ends in .sock (or use --listen=PATH). With no\n"
               "FILE the viewer waits for the first sequence; with one, streams join its list.\n"
               "bench --listen [--synthetic N]: streams N tokens (default 1,000,000) through it",
       .read = Text<&CommandLine::listen>},
      {.name = "--reset-settings", .section = S::kViewer, .commands = kViewer,
       .help = "forget the saved settings (recent files, palette, mapping, text sizes, theme)",
       .read = Flag<&CommandLine::reset_settings>},
      {.name = "--goto-top", .value = "K", .section = S::kViewer, .commands = kViewer,
       .help = "open at the token with the K-th highest value (K = 1: the highest; equal\n"
               "values rank in reading order), its line at the top of the view, as the Go to\n"
               "panel's k-th button. Viewer only: render draws whole sequences",
       .read = ReadJump},
      {.name = "--goto-bottom", .value = "K", .section = S::kViewer, .commands = kViewer,
       .help = "the same with the K-th lowest value", .read = ReadJump},
      {.name = "--goto-above", .value = "T", .section = S::kViewer, .commands = kViewer,
       .help = "open at the first token after token 0 with a value above T (as the Go to\n"
               "panel's \"next above\"); no such token, or no K-th value, is an error",
       .read = ReadJump},

      // [SECTION] Other options
      {.name = "--help", .alias = "-h", .section = S::kOther, .commands = kEvery, .help = "this text, and exit",
       .read = [](CommandLine& line, const std::string&, const std::string&) { line.command = Command::kHelp; }},
      {.name = "--version", .section = S::kOther, .commands = kEvery, .help = "the version, and exit",
       .read = [](CommandLine& line, const std::string&, const std::string&) { line.command = Command::kVersion; }},
  };
}

}  // namespace

// [SECTION] Lookups

int64_t ReadWholeNumber(const std::string& as, const std::string& text, int64_t min, int64_t max) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max)
    throw UsageError(as + ": expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                     ", got \"" + text + "\"");
  return value;
}

std::span<const OptionSpec> Options() {
  static const std::vector<OptionSpec> options = MakeOptions();
  return options;
}

const OptionSpec* FindOption(std::string_view arg, Command command) {
  for (const OptionSpec& option : Options())
    if ((option.name == arg || (!option.alias.empty() && option.alias == arg)) &&
        (option.commands & CommandBit(command)))
      return &option;
  return nullptr;
}

const OptionSpec* FindStep(std::string_view verb) {
  for (const OptionSpec& option : Options())
    if (!option.step.verb.empty() && option.step.verb == verb) return &option;
  return nullptr;
}

std::string_view OptionSectionTitle(OptionSection section) {
  switch (section) {
    case OptionSection::kInput:
      return "Inputs (chosen by content): .npy, .npz, safetensors, JSON / JSONL (tokenheat's own, CircuitsVis,\n"
             "        OpenAI neuron-viewer, GLTR, inseq), CSV / TSV with a \"token\" column, or any text file.";
    case OptionSection::kView: return "View options:";
    case OptionSection::kValueSource:
      return "Attention and feature options (what the values are, in inputs with attention patterns or features):";
    case OptionSection::kRender: return "Render options:";
    case OptionSection::kInfo: return "Info options:";
    case OptionSection::kBench:
      return "Bench options (a scripted headless run: first frame, scroll, scrub, jumps, recolour; the last\n"
             "line printed is one JSON object):";
    case OptionSection::kGenerate:
      return "Generate options (the tokens and values of bench --synthetic N, as an uncompressed .npz that\n"
             "opens memory-mapped, with its vocabulary as tokenizer.json beside it):";
    case OptionSection::kViewer: return "Viewer options:";
    case OptionSection::kOther: return "Other options:";
  }
  return "";
}

std::string OptionSpec::Label() const {
  std::string label = alias.empty() ? std::string(name) : std::string(alias) + ", " + std::string(name);
  if (!value.empty()) label += " " + std::string(value);
  return label;
}

std::string OptionSpec::StepSyntax() const {
  std::string syntax(value);
  if (step.words == 2) std::replace(syntax.begin(), syntax.end(), ':', ' ');
  return std::string(step.verb) + " " + syntax;
}

// [SECTION] Spellings

std::string ShortestText(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::string(text, result.ptr);
}

std::string NormSpecText(const MappingSpec& spec) {
  const auto with_percentile = [&](const char* name) {
    return spec.symmetric_percentile == 100.0f ? std::string(name)
                                               : std::string(name) + ":" + ShortestText(spec.symmetric_percentile);
  };
  switch (spec.kind) {
    case NormKind::kMinMax: return "minmax";
    case NormKind::kZeroMax: return "zero-max";
    case NormKind::kSymmetric: return with_percentile("symmetric");
    case NormKind::kLog: return "log";
    case NormKind::kLogRatio: return with_percentile("ratio");
    case NormKind::kPercentile:
      return "percentile:" + ShortestText(spec.percentile_low) + ":" + ShortestText(spec.percentile_high);
    case NormKind::kBuckets: {
      std::string text = "buckets:";
      for (size_t i = 0; i < spec.thresholds.size(); ++i) text += (i > 0 ? "," : "") + ShortestText(spec.thresholds[i]);
      return text;
    }
  }
  return "minmax";
}

}  // namespace th::app
