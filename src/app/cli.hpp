#pragma once
// Command-line parsing. Every bad argument becomes a UsageError with a one-line message.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/document.hpp"
#include "core/palette.hpp"

namespace th::app {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Options that choose what is shown; shared by the viewer and `render`.
struct ViewOptions {
  std::optional<std::string> input;  // nullopt: the built-in demo
  int sequence = 0;
  std::optional<std::string> channel;
  std::optional<std::pair<float, float>> range;
  std::string palette = "Reds";
  std::optional<std::string> palette_file;
  int font_size = 16;
  int width = 1000;    // render: image width in pixels
  std::string font = "monospace";
};

enum class Command { kView, kRender, kInfo, kHelp, kVersion };

struct CommandLine {
  Command command = Command::kView;
  ViewOptions view;
  std::string output;          // render -o
  std::optional<std::string> layout_output;  // render --layout
  bool json = false;           // info --json
  std::optional<int> frames;   // viewer --frames
  std::optional<std::string> screenshot;  // viewer --screenshot (with --frames)
};

CommandLine ParseCommandLine(const std::vector<std::string>& args);
std::string UsageText();

// The document named by the options (or the demo); throws LoadError.
Document LoadInput(const ViewOptions& options);

// What the options select inside a document, checked: throws UsageError naming the bad option.
struct ResolvedView {
  int sequence = 0;
  int channel = -1;  // -1: the sequence has no channels
  float low = 0, high = 1;
  Palette palette;
};
ResolvedView ResolveView(const Document& document, const ViewOptions& options);

}  // namespace th::app
