#include "core/utf8.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace th {
namespace {

std::vector<char32_t> Decode(std::string_view text) {
  std::vector<char32_t> code_points;
  ForEachCodePoint(text, [&](char32_t cp) { code_points.push_back(cp); });
  return code_points;
}

// Decodes the first code point and reports how many bytes it took.
std::pair<char32_t, size_t> DecodeFirst(std::string_view text) {
  size_t pos = 0;
  const char32_t cp = DecodeUtf8(text, pos);
  return {cp, pos};
}

TEST(DecodeUtf8, ValidSequencesOfOneToFourBytes) {
  EXPECT_EQ(DecodeFirst("A"), std::make_pair(char32_t{'A'}, size_t{1}));
  EXPECT_EQ(DecodeFirst("\xC3\xA9"), std::make_pair(char32_t{0xE9}, size_t{2}));          // é
  EXPECT_EQ(DecodeFirst("\xE2\x82\xAC"), std::make_pair(char32_t{0x20AC}, size_t{3}));    // €
  EXPECT_EQ(DecodeFirst("\xF0\x9F\x98\x80"), std::make_pair(char32_t{0x1F600}, size_t{4}));
  EXPECT_EQ(DecodeFirst("\xF4\x8F\xBF\xBF"), std::make_pair(char32_t{0x10FFFF}, size_t{4}));
  EXPECT_EQ(Decode("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"),
            (std::vector<char32_t>{'a', 0xE9, 0x20AC, 0x1F600, 'z'}));
}

TEST(DecodeUtf8, TruncatedSequenceGivesOneReplacementPerByte) {
  EXPECT_EQ(DecodeFirst("\xE2\x82"), std::make_pair(kReplacementChar, size_t{1}));
  EXPECT_EQ(Decode("\xE2\x82"), (std::vector<char32_t>{kReplacementChar, kReplacementChar}));
  EXPECT_EQ(Decode("\xF0\x9F\x98"), std::vector<char32_t>(3, kReplacementChar));
}

TEST(DecodeUtf8, BrokenContinuationResumesAtTheNextByte) {
  EXPECT_EQ(Decode("\xC3" "A"), (std::vector<char32_t>{kReplacementChar, 'A'}));
  EXPECT_EQ(Decode("\xE2\x82" "B"),
            (std::vector<char32_t>{kReplacementChar, kReplacementChar, 'B'}));
}

TEST(DecodeUtf8, StrayAndInvalidLeadBytes) {
  EXPECT_EQ(Decode("\x80"), (std::vector<char32_t>{kReplacementChar}));
  EXPECT_EQ(Decode("\xBF" "a"), (std::vector<char32_t>{kReplacementChar, 'a'}));
  EXPECT_EQ(Decode("\xF8\xFF"), (std::vector<char32_t>{kReplacementChar, kReplacementChar}));
}

TEST(DecodeUtf8, OverlongFormsAreReplaced) {
  EXPECT_EQ(DecodeFirst("\xC0\xAF"), std::make_pair(kReplacementChar, size_t{1}));
  EXPECT_EQ(DecodeFirst("\xC1\xBF"), std::make_pair(kReplacementChar, size_t{1}));
  EXPECT_EQ(DecodeFirst("\xE0\x80\xAF"), std::make_pair(kReplacementChar, size_t{1}));
  EXPECT_EQ(DecodeFirst("\xF0\x80\x80\xAF"), std::make_pair(kReplacementChar, size_t{1}));
}

TEST(DecodeUtf8, SurrogatesAndValuesPastTheLastCodePointAreReplaced) {
  EXPECT_EQ(DecodeFirst("\xED\xA0\x80"), std::make_pair(kReplacementChar, size_t{1}));  // D800
  EXPECT_EQ(DecodeFirst("\xED\xBF\xBF"), std::make_pair(kReplacementChar, size_t{1}));  // DFFF
  EXPECT_EQ(DecodeFirst("\xED\x9F\xBF"), std::make_pair(char32_t{0xD7FF}, size_t{3}));
  EXPECT_EQ(DecodeFirst("\xF4\x90\x80\x80"), std::make_pair(kReplacementChar, size_t{1}));
}

TEST(AppendUtf8, EncodesAtEveryLengthBoundary) {
  const auto encode = [](char32_t cp) {
    std::string out;
    AppendUtf8(out, cp);
    return out;
  };
  EXPECT_EQ(encode(0x41), "A");
  EXPECT_EQ(encode(0xE9), "\xC3\xA9");
  EXPECT_EQ(encode(0x20AC), "\xE2\x82\xAC");
  EXPECT_EQ(encode(0x1F600), "\xF0\x9F\x98\x80");
  EXPECT_EQ(encode(0x7F).size(), 1u);
  EXPECT_EQ(encode(0x80).size(), 2u);
  EXPECT_EQ(encode(0x7FF).size(), 2u);
  EXPECT_EQ(encode(0x800).size(), 3u);
  EXPECT_EQ(encode(0xFFFF).size(), 3u);
  EXPECT_EQ(encode(0x10000).size(), 4u);
  EXPECT_EQ(encode(0x10FFFF).size(), 4u);
}

TEST(AppendUtf8, RoundTripsThroughDecode) {
  const std::vector<char32_t> code_points = {0x0,    0x7F,   0x80,    0x7FF,    0x800,
                                             0xD7FF, 0xE000, 0xFFFD,  0xFFFF,   0x10000,
                                             0x1F600, 0x10FFFF};
  std::string text;
  for (const char32_t cp : code_points) AppendUtf8(text, cp);
  EXPECT_EQ(Decode(text), code_points);
}

TEST(MalformedBytes, AreToldFromARealReplacementCharacter) {
  std::vector<char32_t> code_points;
  std::string bytes;
  ForEachCodePoint(
      "a\xE4\xBD" "b\xEF\xBF\xBD\x80", [&](char32_t cp) { code_points.push_back(cp); },
      [&](unsigned char byte) { bytes.push_back(static_cast<char>(byte)); });
  EXPECT_EQ(code_points, (std::vector<char32_t>{'a', 'b', kReplacementChar}));  // the encoded U+FFFD
  EXPECT_EQ(bytes, "\xE4\xBD\x80");  // a truncated character is one malformed byte each
  EXPECT_TRUE(IsMalformedByte(kReplacementChar, 3, 4));
  EXPECT_FALSE(IsMalformedByte(kReplacementChar, 3, 6));
  EXPECT_FALSE(IsMalformedByte('a', 3, 4));
}

TEST(MalformedBytes, HexFormIsBackslashXAndTwoUppercaseDigits) {
  std::string out = "<";
  AppendHexByte(out, 0x9F);
  AppendHexByte(out, 0x00);
  AppendHexByte(out, 0xFF);
  EXPECT_EQ(out, "<\\x9F\\x00\\xFF");
}

TEST(JsonStringContents, ValidTextReadsBackExactlyWithAnyJsonParser) {
  const std::string text = "quote \" backslash \\ tab \t newline \n nul " + std::string(1, '\0') + " é 中 🙂 \x7F";
  std::string json = "\"";
  AppendJsonStringContents(json, text);
  json += '"';
  EXPECT_EQ(json.find('\n'), std::string::npos) << "control characters are escaped";
  EXPECT_EQ(nlohmann::json::parse(json).get<std::string>(), text);
}

TEST(JsonStringContents, MalformedBytesBecomeLoneSurrogateEscapes) {
  std::string json;
  AppendJsonStringContents(json, "a\xE4\xBD" "b\x80");
  // Python: json.loads('"a\udce4\udcbdb\udc80"').encode("utf-8", "surrogateescape") == b"a\xe4\xbdb\x80"
  EXPECT_EQ(json, "a\\udce4\\udcbdb\\udc80");
}

}  // namespace
}  // namespace th
