#include "core/json_loader.hpp"
#include "core/load_document.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace th {
namespace {

namespace fs = std::filesystem;

// Writes fixtures to a fresh directory per test, removed afterwards.
class JsonLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    m_dir = fs::temp_directory_path() /
            ("tokenheat_json_loader_" + test_name + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(m_dir);
  }

  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (m_dir / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // what() of the LoadError that loading path throws ("" and a test failure if none).
  static std::string ErrorOf(const std::string& path) {
    try {
      LoadDocumentFile(path);
    } catch (const LoadError& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << "message is not one line: " << message;
      EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
      return message;
    }
    ADD_FAILURE() << "no LoadError for " << path;
    return "";
  }

  // Loads content written to name and returns the error message.
  std::string ErrorFor(const std::string& name, const std::string& content) {
    return ErrorOf(Write(name, content));
  }

  fs::path m_dir;
};

std::vector<std::string> Tokens(const Sequence& sequence) {
  std::vector<std::string> tokens;
  for (size_t i = 0; i < sequence.TokenCount(); ++i) tokens.emplace_back(sequence.Token(i));
  return tokens;
}

std::vector<std::string> ChannelNames(const Sequence& sequence) {
  std::vector<std::string> names;
  for (const Channel& channel : sequence.channels) names.push_back(channel.name);
  return names;
}

// [SECTION] Formats

TEST_F(JsonLoaderTest, ShortFormIsOneSequenceWithChannelValue) {
  const std::string path =
      Write("short.json", R"({"tokens": ["Hello", " world"], "values": [0.1, 0.9]})");
  const Document document = LoadDocumentFile(path);
  EXPECT_EQ(document.source, path);
  ASSERT_EQ(document.sequences.size(), 1u);
  const Sequence& sequence = document.sequences[0];
  EXPECT_EQ(sequence.name, "sequence 0");
  EXPECT_EQ(Tokens(sequence), (std::vector<std::string>{"Hello", " world"}));
  ASSERT_EQ(ChannelNames(sequence), (std::vector<std::string>{"value"}));
  EXPECT_EQ(sequence.channels[0].values, (std::vector<float>{0.1f, 0.9f}));
}

TEST_F(JsonLoaderTest, ShortFormAtTopLevelKeepsItsName) {
  const Document document = LoadDocumentFile(
      Write("named.json", R"({"name": "mine", "tokens": ["a"], "channels": {"x": [1]}})"));
  ASSERT_EQ(document.sequences.size(), 1u);
  EXPECT_EQ(document.sequences[0].name, "mine");
  EXPECT_EQ(ChannelNames(document.sequences[0]), (std::vector<std::string>{"x"}));
}

TEST_F(JsonLoaderTest, SequencesFormKeepsNamesAndChannelOrder) {
  const Document document = LoadDocumentFile(Write("multi.json", R"({"sequences": [
    {"name": "first", "tokens": ["a", "b"],
     "channels": {"zeta": [1, 2], "act": [3, 4], "logprob": [-0.5, -1.5]}},
    {"tokens": ["c"], "values": [7]},
    {"tokens": [], "channels": {"empty": []}}
  ]})"));
  ASSERT_EQ(document.sequences.size(), 3u);
  const Sequence& first = document.sequences[0];
  EXPECT_EQ(first.name, "first");
  EXPECT_EQ(Tokens(first), (std::vector<std::string>{"a", "b"}));
  // File order, not alphabetical.
  EXPECT_EQ(ChannelNames(first), (std::vector<std::string>{"zeta", "act", "logprob"}));
  EXPECT_EQ(first.channels[1].values, (std::vector<float>{3.0f, 4.0f}));
  EXPECT_EQ(first.channels[2].values, (std::vector<float>{-0.5f, -1.5f}));
  EXPECT_EQ(first.FindChannel("logprob"), 2);

  EXPECT_EQ(document.sequences[1].name, "sequence 1");
  EXPECT_EQ(ChannelNames(document.sequences[1]), (std::vector<std::string>{"value"}));
  EXPECT_EQ(document.sequences[1].channels[0].values, (std::vector<float>{7.0f}));

  EXPECT_EQ(document.sequences[2].name, "sequence 2");
  EXPECT_EQ(document.sequences[2].TokenCount(), 0u);
  EXPECT_TRUE(document.sequences[2].channels[0].values.empty());
}

TEST_F(JsonLoaderTest, JsonlReadsOneSequencePerLineAndSkipsBlankLines) {
  const Document document = LoadDocumentFile(Write("data.jsonl",
      "{\"tokens\": [\"a\", \"b\"], \"values\": [1, 2]}\n"
      "\n"
      "   \n"
      "{\"name\": \"named\", \"tokens\": [\"c\"], \"channels\": {\"p\": [0.5], \"q\": [null]}}\n"
      "{\"tokens\": [\"d\"], \"values\": [3]}\n"));
  ASSERT_EQ(document.sequences.size(), 3u);
  EXPECT_EQ(document.sequences[0].name, "line 1");
  EXPECT_EQ(Tokens(document.sequences[0]), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(document.sequences[1].name, "named");
  EXPECT_EQ(ChannelNames(document.sequences[1]), (std::vector<std::string>{"p", "q"}));
  EXPECT_TRUE(std::isnan(document.sequences[1].channels[1].values[0]));
  EXPECT_EQ(document.sequences[2].name, "line 5");
  EXPECT_EQ(document.sequences[2].channels[0].values, (std::vector<float>{3.0f}));
}

// Over 1 MiB, so the two halves are read by two threads: every line still gets its own number
// and order, and an error in the second half is the complete reader's.
std::string LargeJsonl(size_t lines) {
  std::string text;
  for (size_t line = 1; line <= lines; ++line) {
    if (line % 7 != 0)  // blank lines still count
      text += R"({"tokens": ["Ġtok", "Ġen"], "channels": {"act": [)" + std::to_string(line) +
              R"(, -0.5], "pad": [0.25, 0.125]}})" + std::string(400, ' ');
    text += "\n";
  }
  return text;
}

TEST_F(JsonLoaderTest, LargeJsonlKeepsEveryLinesNumberAndOrder) {
  const std::string text = LargeJsonl(4000);
  ASSERT_GT(text.size(), size_t{1} << 20);
  const Document document = LoadDocumentFile(Write("large.jsonl", text));
  size_t index = 0;
  for (size_t line = 1; line <= 4000; ++line) {
    if (line % 7 == 0) continue;
    ASSERT_LT(index, document.sequences.size());
    const Sequence& sequence = document.sequences[index++];
    EXPECT_EQ(sequence.name, "line " + std::to_string(line));
    ASSERT_EQ(sequence.channels.size(), 2u);
    EXPECT_EQ(sequence.channels[0].values, (std::vector<float>{static_cast<float>(line), -0.5f}));
    EXPECT_EQ(Tokens(sequence), (std::vector<std::string>{" tok", " en"}));
  }
  EXPECT_EQ(index, document.sequences.size());
}

TEST_F(JsonLoaderTest, LargeJsonlErrorInTheSecondHalfNamesItsLine) {
  std::string text = LargeJsonl(4000);
  text += R"({"tokens": ["a"], "values": [true]})" "\n";
  const std::string message = ErrorFor("large_bad.jsonl", text);
  EXPECT_NE(message.find("large_bad.jsonl:4001"), std::string::npos) << message;
}

TEST_F(JsonLoaderTest, JsonlWithCrlfLineEndings) {
  const Document document = LoadDocumentFile(Write("crlf.jsonl",
      "{\"tokens\": [\"a\"], \"values\": [1]}\r\n{\"tokens\": [\"b\"], \"values\": [2]}\r\n"));
  ASSERT_EQ(document.sequences.size(), 2u);
  EXPECT_EQ(Tokens(document.sequences[1]), (std::vector<std::string>{"b"}));
}

TEST_F(JsonLoaderTest, SingleLineJsonlFileLoads) {
  const Document document =
      LoadDocumentFile(Write("one.jsonl", "{\"tokens\": [\"a\"], \"values\": [1]}\n"));
  ASSERT_EQ(document.sequences.size(), 1u);
  EXPECT_EQ(Tokens(document.sequences[0]), (std::vector<std::string>{"a"}));
}

TEST_F(JsonLoaderTest, PrettyPrintedJsonIsNotMistakenForJsonl) {
  const Document document = LoadDocumentFile(Write("pretty.json",
      "{\n  \"sequences\": [\n    {\"tokens\": [\"a\"], \"values\": [1]},\n"
      "    {\"tokens\": [\"b\"], \"values\": [2]}\n  ]\n}\n"));
  ASSERT_EQ(document.sequences.size(), 2u);
  EXPECT_EQ(document.sequences[1].name, "sequence 1");
}

TEST_F(JsonLoaderTest, NullAndNonFiniteSpellingsAreNoValue) {
  const Document document = LoadDocumentFile(Write("nan.json", R"({
    "tokens": ["a", "b", "c", "d", "e", "f", "g", "h", "i"],
    "values": [null, "NaN", "nan", "Infinity", "inf", "-Infinity", "-inf", 3, -2.5e1]})"));
  const ValueColumn& values = document.sequences[0].channels[0].values;
  ASSERT_EQ(values.size(), 9u);
  EXPECT_TRUE(std::isnan(values[0]));
  EXPECT_TRUE(std::isnan(values[1]));
  EXPECT_TRUE(std::isnan(values[2]));
  EXPECT_EQ(values[3], INFINITY);
  EXPECT_EQ(values[4], INFINITY);
  EXPECT_EQ(values[5], -INFINITY);
  EXPECT_EQ(values[6], -INFINITY);
  EXPECT_EQ(values[7], 3.0f);
  EXPECT_EQ(values[8], -25.0f);
}

TEST_F(JsonLoaderTest, ByteOrderMarkIsStripped) {
  const std::string bom = "\xEF\xBB\xBF";
  const Document json =
      LoadDocumentFile(Write("bom.json", bom + R"({"tokens": ["a"], "values": [1]})"));
  EXPECT_EQ(Tokens(json.sequences[0]), (std::vector<std::string>{"a"}));
  const Document jsonl = LoadDocumentFile(Write("bom.jsonl",
      bom + "{\"tokens\": [\"a\"], \"values\": [1]}\n{\"tokens\": [\"b\"], \"values\": [2]}\n"));
  ASSERT_EQ(jsonl.sequences.size(), 2u);
  EXPECT_EQ(jsonl.sequences[0].name, "line 1");
}

TEST_F(JsonLoaderTest, UnicodeTokensAreKeptAsUtf8) {
  const Document document = LoadDocumentFile(
      Write("utf8.json", R"({"tokens": ["caf\u00e9", " 日本", "\n"], "values": [1, 2, 3]})"));
  EXPECT_EQ(Tokens(document.sequences[0]),
            (std::vector<std::string>{"caf\xC3\xA9", " \xE6\x97\xA5\xE6\x9C\xAC", "\n"}));
}

TEST(JsonLoaderInMemory, ParsesTextUnderTheGivenSourceName) {
  const Document json = ParseJsonDocument(R"({"tokens": ["a"], "values": [1]})", "<stdin>");
  EXPECT_EQ(json.source, "<stdin>");
  ASSERT_EQ(json.sequences.size(), 1u);

  const Document jsonl = ParseJsonlDocument(
      "{\"tokens\": [\"a\"], \"values\": [1]}\n{\"tokens\": [\"b\"], \"values\": [2]}", "<stdin>");
  EXPECT_EQ(jsonl.source, "<stdin>");
  ASSERT_EQ(jsonl.sequences.size(), 2u);
  EXPECT_EQ(jsonl.sequences[1].name, "line 2");

  try {
    ParseJsonDocument(R"({"tokens": [1], "values": [1]})", "<stdin>");
    FAIL() << "no LoadError";
  } catch (const LoadError& error) {
    EXPECT_STREQ(error.what(), "<stdin>: tokens[0]: token is not a string (found a number)");
  }
}

// [SECTION] File errors

TEST_F(JsonLoaderTest, MissingFile) {
  const std::string path = (m_dir / "absent.json").string();
  EXPECT_EQ(ErrorOf(path), path + ": cannot open file (No such file or directory)");
}

TEST_F(JsonLoaderTest, DirectoryCannotBeRead) {
  const std::string path = m_dir.string();
  EXPECT_EQ(ErrorOf(path), path + ": cannot read file (Is a directory)");
}

TEST_F(JsonLoaderTest, EmptyFiles) {
  for (const std::string content : {"", " \n\t\r\n", "\xEF\xBB\xBF"}) {
    const std::string path = Write("empty.json", content);
    EXPECT_EQ(ErrorOf(path), path + ": file is empty");
  }
}

// [SECTION] Syntax errors

TEST_F(JsonLoaderTest, SyntaxErrorNamesLineAndColumn) {
  const std::string path = Write("bad.json", "{\"tokens\": [\"a\"],\n  \"values\": [tru]}");
  const std::string message = ErrorOf(path);
  // nlohmann stops at the ']' that ends the bad literal "tru".
  EXPECT_TRUE(message.starts_with(path + ":2:17: syntax error")) << message;
  EXPECT_NE(message.find("invalid literal"), std::string::npos) << message;
}

TEST_F(JsonLoaderTest, SyntaxErrorAtEndOfInput) {
  const std::string path = Write("cut.json", "{\"tokens\": [\"a\"],\n\"values\": [1,");
  const std::string message = ErrorOf(path);
  EXPECT_TRUE(message.starts_with(path + ":2:14: ")) << message;
  EXPECT_NE(message.find("unexpected end of input"), std::string::npos) << message;
}

TEST_F(JsonLoaderTest, SyntaxErrorColumnIgnoresByteOrderMark) {
  const std::string path = Write("bom_bad.json", "\xEF\xBB\xBF{,}");
  EXPECT_TRUE(ErrorOf(path).starts_with(path + ":1:2: ")) << ErrorOf(path);
}

TEST_F(JsonLoaderTest, JsonlSyntaxErrorNamesTheFileLine) {
  const std::string path = Write("bad.jsonl",
      "{\"tokens\": [\"a\"], \"values\": [1]}\n"
      "\n"
      "{\"tokens\": [\"b\"], \"values\": [2]}\n"
      "{\"tokens\": [\"c\"], \"values\": [3,]}\n");
  const std::string message = ErrorOf(path);
  EXPECT_TRUE(message.starts_with(path + ":4:32: syntax error")) << message;
}

// A number too large for a double: nlohmann throws out_of_range, with no place of its own (found
// by the JSON fuzzer, which it used to crash through std::terminate).
TEST_F(JsonLoaderTest, NumberOutOfRangeNamesItsPlace) {
  const std::string path = Write("huge.json", "{\"tokens\": [\"a\"],\n  \"values\": [1e999]}");
  const std::string message = ErrorOf(path);
  EXPECT_EQ(message, path + ":2:14: number out of range: 1e999");
  const std::string long_number = "9" + std::string(40, '6') + "e9999";
  const std::string jsonl = Write("huge.jsonl", "{\"tokens\": [\"a\"], \"values\": [1]}\n"
                                                "{\"tokens\": [\"b\"], \"values\": [" + long_number + "]}\n");
  EXPECT_EQ(ErrorOf(jsonl), jsonl + ":2:30: number out of range: " + long_number.substr(0, 24) + "...");
}

TEST_F(JsonLoaderTest, NonJsonlMultiLineTextReportsTheJsonError) {
  // Line 2 does not open an object, so this is broken JSON, not JSONL.
  const std::string path = Write("two.json", "{\"tokens\": [\"a\"], \"values\": [1]}\n[1]\n");
  const std::string message = ErrorOf(path);
  EXPECT_TRUE(message.starts_with(path + ":2:1: syntax error")) << message;
  EXPECT_NE(message.find("expected end of input"), std::string::npos) << message;
}

// [SECTION] Structure errors

TEST_F(JsonLoaderTest, ChannelLengthMismatch) {
  const std::string path = Write("len.json", R"({"sequences": [
    {"tokens": ["a"], "values": [1]},
    {"tokens": ["a", "b", "c", "d"], "channels": {"ok": [1, 2, 3, 4], "act": [1, 2, 3]}}]})");
  EXPECT_EQ(ErrorOf(path),
            path + ": sequences[1].channels.act: has 3 values but the sequence has 4 tokens");
}

TEST_F(JsonLoaderTest, ShortFormLengthMismatchUsesSingulars) {
  const std::string path = Write("len1.json", R"({"tokens": ["a"], "values": []})");
  EXPECT_EQ(ErrorOf(path), path + ": values: has 0 values but the sequence has 1 token");
}

TEST_F(JsonLoaderTest, TokenIsNotAString) {
  const std::string path =
      Write("tok.json", R"({"sequences": [{"tokens": ["a", "b", "c", "d", "e", 5]}]})");
  EXPECT_EQ(ErrorOf(path),
            path + ": sequences[0].tokens[5]: token is not a string (found a number)");
}

TEST_F(JsonLoaderTest, ValueIsNotANumber) {
  const std::string path =
      Write("val.json", R"({"tokens": ["a", "b", "c"], "values": [1, 2, "abc"]})");
  EXPECT_EQ(ErrorOf(path), path + ": values[2]: \"abc\" is not a number");
}

TEST_F(JsonLoaderTest, BooleansAndObjectsAreNotNumbers) {
  const std::string bool_path = Write("bool.json", R"({"tokens": ["a"], "values": [true]})");
  EXPECT_EQ(ErrorOf(bool_path), bool_path + ": values[0]: true is not a number");
  const std::string object_path =
      Write("obj.json", R"({"tokens": ["a"], "channels": {"c": [{"v": 1}]}})");
  EXPECT_EQ(ErrorOf(object_path), object_path + ": channels.c[0]: {\"v\":1} is not a number");
}

TEST_F(JsonLoaderTest, BadValueIsEscapedAndShortened) {
  const std::string path = Write("long.json",
      R"({"tokens": ["a"], "values": ["line one\nline two and a great deal more text after it"]})");
  EXPECT_EQ(ErrorOf(path),
            path + ": values[0]: \"line one\\nline two and a great deal ... is not a number");
}

TEST_F(JsonLoaderTest, ChannelNamesOutsideIdentifiersAreQuotedInPaths) {
  const std::string path =
      Write("quoted.json", R"({"tokens": ["a"], "channels": {"vowel share": ["x"]}})");
  EXPECT_EQ(ErrorOf(path), path + ": channels.\"vowel share\"[0]: \"x\" is not a number");
}

TEST_F(JsonLoaderTest, TopLevelWithoutTokensOrSequences) {
  const std::string path = Write("none.json", R"({"values": [1]})");
  EXPECT_EQ(ErrorOf(path), path + ": neither \"tokens\" nor \"sequences\" found at the top level");
}

TEST_F(JsonLoaderTest, TopLevelWithBothTokensAndSequences) {
  const std::string path =
      Write("both.json", R"({"tokens": ["a"], "values": [1], "sequences": []})");
  EXPECT_EQ(ErrorOf(path), path + ": both \"tokens\" and \"sequences\" found at the top level");
}

TEST_F(JsonLoaderTest, TopLevelMustBeAnObject) {
  const std::string path = Write("array.json", R"([{"tokens": ["a"], "values": [1]}])");
  EXPECT_EQ(ErrorOf(path), path + ": expected an object at the top level, found an array");
}

TEST_F(JsonLoaderTest, TokensMissing) {
  const std::string path = Write("notok.json", R"({"sequences": [{"values": [1]}]})");
  EXPECT_EQ(ErrorOf(path), path + ": sequences[0]: \"tokens\" is missing");
}

TEST_F(JsonLoaderTest, SequenceWithoutChannels) {
  const std::string none = Write("nochan.json", R"({"sequences": [{"tokens": ["a"]}]})");
  EXPECT_EQ(ErrorOf(none), none + ": sequences[0]: no channels");
  const std::string empty =
      Write("emptychan.json", R"({"sequences": [{"tokens": ["a"], "channels": {}}]})");
  EXPECT_EQ(ErrorOf(empty), empty + ": sequences[0]: no channels");
}

TEST_F(JsonLoaderTest, ValuesAndChannelsTogether) {
  const std::string path =
      Write("vc.json", R"({"tokens": ["a"], "values": [1], "channels": {"c": [1]}})");
  EXPECT_EQ(ErrorOf(path), path + ": both \"values\" and \"channels\" found");
}

TEST_F(JsonLoaderTest, NoSequences) {
  const std::string path = Write("zero.json", R"({"sequences": []})");
  EXPECT_EQ(ErrorOf(path), path + ": no sequences");
}

TEST_F(JsonLoaderTest, WrongTypesNameTheKey) {
  const auto expect = [this](const std::string& content, const std::string& expected) {
    const std::string path = Write("type.json", content);
    EXPECT_EQ(ErrorOf(path), path + ": " + expected);
  };
  expect(R"({"sequences": {}})", "sequences: expected an array, found an object");
  expect(R"({"sequences": [3]})", "sequences[0]: expected an object, found a number");
  expect(R"({"sequences": [{"tokens": "ab", "values": []}]})",
         "sequences[0].tokens: expected an array, found a string");
  expect(R"({"sequences": [{"name": 1, "tokens": [], "values": []}]})",
         "sequences[0].name: expected a string, found a number");
  expect(R"({"sequences": [{"tokens": [], "channels": []}]})",
         "sequences[0].channels: expected an object, found an array");
  expect(R"({"tokens": [], "channels": {"c": null}})",
         "channels.c: expected an array, found null");
  expect(R"({"tokens": ["a"], "values": 1})", "values: expected an array, found a number");
}

TEST_F(JsonLoaderTest, JsonlStructureErrorsNameTheLineAndThePathInside) {
  const std::string path = Write("struct.jsonl",
      "{\"tokens\": [\"a\"], \"values\": [1]}\n"
      "{\"tokens\": [\"a\", \"b\"], \"channels\": {\"act\": [1]}}\n");
  EXPECT_EQ(ErrorOf(path), path + ":2: channels.act: has 1 value but the sequence has 2 tokens");

  const std::string missing = Write("missing.jsonl",
      "{\"tokens\": [\"a\"], \"values\": [1]}\n\n{\"values\": [1]}\n");
  EXPECT_EQ(ErrorOf(missing), missing + ":3: \"tokens\" is missing");

  const std::string not_object = Write("array.jsonl",
      "{\"tokens\": [\"a\"], \"values\": [1]}\n{\"tokens\": [\"b\"], \"values\": [2]}\n[1]\n");
  EXPECT_EQ(ErrorOf(not_object), not_object + ":3: expected an object, found an array");
}

}  // namespace
}  // namespace th
