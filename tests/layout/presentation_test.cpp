// Presentation mode's peaks (J/K): the k highest values, in reading order, ignoring tokens
// without a value.
#include <gtest/gtest.h>

#include <cmath>

#include "layout/navigation.hpp"

namespace th {
namespace {

TEST(PresentationPeaks, AreTheHighestValuesInReadingOrder) {
  const std::vector<float> values = {1, 9, NAN, 3, 8, 2, INFINITY, 7, 0};
  EXPECT_EQ(PeakTokens(values, 3), (std::vector<uint64_t>{1, 4, 7}));
  EXPECT_EQ(PeakTokens(values, 20).size(), 7u);  // only the finite values
  EXPECT_TRUE(PeakTokens(values, 0).empty());
}

}  // namespace
}  // namespace th
