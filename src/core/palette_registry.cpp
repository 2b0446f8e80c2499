#include "core/palette_registry.hpp"

#include <cstdio>
#include <span>

namespace th {

namespace {

#include "core/palette_tables.inc"

struct BuiltinPalette {
  const char* name;
  PaletteKind kind;
  bool cvd_safe;
  std::span<const uint32_t> stops;  // 0xRRGGBB, evenly spaced
};

constexpr PaletteKind kSeq = PaletteKind::kSequential;
constexpr PaletteKind kDiv = PaletteKind::kDiverging;
constexpr PaletteKind kCat = PaletteKind::kCategorical;

// GLTR's colours for a token in the top 10, top 100 or top 1000 predictions, and the rest.
constexpr uint32_t kGltr[] = {0xadff80, 0xffea80, 0xff9280, 0xe5b0ff};

// The others are matplotlib's, from palette_tables.inc (scripts/make_palette_tables.py).
const BuiltinPalette kBuiltins[] = {
    {"Reds", kSeq, true, kReds},
    {"Blues", kSeq, true, kBlues},
    {"Greens", kSeq, true, kGreens},
    {"Purples", kSeq, true, kPurples},
    {"Greys", kSeq, true, kGreys},
    {"viridis", kSeq, true, kViridis},
    {"magma", kSeq, true, kMagma},
    {"inferno", kSeq, true, kInferno},
    {"plasma", kSeq, true, kPlasma},
    {"cividis", kSeq, true, kCividis},
    {"turbo", kSeq, false, kTurbo},
    {"RdBu", kDiv, true, kRdBu},
    {"coolwarm", kDiv, false, kCoolwarm},
    {"PiYG", kDiv, true, kPiYG},
    {"BrBG", kDiv, true, kBrBG},
    {"tab10", kCat, false, kTab10},
    {"Set2", kCat, true, kSet2},
    {"gltr", kCat, false, kGltr},
};

Palette MakePalette(const BuiltinPalette& builtin) {
  Palette palette{builtin.name, {}, builtin.kind, builtin.cvd_safe};
  for (const uint32_t rgb : builtin.stops)
    palette.stops.push_back({static_cast<uint8_t>(rgb >> 16), static_cast<uint8_t>(rgb >> 8),
                             static_cast<uint8_t>(rgb)});
  return palette;
}

}  // namespace

const std::vector<std::string>& BuiltinPaletteNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> result;
    for (const BuiltinPalette& builtin : kBuiltins) result.emplace_back(builtin.name);
    return result;
  }();
  return names;
}

namespace {

// One number by a printf format: the warnings are legend lines, so their numbers are short.
std::string Formatted(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// A ratio as the outlier warning writes it: "5.6", "12"; past 1000 the digits would say nothing.
std::string Times(double ratio) {
  return ratio >= 1000.0 ? "1000" : Formatted(ratio < 10.0 ? "%.1f" : "%.0f", ratio);
}

std::string OutlierWarning(const ValueMapping& mapping, const ScopeSummary& scope) {
  const ScopeSummary::OutlierSplit& outliers = scope.Outliers();
  const double share = 100.0 * RestShareOfRange(mapping, scope);
  const std::string rest = "the other " + std::to_string(scope.Count() - outliers.count) + " share " +
                           (share < 1.0 ? "under 1" : Formatted("%.0f", share)) + "% of the range";
  if (outliers.count == 1)
    return "outlier: " + Formatted("%.4g", outliers.farthest) + " lies " +
           (outliers.ratio >= 1000.0 ? "over " : "") + Times(outliers.ratio) +
           " times as far from the median as any other value; " + rest;
  return "outliers: " + std::to_string(outliers.count) + " values lie at least " + Times(outliers.ratio) +
         " times as far from the median as any other; " + rest;
}

}  // namespace

std::vector<std::string> MappingWarnings(const ValueMapping& mapping, const ScopeSummary& scope,
                                         const Palette& palette) {
  std::vector<std::string> warnings;
  const bool categorical = palette.kind == PaletteKind::kCategorical;
  if (RangeReachesOutliers(mapping, scope)) warnings.push_back(OutlierWarning(mapping, scope));
  if (mapping.Logarithmic() && scope.NonPositive() > 0)
    warnings.push_back("log scale: " + std::to_string(scope.NonPositive()) + " of " + std::to_string(scope.Count()) +
                       " values are at or below 0 and have no place on it; they take its bottom colour");
  if (mapping.Bucketed() && categorical && mapping.thresholds.size() + 1 > palette.stops.size())
    warnings.push_back(std::to_string(mapping.thresholds.size() + 1) + " buckets but " + palette.name + " has " +
                       std::to_string(palette.stops.size()) + " colours: the last buckets share its last colour");
  if (!mapping.Bucketed() && categorical)
    warnings.push_back(palette.name + " is categorical: its colours have no order, use it with buckets");
  return warnings;
}

const char* DefaultPaletteName(NormKind kind) {
  if (kind == NormKind::kSymmetric || kind == NormKind::kLogRatio) return "RdBu_r";
  if (kind == NormKind::kBuckets) return "gltr";
  return "Reds";
}

std::optional<Palette> FindPalette(std::string_view name) {
  const bool reversed = name.ends_with("_r");
  const std::string_view base = reversed ? name.substr(0, name.size() - 2) : name;
  for (const BuiltinPalette& builtin : kBuiltins)
    if (base == builtin.name) return reversed ? MakePalette(builtin).Reversed() : MakePalette(builtin);
  return std::nullopt;
}

}  // namespace th
