// HTML export: a page with no external resources. The tokens flow as text (wrapping with the
// browser window, copyable), one <span class="token"> each, coloured as the viewer colours them;
// hovering one shows its index and value (the title attribute), which data-value also holds.
#include <cmath>
#include <optional>
#include <sstream>

#include "app/export.hpp"
#include "ui/legend.hpp"

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

std::string ExportHtml(const Session& session, int scale, const ExportOptions& options) {
  const int font_size = session.Settings().font_size * scale;
  // The page's text and the legend's lengths at scale 1 are the PNG's and the viewer's colour
  // bar's; --scale multiplies them as it multiplies the heatmap's text.
  const auto px = [scale](int pixels) { return std::to_string(pixels * scale) + "px"; };
  const std::string family = EscapeMarkup(options.font_family.empty() ? "monospace" : options.font_family);
  const std::string stripes = HexColour(kNoValueBase) + " 0 3px, " + HexColour(kNoValueStripe) + " 3px 6px";
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
       << EscapeMarkup(options.caption.empty() ? DefaultCaption(session) : options.caption) << "</title>\n<style>\n"
       << "body { margin: 12px; background: #ffffff; color: #000000; font-family: sans-serif; font-size: " << px(16)
       << "; }\n"
       << ".heatmap { font-family: \"" << family << "\", monospace; font-size: " << font_size
       << "px; line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere; }\n"
       // An inset right edge stands for the one-pixel gap the grid leaves between tokens.
       << ".token { box-shadow: inset -1px 0 #ffffff; }\n"
       << ".token:hover { outline: 2px solid #000000; }\n"
       // The shader's clip notch: a corner triangle in the text colour, top right above the
       // range, bottom left below it.
       << ".above, .below { position: relative; }\n"
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
  html << "<div class=\"heatmap\">";
  const Sequence& sequence = session.CurrentSequence();
  const std::span<const float> values = session.CurrentValues();
  for (size_t i = 0; i < sequence.TokenCount(); ++i) {
    const float value = i < values.size() ? values[i] : NAN;
    const uint64_t index = options.first_token + i;
    html << "<span class=\"token";
    if (const auto colours = ColoursOf(session, value))
      html << NotchClass(colours->clipped) << "\" style=\"background:" << HexColour(colours->background)
           << ";color:" << HexColour(colours->text);
    else if (!(sequence.Flags(i) & kTokenUnmeasured))  // one without a value by design stays on the page
      html << " no-value";
    html << "\" data-index=\"" << index << "\" data-value=\"" << (std::isfinite(value) ? ShortestNumber(value) : "")
         << "\" title=\"" << EscapeMarkup(TooltipText(session, index, value)) << "\">"
         << EscapeMarkup(sequence.Token(i, session.Settings().token_text)) << "</span>";
  }
  html << "</div>\n";
  if (options.legend) WriteLegend(html, session);
  html << "</figure>\n</body>\n</html>\n";
  return html.str();
}

}  // namespace th::app
