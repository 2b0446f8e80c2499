#pragma once
// Vector and web exports of a rendered sequence: SVG (one rectangle and one text element per
// drawn box: vector, selectable text, fonts named) and a self-contained HTML page (one element
// per token with a hover tooltip of its value). Colours come from the CPU reference the shader
// mirrors (MapValue, Palette::At, ContrastingTextColour), so they equal the PNG's. Token text is
// escaped: a token such as "<script>" shows as itself and never becomes markup.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/cli.hpp"
#include "app/headless_render.hpp"
#include "layout/shader_constants.hpp"
#include "session/session.hpp"

namespace th::app {

struct ExportOptions {
  bool legend = false;       // the palette, its range and the mapping in words, below the text
  std::string caption;       // a line above the text ("" = none)
  std::string font_family;   // the fontconfig pattern's family, named first in font-family
  uint64_t first_token = 0;  // input index of the exported first token (a --tokens range)
};

// &, <, >, " and ' as entities; characters XML forbids (controls other than tab, newline and
// carriage return) become U+FFFD, and bytes that are not valid UTF-8 their hex form "\xHH".
std::string EscapeMarkup(std::string_view text);

// The SVG of a render: its boxes, at its pixel geometry, each token's text measured with the
// render's fonts (GlyphAtlas::ShapedAdvance) to sit in its box as the PNG's glyphs do.
std::string ExportSvg(const RenderedImage& image, const Session& session, const ExportOptions& options);

// The HTML page of a render (LayOutSequenceImage will do: no pixels are needed): one <span> per
// box at the render's pixel geometry, with the value in its title (the tooltip) and in
// data-value. The image's scale multiplies the legend's lengths, as --scale does a PNG's.
std::string ExportHtml(const RenderedImage& image, const Session& session, const ExportOptions& options);

// What a box draws, as the exports write it: its display units in reading (logical) order, each
// as the grid draws it (AppendUnitCells): a marker where the grid draws one (whitespace in a
// token of only whitespace, newlines, tabs, control, zero-width and bidi control characters),
// "\xHH" for a byte that is not UTF-8, the text itself otherwise. The exports write this, never
// the raw text, so they show what the PNG shows and no control character reorders or hides the
// text around it.
struct DrawnUnit {
  std::u32string text;
  bool marker = false;  // drawn dim, and ordered as a neutral (isolated), as on the grid
};
struct DrawnBox {
  std::vector<DrawnUnit> units;
  // The direction the grid orders the text in: its first strong letter's (left to right with none).
  bool right_to_left = false;
};
DrawnBox DrawnBoxOf(const Sequence& sequence, const VisibleLayout& layout, size_t instance, TokenText which);
// The box's text, escaped, each marker between marker_open and marker_close (an isolating element).
std::string DrawnMarkup(const DrawnBox& box, std::string_view marker_open, std::string_view marker_close);
// Markers are drawn at kMarkerCoverage (layout/shader_constants.hpp) of the text's ink, as the
// shader draws them: their opacity is ShortestNumber(kMarkerCoverage).

// The automatic caption: file, sequence and channel.
std::string DefaultCaption(const Session& session);

// [SECTION] Files: `tokenheat render` and the viewer's Export both write through here.

enum class ExportFormat { kPng, kSvg, kHtml };
// "png", "svg", "html"; otherwise a UsageError naming path.
ExportFormat FormatNamed(const std::string& name, const std::string& path);
ExportFormat FormatOfPath(const std::string& path);  // by the extension
// The family a fontconfig pattern names ("DejaVu Sans Mono:bold" -> "DejaVu Sans Mono"; "" for
// the generic "monospace", which the exports name after it anyway).
std::string FontFamily(const std::string& pattern);

// The files a command reads, which none of its outputs may replace.
class InputFiles {
 public:
  InputFiles() = default;  // none
  // What loading with these options may read: the input, its tokens (INPUT.tokens.json), its
  // vocabulary (--vocab, or tokenizer.json or vocab.txt beside the input) and --palette-file;
  // and the saved settings.
  explicit InputFiles(const ViewOptions& view);
  // A document file and the files the loader looks for beside it.
  void AddDocument(const std::string& path);
  // Throws UsageError "refusing to overwrite the ROLE PATH" when output is one of them: the same
  // file (device and inode) by its name, a symlink or a hard link.
  void CheckNotOverwritten(const std::string& output) const;

 private:
  struct File {
    std::string role;  // "input file", "vocabulary"...
    std::string path;
  };
  std::vector<File> m_files;
};

struct ExportJob {
  std::string path;                         // its extension picks the format
  InputFiles inputs;                        // never written over
  std::optional<std::string> layout_path;  // PNG, SVG: the boxes as JSON (LayoutJson)
  std::string font = "monospace";
  int width = 1000;
  int scale = 1;
  ExportOptions options;
};

// The PNG's caption (above the text) and legend (below it), as options ask, drawn on the render's
// grid by the heatmap renderer (export_png.cpp); with shuffled values, always the shuffled mark
// above the text (side by side, a label over each half). The image grows by their height,
// grid_top by what is above the text. Needs a current GL context. Throws ImageTooLarge.
void AddCaptionAndLegend(RenderedImage& image, const Session& session, const std::string& font,
                         const ExportOptions& options);

// Writes the session's current sequence (PNG and SVG need a current GL context); returns the
// image size as "WxH, " ("" for HTML). Throws UsageError when the path or the layout path is one
// of the inputs or the format unknown, std::runtime_error "PATH: ..." when the image would be too
// large (ImageTooLarge) or writing fails.
std::string WriteExport(const Session& session, const ExportJob& job);

// [SECTION] Shared by the two formats (export_common.cpp)

std::string HexColour(Rgb8 colour);  // "#rrggbb"
std::string ShortestNumber(float value);  // the shortest decimal that reads back as the same float
// A box's colours as the shader draws them, and its clip notch; nullopt for a token without a
// value (hatched).
struct BoxColours {
  Rgb8 background;
  Rgb8 text;
  int clipped = 0;  // -1: below the range (notch at bottom left), +1: above (top right), 0: none
};
// The notch's legs are kNotchPixels (layout/shader_constants.hpp), as the shader draws it, in the
// text colour.
std::optional<BoxColours> ColoursOf(const Session& session, float value);
// The tooltip: "#INDEX CHANNEL: VALUE" ("no value" for NaN/Inf).
std::string TooltipText(const Session& session, uint64_t index, float value);
// The palette as gradient stops (offset in [0, 1], colour); a categorical palette has hard edges.
std::vector<std::pair<float, Rgb8>> GradientStops(const Palette& palette);
// The hatching the shader draws for tokens without a value.
inline constexpr Rgb8 kNoValueBase{204, 204, 204};
inline constexpr Rgb8 kNoValueStripe{158, 158, 158};

}  // namespace th::app
