#include "core/demo_document.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace th {
namespace {

std::string Concatenate(const Sequence& sequence) {
  std::string text;
  for (size_t i = 0; i < sequence.TokenCount(); ++i) text += sequence.Token(i);
  return text;
}

// Index of the first token equal to text, or TokenCount().
size_t FindToken(const Sequence& sequence, std::string_view text) {
  size_t i = 0;
  while (i < sequence.TokenCount() && sequence.Token(i) != text) ++i;
  return i;
}

TEST(DemoDocument, HasTwoNamedSequencesWithTheSameChannels) {
  const Document document = MakeDemoDocument();
  EXPECT_EQ(document.source, "<demo>");
  ASSERT_EQ(document.sequences.size(), 2u);
  EXPECT_EQ(document.sequences[0].name, "Lorem ipsum");
  EXPECT_EQ(document.sequences[1].name, "Pangrams");
  for (const Sequence& sequence : document.sequences) {
    ASSERT_EQ(sequence.channels.size(), 2u);
    EXPECT_EQ(sequence.channels[0].name, "characters");
    EXPECT_EQ(sequence.channels[1].name, "vowel share");
    for (const Channel& channel : sequence.channels) {
      EXPECT_EQ(channel.values.size(), sequence.TokenCount());
      for (const float value : channel.values) EXPECT_TRUE(std::isfinite(value));
    }
  }
}

TEST(DemoDocument, LoremIpsumIsWordTokensWithLeadingSpaces) {
  const Document document = MakeDemoDocument();
  const Sequence& lorem = document.sequences[0];
  ASSERT_GE(lorem.TokenCount(), 200u);
  EXPECT_EQ(lorem.Token(0), "Lorem");
  EXPECT_EQ(lorem.Token(1), " ipsum");
  EXPECT_EQ(lorem.Token(2), " dolor");
  EXPECT_EQ(lorem.Token(4), " amet,");
  const std::string text = Concatenate(lorem);
  EXPECT_TRUE(text.starts_with("Lorem ipsum dolor sit amet, consectetur adipiscing elit"));

  // Three paragraphs: two "\n\n" tokens, each followed by a word without a leading space.
  int breaks = 0;
  for (size_t i = 0; i < lorem.TokenCount(); ++i) {
    const std::string_view token = lorem.Token(i);
    if (token.find('\n') != std::string_view::npos) {
      EXPECT_EQ(token, "\n\n");
      ASSERT_LT(i + 1, lorem.TokenCount());
      EXPECT_NE(lorem.Token(i + 1)[0], ' ');
      EXPECT_EQ(lorem.channels[0].values[i], 0.0f);
      EXPECT_EQ(lorem.channels[1].values[i], 0.0f);
      ++breaks;
    } else if (i > 0 && lorem.Token(i - 1) != "\n\n") {
      EXPECT_EQ(token[0], ' ') << "token " << i;
    }
  }
  EXPECT_EQ(breaks, 2);
}

TEST(DemoDocument, CharactersCountLettersWithoutSpaceOrPunctuation) {
  const Document document = MakeDemoDocument();
  const Sequence& lorem = document.sequences[0];
  const size_t consectetur = FindToken(lorem, " consectetur");
  ASSERT_LT(consectetur, lorem.TokenCount());
  EXPECT_EQ(lorem.channels[0].values[consectetur], 11.0f);
  EXPECT_EQ(lorem.channels[0].values[0], 5.0f);  // "Lorem"
  EXPECT_EQ(lorem.channels[0].values[4], 4.0f);  // " amet,"
}

TEST(DemoDocument, VowelShareIsVowelsOverLetters) {
  const Document document = MakeDemoDocument();
  const Sequence& lorem = document.sequences[0];
  EXPECT_FLOAT_EQ(lorem.channels[1].values[0], 2.0f / 5.0f);  // "Lorem": o, e
  EXPECT_FLOAT_EQ(lorem.channels[1].values[4], 2.0f / 4.0f);  // " amet,": a, e
  for (const float share : lorem.channels[1].values) {
    EXPECT_GE(share, 0.0f);
    EXPECT_LE(share, 1.0f);
  }
}

TEST(DemoDocument, PangramsEndEachLineWithANewlineToken) {
  const Document document = MakeDemoDocument();
  const Sequence& pangrams = document.sequences[1];
  EXPECT_EQ(pangrams.Token(0), "The");
  EXPECT_EQ(pangrams.Token(1), " quick");
  EXPECT_TRUE(Concatenate(pangrams).starts_with("The quick brown fox jumps over the lazy dog.\n"));
  EXPECT_EQ(pangrams.Token(pangrams.TokenCount() - 1), "\n");

  int lines = 0;
  for (size_t i = 0; i < pangrams.TokenCount(); ++i) {
    if (pangrams.Token(i) != "\n") continue;
    ++lines;
    EXPECT_EQ(pangrams.channels[0].values[i], 0.0f);
    const char sentence_end = pangrams.Token(i - 1).back();
    EXPECT_TRUE(sentence_end == '.' || sentence_end == '!') << pangrams.Token(i - 1);
  }
  EXPECT_GE(lines, 4);
  EXPECT_LE(lines, 5);

  const size_t dog = FindToken(pangrams, " dog.");
  ASSERT_LT(dog, pangrams.TokenCount());
  EXPECT_EQ(pangrams.channels[0].values[dog], 3.0f);
  EXPECT_FLOAT_EQ(pangrams.channels[1].values[dog], 1.0f / 3.0f);
}

}  // namespace
}  // namespace th
