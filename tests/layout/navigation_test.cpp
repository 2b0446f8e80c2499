#include "sequence_fixture.hpp"
#include "layout/navigation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include "core/synthetic_document.hpp"
#include "layout/value_pyramid.hpp"

namespace th {
namespace {

TEST(FindMatches, PlainMatchesCoverEveryTokenTheyTouch) {
  const Sequence sequence = MakeSequence({"The", " cat", " sat", " on", " the", " mat", "."});
  EXPECT_EQ(FindMatches(sequence, {"at"}, 0, 7, 10), (std::vector<TextMatch>{{1, 2}, {2, 3}, {5, 6}}));
  EXPECT_EQ(FindMatches(sequence, {"t on t"}, 0, 7, 10), (std::vector<TextMatch>{{2, 5}}));
  EXPECT_EQ(FindMatches(sequence, {"at"}, 0, 7, 2).size(), 2u);  // max_matches
  EXPECT_EQ(FindMatches(sequence, {"at"}, 3, 7, 10), (std::vector<TextMatch>{{5, 6}}));  // a range
  EXPECT_TRUE(FindMatches(sequence, {""}, 0, 7, 10).empty());
}

TEST(FindMatches, RegularExpressions) {
  const Sequence sequence = MakeSequence({"The", " cat", " sat", " on", " the", " mat", "."});
  EXPECT_EQ(FindMatches(sequence, {"[Tt]he", true}, 0, 7, 10), (std::vector<TextMatch>{{0, 1}, {4, 5}}));
  EXPECT_EQ(FindMatches(sequence, {"m.t\\.", true}, 0, 7, 10), (std::vector<TextMatch>{{5, 7}}));
  EXPECT_THROW(FindMatches(sequence, {"(", true}, 0, 7, 10), std::regex_error);
}

TEST(FindMatches, ChunkedSearchFindsEveryMatchOnceInALongDocument) {
  // Far more text than one chunk: every match, including those across chunk seams, exactly once.
  const Document document = MakeSyntheticDocument(200'000);
  const Sequence& sequence = document.sequences[0];
  std::string text;
  std::vector<uint64_t> token_of_byte;
  for (uint64_t t = 0; t < sequence.TokenCount(); ++t) {
    text += sequence.Token(t);
    token_of_byte.resize(text.size(), t);
  }
  const std::string pattern = " the model";
  std::vector<TextMatch> expected;
  for (size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + 1))
    expected.push_back({token_of_byte[at], token_of_byte[at + pattern.size() - 1] + 1});
  ASSERT_GT(expected.size(), 50u);
  EXPECT_EQ(FindMatches(sequence, {pattern}, 0, sequence.TokenCount(), 1'000'000), expected);
  EXPECT_EQ(FindMatches(sequence, {" the mode[l]", true}, 0, sequence.TokenCount(), 1'000'000), expected);
}

TEST(Jumps, ExtremeTokensAndNextInList) {
  const std::vector<float> values = {0.5f, 9.0f, NAN, -4.0f, 7.0f, 0.0f, -8.0f, 3.0f};
  const std::vector<uint64_t> highest = ExtremeTokens(values, 3, true);
  EXPECT_EQ(highest, (std::vector<uint64_t>{1, 4, 7}));
  EXPECT_EQ(ExtremeTokens(values, 2, false), (std::vector<uint64_t>{3, 6}));
  EXPECT_EQ(ExtremeTokens(values, 100, true).size(), 7u);  // NaN is never an extreme
  EXPECT_EQ(NextInList(highest, 1, true), 4u);
  EXPECT_EQ(NextInList(highest, 2, true), 4u);
  EXPECT_EQ(NextInList(highest, 7, true), std::nullopt);
  EXPECT_EQ(NextInList(highest, 4, false), 1u);
  EXPECT_EQ(NextInList(highest, 1, false), std::nullopt);
}

TEST(Jumps, NextAboveAThresholdSkipsBlocksAndMatchesAScan) {
  const Document document = MakeSyntheticDocument(3'000'000);
  const ValueColumn& values = document.sequences[0].channels[0].values;
  const ValuePyramid pyramid(values);
  // Only the synthetic spikes are above 10.
  EXPECT_EQ(pyramid.NextAbove(0, 10.0f), kSyntheticSpikeEvery - 1);
  EXPECT_EQ(pyramid.NextAbove(kSyntheticSpikeEvery - 1, 10.0f), 2 * kSyntheticSpikeEvery - 1);
  EXPECT_EQ(pyramid.NextAbove(2 * kSyntheticSpikeEvery - 1, 10.0f), std::nullopt);
  for (const uint64_t from : {0ull, 63ull, 64ull, 12'345ull}) {
    uint64_t expected = from + 1;
    while (!(values[expected] > 0.45f)) ++expected;
    EXPECT_EQ(pyramid.NextAbove(from, 0.45f), expected) << from;
  }
}

}  // namespace
}  // namespace th
