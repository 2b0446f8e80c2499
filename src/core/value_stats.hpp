#pragma once
// Statistics of a channel and the min-max normalisation shared by the CPU (tooltips, layout
// JSON, tests) and the fragment shader (shaders/token.frag mirrors NormaliseValue exactly).

#include <cstddef>
#include <optional>
#include <span>

namespace th {

struct ValueStats {
  size_t finite = 0;      // values that take part in min/max
  size_t non_finite = 0;  // NaN, +Inf, -Inf: "no value"
  float min = 0.0f;       // meaningful only when finite > 0
  float max = 0.0f;
};

ValueStats ComputeStats(std::span<const float> values);

// x' = (x - lo) / (hi - lo), clamped to [0, 1]. When hi == lo every value maps to 0.5 (the
// palette's middle) instead of NaN. Non-finite x has no normalised value. (The linear min-max
// case of MapValue in value_mapping.hpp.)
std::optional<float> NormaliseValue(float x, float lo, float hi);

}  // namespace th
