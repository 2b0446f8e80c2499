#include "core/token_decoding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace th {
namespace {

Document OneSequence(const std::vector<std::string>& tokens) {
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  for (const std::string& token : tokens) sequence.AppendToken(token);
  return document;
}

std::vector<std::string> Decoded(const std::vector<std::string>& tokens) {
  Document document = OneSequence(tokens);
  DecodeDocumentTokens(document);
  std::vector<std::string> out;
  for (size_t i = 0; i < document.sequences[0].TokenCount(); ++i) out.emplace_back(document.sequences[0].Token(i));
  return out;
}

std::string Joined(const std::vector<std::string>& tokens) {
  std::string text;
  for (const std::string& token : tokens) text += token;
  return text;
}

TEST(TokenDecoding, ByteLevelSpacesNewlinesAndLatin1) {
  // Ġ = space, Ċ = newline, "Ã©" = the two bytes of é.
  EXPECT_EQ(Decoded({"Hello", "Ġcaf", "Ã©", "Ċ", "ĉtab"}),
            (std::vector<std::string>{"Hello", " caf", "é", "\n", "\ttab"}));
}

TEST(TokenDecoding, ByteLevelCharacterSplitAcrossTokensIsShownWholeOnItsFirstToken) {
  // 日 is E6 97 A5: GPT-2 writes those bytes as "æ", "Ĺ", "¥"; 😀 is F0 9F 98 80.
  const std::vector<std::string> decoded = Decoded({"Ġ", "æĹ", "¥", "ðŁĺ", "Ģ", "!"});
  EXPECT_EQ(decoded, (std::vector<std::string>{" ", "日", "", "😀", "", "!"}));
  EXPECT_EQ(Joined(decoded), " 日😀!");  // the concatenation is exactly the text
}

TEST(TokenDecoding, RawTokensStayAvailable) {
  Document document = OneSequence({"Hi", "Ġthere"});
  DecodeDocumentTokens(document);
  const Sequence& sequence = document.sequences[0];
  EXPECT_TRUE(sequence.HasRawTokens());
  EXPECT_EQ(sequence.Token(1), " there");
  EXPECT_EQ(sequence.RawToken(1), "Ġthere");
  EXPECT_EQ(sequence.Token(1, TokenText::kRaw), "Ġthere");
}

TEST(TokenDecoding, SentencePieceMetaspaceAndByteTokens) {
  const std::vector<std::string> decoded = Decoded({"<s>", "▁Hello", "▁wor", "ld", "<0x0A>", "<0xE6>", "<0x97>", "<0xA5>"});
  EXPECT_EQ(decoded, (std::vector<std::string>{"<s>", " Hello", " wor", "ld", "\n", "日", "", ""}));
}

TEST(TokenDecoding, WordPieceContinuations) {
  EXPECT_EQ(Decoded({"[CLS]", "token", "##izer", "##s", "work", "[SEP]"}),
            (std::vector<std::string>{"[CLS]", "token", "izer", "s", " work", "[SEP]"}));
}

TEST(TokenDecoding, AlreadyDecodedTokensAreLeftAloneIncludingReplacementCharacters) {
  const std::vector<std::string> tokens = {"The", " caf", "\xEF\xBF\xBD", " ok"};
  Document document = OneSequence(tokens);
  DecodeDocumentTokens(document);
  EXPECT_FALSE(document.sequences[0].HasRawTokens());
  EXPECT_EQ(document.sequences[0].Token(2), "\xEF\xBF\xBD");
}

TEST(TokenDecoding, InvalidBytesAreKeptNotDropped) {
  // A lone continuation byte (0x80 is "Ģ") cannot join a character: its byte stays as it is.
  const std::vector<std::string> decoded = Decoded({"a", "Ģ", "Ġb"});
  EXPECT_EQ(decoded, (std::vector<std::string>{"a", "\x80", " b"}));
}

TEST(TokenDecoding, SpecialTokensAreFlagged) {
  Document document = OneSequence({"<|endoftext|>", "Hello", "<pad>", "[CLS]", "<b>", "<0x0A>"});
  DecodeDocumentTokens(document);
  const Sequence& sequence = document.sequences[0];
  EXPECT_EQ(sequence.Flags(0), kTokenSpecial);
  EXPECT_EQ(sequence.Flags(1), 0);
  EXPECT_EQ(sequence.Flags(2), kTokenSpecial);
  EXPECT_EQ(sequence.Flags(3), kTokenSpecial);
  EXPECT_EQ(sequence.Flags(4), 0);  // not a known special token
  EXPECT_EQ(sequence.Flags(5), 0);  // a byte token
}

TEST(TokenDecoding, PlainTextWithSpacesIsNotMistakenForATokenizerAlphabet) {
  EXPECT_EQ(DetectTokenEncoding(OneSequence({"Ġ is", " a letter"})), TokenEncoding::kDecoded);
}

}  // namespace
}  // namespace th
