#include "core/value_stats.hpp"

#include <algorithm>
#include <cmath>

#include "core/value_mapping.hpp"

namespace th {

ValueStats ComputeStats(std::span<const float> values) {
  ValueStats stats;
  float lo = INFINITY;
  float hi = -INFINITY;
  for (const float v : values) {
    if (!std::isfinite(v)) {
      ++stats.non_finite;
      continue;
    }
    ++stats.finite;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (stats.finite > 0) {
    stats.min = lo;
    stats.max = hi;
  }
  return stats;
}

std::optional<float> NormaliseValue(float x, float lo, float hi) {
  ValueMapping mapping;
  mapping.low = lo;
  mapping.high = hi;
  const auto mapped = MapValue(mapping, x);
  return mapped ? std::optional<float>(mapped->t) : std::nullopt;
}

}  // namespace th
