#include "app/headless_render.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/value_stats.hpp"
#include "gfx/heatmap_renderer.hpp"
#include "gfx/offscreen_target.hpp"
#include "layout/line_index.hpp"
#include "text/glyph_atlas.hpp"
#include "ui/view_state.hpp"

namespace th::app {

namespace {

// The float's shortest decimal form as a double, so 0.1f is written as 0.1, not 0.100000001.
double ShortestDouble(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::strtod(std::string(text, result.ptr).c_str(), nullptr);
}

constexpr int kBandHeight = 4096;  // well inside every GL implementation's framebuffer limit
constexpr Rgb8 kCanvas{255, 255, 255};
}  // namespace

RenderedImage RenderSequenceImage(const RenderRequest& request) {
  GlyphAtlas atlas(request.font, request.font_size);
  RenderedImage image;
  image.padding = Session::kPadding;
  image.geometry = GridGeometry::ForCell(atlas.CellWidth(), atlas.CellHeight());
  const int columns = std::max((request.width - 2 * image.padding) / image.geometry.cell_width, 1);
  const LineIndex lines = LineIndex::Build(*request.sequence, columns);
  image.layout = LayoutLines(*request.sequence, lines, request.values, 0, lines.LineCount());
  image.width = request.width;
  image.height = 2 * image.padding +
                 static_cast<int>(lines.LineCount()) * image.geometry.LinePitch() - image.geometry.line_gap;

  gl::HeatmapRenderer renderer(atlas);
  renderer.SetPalette(request.palette);
  renderer.SetLayout(image.layout);
  image.missing_glyphs = atlas.MissingGlyphCount();

  gl::OffscreenTarget target;
  const size_t row_bytes = static_cast<size_t>(image.width) * 4;
  image.pixels.resize(row_bytes * static_cast<size_t>(image.height));
  for (int band_top = 0; band_top < image.height; band_top += kBandHeight) {
    const int band_height = std::min(kBandHeight, image.height - band_top);
    target.Resize(image.width, band_height);
    target.Bind();
    gl::HeatmapDrawParams params;
    params.viewport_width = image.width;
    params.viewport_height = band_height;
    params.geometry = image.geometry;
    params.origin_x = static_cast<float>(image.padding);
    params.origin_y = static_cast<float>(image.padding - band_top);
    params.low = request.low;
    params.high = request.high;
    params.canvas = kCanvas;
    renderer.Draw(params);
    const std::vector<uint8_t> band = target.ReadPixels();
    std::memcpy(image.pixels.data() + static_cast<size_t>(band_top) * row_bytes, band.data(), band.size());
  }
  gl::OffscreenTarget::BindDefault();
  return image;
}

std::string LayoutJson(const RenderedImage& image, const Sequence& sequence, int sequence_index, float low,
                       float high) {
  using nlohmann::json;
  json tokens = json::array();
  const GridGeometry& g = image.geometry;
  for (size_t i = 0; i < image.layout.instances.size(); ++i) {
    const TokenInstance& instance = image.layout.instances[i];
    const uint64_t token = image.layout.tokens[i];
    const std::string_view text = sequence.Token(token);
    const auto norm = NormaliseValue(instance.value, low, high);
    tokens.push_back({
        {"seq", sequence_index},
        {"index", token},
        {"text", std::string(text.substr(image.layout.byte_begin[i],
                                         image.layout.byte_end[i] - image.layout.byte_begin[i]))},
        {"x", image.padding + instance.column * g.cell_width},
        {"y", image.padding + instance.row * g.LinePitch()},
        {"w", g.BoxWidth(instance.cells)},
        {"h", g.cell_height},
        {"value", std::isfinite(instance.value) ? json(ShortestDouble(instance.value)) : json(nullptr)},
        {"norm", norm ? json(ShortestDouble(*norm)) : json(nullptr)},
    });
  }
  const json document = {{"width", image.width},
                         {"height", image.height},
                         {"missing_glyphs", image.missing_glyphs},
                         {"tokens", std::move(tokens)}};
  // Token bytes that are not valid UTF-8 are written as U+FFFD rather than failing the export.
  return document.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace th::app
