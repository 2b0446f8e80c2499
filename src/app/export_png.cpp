// The PNG's caption and legend: bands of the render's own grid above and below the text, drawn by
// the heatmap renderer that drew the tokens. Its glyph atlas draws their text, its palette texture
// the gradient and its mapping the buckets' swatches, so the legend shows the colours the tokens
// are drawn with; the words are the SVG's and HTML's (session/legend.hpp).
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/export.hpp"
#include "gfx/heatmap_renderer.hpp"
#include "gfx/offscreen_target.hpp"
#include "layout/display_cells.hpp"
#include "layout/plain_text.hpp"
#include "text/glyph_atlas.hpp"
#include "session/legend.hpp"

namespace th::app {

namespace {

constexpr int kLegendBarCells = 36;     // the gradient: about the SVG's 360 pixels at 16 px text
constexpr int kNoValueSwatchCells = 3;  // the hatched key, then its words a cell further on
constexpr int kClipWordsCells = 30;     // the clip key's words beside its swatches when this many columns are left

// Lines of at most `columns` cells, broken at spaces; a word longer than a line is cut.
std::vector<std::string> WrapToColumns(std::string_view text, int columns) {
  std::vector<std::string> lines;
  std::string line;
  const auto place = [&](std::string_view word) {
    const std::string joined = line.empty() ? std::string(word) : line + " " + std::string(word);
    if (PlainTextCells(joined) <= columns) {
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
    AppendBlankBox(layout, row, column, cells, flags, value);
    rows = std::max(rows, row + 1);
  }

  void Text(int row, int column, std::string_view text) {
    if (text.empty()) return;
    AppendPlainText(layout, row, column, text);
    rows = std::max(rows, row + 1);
  }

  // Wrapped lines from `row` on, from `column` to `columns`; returns the row after them.
  int Paragraph(int row, std::string_view text, int columns, int column = 0) {
    for (const std::string& line : WrapToColumns(text, columns - column)) Text(row++, column, line);
    return row;
  }
};

// The legend as the SVG lays it out, in grid cells: the gradient (or the buckets) with its
// numbers, the no-value key, the clip key, then the shuffled mark and the mapping in words.
Band LegendBand(const Session& session, int columns) {
  Band band;
  const int bar_cells = std::min(kLegendBarCells, columns);
  int row = 0;
  if (session.Mapping().Bucketed()) {
    const std::vector<ui::LegendSwatch> swatches = ui::BucketSwatches(session);
    int width = bar_cells / static_cast<int>(swatches.size());
    for (const ui::LegendSwatch& swatch : swatches) width = std::max(width, PlainTextCells(swatch.label) + 1);
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
      const int cells = PlainTextCells(label.text);
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
  if (const std::optional<ui::ClipKey> clip = ui::ClippingKey(session)) {
    // A value just below the range and one just above it: the shader notches them as it notches
    // the tokens. The words follow them, or go under them when the figure is too narrow.
    band.Box(row, 0, kNoValueSwatchCells, 0, clip->below);
    band.Box(row, kNoValueSwatchCells + 1, kNoValueSwatchCells, 0, clip->above);
    const int beside = 2 * (kNoValueSwatchCells + 1);
    row = columns - beside >= kClipWordsCells ? band.Paragraph(row, clip->words, columns, beside)
                                              : band.Paragraph(row + 1, clip->words, columns);
  }
  row = band.Paragraph(row, ui::ShuffledWords(session), columns);
  for (const std::string& line : ui::MappingWordLines(session)) row = band.Paragraph(row, line, columns);
  return band;
}

// Draws a band's instances on the image's grid, column 0 at origin_x and row 0 at origin_y, into
// an image-wide band.
std::vector<uint8_t> DrawBand(gl::HeatmapRenderer& renderer, const Band& band, const RenderedImage& image,
                              const Session& session, int origin_x, int origin_y, int height) {
  renderer.SetLayout(band.layout);
  gl::OffscreenTarget target;
  target.Resize(image.width, height);
  target.Bind();
  gl::HeatmapDrawParams params;
  params.viewport_width = image.width;
  params.viewport_height = height;
  params.geometry = image.word_geometry;
  params.origin_x = static_cast<float>(origin_x);
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
  const std::string shuffled = ui::ShuffledWords(session);
  if (options.caption.empty() && !options.legend && shuffled.empty()) return;
  const GridGeometry& g = image.word_geometry;
  // The render's own cells: at --scale N they are N times the scale-1 cells, not the font's.
  GlyphAtlas atlas(font, image.font_size, 0, GlyphAtlas::CellSize{g.cell_width, g.cell_height});
  gl::HeatmapRenderer renderer(atlas);
  renderer.SetPalette(session.CurrentPalette());
  const int columns = std::max((image.width - 2 * image.padding) / g.cell_width, 1);
  const auto rows_height = [&](const Band& band) { return band.rows * g.LinePitch() - g.line_gap; };

  // Above the text, at the text's padding (the text's own padding follows): the caption, then
  // what the values are when they are not the data's own, whether or not a legend was asked
  // for: the shuffled mark, or side by side a label over each half, on that half's own grid.
  std::vector<uint8_t> caption_pixels;
  int caption_height = 0;
  Band heading;
  Band twin_heading;
  const int label_row = heading.Paragraph(0, options.caption, columns);
  if (image.twin_left > 0) {
    const int half_columns = std::max((image.width - image.twin_left - 2 * image.padding) / g.cell_width, 1);
    const ui::SideBySideLabels labels = ui::SideBySideLabelsOf(session);
    heading.Paragraph(label_row, labels.real, half_columns);
    twin_heading.Paragraph(label_row, labels.shuffled, half_columns);
  } else {
    heading.Paragraph(label_row, shuffled, columns);
  }
  heading.rows = std::max(heading.rows, twin_heading.rows);
  if (heading.rows > 0) {
    caption_height = image.padding + rows_height(heading);
    caption_pixels = DrawBand(renderer, heading, image, session, image.padding, image.padding, caption_height);
    if (image.twin_left > 0) {
      // The shuffled half's label replaces the pixels right of the halves' seam, below the caption.
      const std::vector<uint8_t> twin_pixels =
          DrawBand(renderer, twin_heading, image, session, image.twin_left + image.padding, image.padding,
                   caption_height);
      const size_t row_bytes = static_cast<size_t>(image.width) * 4;
      const size_t seam = static_cast<size_t>(image.twin_left) * 4;
      const int label_top = image.padding + label_row * g.LinePitch() - g.line_gap;
      for (int y = std::max(label_top, 0); y < caption_height; ++y) {
        const size_t row = static_cast<size_t>(y) * row_bytes;
        std::copy(twin_pixels.begin() + static_cast<std::ptrdiff_t>(row + seam),
                  twin_pixels.begin() + static_cast<std::ptrdiff_t>(row + row_bytes),
                  caption_pixels.begin() + static_cast<std::ptrdiff_t>(row + seam));
      }
    }
  }
  // Below it: the legend, after the text's bottom padding, and padding under it.
  std::vector<uint8_t> legend_pixels;
  int legend_height = 0;
  if (options.legend) {
    const Band legend = LegendBand(session, columns);
    legend_height = rows_height(legend) + image.padding;
    legend_pixels = DrawBand(renderer, legend, image, session, image.padding, 0, legend_height);
  }

  CheckImageSize(image.width, int64_t{image.height} + caption_height + legend_height);
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
