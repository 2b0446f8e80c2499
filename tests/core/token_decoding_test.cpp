#include "core/token_decoding.hpp"

#include <gtest/gtest.h>

#include <memory>
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
  EXPECT_EQ(DetectTokenEncoding(OneSequence({"Ġ is", " a letter"}).sequences[0]), TokenEncoding::kDecoded);
}

// The same tokens stored as ids into a shared table (as with a vocabulary) decode to the same texts,
// raw strings and flags: each entry is decoded once, and tokens whose text depends on their
// neighbours (split characters, WordPiece word starts) get their own text.
Sequence TableSequence(const std::vector<std::string>& tokens) {
  auto table = std::make_shared<TokenTable>();
  std::vector<int32_t> ids;
  for (const std::string& token : tokens) {
    int32_t id = 0;
    while (static_cast<size_t>(id) < table->text.Size() && table->text.At(static_cast<size_t>(id)) != token) ++id;
    if (static_cast<size_t>(id) == table->text.Size()) table->text.Append(token);
    ids.push_back(id);
  }
  Sequence sequence;
  sequence.SetTableTokens(std::move(ids), std::move(table));
  return sequence;
}

TEST(TokenDecoding, TableBackedSequencesDecodeLikeStrings) {
  const std::vector<std::vector<std::string>> cases = {
      {"Hello", "Ġcaf", "Ã©", "Ċ", "ĉtab"},
      {"Ġ", "æĹ", "¥", "ðŁĺ", "Ģ", "!", "æĹ", "¥", "Ġ", "ðŁĺ", "Ģ"},
      {"<s>", "▁Hello", "<0xE6>", "<0x97>", "<0xA5>", "▁wor", "ld", "<0xE6>", "<0x97>", "<0xA5>"},
      {"[CLS]", "token", "##izer", "##s", "work", "[SEP]", "token", "[CLS]", "work"},
      {"a", "Ģ", "Ġb", "<|endoftext|>", "Ġb"},
      {"The", " caf", "\xEF\xBF\xBD", " ok"}};
  for (const std::vector<std::string>& tokens : cases) {
    Document strings = OneSequence(tokens);
    DecodeDocumentTokens(strings);
    Document table;
    table.sequences.push_back(TableSequence(tokens));
    DecodeDocumentTokens(table);
    const Sequence& expected = strings.sequences[0];
    const Sequence& actual = table.sequences[0];
    ASSERT_EQ(actual.TokenCount(), expected.TokenCount());
    EXPECT_EQ(actual.HasRawTokens(), expected.HasRawTokens()) << tokens[0];
    for (size_t i = 0; i < tokens.size(); ++i) {
      EXPECT_EQ(actual.Token(i), expected.Token(i)) << tokens[0] << " token " << i;
      EXPECT_EQ(actual.RawToken(i), expected.RawToken(i)) << tokens[0] << " token " << i;
      EXPECT_EQ(actual.Flags(i), expected.Flags(i)) << tokens[0] << " token " << i;
    }
  }
}

TEST(TokenDecoding, DroppingTokensKeepsTheTextsOfTheOthers) {
  Document document;
  document.sequences.push_back(TableSequence({"Ġ", "æĹ", "¥", "x", "æĹ", "¥"}));
  DecodeDocumentTokens(document);
  Sequence& sequence = document.sequences[0];
  sequence.KeepTokens({false, true, true, false, true, true});
  ASSERT_EQ(sequence.TokenCount(), 4u);
  EXPECT_EQ(sequence.Token(0), "日");
  EXPECT_EQ(sequence.Token(1), "");
  EXPECT_EQ(sequence.Token(2), "日");
  EXPECT_EQ(sequence.RawToken(3), "¥");
}

}  // namespace
}  // namespace th
