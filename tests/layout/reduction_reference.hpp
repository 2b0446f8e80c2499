#pragma once
// The overview reductions by a plain scan, for tests to hold the pyramid and the stacked strip
// against: finite values only, no value (NaN) when there is none, max-abs keeping its sign.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "layout/value_pyramid.hpp"

namespace th::test {

struct ReferenceReduction {
  float low = INFINITY;
  float high = -INFINITY;
  double sum = 0.0;
  uint64_t count = 0;

  void Add(float value) {
    if (!std::isfinite(value)) return;
    low = std::min(low, value);
    high = std::max(high, value);
    sum += value;
    ++count;
  }

  float Result(Reduction reduction) const {
    if (count == 0) return NAN;
    switch (reduction) {
      case Reduction::kMax: return high;
      case Reduction::kMin: return low;
      case Reduction::kMean: return static_cast<float>(sum / static_cast<double>(count));
      case Reduction::kMaxAbs: break;
    }
    return std::fabs(high) >= std::fabs(low) ? high : low;
  }
};

}  // namespace th::test
