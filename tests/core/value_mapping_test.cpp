#include "core/value_mapping.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace th {
namespace {

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

TEST(ScopeSummary, OutlierDominatedWhenAFewTokensSpanTheRange) {
  std::vector<float> values(1000, 1.0f);
  for (int i = 0; i < 1000; ++i) values[i] += static_cast<float>(i % 10) * 0.01f;
  EXPECT_FALSE(ScopeSummary(values).OutlierDominated());
  values[0] = 500.0f;  // one token in a thousand
  EXPECT_TRUE(ScopeSummary(values).OutlierDominated());
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
  spec.symmetric_percentile = 75.0f;  // 3 of the 4 values lie within [-2, 2]
  EXPECT_EQ(ResolveMapping(spec, scope).high, 2.0f);
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
