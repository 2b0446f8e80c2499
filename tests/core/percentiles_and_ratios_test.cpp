// One percentile definition (NumPy's default, linear interpolation) for every percentile a mapping
// takes, and ratios (A/B) on a log scale centred at 1.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/derived_channel.hpp"
#include "core/value_mapping.hpp"

namespace th {
namespace {

// np.percentile(values, p): the definition, on a sorted copy.
double NumpyPercentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(rank);
  if (below + 1 >= values.size()) return values.back();
  return values[below] + (values[below + 1] - values[below]) * (rank - static_cast<double>(below));
}

TEST(Percentiles, SymmetricInterpolatesAsNumPyDoes) {
  const ScopeSummary scope(std::vector<float>{-4.0f, -1.0f, 0.5f, 2.0f, NAN});
  // |x| = 0.5, 1, 2, 4: nearest rank would say 2 for the 75th percentile and 1 for the 50th.
  EXPECT_FLOAT_EQ(scope.AbsPercentile(75.0f), 2.5f);
  EXPECT_FLOAT_EQ(scope.AbsPercentile(50.0f), 1.5f);
  EXPECT_FLOAT_EQ(scope.AbsPercentile(10.0f), 0.65f);
  EXPECT_EQ(scope.AbsPercentile(100.0f), 4.0f);
  EXPECT_EQ(scope.AbsPercentile(0.0f), 0.5f);
  MappingSpec spec;
  ParseNormSpec("symmetric:75", spec);
  EXPECT_FLOAT_EQ(ResolveMapping(spec, scope).high, 2.5f);
  EXPECT_FLOAT_EQ(ResolveMapping(spec, scope).low, -2.5f);
}

TEST(Percentiles, AbsAndAbsLogMatchNumPyOnRandomValues) {
  std::mt19937 random(7);
  std::uniform_real_distribution<float> uniform(-3.0f, 3.0f);
  for (const size_t n : {1u, 2u, 3u, 10u, 101u, 1000u}) {
    std::vector<float> values(n);
    for (float& v : values) v = uniform(random);
    values[0] = 0.0f;  // neither side of zero; no place on a log scale
    if (n > 2) values[1] = values[2];
    const ScopeSummary scope(values);
    std::vector<double> abs, abs_log;
    for (const float v : values) {
      abs.push_back(std::fabs(static_cast<double>(v)));
      if (v > 0.0f) abs_log.push_back(std::fabs(std::log(static_cast<double>(v))));
    }
    for (const float p : {0.0f, 1.0f, 25.0f, 50.0f, 62.5f, 95.0f, 99.0f, 100.0f}) {
      EXPECT_NEAR(scope.AbsPercentile(p), NumpyPercentile(abs, p), 1e-6) << "n " << n << " p " << p;
      if (!abs_log.empty()) {
        EXPECT_NEAR(scope.AbsLogPercentile(p), NumpyPercentile(abs_log, p), 1e-5) << "n " << n << " p " << p;
      }
    }
  }
}

TEST(RatioMapping, CentresOneOnALogScale) {
  const ScopeSummary scope(std::vector<float>{0.25f, 0.5f, 1.0f, 2.0f, 3.0f, NAN});
  MappingSpec spec;
  ParseNormSpec("ratio", spec);
  EXPECT_EQ(spec.kind, NormKind::kLogRatio);
  const ValueMapping mapping = ResolveMapping(spec, scope);
  EXPECT_TRUE(mapping.Logarithmic());
  // The farther end from 1 on a log scale (0.25) sets both: [1/4, 4].
  EXPECT_FLOAT_EQ(mapping.low, 0.25f);
  EXPECT_FLOAT_EQ(mapping.high, 4.0f);
  EXPECT_NEAR(MapValue(mapping, 1.0f)->t, 0.5f, 1e-6f);
  // x and 1/x lie equally far from the middle, on either side.
  EXPECT_NEAR(MapValue(mapping, 2.0f)->t - 0.5f, 0.5f - MapValue(mapping, 0.5f)->t, 1e-6f);
  EXPECT_NEAR(MapValue(mapping, 2.0f)->t, 0.75f, 1e-6f);
  EXPECT_EQ(NormName(mapping.kind), "ratio, log scale centred at 1");
}

TEST(RatioMapping, PercentileOfTheLogDistanceClipsOutlyingRatios) {
  const ScopeSummary scope(std::vector<float>{0.5f, 1.0f, 2.0f, 1000.0f});
  MappingSpec spec;
  ParseNormSpec("ratio:50", spec);
  // |log x| = 0, log 2, log 2, log 1000: its median is log 2.
  const ValueMapping mapping = ResolveMapping(spec, scope);
  EXPECT_FLOAT_EQ(mapping.low, 0.5f);
  EXPECT_FLOAT_EQ(mapping.high, 2.0f);
  EXPECT_EQ(MapValue(mapping, 1000.0f)->clipped, 1);
  for (const char* bad : {"ratio:0", "ratio:101", "ratio:x"}) EXPECT_THROW(ParseNormSpec(bad, spec), std::invalid_argument) << bad;
}

TEST(RatioMapping, NoPositiveValueIsNoRange) {
  MappingSpec spec;
  ParseNormSpec("ratio", spec);
  const ValueMapping mapping = ResolveMapping(spec, ScopeSummary(std::vector<float>{-1.0f, 0.0f}));
  EXPECT_FALSE(mapping.high > 0.0f);
}

TEST(RatioChannel, RatiosAtOrBelowZeroHaveNoValue) {
  Sequence sequence;
  for (int i = 0; i < 6; ++i) sequence.AppendToken("t");
  sequence.channels.push_back({"a", std::vector<float>{2.0f, -2.0f, 0.0f, 1.0f, NAN, 3.0f}});
  sequence.channels.push_back({"b", std::vector<float>{4.0f, 1.0f, 5.0f, 0.0f, 1.0f, 3.0f}});
  const auto expression = ParseChannelExpression(sequence, "a/b");
  ASSERT_TRUE(expression);
  const std::vector<float> ratio = EvaluateChannelExpression(sequence, *expression);
  EXPECT_EQ(ratio[0], 0.5f);
  for (const size_t i : {1u, 2u, 3u, 4u}) EXPECT_TRUE(std::isnan(ratio[i])) << i;  // < 0, 0, x/0, missing
  EXPECT_EQ(ratio[5], 1.0f);
  // They are counted as without a value, and take no part in the range.
  const ScopeSummary scope(ratio);
  EXPECT_EQ(scope.Count(), 2u);
  EXPECT_EQ(scope.NonFinite(), 4u);
}

}  // namespace
}  // namespace th
