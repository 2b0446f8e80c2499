#pragma once
// Renders a whole sequence to pixels with the same renderer and shaders as the viewer, in a
// headless EGL context. Tall documents are drawn in horizontal bands (GL limits framebuffer
// sizes) and stitched.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/document.hpp"
#include "core/palette.hpp"
#include "layout/visible_layout.hpp"

namespace th::app {

struct RenderRequest {
  const Sequence* sequence = nullptr;
  std::span<const float> values;
  float low = 0, high = 1;
  Palette palette;
  int font_size = 16;
  std::string font = "monospace";
  int width = 1000;
};

struct RenderedImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // RGBA8, top-down
  VisibleLayout layout;         // every line of the sequence
  GridGeometry geometry;
  int padding = 0;
  size_t missing_glyphs = 0;
};

// Needs a current GL context (gl::HeadlessContext). Throws on GL or font errors.
RenderedImage RenderSequenceImage(const RenderRequest& request);

// The --layout JSON: {"width","height","tokens":[{"seq","index","text","x","y","w","h","value","norm"}]}
// with one entry per drawn box (a token wrapped across lines has one box per line, each with its
// part of the text, so the texts concatenate to the sequence's text).
std::string LayoutJson(const RenderedImage& image, const Sequence& sequence, int sequence_index, float low,
                       float high);

}  // namespace th::app
