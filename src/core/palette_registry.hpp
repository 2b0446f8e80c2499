#pragma once
// The registry of built-in palettes, by matplotlib's names. "NAME_r" gives the reversed map.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/palette.hpp"
#include "core/value_mapping.hpp"

namespace th {

// Names of the built-in palettes, without the _r variants, in menu order.
const std::vector<std::string>& BuiltinPaletteNames();

// The palette a mapping gets when the user names none: diverging (RdBu_r, positive or above 1 in
// red) for symmetric and ratio, categorical (gltr) for buckets, Reds otherwise.
const char* DefaultPaletteName(NormKind kind);

// What a mapping with this palette cannot show honestly, one line each (empty when nothing): a
// range stretched by outliers (RangeReachesOutliers), values a log scale cannot place (at or
// below 0, counted), more buckets than a categorical palette has colours, a continuous mapping on
// a categorical palette. The one source of these words: `render` prints them on stderr, the
// legends (colour bar, PNG, SVG, HTML) and the range panel show them.
std::vector<std::string> MappingWarnings(const ValueMapping& mapping, const ScopeSummary& scope,
                                         const Palette& palette);

// The palette called name ("Reds", "viridis", "RdBu_r", ...), or nullopt.
std::optional<Palette> FindPalette(std::string_view name);

}  // namespace th
