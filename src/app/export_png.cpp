// The PNG's caption and legend: bands of the render's own grid above and below the text, drawn by
// the heatmap renderer that drew the tokens. Its glyph atlas draws their text, its palette texture
// the gradient and its mapping the buckets' swatches, so the legend shows the colours the tokens
// are drawn with; the words are the SVG's and HTML's (ui/legend.hpp).
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "app/export.hpp"
#include "gfx/heatmap_renderer.hpp"
#include "gfx/offscreen_target.hpp"
#include "layout/display_cells.hpp"
#include "layout/plain_text.hpp"
#include "text/glyph_atlas.hpp"
#include "ui/legend.hpp"

namespace th::app {

namespace {

constexpr int kLegendBarCells = 36;     // the gradient: about the SVG's 360 pixels at 16 px text
constexpr int kNoValueSwatchCells = 3;  // the hatched key, then its words a cell further on

int CellCount(std::string_view text) {
  std::vector<DisplayUnit> units;
  SplitDisplayUnits(text, units);
  int cells = 0;
  for (const DisplayUnit& unit : units) cells += unit.cells;
  return cells;
}

// Lines of at most `columns` cells, broken at spaces; a word longer than a line is cut.
std::vector<std::string> WrapToColumns(std::string_view text, int columns) {
  std::vector<std::string> lines;
  std::string line;
  const auto place = [&](std::string_view word) {
    const std::string joined = line.empty() ? std::string(word) : line + " " + std::string(word);
    if (CellCount(joined) <= columns) {
      line = joined;
      return;
    }
    if (!line.empty()) lines.push_back(line);
    line.clear();
    std::vector<DisplayUnit> units;
    SplitDisplayUnits(word, units);
    int used = 0;
    size_t begin = 0;
    for (const DisplayUnit& unit : units) {
      if (used + unit.cells > columns && used > 0) {
        lines.emplace_back(word.substr(begin, unit.byte_begin - begin));
        begin = unit.byte_begin;
        used = 0;
      }
      used += unit.cells;
    }
    line = std::string(word.substr(begin));
  };
  for (size_t start = 0; start <= text.size();) {
    const size_t end = std::min(text.find(' ', start), text.size());
    // Runs of spaces inside a line are kept (the legend aligns with them); at a break they go.
    if (end > start || !line.empty()) place(text.substr(start, end - start));
    start = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// Instances on the render's grid that are not tokens: plain text, the gradient and swatches.
struct Band {
  VisibleLayout layout;
  int rows = 0;

  void Box(int row, int column, int cells, uint16_t flags, float value) {
    TokenInstance instance{};
    instance.column = static_cast<uint16_t>(column);
    instance.row = static_cast<uint16_t>(row);
    instance.cells = static_cast<uint16_t>(cells);
    instance.flags = flags;
    instance.value = value;
    instance.first_cell = static_cast<uint32_t>(layout.cells.size());
    instance.underline = NAN;
    layout.cells.insert(layout.cells.end(), static_cast<size_t>(cells), U' ');
    layout.instances.push_back(instance);
    rows = std::max(rows, row + 1);
  }

  void Text(int row, int column, std::string_view text) {
    if (text.empty()) return;
    AppendPlainText(layout, row, column, text);
    rows = std::max(rows, row + 1);
  }

  // Wrapped lines from `row` on; returns the row after them.
  int Paragraph(int row, std::string_view text, int columns) {
    for (const std::string& line : WrapToColumns(text, columns)) Text(row++, 0, line);
    return row;
  }
};

// The legend as the SVG lays it out, in grid cells: the gradient (or the buckets) with its
// numbers, the no-value key, then the mapping in words.
Band LegendBand(const Session& session, int columns) {
  Band band;
  const int bar_cells = std::min(kLegendBarCells, columns);
  int row = 0;
  if (session.Mapping().Bucketed()) {
    const std::vector<ui::LegendSwatch> swatches = ui::BucketSwatches(session);
    int width = bar_cells / static_cast<int>(swatches.size());
    for (const ui::LegendSwatch& swatch : swatches) width = std::max(width, CellCount(swatch.label) + 1);
    width = std::min(width, columns);
    const int per_row = std::max(columns / width, 1);
    for (size_t b = 0; b < swatches.size(); ++b) {
      const int swatch_row = 2 * static_cast<int>(b / static_cast<size_t>(per_row));
      const int column = static_cast<int>(b % static_cast<size_t>(per_row)) * width;
      // The swatch's colour comes from the shader's own bucketing of a value inside the bucket.
      band.Box(swatch_row, column, std::max(width - 1, 1), 0, swatches[b].value);
      band.Text(swatch_row + 1, column, swatches[b].label);
    }
    row = band.rows;
  } else {
    band.Box(row++, 0, bar_cells, kPaletteRampFlag, NAN);
    for (const ui::LegendLabel& label : ui::GradientLabels(session)) {
      // As the SVG anchors them: the low number starts at the bar's start, the high one ends at its end.
      const int cells = CellCount(label.text);
      const int centre = static_cast<int>(std::lround(label.position * static_cast<float>(bar_cells)));
      const int column = label.position == 0.0f   ? 0
                         : label.position == 1.0f ? bar_cells - cells
                                                  : centre - cells / 2;
      band.Text(row, std::clamp(column, 0, std::max(columns - cells, 0)), label.text);
    }
    ++row;
  }
  band.Box(row, 0, kNoValueSwatchCells, kNoValueFlag, NAN);
  band.Text(row++, kNoValueSwatchCells + 1, "no value");
  for (const std::string& line : ui::MappingWordLines(session)) row = band.Paragraph(row, line, columns);
  return band;
}

// Draws a band's instances on the image's grid, row 0 at origin_y, into an image-wide band.
std::vector<uint8_t> DrawBand(gl::HeatmapRenderer& renderer, const Band& band, const RenderedImage& image,
                              const Session& session, int origin_y, int height) {
  renderer.SetLayout(band.layout);
  gl::OffscreenTarget target;
  target.Resize(image.width, height);
  target.Bind();
  gl::HeatmapDrawParams params;
  params.viewport_width = image.width;
  params.viewport_height = height;
  params.geometry = image.geometry;
  params.origin_x = static_cast<float>(image.padding);
  params.origin_y = static_cast<float>(origin_y);
  params.mapping = session.Mapping();
  params.canvas = kFigureCanvas;
  renderer.Draw(params);
  std::vector<uint8_t> pixels = target.ReadPixels();
  gl::OffscreenTarget::BindDefault();
  return pixels;
}

}  // namespace

void AddCaptionAndLegend(RenderedImage& image, const Session& session, const std::string& font,
                         const ExportOptions& options) {
  if (options.caption.empty() && !options.legend) return;
  GlyphAtlas atlas(font, image.font_size);
  gl::HeatmapRenderer renderer(atlas);
  renderer.SetPalette(session.CurrentPalette());
  const GridGeometry& g = image.geometry;
  const int columns = std::max((image.width - 2 * image.padding) / g.cell_width, 1);
  const auto rows_height = [&](const Band& band) { return band.rows * g.LinePitch() - g.line_gap; };

  // Above the text: the caption at the text's padding; the text's own padding follows it.
  std::vector<uint8_t> caption_pixels;
  int caption_height = 0;
  if (!options.caption.empty()) {
    Band caption;
    caption.Paragraph(0, options.caption, columns);
    caption_height = image.padding + rows_height(caption);
    caption_pixels = DrawBand(renderer, caption, image, session, image.padding, caption_height);
  }
  // Below it: the legend, after the text's bottom padding, and padding under it.
  std::vector<uint8_t> legend_pixels;
  int legend_height = 0;
  if (options.legend) {
    const Band legend = LegendBand(session, columns);
    legend_height = rows_height(legend) + image.padding;
    legend_pixels = DrawBand(renderer, legend, image, session, 0, legend_height);
  }

  std::vector<uint8_t> pixels;
  pixels.reserve(caption_pixels.size() + image.pixels.size() + legend_pixels.size());
  for (const std::vector<uint8_t>* part : {&caption_pixels, &image.pixels, &legend_pixels})
    pixels.insert(pixels.end(), part->begin(), part->end());
  image.pixels = std::move(pixels);
  image.height += caption_height + legend_height;
  image.grid_top += caption_height;
  image.missing_glyphs += atlas.MissingGlyphCount();
}

}  // namespace th::app
