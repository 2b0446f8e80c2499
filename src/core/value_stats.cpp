#include "core/value_stats.hpp"

#include <algorithm>
#include <cmath>

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
  if (!std::isfinite(x)) return std::nullopt;
  if (!(hi > lo)) return 0.5f;
  return std::clamp((x - lo) / (hi - lo), 0.0f, 1.0f);
}

}  // namespace th
