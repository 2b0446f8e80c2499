// HTML export: a page with no external resources. The tokens are laid out on the PNG's grid,
// one <span class="token"> per box where the PNG draws it, coloured as the viewer colours them,
// with the text the grid draws (copyable); hovering one shows its index and value (the title
// attribute), which data-value also holds.
#include <cmath>
#include <optional>
#include <sstream>

#include "app/export.hpp"
#include "session/legend.hpp"

namespace th::app {

namespace {

std::string CssGradient(const Palette& palette) {
  std::string css = "linear-gradient(to right";
  for (const auto& [offset, colour] : GradientStops(palette))
    css += ", " + HexColour(colour) + " " + std::to_string(offset * 100.0f) + "%";
  return css + ")";
}

// The class that gives a box the shader's clip notch (.above, .below), with its leading space.
const char* NotchClass(int clipped) { return clipped > 0 ? " above" : clipped < 0 ? " below" : ""; }

void WriteLegend(std::ostringstream& html, const Session& session) {
  html << "<div class=\"legend\">\n";
  if (session.Mapping().Bucketed()) {
    html << "<div class=\"buckets\">";
    for (const ui::LegendSwatch& swatch : ui::BucketSwatches(session))
      html << "<span><i style=\"background:" << HexColour(swatch.colour) << "\"></i>" << EscapeMarkup(swatch.label)
           << "</span>";
    html << "</div>\n";
  } else {
    html << "<div class=\"bar\" style=\"background:" << CssGradient(session.CurrentPalette()) << "\"></div>\n"
         << "<div class=\"labels\">";
    for (const ui::LegendLabel& label : ui::GradientLabels(session)) html << "<span>" << EscapeMarkup(label.text) << "</span>";
    html << "</div>\n";
  }
  if (const std::optional<ui::ClipKey> clip = ui::ClippingKey(session)) {
    // A value just below the range and one just above it, notched as the tokens are.
    html << "<p class=\"clipping\">";
    for (const float value : {clip->below, clip->above})
      if (const std::optional<BoxColours> colours = ColoursOf(session, value))
        html << "<i class=\"clip-key" << NotchClass(colours->clipped) << "\" style=\"background:"
             << HexColour(colours->background) << ";color:" << HexColour(colours->text) << "\"></i>";
    html << EscapeMarkup(clip->words) << "</p>\n";
  }
  if (const std::string shuffled = ui::ShuffledWords(session); !shuffled.empty())
    html << "<p class=\"shuffled\">" << EscapeMarkup(shuffled) << "</p>\n";
  html << "<p><i class=\"no-value\"></i> no value &nbsp;|&nbsp; " << EscapeMarkup(ui::MappingWords(session))
       << "</p>\n</div>\n";
}

}  // namespace

std::string ExportHtml(const RenderedImage& image, const Session& session, const ExportOptions& options) {
  // The legend's lengths at scale 1 are the PNG's and the viewer's colour bar's; --scale
  // multiplies them as it multiplies the heatmap.
  const auto px = [&image](int pixels) { return std::to_string(pixels * image.scale) + "px"; };
  const auto pixels = [](int length) { return std::to_string(length) + "px"; };
  const GridGeometry& g = image.geometry;
  const std::string family = EscapeMarkup(options.font_family.empty() ? "monospace" : options.font_family);
  const std::string stripes = HexColour(kNoValueBase) + " 0 3px, " + HexColour(kNoValueStripe) + " 3px 6px";
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
       << EscapeMarkup(options.caption.empty() ? DefaultCaption(session) : options.caption) << "</title>\n<style>\n"
       << "body { margin: 12px; background: #ffffff; color: #000000; font-family: sans-serif; font-size: " << px(16)
       << "; }\n"
       // The render's grid: every box where the PNG draws it, one line of boxes per row.
       << ".heatmap { position: relative; width: " << pixels(image.width) << "; height: " << pixels(image.height)
       << "; font-family: \"" << family << "\", monospace; font-size: " << pixels(image.font_size) << "; }\n"
       << ".line { position: absolute; left: " << pixels(image.padding) << "; height: " << pixels(g.cell_height)
       << "; }\n"
       // Each token is its own bidi paragraph, as on the grid (dir: its first strong letter's
       // direction): its text orders itself and never the tokens around it. Text narrower than
       // its cells is centred in them, as the PNG's.
       << ".token { position: absolute; top: 0; height: " << pixels(g.cell_height)
       << "; line-height: " << pixels(g.cell_height)
       << "; white-space: pre; text-align: center; unicode-bidi: isolate; }\n"
       // The grid's markers: dim, and each a neutral in its token's order, as on the grid.
       << ".marker { opacity: " << ShortestNumber(kMarkerCoverage) << "; unicode-bidi: isolate; }\n"
       << ".token:hover { outline: 2px solid #000000; }\n"
       // The attention source's frame, inside the box as the shader draws it.
       << ".source { outline: " << px(kSourceFramePixels) << " solid currentColor; outline-offset: -"
       << px(kSourceFramePixels) << "; }\n"
       // The shader's clip notch: a corner triangle in the text colour, top right above the
       // range, bottom left below it, of a token or of the legend's clip key.
       << ".clip-key { position: relative; }\n"
       << ".above::after, .below::after { content: \"\"; position: absolute; width: 0; height: 0; }\n"
       << ".above::after { top: 0; right: 0; border-top: " << px(kNotchPixels)
       << " solid currentColor; border-left: " << px(kNotchPixels) << " solid transparent; }\n"
       << ".below::after { bottom: 0; left: 0; border-bottom: " << px(kNotchPixels)
       << " solid currentColor; border-right: " << px(kNotchPixels) << " solid transparent; }\n"
       << ".no-value { background: repeating-linear-gradient(45deg, " << stripes << "); }\n"
       << ".legend { font-size: " << px(13) << "; margin-top: 1em; }\n"
       << ".legend .bar { width: " << px(360) << "; height: " << px(14) << "; }\n"
       << ".legend .labels { width: " << px(360) << "; display: flex; justify-content: space-between; }\n"
       << ".legend .buckets span { margin-right: 1em; }\n"
       << ".legend i { display: inline-block; width: " << px(28)
       << "; height: 1em; vertical-align: middle; margin-right: " << px(4) << "; }\n"
       // The viewer's colour bar writes its shuffled mark so too.
       << ".shuffled { color: #c85a00; font-weight: bold; }\n"
       << "</style>\n</head>\n<body>\n<figure>\n";
  if (!options.caption.empty()) html << "<figcaption>" << EscapeMarkup(options.caption) << "</figcaption>\n";
  // Whether or not a legend was asked for: a shuffled control never passes for the data.
  if (const std::string shuffled = ui::ShuffledWords(session); !shuffled.empty())
    html << "<p class=\"shuffled\">" << EscapeMarkup(shuffled) << "</p>\n";
  html << "<div class=\"heatmap\">\n";
  const Sequence& sequence = session.CurrentSequence();
  const VisibleLayout& layout = image.layout;
  size_t i = 0;
  for (size_t row = 0; row < layout.line_count; ++row) {
    html << "<div class=\"line\" style=\"top:" << pixels(image.padding + static_cast<int>(row) * g.LinePitch())
         << "\">";
    for (; i < layout.instances.size() && layout.instances[i].row == row; ++i) {
      const TokenInstance& instance = layout.instances[i];
      const uint64_t index = options.first_token + layout.tokens[i];
      // A token without a value by design sits on the canvas, as the shader draws it.
      const bool unmeasured = (instance.flags & kUnmeasuredFlag) != 0;
      const std::optional<BoxColours> colours = ColoursOf(session, instance.value);
      html << "<span class=\"token" << (unmeasured ? "" : colours ? NotchClass(colours->clipped) : " no-value")
           << (instance.flags & kSourceTokenFlag ? " source" : "")
           << "\" style=\"";
      if (colours && !unmeasured)
        html << "background:" << HexColour(colours->background) << ";color:" << HexColour(colours->text) << ";";
      const DrawnBox drawn = DrawnBoxOf(sequence, layout, i, session.Settings().token_text);
      html << "left:" << pixels(instance.column * g.cell_width) << ";width:" << pixels(g.BoxWidth(instance.cells))
           << "\"" << (drawn.right_to_left ? " dir=\"rtl\"" : "") << " data-index=\"" << index << "\" data-value=\""
           << (std::isfinite(instance.value) ? ShortestNumber(instance.value) : "") << "\" title=\""
           << EscapeMarkup(TooltipText(session, index, instance.value)) << "\">";
      if (!(instance.flags & kFoldedBlockFlag))  // zoomed out: no text, as on screen
        html << DrawnMarkup(drawn, "<span class=\"marker\">", "</span>");
      html << "</span>";
    }
    html << "</div>\n";
  }
  html << "</div>\n";
  if (options.legend) WriteLegend(html, session);
  html << "</figure>\n</body>\n</html>\n";
  return html.str();
}

}  // namespace th::app
