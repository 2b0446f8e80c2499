#pragma once
// Renders a whole sequence to pixels with the same renderer and shaders as the viewer, in a
// headless EGL context. Tall documents are drawn in horizontal bands (GL limits framebuffer
// sizes) and stitched.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/document.hpp"
#include "core/palette.hpp"
#include "layout/visible_layout.hpp"
#include "session/session.hpp"

namespace th::app {

// Renders and figures are drawn on white, whatever the viewer's theme.
inline constexpr Rgb8 kFigureCanvas{255, 255, 255};

struct RenderRequest {
  const Session* session = nullptr;  // sequence, values, mapping and palette
  bool twin = false;                 // draw the session's shuffled twin (side by side)
  std::string font = "monospace";
  int width = 1000;  // before scaling
  // Every length times scale (font size, padding, gaps, cells, width): the same picture at 2x or
  // 4x for print, exactly scale times as wide, with glyphs rasterised at the larger size rather
  // than magnified.
  int scale = 1;
  // False: the layout, its geometry and its glyphs (missing_glyphs) only, with no pixels drawn or
  // kept (an SVG), so no image size limit but an int's applies.
  bool keep_pixels = true;
};

// The most pixels a render keeps: 2^28, 1 GiB of RGBA (16384 x 16384), checked before anything
// is allocated.
inline constexpr int64_t kMaxImagePixels = int64_t{1} << 28;

// An image too large to make; its message says what to do instead.
class ImageTooLarge : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ImageTooLarge when height passes an int, or, when the pixels are kept, width x height
// passes kMaxImagePixels.
void CheckImageSize(int64_t width, int64_t height, bool keep_pixels = true);

struct RenderedImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // RGBA8, top-down
  VisibleLayout layout;         // every line of the sequence
  // The stacked view's: the sequence each of the layout's rows belongs to (empty otherwise).
  std::vector<uint32_t> row_sequence;
  GridGeometry geometry;
  // The grid of the caption's and legend's words: the text's, or the glyphs' own cells when the
  // text is zoomed out (folded, without glyphs).
  GridGeometry word_geometry;
  int padding = 0;
  int grid_top = 0;           // pixels above the text's top padding (a PNG's caption)
  std::string font;           // RenderRequest::font, the fontconfig pattern of the glyphs
  int font_size = 0;          // the pixel size the glyphs were drawn at (the default when folded)
  // RenderRequest::scale: every length of the scale-1 picture was multiplied by it, cells and
  // width included, so its lines break where they break at scale 1.
  int scale = 1;
  int twin_left = 0;          // side by side: where the shuffled half starts (0: no twin)
  size_t missing_glyphs = 0;  // distinct characters drawn as the missing-glyph box
  size_t dropped_glyphs = 0;  // glyphs not drawn because the atlas was full (0 unless a bug)
  size_t placeholder_glyphs = 0;  // cells drawn as a glyph not rasterised yet (0: render has no budget)
  size_t atlas_bytes = 0;     // the glyph atlas's pixel memory at its largest
};

// The current sequence, or in the stacked view (Settings().stacked) every listed sequence under
// its header. Needs a current GL context (gl::HeadlessContext). Throws on GL or font errors, and
// ImageTooLarge (CheckImageSize) before laying out or drawing anything.
RenderedImage RenderSequenceImage(const RenderRequest& request);

// What RenderSequenceImage lays out, without drawing: the size, geometry and layout of the
// picture, no pixels and no glyph counts. Needs no GL context (a vector or web export's boxes).
RenderedImage LayOutSequenceImage(const RenderRequest& request);

// Two renders next to each other (left, a gap of canvas, right): side by side comparisons. Throws
// ImageTooLarge.
RenderedImage PlaceSideBySide(RenderedImage left, const RenderedImage& right, int gap);

// The --layout JSON: {"width","height","tokens":[{"seq","index","text","x","y","w","h","value","norm"}]}
// with one entry per drawn token box, seq naming its sequence (in the stacked view, its block's;
// the blocks' headers are not token boxes). A token wrapped across lines has one box per line,
// each with its part of the text, so the texts concatenate to the sequence's text, byte for byte
// (a byte that is not valid UTF-8 is written as a lone surrogate escape, "\udc80".."\udcff", as
// Python's surrogateescape does; strict parsers such as nlohmann::json refuse those). norm is the
// palette position after the session's mapping. first_token: the input index of the sequence's
// first token when only a range of it was rendered (--tokens), so indices name the input's tokens.
std::string LayoutJson(const RenderedImage& image, const Session& session, uint64_t first_token = 0);

}  // namespace th::app
