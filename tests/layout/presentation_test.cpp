// Presentation mode's peaks (J/K): the k highest values, in reading order, ignoring tokens
// without a value.
#include <gtest/gtest.h>

#include <cmath>

#include "ui/panels.hpp"

namespace th {
namespace {

Session MakeSession(const std::vector<float>& values) {
  Sequence sequence;
  for (size_t i = 0; i < values.size(); ++i) sequence.AppendToken("t");
  sequence.channels.push_back({"value", ValueColumn(values)});
  Document document;
  document.sequences.push_back(std::move(sequence));
  return Session(std::move(document));
}

TEST(PresentationPeaks, AreTheHighestValuesInReadingOrder) {
  const Session session = MakeSession({1, 9, NAN, 3, 8, 2, INFINITY, 7, 0});
  EXPECT_EQ(ui::PeakTokens(session, 3), (std::vector<uint64_t>{1, 4, 7}));
  EXPECT_EQ(ui::PeakTokens(session, 20).size(), 7u);  // only the finite values
  EXPECT_TRUE(ui::PeakTokens(session, 0).empty());
}

}  // namespace
}  // namespace th
