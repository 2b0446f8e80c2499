#pragma once
// How raw values become palette positions, shared by the CPU (tooltips, --layout JSON, tests)
// and the vertex shader (shaders/token.vert mirrors MapValue exactly).
//
// A MappingSpec is what the user chose (kind, scope, percentiles, gamma, thresholds); a
// ValueMapping is the resolved numbers the shader gets as uniforms. Changing either never
// touches per-token data.

#include <cstddef>
#include <cstdint>
#include <memory>
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
  // A ratio on a log scale centred at 1: [1/m, m], log m = max |log x| over the positive values
  // (or its percentile), so 1 sits in the palette's middle and x and 1/x look equally strong.
  kLogRatio,
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
  // symmetric: m is this percentile of |x|; ratio: log m is this percentile of |log x| (100: the
  // maximum).
  float symmetric_percentile = 100.0f;
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
  bool Logarithmic() const { return kind == NormKind::kLog || kind == NormKind::kLogRatio; }
  bool Bucketed() const { return kind == NormKind::kBuckets; }
  // False for a log scale whose ends are not both above 0 (a scope with no positive value): it
  // places no value, every one takes the bottom colour, and low..high are no range to print.
  bool HasRange() const { return !Logarithmic() || (low > 0.0f && high > 0.0f); }
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
// A scope of kExactValues or more keeps no sorted copy (4 bytes a value: 4 GB at a billion) but
// a streamed summary (Streamed): counts in 2^20 buckets of the values' order (each bucket a run
// of 4,096 consecutive floats, so its values agree to 2^-11 of their magnitude) and the exact
// values of the 1% (+2) smallest and largest. Percentiles and counts that fall in those tails are
// exact, as are the outliers (which FindOutliers looks for among that 1%); the others are
// interpolated inside their bucket: a percentile is off by less than its bucket's width (relative
// 2^-11, 0.05%), a count by less than the number of values in the bucket of the value asked about.
class ScopeSummary {
 public:
  // Scopes from this many values on get the streamed summary instead of a sorted copy.
  static constexpr size_t kExactValues = size_t{1} << 27;

  ScopeSummary() = default;
  // Sorted: every statistic (streamed from kExactValues values on). A stop request abandons the
  // work (the result is then not used).
  explicit ScopeSummary(std::span<const float> values, std::stop_token stop = {});
  // The streamed summary whatever the size (three passes over the values, two given their
  // Bounds(); about 8 MB plus 8% of their size in tails): what a scope of kExactValues or more gets.
  static ScopeSummary Streamed(std::span<const float> values, std::stop_token stop = {},
                               const ScopeSummary* bounds = nullptr);
  // One pass and no copy: counts, min, max, mean, standard deviation and the smallest positive
  // value, without the order statistics (HasOrder() is false until the sorted summary replaces it).
  static ScopeSummary Bounds(std::span<const float> values);
  // The summary of previous's values followed by `appended` (a live stream's new tokens), without
  // sorting again: the new values are sorted alone and merged in (O(n + k log k)). previous must
  // have its order (HasOrder()).
  static ScopeSummary Extended(ScopeSummary previous, std::span<const float> appended);

  // Percentiles, the median, clipped counts, the histogram and the outliers are known. When not,
  // they answer NaN, 0, zeros and no outliers.
  bool HasOrder() const { return m_has_order; }
  // Every order statistic is exact (a sorted copy; false for a streamed summary, see above).
  bool Exact() const { return m_has_order && !m_coarse; }
  size_t Count() const { return m_count; }
  size_t NonFinite() const { return m_non_finite; }
  float Min() const { return m_min; }
  float Max() const { return m_max; }
  double Mean() const { return m_mean; }
  double StdDev() const { return m_std; }
  float MaxAbs() const;
  // Percentiles, p in [0, 100], all with linear interpolation between closest ranks (NumPy's
  // default, np.percentile): of the values, of |x|, and of |log x| over the positive values.
  float Percentile(float p) const;
  float AbsPercentile(float p) const;
  float AbsLogPercentile(float p) const;
  float SmallestPositive() const { return m_smallest_positive; }  // 0 when no value is positive
  size_t NonPositive() const { return m_non_positive; }            // values at or below 0
  float Median() const { return Percentile(50.0f); }
  size_t CountBelow(float value) const;  // values < value
  size_t CountAbove(float value) const;  // values > value
  bool HasNegative() const { return m_count > 0 && m_min < 0.0f; }
  bool HasPositive() const { return m_count > 0 && m_max > 0.0f; }
  // The values that stand apart from the rest: the k farthest from the median (k at least 1, at
  // most 1% of the values) when each lies more than kOutlierRatio times as far from it as any
  // other value, and the others are not all equal. With the largest such k, so that none of the
  // outliers is left among the rest. Needs 3 values; found with the order (O(k) on the sorted
  // values), so asking is free.
  struct OutlierSplit {
    size_t count = 0;          // the outliers; 0: no value stands apart
    double median = 0.0;
    double spread = 0.0;       // the largest distance from the median among the rest
    double ratio = 0.0;        // the nearest outlier's distance from the median over spread
    float rest_low = 0.0f;     // the rest lie in [rest_low, rest_high]
    float rest_high = 0.0f;
    float farthest = 0.0f;     // the outlier farthest from the median
  };
  const OutlierSplit& Outliers() const { return m_outliers; }
  // Equal-width histogram of [lo, hi] (values outside are not counted).
  std::vector<size_t> Histogram(float lo, float hi, size_t bins) const;

 private:
  // Everything else from m_sorted (finite values in order) and the count of the others.
  void SummariseSorted(size_t non_finite);
  // The k-th smallest finite value (from 0), exact or from its bucket.
  double OrderStatistic(size_t k) const;
  // Values below (above) `value`, with the fraction a streamed summary interpolates.
  double CountBelowFractional(float value) const;
  double CountAboveFractional(float value) const;

  struct Coarse;  // the streamed summary's buckets and tails
  std::vector<float> m_sorted;
  std::shared_ptr<const Coarse> m_coarse;
  bool m_has_order = false;
  size_t m_count = 0;
  size_t m_non_finite = 0;
  float m_min = 0.0f;
  float m_max = 0.0f;
  float m_smallest_positive = 0.0f;
  size_t m_non_positive = 0;
  double m_mean = 0.0;
  double m_std = 0.0;
  OutlierSplit m_outliers;
};

// How much farther from the median than every other value an outlier lies. Then the rest share at
// most 2/(K+1) of a min-max range (40%) and 1/K of one symmetric about the median; 10 values of
// normal noise stand apart so in about 1 draw in 700, 20 or more practically never.
inline constexpr double kOutlierRatio = 4.0;

// Whether the mapping's range reaches out to where only the scope's outliers lie (more than
// kOutlierRatio spreads from the median), so that the rest share a small part of its colours.
// Linear mappings only: a log scale is the remedy for magnitudes, buckets have thresholds.
bool RangeReachesOutliers(const ValueMapping& mapping, const ScopeSummary& scope);

// The share of the mapping's range (in [0, 1]) that the values other than the outliers span.
double RestShareOfRange(const ValueMapping& mapping, const ScopeSummary& scope);

// How many values in scope the mapping clips (drawn at an end of the palette with a notch): a
// log scale clips every value at or below 0 below. Zeros until the scope's order is known.
struct ClippedCounts {
  size_t below = 0;
  size_t above = 0;
};
ClippedCounts CountClipped(const ValueMapping& mapping, const ScopeSummary& scope);

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
// of |x|, so one outlier cannot wash out the rest), "percentile:1:99", "log", "ratio",
// "ratio:98" (log m = 98th percentile of |log x|), "buckets:10,100,1000". Throws
// std::invalid_argument with a one-line reason.
void ParseNormSpec(const std::string& text, MappingSpec& spec);
std::string NormName(NormKind kind);
std::string ScopeName(RangeScope scope);

}  // namespace th
