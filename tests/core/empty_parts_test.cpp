// The parts of a document that would draw an empty picture (core/empty_parts.hpp): sequences
// without tokens, channels without a finite value, borrowed columns as owned ones, the query's
// sequences and channel, and the limit on what is listed.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/empty_parts.hpp"

namespace th {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

Sequence MakeSequence(const std::string& name, size_t tokens, std::vector<Channel> channels) {
  Sequence sequence;
  sequence.name = name;
  for (size_t i = 0; i < tokens; ++i) sequence.AppendToken("t");
  sequence.channels = std::move(channels);
  return sequence;
}

TEST(EmptyPartsTest, HasFiniteValueIgnoresNaNAndInfinities) {
  EXPECT_FALSE(HasFiniteValue({}));
  const std::vector<float> none{kNaN, kInf, -kInf};
  EXPECT_FALSE(HasFiniteValue(none));
  const std::vector<float> one{kNaN, kInf, 0.0f};
  EXPECT_TRUE(HasFiniteValue(one));
}

TEST(EmptyPartsTest, FindsEmptyChannelsAndSequencesWithoutTokens) {
  Document document;
  document.source = "acts.json";
  document.sequences.push_back(MakeSequence("full", 2, {{"act", {1.0f, kNaN}}, {"dead", {kNaN, kInf}}}));
  document.sequences.push_back(MakeSequence("blank", 0, {{"act", {}}, {"dead", {}}}));
  document.sequences.push_back(MakeSequence("also dead", 1, {{"act", {-kInf}}, {"dead", {kNaN}}}));

  const EmptyParts every = FindEmptyParts(document, {});
  ASSERT_EQ(every.count, 4u);
  ASSERT_EQ(every.listed.size(), 4u);
  // A sequence without tokens is one part, not one per channel.
  EXPECT_EQ(every.listed[0].sequence, 0u);
  EXPECT_EQ(every.listed[0].channel, "dead");
  EXPECT_EQ(every.listed[1].kind, EmptyPart::Kind::kNoTokens);
  EXPECT_EQ(every.listed[1].sequence, 1u);
  EXPECT_EQ(every.listed[2].channel, "act");
  EXPECT_EQ(every.listed[3].channel, "dead");

  // The channel drawn, in the sequences drawn: "act" of sequence 0 has a value.
  EmptyPartsQuery drawn;
  const std::vector<uint32_t> first{0};
  drawn.sequences = first;
  drawn.channel = "act";
  EXPECT_EQ(FindEmptyParts(document, drawn).count, 0u);
  drawn.channel = "dead";
  EXPECT_EQ(FindEmptyParts(document, drawn).count, 1u);
  drawn.channel = "missing";
  const EmptyParts missing = FindEmptyParts(document, drawn);
  ASSERT_EQ(missing.count, 1u);
  EXPECT_EQ(missing.listed[0].kind, EmptyPart::Kind::kNoSuchChannel);
}

TEST(EmptyPartsTest, ListsUpToTheLimitAndCountsThemAll) {
  Document document;
  for (int i = 0; i < 1000; ++i) document.sequences.push_back(MakeSequence("s", 3, {{"act", {kNaN, kNaN, kNaN}}}));
  EmptyPartsQuery query;
  query.limit = 20;
  const EmptyParts parts = FindEmptyParts(document, query);
  EXPECT_EQ(parts.count, 1000u);
  ASSERT_EQ(parts.listed.size(), 20u);
  EXPECT_EQ(parts.listed.back().sequence, 19u);
}

// Values borrowed from a file's mapping are read in place, as owned ones.
TEST(EmptyPartsTest, ReadsBorrowedColumns) {
  auto mapped = std::make_shared<std::vector<float>>(std::vector<float>{kNaN, kNaN, 2.0f});
  Document document;
  document.sequences.push_back(
      MakeSequence("mapped", 2, {{"head", ValueColumn::Borrow(std::span<const float>(*mapped).first(2), mapped)},
                                 {"tail", ValueColumn::Borrow(std::span<const float>(*mapped).last(2), mapped)}}));
  const EmptyParts parts = FindEmptyParts(document, {});
  ASSERT_EQ(parts.count, 1u);
  EXPECT_EQ(parts.listed[0].channel, "head");
}

TEST(EmptyPartsTest, DescriptionsAreOneLineWithShortNames) {
  Document document;
  document.sequences.push_back(MakeSequence("two\nlines", 3, {{"act", {kNaN, kNaN, kNaN}}}));
  document.sequences.push_back(MakeSequence(std::string(200, 'x'), 1, {{"act", {kNaN}}}));
  document.sequences.push_back(MakeSequence("none", 0, {}));
  EXPECT_EQ(DescribeEmptyPart(document, {EmptyPart::Kind::kNoFiniteValue, 0, "act"}),
            "sequence 0 \"two\\x0Alines\": channel \"act\" has no finite value (its 3 values are all NaN or Inf)");
  EXPECT_EQ(DescribeEmptyPart(document, {EmptyPart::Kind::kNoFiniteValue, 1, "act"}),
            "sequence 1 \"" + std::string(60, 'x') + "...\": channel \"act\" has no finite value (its one value is "
            "NaN or Inf)");
  EXPECT_EQ(DescribeEmptyPart(document, {EmptyPart::Kind::kNoTokens, 2, {}}), "sequence 2 \"none\": has no tokens");
  EXPECT_EQ(DescribeEmptyPart(document, {EmptyPart::Kind::kNoSuchChannel, 0, "z"}),
            "sequence 0 \"two\\x0Alines\": has no channel \"z\"");
}

}  // namespace
}  // namespace th
