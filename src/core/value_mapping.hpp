#pragma once
// How raw values become palette positions, shared by the CPU (tooltips, --layout JSON, tests)
// and the vertex shader (shaders/token.vert mirrors MapValue exactly).
//
// A MappingSpec is what the user chose (kind, scope, percentiles, gamma, thresholds); a
// ValueMapping is the resolved numbers the shader gets as uniforms. Changing either never
// touches per-token data.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

namespace th {

enum class NormKind {
  kMinMax,      // [min, max] of the scope
  kZeroMax,     // [0, max]
  kSymmetric,   // [-m, m], m = max |x| (or its percentile): zero sits in the palette's middle
  kPercentile,  // [P_lo, P_hi] of the scope: outliers are clipped
  kLog,         // log scale over [smallest positive, max]
  kBuckets,     // bucket index by thresholds (GLTR's top-10/100/1000)
};

enum class RangeScope {
  kSequence,  // the values of the sequence on screen
  kGlobal,    // the channel over every sequence: colours comparable across sequences
  kVisible,   // the tokens in view
  kManual,    // typed numbers
};

struct MappingSpec {
  NormKind kind = NormKind::kMinMax;
  RangeScope scope = RangeScope::kSequence;
  float percentile_low = 1.0f;
  float percentile_high = 99.0f;
  float symmetric_percentile = 100.0f;  // symmetric: m is this percentile of |x| (100: the maximum)
  float gamma = 1.0f;
  std::vector<float> thresholds;  // buckets: ascending
  float manual_low = 0.0f;        // scope kManual
  float manual_high = 1.0f;
};

struct ValueMapping {
  NormKind kind = NormKind::kMinMax;
  float low = 0.0f;
  float high = 1.0f;
  float gamma = 1.0f;
  std::vector<float> thresholds;
  bool Logarithmic() const { return kind == NormKind::kLog; }
  bool Bucketed() const { return kind == NormKind::kBuckets; }
};

// Where a value lands: its position in [0, 1] and whether the range clipped it.
struct MappedValue {
  float t = 0.0f;
  int clipped = 0;  // -1 below the range, +1 above, 0 inside
};

inline constexpr size_t kMaxThresholds = 15;  // uniform array size in the shader

// Where bucket `bucket` of `buckets` sits on the palette: stop `bucket` of a categorical palette
// (the last stop for buckets beyond it), else evenly spread over [0, 1].
float BucketPosition(size_t bucket, size_t buckets, size_t palette_stops, bool categorical);

// Mirrors the vertex shader. palette_stops and categorical choose how buckets spread over the
// palette: bucket b of a categorical palette is its stop b; otherwise buckets spread evenly.
std::optional<MappedValue> MapValue(const ValueMapping& mapping, float x, size_t palette_stops = 2,
                                    bool categorical = false);

// Statistics of the finite values in a scope, with a sorted copy for percentiles, medians and
// clipped counts in O(log n). Built when the scope's values change, never per frame. A long
// scope first gets Bounds() (one pass, no copy) and its sorted summary from a background thread.
class ScopeSummary {
 public:
  ScopeSummary() = default;
  // Sorted: every statistic. A stop request abandons the sort (the result is then not used).
  explicit ScopeSummary(std::span<const float> values, std::stop_token stop = {});
  // One pass and no copy: counts, min, max, mean, standard deviation and the smallest positive
  // value, without the order statistics (HasOrder() is false until the sorted summary replaces it).
  static ScopeSummary Bounds(std::span<const float> values);

  // Percentiles, the median, clipped counts, the histogram and OutlierDominated are known. When
  // not, they answer NaN, 0, zeros and false.
  bool HasOrder() const { return m_has_order; }
  size_t Count() const { return m_count; }
  size_t NonFinite() const { return m_non_finite; }
  float Min() const { return m_min; }
  float Max() const { return m_max; }
  double Mean() const { return m_mean; }
  double StdDev() const { return m_std; }
  float MaxAbs() const;
  // The smallest m such that p percent of the values lie in [-m, m] (nearest rank).
  float AbsPercentile(float p) const;
  float SmallestPositive() const { return m_smallest_positive; }  // 0 when no value is positive
  // p in [0, 100], linear interpolation between closest ranks (NumPy's default).
  float Percentile(float p) const;
  float Median() const { return Percentile(50.0f); }
  size_t CountBelow(float value) const;  // values < value
  size_t CountAbove(float value) const;  // values > value
  bool HasNegative() const { return m_count > 0 && m_min < 0.0f; }
  bool HasPositive() const { return m_count > 0 && m_max > 0.0f; }
  // True when the central 99% of values spans less than half of min..max: fewer than 1% of
  // tokens (the outliers) span most of the range and the rest share a few colours.
  bool OutlierDominated() const;
  // Equal-width histogram of [lo, hi] (values outside are not counted).
  std::vector<size_t> Histogram(float lo, float hi, size_t bins) const;

 private:
  std::vector<float> m_sorted;
  bool m_has_order = false;
  size_t m_count = 0;
  size_t m_non_finite = 0;
  float m_min = 0.0f;
  float m_max = 0.0f;
  float m_smallest_positive = 0.0f;
  double m_mean = 0.0;
  double m_std = 0.0;
};

// The numbers a spec resolves to over a scope's summary.
ValueMapping ResolveMapping(const MappingSpec& spec, const ScopeSummary& scope);

// The data-chosen default: min..max when no value is negative, symmetric about zero when values
// have both signs (the caller pairs it with a diverging palette).
NormKind DefaultNormKind(const ScopeSummary& scope);

// The guard against reading noise: the same values permuted at random among the tokens that
// have a value (tokens without one keep none). Deterministic for a seed on every platform
// (Fisher-Yates over mt19937_64's raw output, not std::shuffle's unspecified algorithm).
std::vector<float> ShuffledValues(std::span<const float> values, uint64_t seed);

// Command-line spellings: "minmax", "zero-max", "symmetric", "symmetric:98" (m = 98th percentile
// of |x|, so one outlier cannot wash out the rest), "percentile:1:99", "log",
// "buckets:10,100,1000". Throws std::invalid_argument with a one-line reason.
void ParseNormSpec(const std::string& text, MappingSpec& spec);
std::string NormName(NormKind kind);
std::string ScopeName(RangeScope scope);

}  // namespace th
