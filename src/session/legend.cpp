#include "core/palette_registry.hpp"
#include "session/legend.hpp"

#include <cfloat>
#include <cmath>
#include <cstdio>

namespace th::ui {

std::string LegendNumber(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

std::vector<LegendLabel> GradientLabels(const Session& session) {
  const float low = session.Low(), high = session.High();
  if (!session.Mapping().HasRange()) return {{0.0f, "no range"}};
  std::vector<LegendLabel> labels{{0.0f, LegendNumber(low)}};
  // The middle label is the value at the palette's middle: none with gamma, the geometric mean on
  // a log scale (1 for a ratio).
  if (high > low && session.Mapping().gamma == 1.0f)
    labels.push_back({0.5f, LegendNumber(session.Mapping().Logarithmic() ? std::sqrt(low) * std::sqrt(high)
                                                                         : 0.5f * (low + high))});
  labels.push_back({1.0f, LegendNumber(high)});
  return labels;
}

std::vector<LegendSwatch> BucketSwatches(const Session& session) {
  const ValueMapping& mapping = session.Mapping();
  const Palette& palette = session.CurrentPalette();
  const bool categorical = palette.kind == PaletteKind::kCategorical;
  std::vector<LegendSwatch> swatches;
  for (size_t b = 0; b <= mapping.thresholds.size(); ++b) {
    // A value inside bucket b: the threshold that opens it.
    const float probe = b == 0 ? mapping.thresholds.front() - 1.0f : mapping.thresholds[b - 1];
    swatches.push_back({probe, palette.At(MapValue(mapping, probe, palette.stops.size(), categorical)->t),
                        b == 0 ? "< " + LegendNumber(mapping.thresholds.front())
                               : ">= " + LegendNumber(mapping.thresholds[b - 1])});
  }
  return swatches;
}

std::string MappingWords(const Session& session) {
  const ValueMapping& mapping = session.Mapping();
  const ViewSettings& settings = session.Settings();
  std::string words = session.ValueLabel();
  if (settings.granularity != Granularity::kToken)
    words += " per " + GranularityName(settings.granularity) + " (" + AggregateName(settings.aggregate) + ")";
  const bool manual = session.Spec().scope == RangeScope::kManual;
  // A manual range replaces what the mapping would compute; only log, buckets and gamma still apply.
  if (manual)
    words += "  |  manual range" + std::string(mapping.Logarithmic() ? ", log" : mapping.Bucketed() ? ", buckets" : "") +
             (session.ManualRangeIsFromFile() ? " from the file (" + session.Doc().file_range->origin + ")" : "");
  else
    words += "  |  " + ScopeName(session.Spec().scope) + " scope, " + NormName(mapping.kind);
  // A symmetric range cut at a percentile of the distance from its centre (0, or 1 for a ratio).
  if (!manual && session.Spec().symmetric_percentile < 100.0f &&
      (mapping.kind == NormKind::kSymmetric || mapping.kind == NormKind::kLogRatio))
    words += std::string(mapping.kind == NormKind::kSymmetric ? " (|x| at " : " (|log x| at ") +
             LegendNumber(session.Spec().symmetric_percentile) + "%)";
  if (!manual && mapping.kind == NormKind::kPercentile)
    words += " " + LegendNumber(session.Spec().percentile_low) + ".." + LegendNumber(session.Spec().percentile_high) + "%";
  if (!mapping.HasRange()) {
    words += "  no range: no value above 0";
  } else if (!mapping.Bucketed()) {
    words += "  " + LegendNumber(mapping.low) + " .. " + LegendNumber(mapping.high);
    if (mapping.gamma != 1.0f) words += ", gamma " + LegendNumber(mapping.gamma);
    if (!(mapping.high > mapping.low)) words += "  (a single value: palette middle)";
  }
  // The reason says why the data chose the mapping, so it follows the mapping (not a palette the
  // user chose). A manual range replaces that mapping: the reason no longer describes what is
  // drawn (the session keeps it: back to a computed range, it is true again).
  if (!manual && !session.DefaultReason().empty()) words += "  |  default: " + session.DefaultReason();
  words += "  |  " + session.CurrentPalette().name;
  if (const auto underline = session.UnderlineMapping())
    words += "  |  underline " + settings.underline.value_or("") + " " + LegendNumber(underline->low) + " .. " +
             LegendNumber(underline->high) + " (" + session.UnderlinePalette().name + ")";
  for (const std::string& warning : MappingWarnings(mapping, session.Summary(), session.CurrentPalette()))
    words += "  |  WARNING: " + warning;
  return words;
}

std::vector<std::string> MappingWordLines(const Session& session) {
  std::vector<std::string> lines;
  const std::string words = MappingWords(session);
  const std::string separator = "  |  ";
  for (size_t start = 0;;) {
    const size_t end = words.find(separator, start);
    lines.push_back(words.substr(start, end - start));
    if (end == std::string::npos) return lines;
    start = end + separator.size();
  }
}

std::optional<ClipKey> ClippingKey(const Session& session) {
  const ValueMapping& mapping = session.Mapping();
  if (mapping.Bucketed()) return std::nullopt;
  // The order (and with it the counts) of a long scope comes from the background.
  const bool counted = session.Summary().HasOrder();
  const ClippedCounts clipped = CountClipped(mapping, session.Summary());
  const auto count = [&](size_t n) { return counted ? std::to_string(n) + " " : std::string(); };
  return ClipKey{std::nextafter(mapping.low, -FLT_MAX), std::nextafter(mapping.high, FLT_MAX),
                 count(clipped.below) + "below the range, " + count(clipped.above) + "above it"};
}

std::string ShuffledWords(const Session& session) {
  const ViewSettings& settings = session.Settings();
  // The stacked view draws every sequence's own values, never a shuffled copy.
  if (!settings.shuffle_seed || settings.stacked) return "";
  return std::string(settings.side_by_side ? "right: " : "") + "SHUFFLED values (seed " +
         std::to_string(*settings.shuffle_seed) + ")";
}

SideBySideLabels SideBySideLabelsOf(const Session& session) {
  return {"real values", "SHUFFLED control (seed " + std::to_string(session.Settings().shuffle_seed.value_or(0)) + ")"};
}

}  // namespace th::ui
