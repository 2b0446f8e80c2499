#include "layout/value_pyramid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <random>
#include <vector>

#include "reduction_reference.hpp"

namespace th {
namespace {

// The reduction by a plain scan: what the pyramid must equal.
float Reference(const std::vector<float>& values, uint64_t begin, uint64_t end, Reduction reduction) {
  test::ReferenceReduction reference;
  for (uint64_t i = begin; i < end; ++i) reference.Add(values[i]);
  return reference.Result(reduction);
}

std::vector<float> RandomValues(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(count);
  for (float& value : values) value = normal(random);
  for (size_t i = 0; i < count; i += 97) values[i] = NAN;  // tokens without a value are skipped
  return values;
}

TEST(ValuePyramid, EveryRangeMatchesAScan) {
  // Sizes around the leaf block and its powers, so short last blocks and odd levels are covered.
  for (const size_t size : {1u, 63u, 64u, 65u, 200u, 4097u}) {
    const std::vector<float> values = RandomValues(size, static_cast<uint32_t>(size));
    const ValuePyramid pyramid(values);
    std::mt19937 random(1);
    for (int trial = 0; trial < 300; ++trial) {
      uint64_t begin = std::uniform_int_distribution<uint64_t>(0, size)(random);
      uint64_t end = std::uniform_int_distribution<uint64_t>(0, size)(random);
      if (begin > end) std::swap(begin, end);
      for (const Reduction reduction : {Reduction::kMaxAbs, Reduction::kMax, Reduction::kMin, Reduction::kMean}) {
        const float expected = Reference(values, begin, end, reduction);
        const float got = pyramid.Reduce(begin, end, reduction);
        if (std::isnan(expected)) {
          EXPECT_TRUE(std::isnan(got)) << size << " [" << begin << ", " << end << ")";
        } else {
          EXPECT_NEAR(got, expected, 1e-5f) << size << " [" << begin << ", " << end << ")";
        }
      }
    }
  }
}

// A billion tokens get blocks of 512 (the pyramid under about 100 MB); up to 128M, blocks of 64.
TEST(ValuePyramid, LongSequencesGetLargerBlocksWithTheSameReductions) {
  EXPECT_EQ(ValuePyramid::LeafTokensFor(100'000'000), 64u);
  EXPECT_EQ(ValuePyramid::LeafTokensFor(uint64_t{1} << 27), 64u);
  EXPECT_EQ(ValuePyramid::LeafTokensFor(1'000'000'000), 512u);
  EXPECT_LE(ValuePyramid::LeafTokensFor(5'000'000'000) * ValuePyramid::kMostLeaves, 2 * uint64_t{5'000'000'000});
  const std::vector<float> values = RandomValues(70'001, 5);
  const ValuePyramid pyramid(values, {}, 512);
  ASSERT_EQ(pyramid.LeafTokens(), 512u);
  std::mt19937 random(2);
  for (int trial = 0; trial < 300; ++trial) {
    uint64_t begin = std::uniform_int_distribution<uint64_t>(0, values.size())(random);
    uint64_t end = std::uniform_int_distribution<uint64_t>(0, values.size())(random);
    if (begin > end) std::swap(begin, end);
    for (const Reduction reduction : {Reduction::kMaxAbs, Reduction::kMax, Reduction::kMin, Reduction::kMean}) {
      const float expected = Reference(values, begin, end, reduction);
      const float got = pyramid.Reduce(begin, end, reduction);
      if (std::isnan(expected)) EXPECT_TRUE(std::isnan(got));
      else EXPECT_NEAR(got, expected, 1e-5f) << "[" << begin << ", " << end << ")";
    }
    // The next value above a threshold, as a scan finds it.
    const float threshold = 2.5f;
    std::optional<uint64_t> expected;
    for (uint64_t i = begin + 1; i < values.size() && !expected; ++i)
      if (values[i] > threshold) expected = i;
    EXPECT_EQ(pyramid.NextAbove(begin, threshold), expected) << begin;
  }
}

// A live stream's values grow a few at a time: the extended pyramid equals one built whole, for
// every range, whatever the sizes (within a leaf block, across levels, from empty).
TEST(ValuePyramid, ExtendedEqualsBuiltWhole) {
  const std::vector<float> all = RandomValues(5000, 9);
  std::mt19937 random(3);
  ValuePyramid grown(std::span<const float>(all).first(0));
  for (size_t size = 0; size < all.size();) {
    size = std::min(all.size(), size + std::uniform_int_distribution<size_t>(1, 300)(random));
    // A copy each time: the values move as a growing vector's do; Extend reads only the new block.
    const std::vector<float> prefix(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(size));
    grown.Extend(prefix);
    const ValuePyramid whole(prefix);
    ASSERT_EQ(grown.Size(), size);
    for (int trial = 0; trial < 40; ++trial) {
      uint64_t begin = std::uniform_int_distribution<uint64_t>(0, size)(random);
      uint64_t end = std::uniform_int_distribution<uint64_t>(0, size)(random);
      if (begin > end) std::swap(begin, end);
      const float expected = whole.Reduce(begin, end, Reduction::kMaxAbs);
      const float got = grown.Reduce(begin, end, Reduction::kMaxAbs);
      if (std::isnan(expected))
        ASSERT_TRUE(std::isnan(got));
      else
        ASSERT_EQ(got, expected) << size << " [" << begin << ", " << end << ")";
    }
    ASSERT_EQ(grown.Rows(37, Reduction::kMean), whole.Rows(37, Reduction::kMean)) << size;
  }
}

TEST(ValuePyramid, RowsMatchAScanAndASpikeSurvivesMaxAbs) {
  std::vector<float> values = RandomValues(1'000'003, 5);
  values[777'777] = -50.0f;  // one token in a row of about 925
  const ValuePyramid pyramid(values);
  constexpr size_t kRows = 1080;
  for (const Reduction reduction : {Reduction::kMaxAbs, Reduction::kMean}) {
    const std::vector<float> rows = pyramid.Rows(kRows, reduction);
    ASSERT_EQ(rows.size(), kRows);
    for (size_t row = 0; row < kRows; ++row) {
      const uint64_t begin = ValuePyramid::FirstTokenOfRow(row, values.size(), kRows);
      const uint64_t end = ValuePyramid::FirstTokenOfRow(row + 1, values.size(), kRows);
      EXPECT_NEAR(rows[row], Reference(values, begin, end, reduction), 1e-5f) << row;
    }
  }
  const size_t spike_row = ValuePyramid::RowOfToken(777'777, values.size(), kRows);
  EXPECT_EQ(pyramid.Rows(kRows, Reduction::kMaxAbs)[spike_row], -50.0f);
  EXPECT_GT(pyramid.Rows(kRows, Reduction::kMean)[spike_row], -1.0f);  // the mean pools it away
}

TEST(ValuePyramid, RowsAndTokensMapBothWays) {
  constexpr uint64_t kTokens = 100'000'000;
  constexpr size_t kRows = 1080;
  for (size_t row = 0; row < kRows; ++row) {
    const uint64_t first = ValuePyramid::FirstTokenOfRow(row, kTokens, kRows);
    EXPECT_EQ(ValuePyramid::RowOfToken(first, kTokens, kRows), row);
    if (first > 0) {
      EXPECT_EQ(ValuePyramid::RowOfToken(first - 1, kTokens, kRows), row - 1);
    }
  }
  EXPECT_EQ(ValuePyramid::RowOfToken(kTokens - 1, kTokens, kRows), kRows - 1);
}

}  // namespace
}  // namespace th
