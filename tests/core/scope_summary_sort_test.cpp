// ScopeSummary sorts large scopes by radix: its order statistics must be those of std::sort.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/value_mapping.hpp"

namespace th {
namespace {

TEST(ScopeSummary, LargeScopesHaveTheOrderStatisticsOfAFullSort) {
  std::mt19937 random(3);
  std::normal_distribution<float> normal(0.0f, 100.0f);
  std::vector<float> values(200'000);
  for (float& value : values) value = normal(random);
  // Signs, zeros, tiny and huge magnitudes, and values without a number.
  values[0] = -0.0f, values[1] = 0.0f, values[2] = std::numeric_limits<float>::denorm_min();
  values[3] = -std::numeric_limits<float>::max(), values[4] = std::numeric_limits<float>::max();
  values[5] = NAN, values[6] = INFINITY;
  const ScopeSummary summary(values);
  std::vector<float> sorted;
  for (const float value : values)
    if (std::isfinite(value)) sorted.push_back(value);
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(summary.Count(), sorted.size());
  EXPECT_EQ(summary.NonFinite(), 2u);
  EXPECT_EQ(summary.Min(), sorted.front());
  EXPECT_EQ(summary.Max(), sorted.back());
  for (const float p : {0.1f, 1.0f, 25.0f, 50.0f, 75.0f, 99.0f, 99.9f}) {
    // Linear interpolation between closest ranks.
    const double rank = p / 100.0 * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<size_t>(rank);
    const double expected = sorted[below] + (sorted[std::min(below + 1, sorted.size() - 1)] - sorted[below]) *
                                                (rank - static_cast<double>(below));
    EXPECT_NEAR(summary.Percentile(p), expected, 1e-3 * std::max(1.0, std::fabs(expected))) << p;
  }
  for (const float x : {-250.0f, -1.0f, 0.0f, 3.5f, 180.0f}) {
    EXPECT_EQ(summary.CountBelow(x), static_cast<size_t>(std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin()));
    EXPECT_EQ(summary.CountAbove(x), static_cast<size_t>(sorted.end() - std::upper_bound(sorted.begin(), sorted.end(), x)));
  }
}

}  // namespace
}  // namespace th
