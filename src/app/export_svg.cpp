// SVG export: one <rect class="token"> and one <text class="token"> per drawn box, at the
// render's pixel geometry, so the figure matches the PNG and its text stays selectable.
#include <sstream>
#include <string>
#include <vector>

#include "app/export.hpp"
#include "ui/legend.hpp"

namespace th::app {

namespace {

constexpr int kLegendBarWidth = 360;
constexpr int kLegendBarHeight = 14;
constexpr int kNoValueSwatchWidth = 28;

// The legend below the text: the bar, its numbers, the no-value key, the words.
int LegendHeight(const Session& session, int font_size) {
  return kLegendBarHeight + (3 + static_cast<int>(ui::MappingWordLines(session).size())) * font_size;
}

void WriteLegend(std::ostringstream& svg, const Session& session, int left, int top, int font_size) {
  svg << "<g class=\"legend\" font-size=\"" << font_size << "\">\n";
  const int label_y = top + kLegendBarHeight + font_size;
  if (session.Mapping().Bucketed()) {
    const std::vector<ui::LegendSwatch> swatches = ui::BucketSwatches(session);
    const int width = kLegendBarWidth / static_cast<int>(swatches.size());
    for (size_t b = 0; b < swatches.size(); ++b) {
      const int x = left + width * static_cast<int>(b);
      svg << "<rect x=\"" << x << "\" y=\"" << top << "\" width=\"" << width - 2 << "\" height=\"" << kLegendBarHeight
          << "\" fill=\"" << HexColour(swatches[b].colour) << "\"/>\n<text x=\"" << x << "\" y=\"" << label_y << "\">"
          << EscapeMarkup(swatches[b].label) << "</text>\n";
    }
  } else {
    svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << kLegendBarWidth << "\" height=\""
        << kLegendBarHeight << "\" fill=\"url(#palette)\"/>\n";
    for (const ui::LegendLabel& label : ui::GradientLabels(session)) {
      const char* anchor = label.position == 0.0f ? "start" : label.position == 1.0f ? "end" : "middle";
      svg << "<text x=\"" << left + static_cast<int>(label.position * kLegendBarWidth) << "\" y=\"" << label_y
          << "\" text-anchor=\"" << anchor << "\">" << EscapeMarkup(label.text) << "</text>\n";
    }
  }
  int y = label_y + font_size + font_size / 2;
  svg << "<rect x=\"" << left << "\" y=\"" << y - font_size + 2 << "\" width=\"" << kNoValueSwatchWidth
      << "\" height=\"" << font_size << "\" fill=\"url(#no-value)\"/>\n<text x=\"" << left + kNoValueSwatchWidth + 6
      << "\" y=\"" << y << "\">no value</text>\n";
  for (const std::string& line : ui::MappingWordLines(session)) {
    y += font_size + font_size / 4;
    svg << "<text x=\"" << left << "\" y=\"" << y << "\">" << EscapeMarkup(line) << "</text>\n";
  }
  svg << "</g>\n";
}

}  // namespace

std::string ExportSvg(const RenderedImage& image, const Session& session, const ExportOptions& options) {
  const int font_size = image.font_size;
  const int caption_height = options.caption.empty() ? 0 : font_size * 2;
  const int legend_top = caption_height + image.height;
  const int height = legend_top + (options.legend ? LegendHeight(session, font_size) + image.padding : 0);
  std::ostringstream svg;
  svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << image.width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << image.width << ' ' << height << "\" font-family=\""
      << EscapeMarkup(options.font_family.empty() ? "monospace" : options.font_family + ", monospace")
      << "\" font-size=\"" << font_size << "\">\n<defs>\n"
      // The shader's hatching for tokens without a value: grey stripes at 45 degrees.
      << "<pattern id=\"no-value\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\""
      << HexColour(kNoValueBase) << "\"/><rect width=\"3\" height=\"6\" fill=\"" << HexColour(kNoValueStripe)
      << "\"/></pattern>\n<linearGradient id=\"palette\">";
  for (const auto& [offset, colour] : GradientStops(session.CurrentPalette()))
    svg << "<stop offset=\"" << offset << "\" stop-color=\"" << HexColour(colour) << "\"/>";
  svg << "</linearGradient>\n</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  if (!options.caption.empty())
    svg << "<text class=\"caption\" x=\"" << image.padding << "\" y=\"" << image.padding + font_size << "\">"
        << EscapeMarkup(options.caption) << "</text>\n";

  const GridGeometry& g = image.geometry;
  const Sequence& sequence = session.CurrentSequence();
  svg << "<g class=\"tokens\" transform=\"translate(0 " << caption_height << ")\">\n";
  for (size_t i = 0; i < image.layout.instances.size(); ++i) {
    const TokenInstance& instance = image.layout.instances[i];
    const uint64_t index = options.first_token + image.layout.tokens[i];
    const int x = image.padding + instance.column * g.cell_width;
    const int y = image.padding + instance.row * g.LinePitch();
    const int width = g.BoxWidth(instance.cells);
    const auto colours = ColoursOf(session, instance.value);
    svg << "<rect class=\"token\" data-index=\"" << index << "\" x=\"" << x << "\" y=\"" << y << "\" width=\"" << width
        << "\" height=\"" << g.cell_height << "\" fill=\""
        << (colours ? HexColour(colours->background) : std::string("url(#no-value)")) << "\"><title>"
        << EscapeMarkup(TooltipText(session, index, instance.value)) << "</title></rect>\n";
    // The text spans the box's cells, as the grid draws it; its own spaces are kept.
    svg << "<text class=\"token\" data-index=\"" << index << "\" x=\"" << x << "\" y=\"" << y + g.cell_height / 2
        << "\" dominant-baseline=\"central\" xml:space=\"preserve\" textLength=\"" << width
        << "\" lengthAdjust=\"spacing\" fill=\"" << HexColour(colours ? colours->text : Rgb8{0, 0, 0}) << "\">"
        << EscapeMarkup(BoxText(sequence, image.layout, i)) << "</text>\n";
  }
  svg << "</g>\n";
  if (options.legend) WriteLegend(svg, session, image.padding, legend_top, font_size);
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace th::app
