#pragma once
// Command-line parsing, made from the option table (options.hpp). Every bad argument becomes a
// UsageError with a one-line message.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/document.hpp"
#include "core/empty_parts.hpp"
#include "core/palette.hpp"
#include "session/session.hpp"

namespace th::app {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Options that choose what is shown; shared by the viewer and `render`.
struct ViewOptions {
  std::optional<std::string> input;  // nullopt: the built-in demo
  std::string vocab;                 // --vocab: vocabulary for token ids ("" = look beside the input)
  int sequence = 0;
  std::optional<std::string> channel;
  std::optional<std::pair<float, float>> range;
  std::optional<std::string> norm;      // --norm: minmax, zero-max, symmetric, percentile:LO:HI, log, buckets:...
  std::optional<std::string> scope;     // --scope: sequence, global, visible
  float gamma = 1.0f;
  std::optional<uint64_t> shuffle_seed;
  bool side_by_side = false;            // --side-by-side: real values beside the shuffled ones
  std::optional<std::string> underline;          // --underline CHANNEL
  std::optional<std::string> underline_palette;  // --underline-palette NAME (default Greys)
  std::string granularity = "token";    // --granularity token|word|line|sentence
  std::string merge = "mean";           // --merge sum|mean|max|max-abs
  std::optional<std::string> palette;   // nullopt: chosen from the data
  std::optional<std::string> palette_file;
  int font_size = 16;
  bool stacked = false;                 // --stacked: every listed sequence under its header
  std::string filter;                   // --filter TEXT: list the sequences whose name contains it
  std::string sort = "file";            // --sort file|max|mean|length: the list's order (descending)
  std::string overview = "max-abs";     // --overview max-abs|max|min|mean: the overview strip's reduction
  int width = 1000;    // render: image width in pixels
  std::string font = "monospace";
  // What the values are, in inputs with attention patterns or a feature dictionary: parsed and
  // checked here, applied to the session by ConfigureValueSource. Each is also a script step and a
  // field of --print-state's "value_source", and none is saved (they belong to one file).
  std::string attention;                // --attention NAME: the array of patterns (LoadOptions::attention_array; "": the default)
  std::optional<uint64_t> source;       // --source I: the source token, from 0
  AttentionDirection direction = AttentionDirection::kFrom;  // --direction from|to
  std::optional<IndexOrReduction> layer;  // --layer L|mean|max
  std::optional<IndexOrReduction> head;   // --head H|mean|max
  std::optional<std::string> feature;     // --feature INDEX|NAME: a feature of the dictionary
};

// A jump by value: the viewer's --goto-top K, --goto-bottom K and --goto-above T, and the script
// steps top K, bottom K and next-above T (Session::GoToRanked and GoToNextAbove, as the Go to
// panel's buttons).
struct ValueJump {
  enum class Kind { kHighest, kLowest, kNextAbove };
  Kind kind = Kind::kHighest;
  uint64_t rank = 1;        // kHighest, kLowest: the token of the rank-th highest (lowest) value
  float threshold = 0.0f;   // kNextAbove: the first token after the current one above it
};

// Makes the jump in the session's running text; throws std::invalid_argument with the one-line
// reason when there is no such token (the caller names the option or the step).
void JumpByValue(Session& session, const ValueJump& jump);

enum class Command { kView, kRender, kInfo, kBench, kGenerate, kHelp, kVersion };

struct CommandLine {
  Command command = Command::kView;
  ViewOptions view;
  bool demo = false;           // --demo: the built-in demo (the viewer's default without a file)
  std::string output;          // render -o: .png, .svg or .html; generate -o: .npz
  std::optional<std::string> layout_output;  // render --layout
  int scale = 1;               // render --scale: PNG at 2x, 4x...
  std::optional<std::pair<uint64_t, uint64_t>> tokens;  // render --tokens A:B, tokens [A, B)
  bool all_sequences = false;  // render --all-sequences: one file per sequence in out_dir
  std::string out_dir;         // render --out-dir
  std::string format = "png";  // render --format, with --all-sequences
  bool legend = false;         // render --legend (SVG, HTML)
  bool caption = false;        // render --caption: file, sequence, channel above the text (SVG, HTML)
  bool allow_empty = false;    // render --allow-empty: draw a picture with no value in it all the same
  bool json = false;           // info --json
  std::optional<int> frames;   // viewer --frames
  std::optional<std::string> screenshot;  // viewer --screenshot (with --frames)
  std::optional<std::string> script;      // viewer --script FILE: a scripted demo
  bool print_state = false;               // viewer --print-state: the final view as JSON on exit
  bool reset_settings = false;            // viewer --reset-settings: forget the saved settings
  std::optional<std::string> listen;      // viewer --listen [PATH]: "" is the default socket
  std::optional<ValueJump> jump;          // viewer --goto-top, --goto-bottom, --goto-above
  std::string jump_option;                // that option and its value as given, for its error
  std::vector<std::string> given;         // every --option on the command line (saved settings yield)
  std::optional<uint64_t> synthetic_tokens;  // bench --synthetic N, generate N: a synthetic document
  std::optional<uint32_t> synthetic_cjk;     // bench --synthetic-cjk N: N distinct CJK characters
  uint64_t sequences = 1;                    // generate --sequences S: rows of N / S tokens
  bool generate_attention = false;           // generate --attention: synthetic attention patterns too
  uint32_t attention_layers = 12;            // generate --layers L (with --attention)
  uint32_t attention_heads = 12;             // generate --heads H (with --attention)
  std::optional<uint32_t> generate_features;  // generate --features F: a sparse activation store instead
  uint32_t feature_k = 32;                   // generate --k K (with --features)
  uint64_t shards = 1;                       // generate --shards S (with --features)
  int height = 1080;                         // bench --height (--width sets view.width)
  int bench_frames = 120;                    // bench --frames: frames per scripted phase
};

CommandLine ParseCommandLine(const std::vector<std::string>& args);
std::string UsageText();

// The document named by the options (or the demo); throws LoadError. Says on stderr what the
// loader did not read (Document::warnings).
Document LoadInput(const ViewOptions& options);

// One warning line on stderr per listed empty part (a sequence without tokens, a channel without a
// finite value), then one saying how many more parts.count holds: `render` and `info` list at most
// kMaxEmptyWarnings, whatever the number of sequences.
inline constexpr size_t kMaxEmptyWarnings = 20;
void WarnOfEmptyParts(const Document& document, const EmptyParts& parts);

// Applies the options to a session (sequence, channel, mapping, palette, shuffle, font size),
// checked: throws UsageError naming the bad option. What the options leave open is chosen from
// the data (Session::ApplyDataDefaults).
void ConfigureSession(Session& session, const ViewOptions& options);

}  // namespace th::app
