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

// The palette a mapping gets when the user names none: diverging (RdBu_r, positive in red) for
// symmetric, categorical (gltr) for buckets, Reds otherwise.
const char* DefaultPaletteName(NormKind kind);

// What a mapping with this palette cannot show honestly, one line each (empty when nothing):
// a log scale with no positive value, more buckets than a categorical palette has colours, a
// continuous mapping on a categorical palette. `render` prints them; the legend shows them.
std::vector<std::string> MappingWarnings(const ValueMapping& mapping, const ScopeSummary& scope,
                                         const Palette& palette);

// The palette called name ("Reds", "viridis", "RdBu_r", ...), or nullopt.
std::optional<Palette> FindPalette(std::string_view name);

}  // namespace th
