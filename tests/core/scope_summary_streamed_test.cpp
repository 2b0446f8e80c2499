// A scope of ScopeSummary::kExactValues or more keeps no sorted copy: its streamed summary
// (buckets of 4,096 consecutive floats and the exact 1% at either end) must give the sorted
// summary's statistics exactly where they fall in those tails (outliers, low and high
// percentiles, counts beyond them), and elsewhere within the stated error: a value within its
// bucket's width (2^-11 of its magnitude), a count within the values in the bucket asked about.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/value_mapping.hpp"

namespace th {
namespace {

// The bucket of a value in the streamed summary: the top 20 bits of its order key.
uint32_t Bucket(float value) {
  const auto bits = std::bit_cast<uint32_t>(value);
  return ((bits & 0x80000000u) ? ~bits : bits | 0x80000000u) >> 12;
}

struct Case {
  std::string name;
  std::vector<float> values;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  std::mt19937 random(7);
  constexpr size_t kCount = 300'000;
  {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Case c{"normal with outliers and no-values", std::vector<float>(kCount)};
    for (float& v : c.values) v = normal(random);
    c.values[10] = 80.0f, c.values[20] = -75.0f, c.values[30] = NAN, c.values[40] = INFINITY;
    c.values[50] = 0.0f, c.values[60] = -0.0f, c.values[70] = std::numeric_limits<float>::denorm_min();
    cases.push_back(std::move(c));
  }
  {
    std::lognormal_distribution<float> lognormal(0.0f, 2.0f);
    Case c{"positive ratios", std::vector<float>(kCount)};
    for (float& v : c.values) v = lognormal(random);
    cases.push_back(std::move(c));
  }
  {
    // Ascending: every value is the largest so far, the worst order for keeping the top 1%.
    Case c{"ascending ramp", std::vector<float>(kCount)};
    for (size_t i = 0; i < kCount; ++i) c.values[i] = -1.0f + 2.0f * static_cast<float>(i) / kCount;
    cases.push_back(std::move(c));
  }
  {
    // One value almost everywhere: all in one bucket, and a spike.
    Case c{"constant with a spike", std::vector<float>(kCount, 0.5f)};
    c.values[kCount / 2] = 40.0f;
    for (size_t i = 0; i < kCount; i += 1000) c.values[i] = 0.25f;
    cases.push_back(std::move(c));
  }
  {
    std::uniform_int_distribution<int> digit(-3, 3);
    Case c{"few distinct values", std::vector<float>(kCount)};
    for (float& v : c.values) v = static_cast<float>(digit(random)) * 0.1f;
    cases.push_back(std::move(c));
  }
  return cases;
}

// The values in the same bucket as `value`.
size_t InBucket(const std::vector<float>& sorted, float value) {
  const uint32_t bucket = Bucket(value);
  return static_cast<size_t>(std::count_if(sorted.begin(), sorted.end(), [&](float v) { return Bucket(v) == bucket; }));
}

// How far a value from the bucket of `exact` may be: the bucket's width, 2^-11 of the magnitude
// (the subnormals' buckets: 4,096 times the smallest float).
double Tolerance(double exact) {
  return std::ldexp(std::fabs(exact), -11) + 4096.0 * std::numeric_limits<float>::denorm_min();
}

TEST(ScopeSummaryStreamed, MatchesTheSortedSummaryWithinItsBuckets) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    const ScopeSummary exact(c.values);
    const ScopeSummary streamed = ScopeSummary::Streamed(c.values);
    ASSERT_TRUE(exact.Exact());
    ASSERT_TRUE(streamed.HasOrder());
    ASSERT_FALSE(streamed.Exact());
    EXPECT_EQ(streamed.Count(), exact.Count());
    EXPECT_EQ(streamed.NonFinite(), exact.NonFinite());
    EXPECT_EQ(streamed.Min(), exact.Min());
    EXPECT_EQ(streamed.Max(), exact.Max());
    EXPECT_EQ(streamed.SmallestPositive(), exact.SmallestPositive());
    EXPECT_EQ(streamed.NonPositive(), exact.NonPositive());
    EXPECT_NEAR(streamed.Mean(), exact.Mean(), 1e-6 * (1.0 + std::fabs(exact.Mean())));
    EXPECT_NEAR(streamed.StdDev(), exact.StdDev(), 1e-6 * (1.0 + exact.StdDev()));

    // The outliers are looked for among the 1% at either end, which the tails hold exactly.
    const ScopeSummary::OutlierSplit& a = streamed.Outliers();
    const ScopeSummary::OutlierSplit& b = exact.Outliers();
    EXPECT_EQ(a.count, b.count);
    EXPECT_EQ(a.rest_low, b.rest_low);
    EXPECT_EQ(a.rest_high, b.rest_high);
    EXPECT_EQ(a.farthest, b.farthest);
    EXPECT_NEAR(a.median, b.median, Tolerance(b.median));

    // Percentiles in the tails (1% and below, 99% and above) are exact; the others within a bucket.
    for (const float p : {0.0f, 0.001f, 0.5f, 1.0f, 99.0f, 99.5f, 99.99f, 100.0f})
      EXPECT_EQ(streamed.Percentile(p), exact.Percentile(p)) << p;
    for (const float p : {1.5f, 5.0f, 25.0f, 50.0f, 75.0f, 95.0f, 98.9f}) {
      const double expected = exact.Percentile(p);
      EXPECT_NEAR(streamed.Percentile(p), expected, Tolerance(expected)) << p;
    }
    for (const float p : {10.0f, 50.0f, 90.0f, 98.0f, 99.9f, 100.0f}) {
      const double expected = exact.AbsPercentile(p);
      EXPECT_NEAR(streamed.AbsPercentile(p), expected, 2.0 * Tolerance(expected)) << p;
      if (exact.NonPositive() < exact.Count()) {
        const double expected_log = exact.AbsLogPercentile(p);
        // |log x| of values within 2^-11 of each other differ by at most about 2^-11.
        EXPECT_NEAR(streamed.AbsLogPercentile(p), expected_log, 1e-3 + 1e-3 * expected_log) << p;
      }
    }

    // Counts: exact beyond the tails' inner ends, elsewhere within the values of the bucket.
    std::vector<float> sorted;
    for (const float v : c.values)
      if (std::isfinite(v)) sorted.push_back(v);
    std::sort(sorted.begin(), sorted.end());
    const size_t n = sorted.size(), tail = n / 100 + 2;
    std::mt19937 random(11);
    for (int trial = 0; trial < 200; ++trial) {
      const float v = trial % 2 ? sorted[std::uniform_int_distribution<size_t>(0, n - 1)(random)]
                                : std::uniform_real_distribution<float>(exact.Min() - 1.0f, exact.Max() + 1.0f)(random);
      const size_t below = exact.CountBelow(v), above = exact.CountAbove(v);
      const auto near = [&](size_t got, size_t expected) {
        return std::llabs(static_cast<long long>(got) - static_cast<long long>(expected)) <=
               static_cast<long long>(InBucket(sorted, v));
      };
      if (v <= sorted[tail - 1] || v > sorted[n - tail]) EXPECT_EQ(streamed.CountBelow(v), below) << v;
      else EXPECT_TRUE(near(streamed.CountBelow(v), below)) << v << ": " << streamed.CountBelow(v) << " " << below;
      if (v >= sorted[n - tail] || v < sorted[tail - 1]) EXPECT_EQ(streamed.CountAbove(v), above) << v;
      else EXPECT_TRUE(near(streamed.CountAbove(v), above)) << v << ": " << streamed.CountAbove(v) << " " << above;
    }

    // The histogram: every value in range counted once, each bin within its edges' buckets.
    const std::vector<size_t> bins = streamed.Histogram(exact.Min(), exact.Max(), 64);
    const std::vector<size_t> expected_bins = exact.Histogram(exact.Min(), exact.Max(), 64);
    size_t total = 0;
    for (size_t i = 0; i < bins.size(); ++i) {
      total += bins[i];
      const double width = (static_cast<double>(exact.Max()) - exact.Min()) / 64.0;
      const auto lo = static_cast<float>(exact.Min() + width * static_cast<double>(i));
      const auto hi = static_cast<float>(exact.Min() + width * static_cast<double>(i + 1));
      EXPECT_LE(std::llabs(static_cast<long long>(bins[i]) - static_cast<long long>(expected_bins[i])),
                static_cast<long long>(InBucket(sorted, lo) + InBucket(sorted, hi)))
          << i;
    }
    EXPECT_EQ(total, n);
  }
}

TEST(ScopeSummaryStreamed, MappingsResolveAsTheSortedSummaryDoes) {
  std::mt19937 random(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(200'000);
  for (float& v : values) v = normal(random);
  const ScopeSummary exact(values);
  const ScopeSummary streamed = ScopeSummary::Streamed(values);
  MappingSpec spec;
  spec.kind = NormKind::kPercentile;
  spec.percentile_low = 1.0f;
  spec.percentile_high = 99.0f;
  // percentile:1:99, the README's example, falls in the exact tails.
  EXPECT_EQ(ResolveMapping(spec, streamed).low, ResolveMapping(spec, exact).low);
  EXPECT_EQ(ResolveMapping(spec, streamed).high, ResolveMapping(spec, exact).high);
  spec.kind = NormKind::kSymmetric;
  spec.symmetric_percentile = 95.0f;
  const float high = ResolveMapping(spec, exact).high;
  EXPECT_NEAR(ResolveMapping(spec, streamed).high, high, 2.0 * Tolerance(high));
  const ValueMapping mapping = ResolveMapping(spec, exact);
  const ClippedCounts a = CountClipped(mapping, streamed), b = CountClipped(mapping, exact);
  EXPECT_NEAR(static_cast<double>(a.below), static_cast<double>(b.below), 1.0 + static_cast<double>(b.below) * 1e-3);
  EXPECT_NEAR(static_cast<double>(a.above), static_cast<double>(b.above), 1.0 + static_cast<double>(b.above) * 1e-3);
}

TEST(ScopeSummaryStreamed, EmptyAndAllNonFinite) {
  const std::vector<float> none;
  EXPECT_EQ(ScopeSummary::Streamed(none).Count(), 0u);
  const std::vector<float> nan(1000, NAN);
  const ScopeSummary streamed = ScopeSummary::Streamed(nan);
  EXPECT_EQ(streamed.Count(), 0u);
  EXPECT_EQ(streamed.NonFinite(), 1000u);
  EXPECT_EQ(streamed.Percentile(50.0f), 0.0f);
  EXPECT_EQ(streamed.CountBelow(1.0f), 0u);
}

}  // namespace
}  // namespace th
