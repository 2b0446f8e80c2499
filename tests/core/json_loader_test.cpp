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
  const std::string long_number = std::string(1, '9').append(40, '6').append("e9999");
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

// "values" beside "channels" is one more channel, named "value" as a lone "values" is.
TEST_F(JsonLoaderTest, ValuesBesideChannelsIsAChannelNamedValue) {
  const Document document =
      LoadDocumentFile(Write("vc.json", R"({"tokens": ["a", "b"], "channels": {"c": [1, 2]}, "values": [3, 4]})"));
  const Sequence& sequence = document.sequences[0];
  ASSERT_EQ(sequence.channels.size(), 2u);
  EXPECT_EQ(sequence.channels[0].name, "value");
  EXPECT_EQ(sequence.channels[0].values[1], 4.0f);
  EXPECT_EQ(sequence.channels[1].name, "c");
  const std::string twice = Write("twice.json", R"({"tokens": ["a"], "values": [1], "channels": {"value": [2]}})");
  EXPECT_EQ(ErrorOf(twice),
            twice + ": channels.value: a channel named \"value\" beside \"values\", which is read as that channel");
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

// [SECTION] Hostile inputs: nesting, numbers where ids are required, library errors

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// 60,000 levels anywhere (a field the loader ignores, a token list, a JSONL line) used to
// overflow the stack when the DOM was copied or dumped; now the parse refuses past 256 levels
// with the line and column of the bracket that opens level 257.
TEST_F(JsonLoaderTest, DeepNestingIsRefusedWithItsPlaceWherever) {
  const std::string deep = Nested(60000);
  const std::string ignored = Write("ignored.json", "{\"tokens\": [\"a\"], \"values\": [1],\n \"extra\": " + deep + "}");
  EXPECT_EQ(ErrorOf(ignored), ignored + ":2:266: nested deeper than 256 levels");
  const std::string tokens = Write("tokens.json", "{\"tokens\": " + deep + ", \"values\": [1]}");
  EXPECT_EQ(ErrorOf(tokens), tokens + ":1:267: nested deeper than 256 levels");
  const std::string lines = Write("lines.jsonl", "{\"tokens\": [\"a\"], \"values\": [1]}\n"
                                                 "{\"tokens\": [\"b\"], \"values\": [2]}\n"
                                                 "{\"tokens\": [\"c\"], \"values\": " + deep + "}\n");
  EXPECT_EQ(ErrorOf(lines), lines + ":3:284: nested deeper than 256 levels");
  // Brackets inside strings are text, not nesting.
  const std::string in_strings = Write("strings.json", "{\"tokens\": [\"" + std::string(1000, '[') + "\\\"[\"], \"values\": [1]}");
  EXPECT_EQ(LoadDocumentFile(in_strings).sequences[0].Token(0), std::string(1000, '[') + "\"[");
}

TEST_F(JsonLoaderTest, NestingUpToTheBoundLoads) {
  // 256 levels in all: the object, then 255 arrays.
  const std::string path = Write("ok.json", "{\"tokens\": [\"a\"], \"values\": [1], \"extra\": " + Nested(255) + "}");
  EXPECT_EQ(LoadDocumentFile(path).sequences[0].TokenCount(), 1u);
  const std::string over = Write("over.json", "{\"tokens\": [\"a\"], \"values\": [1], \"extra\": " + Nested(256) + "}");
  EXPECT_NE(ErrorOf(over).find("nested deeper than 256 levels"), std::string::npos);
}

TEST_F(JsonLoaderTest, DeepTokenizerDecoderIsRefused) {
  const std::string vocab = Write("tokenizer.json", "{\"model\": {\"vocab\": {\"a\": 0}}, \"decoder\": " + Nested(60000) + "}");
  const std::string path = Write("ids.json", R"({"token_ids": [0], "values": [1]})");
  EXPECT_EQ(ErrorOf(path), vocab + ":1:298: nested deeper than 256 levels");
}

// Token ids must be whole numbers in the int32 range: 1e300 and 0.5 used to be cast unchecked,
// and 2^64-1 became -9223372036854775808 in the message.
TEST_F(JsonLoaderTest, TokenIdsThatAreNotWholeInt32NumbersAreRefused) {
  const auto error_for_id = [&](const std::string& id) {
    return ErrorFor("id.json", "{\"tokens\": [\"a\"], \"token_ids\": [" + id + "], \"values\": [1]}");
  };
  EXPECT_NE(error_for_id("1e300").find("token_ids[0]: 1e+300 is not a token id"), std::string::npos);
  EXPECT_NE(error_for_id("0.5").find("token_ids[0]: 0.5 is not a token id"), std::string::npos);
  EXPECT_NE(error_for_id("18446744073709551615").find("token_ids[0]: id 18446744073709551615 is out of range"),
            std::string::npos);
  EXPECT_NE(error_for_id("-2147483649").find("id -2147483649 is out of range"), std::string::npos);
  const Document fits = LoadDocumentFile(Write("fits.json", R"({"tokens": ["a"], "token_ids": [2147483647], "values": [1]})"));
  EXPECT_EQ(fits.sequences[0].TokenIds()[0], 2147483647);
}

TEST_F(JsonLoaderTest, CsvTokenIdsMustBeWholeNumbers) {
  const std::string path = Write("ids.csv", "token,token_id,value\na,1,0.5\nb,0.5,1\n");
  EXPECT_EQ(ErrorOf(path), path + ":3:3: column 'token_id': \"0.5\" is not a whole number in the int32 range");
  const std::string huge = Write("huge.csv", "token,token_id,value\na,1e300,0.5\n");
  EXPECT_NE(ErrorOf(huge).find("\"1e300\" is not a whole number"), std::string::npos);
  // An empty cell is an unknown id, as before.
  const Document document = LoadDocumentFile(Write("empty.csv", "token,token_id,value\na,,0.5\nb,7,1\n"));
  EXPECT_EQ(document.sequences[0].TokenIds()[0], -1);
  EXPECT_EQ(document.sequences[0].TokenIds()[1], 7);
}

// A decoder whose "type" is an array made nlohmann throw type_error.302 with no file named.
TEST_F(JsonLoaderTest, TokenizerOfUnexpectedShapesNamesTheFile) {
  const std::string ids = R"({"token_ids": [0, 1], "values": [1, 2]})";
  Write("tokenizer.json", R"({"model": {"vocab": {"a": 0, "b": 1}}, "decoder": {"type": ["ByteLevel"]}})");
  EXPECT_EQ(LoadDocumentFile(Write("ids.json", ids)).sequences[0].Token(1), "b");

  const std::string float_id = Write("tokenizer.json", R"({"model": {"vocab": {"a": 0, "b": 0.5}}})");
  EXPECT_EQ(ErrorFor("ids.json", ids), float_id + ": model.vocab: expected a token id (a whole number)");
  const std::string added = Write("tokenizer.json", R"({"model": {"vocab": {"a": 0}}, "added_tokens": [{"id": 1}]})");
  EXPECT_EQ(ErrorFor("ids.json", ids), added + ": added_tokens[0]: expected {\"content\": string, \"id\": number}");
  const std::string unigram = Write("tokenizer.json", R"({"model": {"vocab": [["a", 0], [1, 2]]}})");
  EXPECT_EQ(ErrorFor("ids.json", ids), unigram + ": model.vocab[1]: expected [piece, score]");
  const std::string scalar = Write("tokenizer.json", R"({"model": {"vocab": 3}})");
  EXPECT_EQ(ErrorFor("ids.json", ids), scalar + ": model.vocab: expected an object or an array");
}

// One entry at the largest id costs the table's offsets, not a string per id; the ids before it
// are absent.
TEST_F(JsonLoaderTest, SparseTokenizerIdsAreAbsentNotEmptyStrings) {
  Write("tokenizer.json", R"({"model": {"vocab": {"a": 0, "z": 16777215}}})");
  const Document document = LoadDocumentFile(Write("ids.json", R"({"token_ids": [16777215, 0], "values": [1, 2]})"));
  EXPECT_EQ(document.sequences[0].Token(0), "z");
  EXPECT_EQ(document.sequences[0].Token(1), "a");
  EXPECT_NE(ErrorFor("missing.json", R"({"token_ids": [5], "values": [1]})").find("id 5 is not in the vocabulary"),
            std::string::npos);
}

// simdjson 3.0.1 misreads numbers of 19 or more digits (found by the differential fuzzer: 0.333...
// with twenty 3s read as 0.1489); they must load as strtod reads them.
TEST_F(JsonLoaderTest, NumbersWithManyDigitsLoadExactly) {
  for (const std::string& number : {"0." + std::string(20, '3'), "0." + std::string(94, '3'), std::string("999999999999999990.1"),
                                   std::string("5.63605112260462668239"), std::string("493909416066482801.2519e-5")}) {
    const float expected = static_cast<float>(std::strtod(number.c_str(), nullptr));
    const Document json = LoadDocumentFile(Write("long.json", "{\"tokens\": [\"a\", \"b\"], \"values\": [1, " + number + "]}"));
    EXPECT_EQ(json.sequences[0].channels[0].values[1], expected) << number;
    const Document jsonl = LoadDocumentFile(Write("long.jsonl", "{\"tokens\": [\"a\"], \"values\": [" + number + "]}\n"
                                                                "{\"tokens\": [\"b\"], \"values\": [2]}\n"));
    EXPECT_EQ(jsonl.sequences[0].channels[0].values[0], expected) << number;
  }
}

}  // namespace
}  // namespace th

namespace th {
namespace {

void ExpectContains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "\"" << part << "\" is not in \"" << text << "\"";
}

// Python's json.dump writes NaN, Infinity and -Infinity bare by default: they are those numbers,
// and a parse error after them is still reported where it is in the file.
TEST_F(JsonLoaderTest, BareNonFiniteLiteralsArePythonsNumbers) {
  const Document document = LoadDocumentFile(
      Write("bare.json", R"({"tokens": ["a", "b", "c", "d"], "values": [NaN, Infinity, -Infinity, 1e-3]})"));
  const auto& values = document.sequences[0].channels[0].values;
  EXPECT_TRUE(std::isnan(values[0]));
  EXPECT_EQ(values[1], std::numeric_limits<float>::infinity());
  EXPECT_EQ(values[2], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(values[3], 1e-3f);
  // Not a token: a number where a string belongs.
  const std::string token = Write("nantoken.json", R"({"tokens": [NaN], "values": [1]})");
  EXPECT_EQ(ErrorOf(token), token + ": tokens[0]: token is not a string (found a number)");
  // The column of the stray "x" in the file, not in the text as rewritten for the parser.
  const std::string stray = Write("stray.json", "{\"tokens\": [\"a\"],\n \"values\": [NaN, Infinity] x}");
  EXPECT_EQ(ErrorOf(stray).substr(0, stray.size() + 6), stray + ":2:28:");
}

TEST_F(JsonLoaderTest, BadLiteralsSayWhatToWriteInstead) {
  ExpectContains(ErrorFor("none.json", R"({"tokens": ["a"], "values": [None]})"), ":1:30: invalid literal 'None': Python's None is not JSON: write null");
  ExpectContains(ErrorFor("true.json", R"({"tokens": ["a"], "values": [True]})"), "invalid literal 'True': JSON writes true and false in lower case");
  ExpectContains(ErrorFor("nan.json", R"({"tokens": ["a"], "values": [nan]})"), "invalid literal 'nan': write NaN (as Python's json does) or null");
  ExpectContains(ErrorFor("inf.json", R"({"tokens": ["a"], "values": [-inf]})"), "invalid literal '-inf': write Infinity or -Infinity (as Python's json does)");
  ExpectContains(ErrorFor("quotes.json", R"({'tokens': ['a'], 'values': [1]})"), ":1:2: strings take double quotes in JSON, not single quotes");
  // Inside strings these are text.
  const Document document =
      LoadDocumentFile(Write("words.json", R"({"tokens": ["None", "'", "nan"], "values": [1, 2, 3]})"));
  EXPECT_EQ(document.sequences[0].Token(0), "None");
}

// An array the reader cannot read is an error naming its field, never a channel of no values.
TEST_F(JsonLoaderTest, PeerArraysThatCannotBeReadNameTheirField) {
  const std::string wrapper = R"({"sequence_attributions": [{"source": null, "target": [{"token": "a", "id": 1}],
      "attr_pos_start": 0, "target_attributions": %s}]})";
  const auto with = [&](const std::string& name, const std::string& array) {
    std::string text = wrapper;
    text.replace(text.find("%s"), 2, array);
    return ErrorFor(name, text);
  };
  ExpectContains(with("b64.json", R"("not*base64")"), ": sequence_attributions[0].target_attributions: base64 text holds an invalid character at 3");
  ExpectContains(with("tricks.json", R"({"__ndarray__": "zz:AAAA", "dtype": "float32", "shape": [1, 1]})"), "target_attributions: array text starts with neither \"b64:\" nor \"b64.gz:\"");
  ExpectContains(with("short.json", R"({"__ndarray__": "b64:AAAA", "dtype": "float32", "shape": [1, 2]})"), "target_attributions: shape [1, 2] needs 8 bytes but 3 are given");
  ExpectContains(with("shape.json", "[[1, 2], [3]]"), "target_attributions[1]: expected 2 entries");
  ExpectContains(with("rows.json", "[[1], [2]]"), "target_attributions: has shape [2, 1], expected [1 tokens, generation steps, ...]");
  ExpectContains(with("object.json", R"({"x": 1})"), "target_attributions: expected an array");
}

}  // namespace
}  // namespace th
