#include "core/value_mapping.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <charconv>
#include <cmath>
#include <random>
#include <stdexcept>
#include <utility>

namespace th {

// [SECTION] Mapping one value

float BucketPosition(size_t bucket, size_t buckets, size_t palette_stops, bool categorical) {
  if (categorical && palette_stops > 0)
    return (static_cast<float>(std::min(bucket, palette_stops - 1)) + 0.5f) / static_cast<float>(palette_stops);
  return buckets > 1 ? static_cast<float>(bucket) / static_cast<float>(buckets - 1) : 0.5f;
}

std::optional<MappedValue> MapValue(const ValueMapping& mapping, float x, size_t palette_stops, bool categorical) {
  if (!std::isfinite(x)) return std::nullopt;
  MappedValue mapped;
  if (mapping.Bucketed()) {
    size_t bucket = 0;
    while (bucket < mapping.thresholds.size() && x >= mapping.thresholds[bucket]) ++bucket;
    mapped.t = BucketPosition(bucket, mapping.thresholds.size() + 1, palette_stops, categorical);
    return mapped;
  }
  float lo = mapping.low, hi = mapping.high, v = x;
  mapped.clipped = x < lo ? -1 : (x > hi ? 1 : 0);
  if (mapping.Logarithmic()) {
    if (x <= 0.0f || lo <= 0.0f || hi <= 0.0f) {
      // Log of a non-positive value has no place on the scale: it sits at the bottom, clipped.
      mapped.t = 0.0f;
      mapped.clipped = x <= 0.0f ? -1 : mapped.clipped;
      return mapped;
    }
    lo = std::log(lo), hi = std::log(hi), v = std::log(x);
  }
  // The palette's middle when the range is a single value, never NaN. Halving first keeps
  // hi - lo finite for ranges as wide as +-FLT_MAX (the shader does the same).
  mapped.t = hi > lo ? std::clamp((0.5f * v - 0.5f * lo) / (0.5f * hi - 0.5f * lo), 0.0f, 1.0f) : 0.5f;
  if (mapping.gamma != 1.0f) mapped.t = std::pow(mapped.t, mapping.gamma);
  return mapped;
}

// [SECTION] Scope statistics

namespace {

// Sorts finite floats by radix, 11 bits a pass over keys whose unsigned order is the floats'
// order: three linear passes instead of n log n comparisons, which at 100M values is the
// difference between about one second and ten. The floats' own buffer is released meanwhile, so
// the extra memory is 8 bytes a value.
void SortFinite(std::vector<float>& values) {
  constexpr size_t kSmall = 1 << 12;  // below this, std::sort is as fast
  if (values.size() < kSmall) {
    std::sort(values.begin(), values.end());
    return;
  }
  constexpr uint32_t kSign = 0x80000000u;
  constexpr int kDigitBits = 11;
  constexpr uint32_t kDigitMask = (1u << kDigitBits) - 1;
  std::vector<uint32_t> keys(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    const auto bits = std::bit_cast<uint32_t>(values[i]);
    keys[i] = (bits & kSign) ? ~bits : bits | kSign;  // negatives reversed, below positives
  }
  const size_t count = values.size();
  values = {};
  std::vector<uint32_t> scratch(count);
  for (int shift = 0; shift < 32; shift += kDigitBits) {
    std::vector<size_t> offsets(size_t{1} << kDigitBits, 0);
    for (const uint32_t key : keys) ++offsets[(key >> shift) & kDigitMask];
    size_t total = 0;
    for (size_t& offset : offsets) total += std::exchange(offset, total);
    for (const uint32_t key : keys) scratch[offsets[(key >> shift) & kDigitMask]++] = key;
    keys.swap(scratch);
  }
  scratch = {};
  values.resize(count);
  for (size_t i = 0; i < count; ++i)
    values[i] = std::bit_cast<float>((keys[i] & kSign) ? keys[i] & ~kSign : ~keys[i]);
}

}  // namespace

ScopeSummary::ScopeSummary(std::span<const float> values) {
  m_sorted.reserve(values.size());
  double sum = 0.0;
  for (const float v : values) {
    if (!std::isfinite(v)) {
      ++m_non_finite;
      continue;
    }
    m_sorted.push_back(v);
    sum += v;
  }
  SortFinite(m_sorted);
  if (m_sorted.empty()) return;
  m_mean = sum / static_cast<double>(m_sorted.size());
  double squares = 0.0;
  for (const float v : m_sorted) squares += (v - m_mean) * (v - m_mean);
  m_std = std::sqrt(squares / static_cast<double>(m_sorted.size()));
}

float ScopeSummary::MaxAbs() const { return std::max(std::fabs(Min()), std::fabs(Max())); }

float ScopeSummary::AbsPercentile(float p) const {
  if (m_sorted.empty()) return 0.0f;
  const auto wanted = static_cast<size_t>(std::ceil(std::clamp(p, 0.0f, 100.0f) / 100.0 * static_cast<double>(Count())));
  const auto inside = [&](float m) {  // how many values lie in [-m, m]
    return static_cast<size_t>(std::upper_bound(m_sorted.begin(), m_sorted.end(), m) -
                               std::lower_bound(m_sorted.begin(), m_sorted.end(), -m));
  };
  // Bisection on m: `inside` only grows with m.
  float lo = 0.0f, hi = MaxAbs();
  for (int i = 0; i < 64 && hi > lo; ++i) {
    const float mid = lo + (hi - lo) * 0.5f;
    if (mid <= lo || mid >= hi) break;
    (inside(mid) >= wanted ? hi : lo) = mid;
  }
  return inside(lo) >= wanted ? lo : hi;
}

float ScopeSummary::SmallestPositive() const {
  const auto it = std::upper_bound(m_sorted.begin(), m_sorted.end(), 0.0f);
  return it == m_sorted.end() ? 0.0f : *it;
}

float ScopeSummary::Percentile(float p) const {
  if (m_sorted.empty()) return 0.0f;
  const double rank = std::clamp(p, 0.0f, 100.0f) / 100.0 * static_cast<double>(m_sorted.size() - 1);
  const auto below = static_cast<size_t>(rank);
  const size_t above = std::min(below + 1, m_sorted.size() - 1);
  const double f = rank - static_cast<double>(below);
  return static_cast<float>(m_sorted[below] + (m_sorted[above] - m_sorted[below]) * f);
}

size_t ScopeSummary::CountBelow(float value) const {
  return static_cast<size_t>(std::lower_bound(m_sorted.begin(), m_sorted.end(), value) - m_sorted.begin());
}

size_t ScopeSummary::CountAbove(float value) const {
  return static_cast<size_t>(m_sorted.end() - std::upper_bound(m_sorted.begin(), m_sorted.end(), value));
}

bool ScopeSummary::OutlierDominated() const {
  if (m_sorted.size() < 100 || !(Max() > Min())) return false;
  return Percentile(99.5f) - Percentile(0.5f) < 0.5f * (Max() - Min());
}

std::vector<size_t> ScopeSummary::Histogram(float lo, float hi, size_t bins) const {
  std::vector<size_t> counts(bins, 0);
  if (bins == 0 || !(hi > lo)) return counts;
  const auto first = std::lower_bound(m_sorted.begin(), m_sorted.end(), lo);
  const auto last = std::upper_bound(m_sorted.begin(), m_sorted.end(), hi);
  const double scale = static_cast<double>(bins) / (static_cast<double>(hi) - lo);
  for (auto it = first; it != last; ++it)
    ++counts[std::min(static_cast<size_t>((*it - lo) * scale), bins - 1)];
  return counts;
}

// [SECTION] Resolving a spec

ValueMapping ResolveMapping(const MappingSpec& spec, const ScopeSummary& scope) {
  ValueMapping mapping;
  mapping.kind = spec.kind;
  mapping.gamma = spec.gamma;
  mapping.thresholds = spec.thresholds;
  if (spec.scope == RangeScope::kManual) {
    mapping.low = spec.manual_low;
    mapping.high = spec.manual_high;
    // A log scale starts above zero: a manual low at or below it means "from the smallest value".
    if (spec.kind == NormKind::kLog && mapping.low <= 0.0f) mapping.low = scope.SmallestPositive();
    return mapping;
  }
  switch (spec.kind) {
    case NormKind::kMinMax:
    case NormKind::kBuckets:
      mapping.low = scope.Min(), mapping.high = scope.Max();
      break;
    case NormKind::kZeroMax:
      mapping.low = 0.0f, mapping.high = std::max(scope.Max(), 0.0f);
      break;
    case NormKind::kSymmetric:
      mapping.high = spec.symmetric_percentile >= 100.0f ? scope.MaxAbs() : scope.AbsPercentile(spec.symmetric_percentile);
      mapping.low = -mapping.high;
      break;
    case NormKind::kPercentile:
      mapping.low = scope.Percentile(spec.percentile_low), mapping.high = scope.Percentile(spec.percentile_high);
      break;
    case NormKind::kLog:
      mapping.low = scope.SmallestPositive(), mapping.high = scope.Max();
      break;
  }
  return mapping;
}

NormKind DefaultNormKind(const ScopeSummary& scope) {
  return scope.HasNegative() && scope.HasPositive() ? NormKind::kSymmetric : NormKind::kMinMax;
}

// [SECTION] Shuffling

std::vector<float> ShuffledValues(std::span<const float> values, uint64_t seed) {
  std::vector<float> shuffled(values.begin(), values.end());
  std::vector<size_t> slots;
  for (size_t i = 0; i < shuffled.size(); ++i)
    if (std::isfinite(shuffled[i])) slots.push_back(i);
  std::mt19937_64 random(seed);
  for (size_t i = slots.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(random() % i);
    std::swap(shuffled[slots[i - 1]], shuffled[slots[j]]);
  }
  return shuffled;
}

// [SECTION] Names

namespace {

float ParseNumber(std::string_view text, const std::string& whole) {
  float value = 0.0f;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    throw std::invalid_argument("--norm " + whole + ": \"" + std::string(text) + "\" is not a number");
  return value;
}

}  // namespace

void ParseNormSpec(const std::string& text, MappingSpec& spec) {
  if (text == "minmax") {
    spec.kind = NormKind::kMinMax;
  } else if (text == "zero-max") {
    spec.kind = NormKind::kZeroMax;
  } else if (text == "symmetric") {
    spec.kind = NormKind::kSymmetric;
    spec.symmetric_percentile = 100.0f;
  } else if (text.starts_with("symmetric:")) {
    spec.symmetric_percentile = ParseNumber(std::string_view(text).substr(10), text);
    if (!(spec.symmetric_percentile > 0.0f && spec.symmetric_percentile <= 100.0f))
      throw std::invalid_argument("--norm " + text + ": the percentile must be above 0 and at most 100");
    spec.kind = NormKind::kSymmetric;
  } else if (text == "log") {
    spec.kind = NormKind::kLog;
  } else if (text.starts_with("percentile:")) {
    const std::string_view rest = std::string_view(text).substr(11);
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos)
      throw std::invalid_argument("--norm " + text + ": expected percentile:LO:HI such as percentile:1:99");
    spec.percentile_low = ParseNumber(rest.substr(0, colon), text);
    spec.percentile_high = ParseNumber(rest.substr(colon + 1), text);
    if (!(spec.percentile_low >= 0.0f && spec.percentile_low < spec.percentile_high && spec.percentile_high <= 100.0f))
      throw std::invalid_argument("--norm " + text + ": percentiles must satisfy 0 <= LO < HI <= 100");
    spec.kind = NormKind::kPercentile;
  } else if (text.starts_with("buckets:")) {
    spec.thresholds.clear();
    std::string_view rest = std::string_view(text).substr(8);
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      spec.thresholds.push_back(ParseNumber(rest.substr(0, comma), text));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    const auto not_increasing = [](float a, float b) { return b <= a; };
    if (spec.thresholds.empty() || spec.thresholds.size() > kMaxThresholds ||
        std::adjacent_find(spec.thresholds.begin(), spec.thresholds.end(), not_increasing) != spec.thresholds.end())
      throw std::invalid_argument("--norm " + text + ": expected 1 to 15 increasing thresholds, such as buckets:10,100,1000");
    spec.kind = NormKind::kBuckets;
  } else {
    throw std::invalid_argument("--norm " + text +
                                ": expected minmax, zero-max, symmetric[:P], percentile:LO:HI, log or buckets:T1,T2,...");
  }
}

std::string NormName(NormKind kind) {
  switch (kind) {
    case NormKind::kMinMax: return "min-max";
    case NormKind::kZeroMax: return "zero-max";
    case NormKind::kSymmetric: return "symmetric about 0";
    case NormKind::kPercentile: return "percentile";
    case NormKind::kLog: return "log";
    case NormKind::kBuckets: return "buckets";
  }
  return "?";
}

std::string ScopeName(RangeScope scope) {
  switch (scope) {
    case RangeScope::kSequence: return "sequence";
    case RangeScope::kGlobal: return "global";
    case RangeScope::kVisible: return "visible";
    case RangeScope::kManual: return "manual";
  }
  return "?";
}

}  // namespace th
