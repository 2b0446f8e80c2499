#include "core/value_mapping.hpp"
#include "core/halves_in_parallel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace th {
namespace {

// A live stream's statistics grow with each append: the extended summary equals one of all the
// values, NaN and infinities counted, percentiles and histogram included.
TEST(ScopeSummary, ExtendedEqualsTheSummaryOfAllValues) {
  std::mt19937 random(5);
  std::normal_distribution<float> normal(1.0f, 3.0f);
  std::vector<float> all;
  ScopeSummary grown(std::span<const float>{});
  for (int append = 0; append < 30; ++append) {
    std::vector<float> added(static_cast<size_t>(append * 7 % 50 + 1));
    for (float& value : added) value = normal(random);
    if (append % 4 == 0) added[0] = NAN;
    if (append % 9 == 0) added.back() = INFINITY;
    grown = ScopeSummary::Extended(std::move(grown), added);
    all.insert(all.end(), added.begin(), added.end());
    const ScopeSummary whole(all);
    ASSERT_TRUE(grown.HasOrder());
    EXPECT_EQ(grown.Count(), whole.Count());
    EXPECT_EQ(grown.NonFinite(), whole.NonFinite());
    EXPECT_EQ(grown.Min(), whole.Min());
    EXPECT_EQ(grown.Max(), whole.Max());
    EXPECT_NEAR(grown.Mean(), whole.Mean(), 1e-9);
    EXPECT_NEAR(grown.StdDev(), whole.StdDev(), 1e-9);
    EXPECT_EQ(grown.Percentile(10.0f), whole.Percentile(10.0f));
    EXPECT_EQ(grown.Median(), whole.Median());
    EXPECT_EQ(grown.NonPositive(), whole.NonPositive());
    EXPECT_EQ(grown.Histogram(-5.0f, 7.0f, 16), whole.Histogram(-5.0f, 7.0f, 16));
  }
}

TEST(MapValue, LinearClampsAndReportsClipping) {
  ValueMapping mapping;
  mapping.low = 0.0f, mapping.high = 10.0f;
  EXPECT_FLOAT_EQ(MapValue(mapping, 2.5f)->t, 0.25f);
  EXPECT_EQ(MapValue(mapping, 2.5f)->clipped, 0);
  EXPECT_EQ(MapValue(mapping, -1.0f)->t, 0.0f);
  EXPECT_EQ(MapValue(mapping, -1.0f)->clipped, -1);
  EXPECT_EQ(MapValue(mapping, 11.0f)->t, 1.0f);
  EXPECT_EQ(MapValue(mapping, 11.0f)->clipped, 1);
  EXPECT_EQ(MapValue(mapping, 10.0f)->clipped, 0) << "the maximum itself is measured, not clipped";
  EXPECT_FALSE(MapValue(mapping, NAN).has_value());
  EXPECT_FALSE(MapValue(mapping, -INFINITY).has_value());
}

TEST(MapValue, EqualEndsGiveThePalettesMiddle) {
  ValueMapping mapping;
  mapping.low = mapping.high = 3.0f;
  EXPECT_EQ(MapValue(mapping, 3.0f)->t, 0.5f);
  mapping.gamma = 2.0f;
  EXPECT_FALSE(std::isnan(MapValue(mapping, 3.0f)->t));
}

TEST(MapValue, GammaAndLog) {
  ValueMapping mapping;
  mapping.low = 0.0f, mapping.high = 1.0f, mapping.gamma = 2.0f;
  EXPECT_FLOAT_EQ(MapValue(mapping, 0.5f)->t, 0.25f);
  mapping = {};
  mapping.kind = NormKind::kLog, mapping.low = 1.0f, mapping.high = 1000.0f;
  EXPECT_NEAR(MapValue(mapping, 10.0f)->t, 1.0f / 3.0f, 1e-6f);
  EXPECT_EQ(MapValue(mapping, 0.0f)->clipped, -1);
  EXPECT_EQ(MapValue(mapping, -3.0f)->t, 0.0f);
}

TEST(MapValue, BucketsCountThresholdsAtOrBelow) {
  ValueMapping mapping;
  mapping.kind = NormKind::kBuckets;
  mapping.thresholds = {10.0f, 100.0f, 1000.0f};
  EXPECT_EQ(MapValue(mapping, 9.0f)->t, 0.0f);
  EXPECT_FLOAT_EQ(MapValue(mapping, 10.0f)->t, 1.0f / 3.0f);
  EXPECT_EQ(MapValue(mapping, 1e6f)->t, 1.0f);
  EXPECT_FLOAT_EQ(MapValue(mapping, 150.0f, 4, true)->t, 2.5f / 4.0f);  // categorical: stop 2's centre
  EXPECT_FLOAT_EQ(MapValue(mapping, 1e6f, 2, true)->t, 1.5f / 2.0f);    // more buckets than stops
}

TEST(ScopeSummary, StatisticsPercentilesAndClippedCounts) {
  const std::vector<float> values = {4.0f, NAN, 1.0f, 3.0f, 2.0f, INFINITY};
  const ScopeSummary summary(values);
  EXPECT_EQ(summary.Count(), 4u);
  EXPECT_EQ(summary.NonFinite(), 2u);
  EXPECT_EQ(summary.Min(), 1.0f);
  EXPECT_EQ(summary.Max(), 4.0f);
  EXPECT_DOUBLE_EQ(summary.Mean(), 2.5);
  EXPECT_NEAR(summary.StdDev(), std::sqrt(1.25), 1e-9);
  EXPECT_FLOAT_EQ(summary.Median(), 2.5f);
  EXPECT_FLOAT_EQ(summary.Percentile(25.0f), 1.75f);  // NumPy's linear interpolation
  EXPECT_EQ(summary.CountBelow(2.0f), 1u);
  EXPECT_EQ(summary.CountAbove(3.0f), 1u);
  EXPECT_EQ(summary.Histogram(1.0f, 4.0f, 3), (std::vector<size_t>{1, 1, 2}));
}

// The README's example: 33 attributions, one of them (3.2) far beyond the rest (|x| <= 0.55).
const std::vector<float> kAttribution = {
    0.0033f, 0.0372f, -0.0369f, -0.55f,   0.5418f, 0.0329f,  0.0425f,  -0.1294f, 0.0174f, 0.0977f, -0.0082f,
    0.0486f, 0.3f,    3.2f,     0.069f,   -0.1276f, 0.0164f, -0.0498f, 0.5232f,  0.1045f, 0.1007f, -0.1304f,
    0.0934f, -0.55f,  -0.0449f, -0.0837f, 0.0397f, 0.0815f,  0.1582f,  -0.4f,    -0.4f,   -0.0754f, -0.0544f};

// Standard normal values by Box-Muller over mt19937's raw output: the same on every platform
// (std::normal_distribution's algorithm is the library's own).
std::vector<float> NormalNoise(size_t n, uint32_t seed) {
  std::mt19937 random(seed);
  const auto uniform = [&] { return (static_cast<double>(random()) + 0.5) / 4294967296.0; };
  std::vector<float> values(n);
  for (float& value : values)
    value = static_cast<float>(std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform()));
  return values;
}

TEST(ScopeSummary, OutliersStandApartAtAnyCountFromThree) {
  const ScopeSummary::OutlierSplit readme = ScopeSummary(kAttribution).Outliers();
  EXPECT_EQ(readme.count, 1u);
  EXPECT_EQ(readme.farthest, 3.2f);
  EXPECT_EQ(readme.rest_low, -0.55f);
  EXPECT_EQ(readme.rest_high, 0.5418f);
  EXPECT_NEAR(readme.ratio, (3.2 - 0.0174) / (0.0174 + 0.55), 1e-4);  // median 0.0174
  EXPECT_EQ(ScopeSummary(std::vector<float>{0.0f, 0.1f, 5.0f}).Outliers().count, 1u);
  EXPECT_EQ(ScopeSummary(std::vector<float>{0.0f, 5.0f}).Outliers().count, 0u) << "two values: neither stands apart";
  // A thousand values of ordinary spread and one at 100.
  std::vector<float> thousand = NormalNoise(1000, 1);
  thousand[500] = 100.0f;
  EXPECT_EQ(ScopeSummary(thousand).Outliers().count, 1u);
  // Several together are found together (one alone would not stand 4 times beyond the others),
  // on either side, up to 1% of the values.
  thousand = NormalNoise(1000, 1);
  for (size_t i = 0; i < 5; ++i) {
    const float size = 100.0f + static_cast<float>(i);
    thousand[i * 100] = i % 2 ? -size : size;
  }
  const ScopeSummary::OutlierSplit five = ScopeSummary(thousand).Outliers();
  EXPECT_EQ(five.count, 5u);
  EXPECT_LT(five.rest_high, 10.0f);
  EXPECT_GT(five.rest_low, -10.0f);
  for (size_t i = 0; i < 20; ++i) thousand[i * 50] = 100.0f;
  EXPECT_EQ(ScopeSummary(thousand).Outliers().count, 0u) << "2% of the values are no outliers";
}

TEST(ScopeSummary, OrdinaryDataHasNoOutliers) {
  for (uint32_t seed = 1; seed <= 20; ++seed)
    EXPECT_EQ(ScopeSummary(NormalNoise(10, seed)).Outliers().count, 0u) << "10 normal values, seed " << seed;
  for (const size_t n : {30, 100, 1000, 10'000, 100'000})
    EXPECT_EQ(ScopeSummary(NormalNoise(n, 7)).Outliers().count, 0u) << n << " normal values";
  std::mt19937 random(3);
  std::vector<float> uniform(1000);
  for (float& value : uniform) value = std::uniform_real_distribution<float>(-1.0f, 1.0f)(random);
  EXPECT_EQ(ScopeSummary(uniform).Outliers().count, 0u) << "uniform";
  std::vector<float> ramp(1000);
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = 0.01f * static_cast<float>(i);
  EXPECT_EQ(ScopeSummary(ramp).Outliers().count, 0u) << "ramp";
  std::vector<float> sparse(1000, 0.0f);
  sparse[3] = 5.0f;  // the rest all equal: nothing for the one value to wash out
  EXPECT_EQ(ScopeSummary(sparse).Outliers().count, 0u) << "one value on a constant";
  EXPECT_EQ(ScopeSummary::Bounds(kAttribution).Outliers().count, 0u) << "found with the order only";
}

// The range is stretched when it reaches out to where only outliers lie; a range that clips them
// (a percentile, symmetric:95, a log scale for magnitudes) is not.
TEST(RangeReachesOutliers, OnlyWhileTheRangeSpansThem) {
  const ScopeSummary readme(kAttribution);
  MappingSpec spec;
  spec.kind = NormKind::kSymmetric;
  EXPECT_TRUE(RangeReachesOutliers(ResolveMapping(spec, readme), readme));
  EXPECT_NEAR(RestShareOfRange(ResolveMapping(spec, readme), readme), (0.5418 + 0.55) / 6.4, 1e-6);
  spec.symmetric_percentile = 95.0f;
  EXPECT_FALSE(RangeReachesOutliers(ResolveMapping(spec, readme), readme));
  spec.kind = NormKind::kMinMax;
  EXPECT_TRUE(RangeReachesOutliers(ResolveMapping(spec, readme), readme));
  spec.kind = NormKind::kBuckets, spec.thresholds = {0.0f};
  EXPECT_FALSE(RangeReachesOutliers(ResolveMapping(spec, readme), readme));

  std::vector<float> thousand = NormalNoise(1000, 1);
  thousand[500] = 100.0f;
  const ScopeSummary scope(thousand);
  spec = {};
  spec.kind = NormKind::kPercentile;
  EXPECT_FALSE(RangeReachesOutliers(ResolveMapping(spec, scope), scope));
  spec.scope = RangeScope::kManual, spec.kind = NormKind::kMinMax, spec.manual_low = -3.0f, spec.manual_high = 50.0f;
  EXPECT_TRUE(RangeReachesOutliers(ResolveMapping(spec, scope), scope));
  spec.kind = NormKind::kLog;
  EXPECT_FALSE(RangeReachesOutliers(ResolveMapping(spec, scope), scope));
}

TEST(CountClipped, BelowAndAboveTheRangeAndALogScalesNonPositiveValues) {
  const ScopeSummary scope(std::vector<float>{-2.0f, 0.0f, 1.0f, 5.0f, 10.0f, NAN});
  ValueMapping mapping;
  mapping.low = 0.5f, mapping.high = 6.0f;
  EXPECT_EQ(CountClipped(mapping, scope).below, 2u);
  EXPECT_EQ(CountClipped(mapping, scope).above, 1u);
  mapping.kind = NormKind::kBuckets;
  EXPECT_EQ(CountClipped(mapping, scope).below + CountClipped(mapping, scope).above, 0u) << "buckets clip nothing";
  MappingSpec log;
  log.kind = NormKind::kLog;
  EXPECT_EQ(CountClipped(ResolveMapping(log, scope), scope).below, 2u) << "-2 and 0";
  // No positive value: the log scale has no range and places none.
  const ScopeSummary negative(std::vector<float>{-3.0f, -1.0f, 0.0f});
  const ValueMapping none = ResolveMapping(log, negative);
  EXPECT_FALSE(none.HasRange());
  EXPECT_EQ(CountClipped(none, negative).below, 3u);
  EXPECT_EQ(negative.NonPositive(), 3u);
  EXPECT_EQ(ScopeSummary::Bounds(std::vector<float>{-3.0f, 0.0f, 2.0f, NAN}).NonPositive(), 2u);
}

TEST(ScopeSummary, RadixSortedValuesMatchAComparisonSort) {
  // Large enough for the bucketed radix path, with values of both signs over many magnitudes,
  // repeated values, signed zeros and values without a place (NaN, infinities).
  std::mt19937 random(3);
  std::vector<float> values;
  for (int i = 0; i < 200'000; ++i) {
    const float magnitude = std::ldexp(std::uniform_real_distribution<float>(1.0f, 2.0f)(random), (i % 40) - 20);
    values.push_back(i % 3 == 0 ? -magnitude : magnitude);
  }
  values.insert(values.end(), 5000, 0.25f);
  values.insert(values.end(), {0.0f, -0.0f, NAN, INFINITY, -INFINITY});
  const ScopeSummary summary(values);
  std::vector<float> finite;
  std::copy_if(values.begin(), values.end(), std::back_inserter(finite), [](float v) { return std::isfinite(v); });
  std::sort(finite.begin(), finite.end());
  EXPECT_EQ(summary.Count(), finite.size());
  EXPECT_EQ(summary.NonFinite(), 3u);
  for (const float p : {0.0f, 0.1f, 25.0f, 50.0f, 99.9f, 100.0f}) {
    const double rank = p / 100.0 * static_cast<double>(finite.size() - 1);
    const auto below = static_cast<size_t>(rank);
    if (rank == static_cast<double>(below)) {
      EXPECT_EQ(summary.Percentile(p), finite[below]) << p;
    }
  }
  EXPECT_EQ(summary.CountBelow(0.25f), static_cast<size_t>(std::lower_bound(finite.begin(), finite.end(), 0.25f) - finite.begin()));
  EXPECT_EQ(summary.Min(), finite.front());
  EXPECT_EQ(summary.Max(), finite.back());
}

TEST(ScopeSummary, BoundsKnowEverythingButTheOrder) {
  const std::vector<float> values = {3.0f, -1.0f, NAN, 0.5f, 2.0f, INFINITY};
  const ScopeSummary full(values);
  const ScopeSummary bounds = ScopeSummary::Bounds(values);
  EXPECT_TRUE(full.HasOrder());
  EXPECT_FALSE(bounds.HasOrder());
  EXPECT_EQ(bounds.Count(), full.Count());
  EXPECT_EQ(bounds.NonFinite(), full.NonFinite());
  EXPECT_EQ(bounds.Min(), full.Min());
  EXPECT_EQ(bounds.Max(), full.Max());
  EXPECT_EQ(bounds.SmallestPositive(), full.SmallestPositive());
  EXPECT_NEAR(bounds.Mean(), full.Mean(), 1e-12);
  EXPECT_NEAR(bounds.StdDev(), full.StdDev(), 1e-9);
  EXPECT_TRUE(std::isnan(bounds.Percentile(50.0f)));
  // Percentile mappings take the whole range until the order is known.
  MappingSpec spec;
  spec.kind = NormKind::kPercentile;
  const ValueMapping mapping = ResolveMapping(spec, bounds);
  EXPECT_EQ(mapping.low, -1.0f);
  EXPECT_EQ(mapping.high, 3.0f);
}

// A scope as large as a billion-token document's (from kHalvesInParallel values on) is bounded
// by the parallel, vectorised pass: its counts and extremes are exact and its moments those of a
// pass in double: for values about a large common offset, with a spike every 1,024 values (a
// sequence's first token) and without, and for values so far apart that squaring their
// differences in float overflows.
TEST(ScopeSummary, BoundsOfAHugeScopeAreThoseOfAPassInDouble) {
  const size_t n = kHalvesInParallel + 1003;  // halves and blocks end mid-vector
  std::vector<float> values(n);
  for (const auto& [spread, spikes] : {std::pair{1.0f, false}, std::pair{1.0f, true}, std::pair{1e30f, false}}) {
    std::mt19937 random(21);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& v : values) v = 1000.0f + spread * normal(random);
    if (spikes)
      for (size_t k = 3; k < n; k += 1024) values[k] = 3e5f;
    // Not numbers first (the shift is the first finite value), and here and there.
    values[0] = NAN;
    values[1] = -INFINITY;
    for (size_t k = 2; k < n; k += 1'000'003) values[k] = (k % 2) ? INFINITY : NAN;
    values[n / 3] = 0.0f;
    values[n / 3 + 1] = -0.0f;
    values[n / 2] = -5e4f;
    values[n - 1] = std::numeric_limits<float>::denorm_min();
    size_t count = 0, non_positive = 0;
    float lo = INFINITY, hi = -INFINITY, smallest_positive = INFINITY;
    double sum = 0.0;
    for (const float v : values) {
      if (!std::isfinite(v)) continue;
      ++count;
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      if (v > 0.0f) smallest_positive = std::min(smallest_positive, v);
      else ++non_positive;
    }
    const double mean = sum / static_cast<double>(count);
    double squares = 0.0;
    for (const float v : values)
      if (std::isfinite(v)) squares += (v - mean) * (v - mean);
    const double std_dev = std::sqrt(squares / static_cast<double>(count));

    const ScopeSummary bounds = ScopeSummary::Bounds(values);
    EXPECT_EQ(bounds.Count(), count) << spread;
    EXPECT_EQ(bounds.NonFinite(), n - count) << spread;
    EXPECT_EQ(bounds.NonPositive(), non_positive) << spread;
    EXPECT_EQ(bounds.Min(), lo) << spread;
    EXPECT_EQ(bounds.Max(), hi) << spread;
    EXPECT_EQ(bounds.SmallestPositive(), smallest_positive) << spread;
    EXPECT_NEAR(bounds.Mean(), mean, 1e-5 * std_dev) << spread << (spikes ? " with spikes" : "");
    EXPECT_NEAR(bounds.StdDev(), std_dev, 1e-5 * std_dev) << spread << (spikes ? " with spikes" : "");
  }
}

TEST(ResolveMapping, EachKindOverAScope) {
  const ScopeSummary scope(std::vector<float>{-4.0f, -1.0f, 0.5f, 2.0f});
  MappingSpec spec;
  EXPECT_EQ(ResolveMapping(spec, scope).low, -4.0f);
  spec.kind = NormKind::kZeroMax;
  EXPECT_EQ(ResolveMapping(spec, scope).low, 0.0f);
  EXPECT_EQ(ResolveMapping(spec, scope).high, 2.0f);
  spec.kind = NormKind::kSymmetric;
  EXPECT_EQ(ResolveMapping(spec, scope).low, -4.0f);
  EXPECT_EQ(ResolveMapping(spec, scope).high, 4.0f);
  spec.symmetric_percentile = 75.0f;  // np.percentile([0.5, 1, 2, 4], 75): 2 + 0.25 * (4 - 2)
  EXPECT_EQ(ResolveMapping(spec, scope).high, 2.5f);
  spec.kind = NormKind::kLog;
  EXPECT_EQ(ResolveMapping(spec, scope).low, 0.5f);
  spec.scope = RangeScope::kManual, spec.manual_low = 7.0f, spec.manual_high = 9.0f;
  EXPECT_EQ(ResolveMapping(spec, scope).low, 7.0f);
  EXPECT_EQ(DefaultNormKind(scope), NormKind::kSymmetric);
  EXPECT_EQ(DefaultNormKind(ScopeSummary(std::vector<float>{0.0f, 1.0f})), NormKind::kMinMax);
}

TEST(ShuffledValues, PermutesFiniteValuesOnlyAndIsSeeded) {
  const std::vector<float> values = {1, 2, NAN, 3, 4, 5, 6, 7, 8};
  const std::vector<float> a = ShuffledValues(values, 3);
  EXPECT_TRUE(std::isnan(a[2]));
  EXPECT_EQ(ShuffledValues(values, 3)[0], a[0]);
  std::vector<float> sorted;
  for (const float v : a)
    if (!std::isnan(v)) sorted.push_back(v);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_NE(ShuffledValues(values, 3), ShuffledValues(values, 4));
}

TEST(ParseNormSpec, SpellingsAndErrors) {
  MappingSpec spec;
  ParseNormSpec("percentile:1:99", spec);
  EXPECT_EQ(spec.kind, NormKind::kPercentile);
  EXPECT_EQ(spec.percentile_high, 99.0f);
  ParseNormSpec("buckets:10,100,1000", spec);
  EXPECT_EQ(spec.thresholds, (std::vector<float>{10, 100, 1000}));
  ParseNormSpec("symmetric:98", spec);
  EXPECT_EQ(spec.kind, NormKind::kSymmetric);
  EXPECT_EQ(spec.symmetric_percentile, 98.0f);
  ParseNormSpec("zero-max", spec);
  EXPECT_EQ(spec.kind, NormKind::kZeroMax);
  for (const char* bad : {"linear", "symmetric:0", "symmetric:101", "percentile:99:1", "percentile:5", "buckets:10,5", "buckets:", "buckets:a"})
    EXPECT_THROW(ParseNormSpec(bad, spec), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace th

namespace th {
namespace {

TEST(MapValue, RangesAsWideAsFloatMaxStayFinite) {
  ValueMapping mapping;
  mapping.low = -3.4e38f, mapping.high = 3.4e38f;
  EXPECT_FLOAT_EQ(MapValue(mapping, 0.0f)->t, 0.5f);
  EXPECT_FLOAT_EQ(MapValue(mapping, 3.4e38f)->t, 1.0f);
}

TEST(ResolveMapping, ManualLogLowAtOrBelowZeroStartsAtTheSmallestPositiveValue) {
  const ScopeSummary scope(std::vector<float>{-1.0f, 0.5f, 2.0f, 8.0f});
  MappingSpec spec;
  spec.kind = NormKind::kLog, spec.scope = RangeScope::kManual, spec.manual_low = 0.0f, spec.manual_high = 8.0f;
  const ValueMapping mapping = ResolveMapping(spec, scope);
  EXPECT_EQ(mapping.low, 0.5f);
  EXPECT_NEAR(MapValue(mapping, 2.0f)->t, 0.5f, 1e-6f);
}

TEST(BucketPosition, CategoricalStopsAndEvenSpreads) {
  EXPECT_FLOAT_EQ(BucketPosition(0, 4, 4, true), 0.125f);
  EXPECT_FLOAT_EQ(BucketPosition(5, 6, 4, true), 0.875f);  // more buckets than colours: the last
  EXPECT_FLOAT_EQ(BucketPosition(2, 5, 2, false), 0.5f);
  EXPECT_FLOAT_EQ(BucketPosition(0, 1, 2, false), 0.5f);
}

}  // namespace
}  // namespace th

#include "core/palette_registry.hpp"

namespace th {
namespace {

TEST(MappingWarnings, AnOutlierSaysHowFarItLiesAndWhatShareTheRestGet) {
  const ScopeSummary readme(kAttribution);
  MappingSpec spec;
  spec.kind = NormKind::kSymmetric;
  EXPECT_EQ(MappingWarnings(ResolveMapping(spec, readme), readme, *FindPalette("RdBu_r")),
            (std::vector<std::string>{
                "outlier: 3.2 lies 5.6 times as far from the median as any other value; the other 32 share 17% of "
                "the range"}));
  spec.symmetric_percentile = 95.0f;
  EXPECT_TRUE(MappingWarnings(ResolveMapping(spec, readme), readme, *FindPalette("RdBu_r")).empty());
  std::vector<float> thousand = NormalNoise(1000, 1);
  for (size_t i = 0; i < 3; ++i) thousand[i] = 100.0f;
  const ScopeSummary three(thousand);
  const std::vector<std::string> words = MappingWarnings(ResolveMapping({}, three), three, *FindPalette("Reds"));
  ASSERT_EQ(words.size(), 1u);
  EXPECT_TRUE(words[0].starts_with("outliers: 3 values lie at least ")) << words[0];
  EXPECT_TRUE(words[0].ends_with("; the other 997 share 6% of the range")) << words[0];
}

TEST(MappingWarnings, ALogScaleCountsTheValuesItCannotPlace) {
  MappingSpec log;
  log.kind = NormKind::kLog;
  const ScopeSummary mixed(std::vector<float>{-2.0f, 0.0f, 1.0f, 10.0f, NAN});
  EXPECT_EQ(MappingWarnings(ResolveMapping(log, mixed), mixed, *FindPalette("Reds")),
            (std::vector<std::string>{
                "log scale: 2 of 4 values are at or below 0 and have no place on it; they take its bottom colour"}));
  const ScopeSummary positive(std::vector<float>{1.0f, 10.0f});
  EXPECT_TRUE(MappingWarnings(ResolveMapping(log, positive), positive, *FindPalette("Reds")).empty());
}

TEST(MappingWarnings, NameWhatAPaletteCannotShow) {
  const ScopeSummary negative(std::vector<float>{-3.0f, -1.0f});
  ValueMapping log;
  log.kind = NormKind::kLog;
  EXPECT_EQ(MappingWarnings(log, negative, *FindPalette("viridis")).size(), 1u);
  ValueMapping buckets;
  buckets.kind = NormKind::kBuckets;
  buckets.thresholds = {1, 2, 3, 4, 5};
  EXPECT_EQ(MappingWarnings(buckets, negative, *FindPalette("gltr")).size(), 1u);
  EXPECT_TRUE(MappingWarnings(buckets, negative, *FindPalette("tab10")).empty());
  EXPECT_EQ(MappingWarnings(ValueMapping{}, negative, *FindPalette("tab10")).size(), 1u);
  EXPECT_TRUE(MappingWarnings(ValueMapping{}, negative, *FindPalette("Reds")).empty());
}

}  // namespace
}  // namespace th
