#include "core/value_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace th {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(ComputeStats, EmptyHasNoValues) {
  const ValueStats stats = ComputeStats({});
  EXPECT_EQ(stats.finite, 0u);
  EXPECT_EQ(stats.non_finite, 0u);
}

TEST(ComputeStats, NonFiniteValuesAreCountedButLeftOutOfMinMax) {
  const std::vector<float> values = {3.0f, kNaN, -1.0f, kInf, 2.0f, -kInf};
  const ValueStats stats = ComputeStats(values);
  EXPECT_EQ(stats.finite, 3u);
  EXPECT_EQ(stats.non_finite, 3u);
  EXPECT_EQ(stats.min, -1.0f);
  EXPECT_EQ(stats.max, 3.0f);
}

TEST(ComputeStats, OnlyNonFiniteValuesLeaveMinMaxAtZero) {
  const std::vector<float> values = {kNaN, kInf, -kInf};
  const ValueStats stats = ComputeStats(values);
  EXPECT_EQ(stats.finite, 0u);
  EXPECT_EQ(stats.non_finite, 3u);
  EXPECT_EQ(stats.min, 0.0f);
  EXPECT_EQ(stats.max, 0.0f);
}

TEST(ComputeStats, SingleValueIsBothMinAndMax) {
  const std::vector<float> values = {-7.5f};
  const ValueStats stats = ComputeStats(values);
  EXPECT_EQ(stats.finite, 1u);
  EXPECT_EQ(stats.min, -7.5f);
  EXPECT_EQ(stats.max, -7.5f);
}

TEST(NormaliseValue, MapsTheRangeOntoZeroToOne) {
  EXPECT_EQ(NormaliseValue(-2.0f, -2.0f, 6.0f), 0.0f);
  EXPECT_EQ(NormaliseValue(2.0f, -2.0f, 6.0f), 0.5f);
  EXPECT_EQ(NormaliseValue(6.0f, -2.0f, 6.0f), 1.0f);
  EXPECT_FLOAT_EQ(*NormaliseValue(0.0f, -2.0f, 6.0f), 0.25f);
}

TEST(NormaliseValue, ClampsOutsideTheRange) {
  EXPECT_EQ(NormaliseValue(-100.0f, 0.0f, 1.0f), 0.0f);
  EXPECT_EQ(NormaliseValue(100.0f, 0.0f, 1.0f), 1.0f);
}

TEST(NormaliseValue, EqualBoundsGiveTheMiddle) {
  EXPECT_EQ(NormaliseValue(4.0f, 4.0f, 4.0f), 0.5f);
  EXPECT_EQ(NormaliseValue(-9.0f, 4.0f, 4.0f), 0.5f);
  EXPECT_EQ(NormaliseValue(9.0f, 4.0f, 4.0f), 0.5f);
}

TEST(NormaliseValue, NonFiniteHasNoValue) {
  EXPECT_EQ(NormaliseValue(kNaN, 0.0f, 1.0f), std::nullopt);
  EXPECT_EQ(NormaliseValue(kInf, 0.0f, 1.0f), std::nullopt);
  EXPECT_EQ(NormaliseValue(-kInf, 0.0f, 1.0f), std::nullopt);
  EXPECT_EQ(NormaliseValue(kNaN, 1.0f, 1.0f), std::nullopt);
}

}  // namespace
}  // namespace th
