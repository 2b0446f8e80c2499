#include "sequence_fixture.hpp"
#include "layout/navigation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "core/synthetic_document.hpp"
#include "layout/value_pyramid.hpp"
#include "session/session.hpp"

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
}

TEST(FindMatches, ABadExpressionThrowsRe2sOneLineReason) {
  const Sequence sequence = MakeSequence({"The", " cat"});
  try {
    FindMatches(sequence, {"(cat", true}, 0, 2, 10);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()), "missing ): (cat");
  }
  EXPECT_THROW(FindMatches(sequence, {"a{2000}", true}, 0, 2, 10), std::invalid_argument);
}

TEST(FindMatches, CatastrophicPatternsTakeLinearTime) {
  // A backtracking matcher tries every way of splitting the a's between the two stars.
  const Sequence sequence = MakeSequence({std::string(100'000, 'a')});
  EXPECT_TRUE(FindMatches(sequence, {"(a*)*b", true}, 0, 1, 10).empty());
  EXPECT_TRUE(FindMatches(sequence, {"(a|aa)+$b", true}, 0, 1, 10).empty());
}

TEST(FindMatches, AMatchOfAMillionCharactersNeitherRecursesNorReadsPastAWindow) {
  // A recursive matcher overflows the stack on a match this long; here a match longer than a
  // window is cut short, and still marks the tokens it starts in.
  const Sequence sequence = MakeSequence({"x", std::string(1'000'000, 'a'), "y"});
  EXPECT_EQ(FindMatches(sequence, {"xa+", true}, 0, 3, 10), (std::vector<TextMatch>{{0, 2}}));
  EXPECT_EQ(FindMatches(sequence, {"a+y", true}, 0, 3, 10), (std::vector<TextMatch>{{1, 3}}));
}

TEST(FindMatches, ALongTokenIsSearchedInWindowsFindingEveryMatchOnce) {
  std::string token;
  for (int i = 0; i < 60'000; ++i) token += i % 7 == 0 ? "cat dog " : "bird ";
  const Sequence sequence = MakeSequence({"a ", token, " fin"});
  const std::string text = "a " + token + " fin";
  size_t expected = 0;
  for (size_t at = text.find("t d"); at != std::string::npos; at = text.find("t d", at + 1)) ++expected;
  ASSERT_GT(expected, 8'000u);
  EXPECT_EQ(FindMatches(sequence, {"t d"}, 0, 3, SIZE_MAX), std::vector<TextMatch>(expected, {1, 2}));
  EXPECT_EQ(FindMatches(sequence, {"t\\sd", true}, 0, 3, SIZE_MAX), std::vector<TextMatch>(expected, {1, 2}));
  EXPECT_EQ(FindMatches(sequence, {"d\\s+fin", true}, 0, 3, SIZE_MAX), (std::vector<TextMatch>{{1, 3}}));
}

TEST(FindMatches, AnchorsAndWordBoundariesSeeTheTextAroundEachWindow) {
  // 500 KB of "then ": several windows, most starting inside a word.
  const Sequence sequence = MakeSequence(std::vector<std::string>(100'000, "then "));
  EXPECT_EQ(FindMatches(sequence, {"^then", true}, 0, 100'000, SIZE_MAX), (std::vector<TextMatch>{{0, 1}}));
  EXPECT_EQ(FindMatches(sequence, {"then $", true}, 0, 100'000, SIZE_MAX),
            (std::vector<TextMatch>{{99'999, 100'000}}));
  EXPECT_EQ(FindMatches(sequence, {"\\B(?:hen|en|n)\\b", true}, 0, 100'000, SIZE_MAX).size(), 100'000u);
  EXPECT_EQ(FindMatches(sequence, {"\\b(?:hen|en|n)", true}, 0, 100'000, SIZE_MAX), (std::vector<TextMatch>{}));
}

TEST(FindMatches, ADotMatchesACharacterAndMalformedBytesMatchOnlyAnyByte) {
  const Sequence sequence = MakeSequence({"a", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x99\x82", "\xFF", "b"});
  EXPECT_EQ(FindMatches(sequence, {"a..\xF0\x9F\x99\x82", true}, 0, 6, 10), (std::vector<TextMatch>{{0, 4}}));
  EXPECT_EQ(FindMatches(sequence, {"^.{4}$", true}, 0, 4, 10), (std::vector<TextMatch>{{0, 4}}));
  // The byte that is not UTF-8 is no character, but the search goes on past it.
  EXPECT_EQ(FindMatches(sequence, {"[^a]", true}, 3, 6, 10), (std::vector<TextMatch>{{3, 4}, {5, 6}}));
  EXPECT_EQ(FindMatches(sequence, {"\\Cb", true}, 0, 6, 10), (std::vector<TextMatch>{{4, 6}}));
  EXPECT_EQ(FindMatches(sequence, {"\xFF" "b"}, 0, 6, 10), (std::vector<TextMatch>{{4, 6}}));  // plain: bytes
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

TEST(FindMatches, PlainSearchIsCaseSensitiveAndARegexCanIgnoreCase) {
  const Sequence sequence = MakeSequence({"The", " cat", " saw", " THE", " the", " end"});
  EXPECT_EQ(FindMatches(sequence, {"the"}, 0, 6, 10), (std::vector<TextMatch>{{4, 5}}));
  EXPECT_EQ(FindMatches(sequence, {"[Tt][Hh][Ee]", true}, 0, 6, 10), (std::vector<TextMatch>{{0, 1}, {3, 4}, {4, 5}}));
}

TEST(FindMatches, AMatchAcrossSeveralTokensCoversThemAll) {
  const Sequence sequence = MakeSequence({"New", " Yo", "rk", " City", " and", " New", " York"});
  EXPECT_EQ(FindMatches(sequence, {"New York"}, 0, 7, 10), (std::vector<TextMatch>{{0, 3}, {5, 7}}));
  EXPECT_EQ(FindMatches(sequence, {"York C.ty", true}, 0, 7, 10), (std::vector<TextMatch>{{1, 4}}));
}

TEST(FindMatches, ProgressCountsTheTokensReadAndAStopEndsEarly) {
  const Document document = MakeSyntheticDocument(300'000);
  const Sequence& sequence = document.sequences[0];
  SearchProgress progress;
  const auto all = FindMatches(sequence, {" the"}, 0, sequence.TokenCount(), SIZE_MAX, TokenText::kDecoded, &progress);
  EXPECT_GT(progress.tokens_done.load(), sequence.TokenCount() / 2);  // the last chunk's start
  std::stop_source stop;
  SearchProgress stopped;
  stopped.stop = stop.get_token();
  stop.request_stop();
  EXPECT_LT(FindMatches(sequence, {" the"}, 0, sequence.TokenCount(), SIZE_MAX, TokenText::kDecoded, &stopped).size(),
            all.size());
}

// Matches as FindMatches returns them: first and end tokens never decrease.
const std::vector<TextMatch> kMatches = {{2, 3}, {5, 8}, {6, 8}, {10, 11}, {20, 22}};

TEST(MatchList, MatchesOverlappingARangeByBinarySearch) {
  const auto overlapping = [](uint64_t first, uint64_t end) {
    const auto found = MatchesOverlapping(kMatches, first, end);
    return std::vector<TextMatch>(found.begin(), found.end());
  };
  EXPECT_EQ(overlapping(0, 2), (std::vector<TextMatch>{}));
  EXPECT_EQ(overlapping(0, 3), (std::vector<TextMatch>{{2, 3}}));
  EXPECT_EQ(overlapping(7, 10), (std::vector<TextMatch>{{5, 8}, {6, 8}}));  // a match begun above the view
  EXPECT_EQ(overlapping(8, 10), (std::vector<TextMatch>{}));
  EXPECT_EQ(overlapping(3, 21), (std::vector<TextMatch>{{5, 8}, {6, 8}, {10, 11}, {20, 22}}));
  EXPECT_EQ(overlapping(21, 100), (std::vector<TextMatch>{{20, 22}}));
  EXPECT_TRUE(MatchesOverlapping({}, 0, 100).empty());
}

TEST(MatchList, NextAndPreviousWrapAround) {
  // From the current match.
  EXPECT_EQ(StepMatch(kMatches, 0, 0, true), 1u);
  EXPECT_EQ(StepMatch(kMatches, 4, 0, true), 0u);
  EXPECT_EQ(StepMatch(kMatches, 0, 0, false), 4u);
  EXPECT_EQ(StepMatch(kMatches, 3, 0, false), 2u);
  // With none yet, from a token: the first at or after it, or the last before it.
  EXPECT_EQ(StepMatch(kMatches, std::nullopt, 6, true), 2u);
  EXPECT_EQ(StepMatch(kMatches, std::nullopt, 7, true), 3u);
  EXPECT_EQ(StepMatch(kMatches, std::nullopt, 21, true), 0u);  // past the last: wraps to the first
  EXPECT_EQ(StepMatch(kMatches, std::nullopt, 6, false), 1u);
  EXPECT_EQ(StepMatch(kMatches, std::nullopt, 2, false), 4u);  // before the first: wraps to the last
  EXPECT_EQ(StepMatch({}, std::nullopt, 0, true), std::nullopt);
}

TEST(MatchList, OverviewRowsHoldingAMatch) {
  // 30 tokens on 10 rows: row r holds tokens [3r, 3r + 3).
  EXPECT_EQ(MatchRows(kMatches, 30, 10), (std::vector<size_t>{0, 1, 2, 3, 6, 7}));
  // More rows than tokens: each token's own row (RowOfToken), the rows between hold none.
  const std::vector<TextMatch> one = {{4, 5}};
  EXPECT_EQ(MatchRows(one, 10, 100), (std::vector<size_t>{ValuePyramid::RowOfToken(4, 10, 100)}));
  // Agrees with RowOfToken for every token of every match, on a long synthetic document.
  const Document document = MakeSyntheticDocument(50'000);
  const Sequence& sequence = document.sequences[0];
  const auto matches = FindMatches(sequence, {" model"}, 0, sequence.TokenCount(), SIZE_MAX);
  ASSERT_FALSE(matches.empty());
  std::vector<size_t> expected;
  for (const TextMatch& match : matches)
    for (uint64_t t = match.first_token; t < match.end_token; ++t)
      expected.push_back(ValuePyramid::RowOfToken(t, sequence.TokenCount(), 700));
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  EXPECT_EQ(MatchRows(matches, sequence.TokenCount(), 700), expected);
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

TEST(Jumps, RankedTokenCountsFromTheExtremeWithTiesInReadingOrder) {
  const std::vector<float> values = {0.5f, 9.0f, NAN, -4.0f, 7.0f, 0.0f, -8.0f, 7.0f};
  EXPECT_EQ(RankedToken(values, 1, true), 1u);
  EXPECT_EQ(RankedToken(values, 2, true), 4u);  // 7 at tokens 4 and 7: the earlier ranks first
  EXPECT_EQ(RankedToken(values, 3, true), 7u);
  EXPECT_EQ(RankedToken(values, 1, false), 6u);
  EXPECT_EQ(RankedToken(values, 2, false), 3u);
  EXPECT_EQ(RankedToken(values, 7, true), 6u);  // the last of the 7 finite values
  EXPECT_EQ(RankedToken(values, 8, true), std::nullopt);  // NaN has no rank
  EXPECT_EQ(RankedToken(values, 0, true), std::nullopt);
  EXPECT_EQ(RankedToken({}, 1, true), std::nullopt);
}

TEST(Jumps, EveryRankMatchesAStableSort) {
  std::mt19937 random(7);
  std::vector<float> values(500);
  for (float& value : values) value = static_cast<float>(random() % 40);  // many ties
  values[17] = NAN;
  for (const bool highest : {true, false}) {
    std::vector<uint64_t> order;
    for (uint64_t i = 0; i < values.size(); ++i)
      if (std::isfinite(values[i])) order.push_back(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint64_t a, uint64_t b) { return highest ? values[a] > values[b] : values[a] < values[b]; });
    for (uint64_t rank = 1; rank <= order.size(); ++rank)
      ASSERT_EQ(RankedToken(values, rank, highest), order[rank - 1]) << "rank " << rank << " highest " << highest;
    // The k extremes are the first k ranks, in reading order.
    std::vector<uint64_t> first(order.begin(), order.begin() + 30);
    std::sort(first.begin(), first.end());
    EXPECT_EQ(ExtremeTokens(values, 30, highest), first);
  }
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

// The Go to panel's, the script steps' and the command line's jumps, on a session: 400 tokens of
// 5 cells, 4 a line, values 0 but 10 at tokens 201 (inside line 50), 206 and 207 (inside and at
// the end of line 51) and 350.
TEST(SessionJumps, NextAboveGoesOnFromTheTokenItWentToNotFromItsLine) {
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  std::vector<float> values(400, 0.0f);
  for (const size_t high : {201, 206, 207, 350}) values[high] = 10.0f;
  for (size_t i = 0; i < values.size(); ++i) sequence.AppendToken(" word");
  sequence.channels.push_back({"v", values});
  Session session(std::move(document));
  constexpr GridGeometry kGeometry{10, 20, 2};
  const auto layout = [&] { session.UpdateLayout(2 * Session::kPadding + 200, 100, kGeometry); };
  layout();
  EXPECT_EQ(session.GoToNextAbove(5.0f), 201u);
  layout();
  EXPECT_EQ(session.TopToken(), 200u);
  EXPECT_EQ(session.JumpOrigin(), 201u);
  EXPECT_EQ(session.GoToNextAbove(5.0f), 206u) << "not 201 again, though its line starts at 200";
  layout();
  EXPECT_EQ(session.GoToNextAbove(5.0f), 207u);
  EXPECT_EQ(session.GoToNextAbove(5.0f), 350u);
  layout();
  EXPECT_EQ(session.TopToken(), 348u);
  EXPECT_EQ(session.GoToNextAbove(5.0f), std::nullopt);
  EXPECT_EQ(session.TopToken(), 348u) << "no jump, no scroll";
  session.ScrollTo(0);  // the view moved away: jumps start from its top again
  layout();
  EXPECT_EQ(session.JumpOrigin(), 0u);
  EXPECT_EQ(session.GoToNextAbove(5.0f), 201u);

  EXPECT_EQ(session.GoToRanked(4, true), 350u);  // four tens, in reading order
  layout();
  EXPECT_EQ(session.TopToken(), 348u);
  EXPECT_EQ(session.GoToRanked(5, true), 0u);    // then the zeros, the earliest first
  EXPECT_EQ(session.GoToRanked(1, false), 0u);
  EXPECT_EQ(session.GoToRanked(396, false), 399u);  // the last of the 396 zeros
  EXPECT_EQ(session.GoToRanked(397, false), 201u);
  EXPECT_EQ(session.GoToRanked(401, false), std::nullopt);
}

}  // namespace
}  // namespace th
