// SVG export: one <rect class="token"> and one <text class="token"> per drawn box, at the
// render's pixel geometry, so the figure matches the PNG and its text stays selectable.
#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "app/export.hpp"
#include "text/glyph_atlas.hpp"
#include "session/legend.hpp"

namespace th::app {

namespace {

// Legend lengths at scale 1, as the PNG's and the viewer's colour bar at 16 px text; --scale
// multiplies them as it multiplies the text, so a 4x figure keeps its proportions.
constexpr int kLegendBarWidth = 360;
constexpr int kLegendBarHeight = 14;
constexpr int kNoValueSwatchWidth = 28;
// The shuffled mark, as the viewer's colour bar writes it.
constexpr const char* kShuffledStyle = "fill=\"#c85a00\" font-weight=\"bold\"";
constexpr Rgb8 kPage{255, 255, 255};  // the figure's background

int LineStep(int font_size) { return font_size + font_size / 4; }

// The shader's clip notch on a box: a triangle with legs of kNotchPixels in the text colour, at
// the top right for a value above the range, at the bottom left below it.
void WriteNotch(std::ostringstream& svg, int x, int y, int width, int height, const BoxColours& colours) {
  if (colours.clipped == 0) return;
  const bool above = colours.clipped > 0;
  const int corner_x = above ? x + width : x, corner_y = above ? y : y + height;
  const int leg_x = above ? -kNotchPixels : kNotchPixels, leg_y = above ? kNotchPixels : -kNotchPixels;
  svg << "<polygon class=\"notch\" points=\"" << corner_x << ',' << corner_y << ' ' << corner_x + leg_x << ','
      << corner_y << ' ' << corner_x << ',' << corner_y + leg_y << "\" fill=\"" << HexColour(colours.text)
      << "\"/>\n";
}

// The legend below the text: the bar, its numbers, the no-value key, the clip key, the shuffled
// mark, the words; the last line's baseline and room for its descenders.
int LegendHeight(const Session& session, int font_size, int scale) {
  const int word_lines = static_cast<int>(ui::MappingWordLines(session).size()) +
                         (ui::ShuffledWords(session).empty() ? 0 : 1) + (ui::ClippingKey(session) ? 1 : 0);
  return kLegendBarHeight * scale + font_size + font_size + font_size / 2 + word_lines * LineStep(font_size) +
         font_size / 2;
}

void WriteLegend(std::ostringstream& svg, const Session& session, int left, int top, int font_size, int scale) {
  const int bar_width = kLegendBarWidth * scale;
  const int bar_height = kLegendBarHeight * scale;
  svg << "<g class=\"legend\" font-size=\"" << font_size << "\">\n";
  const int label_y = top + bar_height + font_size;
  if (session.Mapping().Bucketed()) {
    const std::vector<ui::LegendSwatch> swatches = ui::BucketSwatches(session);
    const int width = bar_width / static_cast<int>(swatches.size());
    for (size_t b = 0; b < swatches.size(); ++b) {
      const int x = left + width * static_cast<int>(b);
      svg << "<rect x=\"" << x << "\" y=\"" << top << "\" width=\"" << width - 2 * scale << "\" height=\""
          << bar_height << "\" fill=\"" << HexColour(swatches[b].colour) << "\"/>\n<text x=\"" << x << "\" y=\""
          << label_y << "\">" << EscapeMarkup(swatches[b].label) << "</text>\n";
    }
  } else {
    svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << bar_width << "\" height=\"" << bar_height
        << "\" fill=\"url(#palette)\"/>\n";
    for (const ui::LegendLabel& label : ui::GradientLabels(session)) {
      const char* anchor = label.position == 0.0f ? "start" : label.position == 1.0f ? "end" : "middle";
      svg << "<text x=\"" << left + static_cast<int>(label.position * static_cast<float>(bar_width)) << "\" y=\""
          << label_y << "\" text-anchor=\"" << anchor << "\">" << EscapeMarkup(label.text) << "</text>\n";
    }
  }
  int y = label_y + font_size + font_size / 2;
  const int swatch_width = kNoValueSwatchWidth * scale;
  svg << "<rect x=\"" << left << "\" y=\"" << y - font_size + 2 * scale << "\" width=\"" << swatch_width
      << "\" height=\"" << font_size << "\" fill=\"url(#no-value)\"/>\n<text x=\"" << left + swatch_width + 6 * scale
      << "\" y=\"" << y << "\">no value</text>\n";
  if (const std::optional<ui::ClipKey> clip = ui::ClippingKey(session)) {
    // A value just below the range and one just above it, notched as the tokens are.
    y += LineStep(font_size);
    const int box_y = y - font_size + 2 * scale;
    int x = left;
    for (const float value : {clip->below, clip->above}) {
      if (const std::optional<BoxColours> colours = ColoursOf(session, value)) {
        svg << "<rect class=\"clip-key\" x=\"" << x << "\" y=\"" << box_y << "\" width=\"" << swatch_width
            << "\" height=\"" << font_size << "\" fill=\"" << HexColour(colours->background) << "\"/>\n";
        WriteNotch(svg, x, box_y, swatch_width, font_size, *colours);
      }
      x += swatch_width + 4 * scale;
    }
    svg << "<text class=\"clipping\" x=\"" << x + 2 * scale << "\" y=\"" << y << "\">" << EscapeMarkup(clip->words)
        << "</text>\n";
  }
  if (const std::string shuffled = ui::ShuffledWords(session); !shuffled.empty()) {
    y += LineStep(font_size);
    svg << "<text class=\"shuffled\" x=\"" << left << "\" y=\"" << y << "\" " << kShuffledStyle << ">"
        << EscapeMarkup(shuffled) << "</text>\n";
  }
  for (const std::string& line : ui::MappingWordLines(session)) {
    y += LineStep(font_size);
    svg << "<text x=\"" << left << "\" y=\"" << y << "\">" << EscapeMarkup(line) << "</text>\n";
  }
  svg << "</g>\n";
}

}  // namespace

std::string ExportSvg(const RenderedImage& image, const Session& session, const ExportOptions& options) {
  const int font_size = image.font_size;
  // Above the text: the caption, and the shuffled mark whether or not a legend was asked for.
  const std::string shuffled = ui::ShuffledWords(session);
  const int heading_lines = (options.caption.empty() ? 0 : 1) + (shuffled.empty() ? 0 : 1);
  const int caption_height = heading_lines == 0 ? 0 : font_size * 2 + (heading_lines - 1) * LineStep(font_size);
  const int legend_top = caption_height + image.height;
  const int height = legend_top + (options.legend ? LegendHeight(session, font_size, image.scale) + image.padding : 0);
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
  svg << "</linearGradient>\n</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"" << HexColour(kPage) << "\"/>\n";
  int heading_y = image.padding + font_size;
  if (!options.caption.empty()) {
    svg << "<text class=\"caption\" x=\"" << image.padding << "\" y=\"" << heading_y << "\">"
        << EscapeMarkup(options.caption) << "</text>\n";
    heading_y += LineStep(font_size);
  }
  if (!shuffled.empty())
    svg << "<text class=\"shuffled\" x=\"" << image.padding << "\" y=\"" << heading_y << "\" " << kShuffledStyle
        << ">" << EscapeMarkup(shuffled) << "</text>\n";

  const GridGeometry& g = image.geometry;
  const Sequence& sequence = session.CurrentSequence();
  GlyphAtlas atlas(image.font, image.font_size);  // measures the text with the render's fonts
  svg << "<g class=\"tokens\" transform=\"translate(0 " << caption_height << ")\">\n";
  for (size_t i = 0; i < image.layout.instances.size(); ++i) {
    const TokenInstance& instance = image.layout.instances[i];
    const uint64_t index = options.first_token + image.layout.tokens[i];
    const int x = image.padding + instance.column * g.cell_width;
    const int y = image.padding + instance.row * g.LinePitch();
    const int width = g.BoxWidth(instance.cells);
    // A token without a value by design sits on the canvas, as the shader draws it.
    const std::optional<BoxColours> colours = instance.flags & kUnmeasuredFlag
                                                  ? BoxColours{kPage, ContrastingTextColour(kPage)}
                                                  : ColoursOf(session, instance.value);
    svg << "<rect class=\"token\" data-index=\"" << index << "\" x=\"" << x << "\" y=\"" << y << "\" width=\"" << width
        << "\" height=\"" << g.cell_height << "\" fill=\""
        << (colours ? HexColour(colours->background) : std::string("url(#no-value)")) << "\"><title>"
        << EscapeMarkup(TooltipText(session, index, instance.value)) << "</title></rect>\n";
    if (instance.flags & kFoldedBlockFlag) continue;  // zoomed out: no text or notch, as on screen
    if (colours) WriteNotch(svg, x, y, width, g.cell_height, *colours);
    // The attention source's frame, inside the box as the shader draws it.
    if (instance.flags & kSourceTokenFlag) {
      const double inset = kSourceFramePixels / 2.0;
      svg << "<rect class=\"source\" x=\"" << x + inset << "\" y=\"" << y + inset << "\" width=\""
          << width - kSourceFramePixels << "\" height=\"" << g.cell_height - kSourceFramePixels
          << "\" fill=\"none\" stroke=\"" << HexColour(colours ? colours->text : Rgb8{0, 0, 0})
          << "\" stroke-width=\"" << kSourceFramePixels << "\"/>\n";
    }
    // The text as the grid draws it, its own spaces kept, in the box's cells (the gap after the
    // box included): centred when narrower, as the grid centres glyphs narrower than their
    // cells, squeezed when wider, as it scales them down. textLength holds it there in a browser
    // with other fonts too; with the render's fonts it is the text's own advance and changes
    // nothing. Squeezing scales the glyphs: spacing them out would pull clusters apart.
    const DrawnBox drawn = DrawnBoxOf(sequence, image.layout, i, session.Settings().token_text);
    double advance = 0.0;
    for (const DrawnUnit& unit : drawn.units) advance += atlas.ShapedAdvance(unit.text);
    const double cells_width = instance.cells * g.cell_width;
    svg << "<text class=\"token\" data-index=\"" << index << "\" x=\"" << x + cells_width / 2 << "\" y=\""
        << y + g.cell_height / 2 << "\" text-anchor=\"middle\" dominant-baseline=\"central\" direction=\""
        << (drawn.right_to_left ? "rtl" : "ltr") << "\" xml:space=\"preserve\" textLength=\""
        << std::min(advance, cells_width) << "\" lengthAdjust=\"spacingAndGlyphs\" fill=\""
        << HexColour(colours ? colours->text : Rgb8{0, 0, 0}) << "\">"
        << DrawnMarkup(drawn, "<tspan class=\"marker\" fill-opacity=\"" + ShortestNumber(kMarkerCoverage) +
                                  "\" unicode-bidi=\"isolate\">",
                       "</tspan>")
        << "</text>\n";
  }
  svg << "</g>\n";
  if (options.legend) WriteLegend(svg, session, image.padding, legend_top, font_size, image.scale);
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace th::app
