// Every input format through LoadDocumentFile: NumPy (fixtures written by make_fixtures.py with
// Debian's NumPy), safetensors, CSV/TSV, plain text, other tools' JSON, token ids + vocabulary,
// padding, and the one-line errors for bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/load_document.hpp"
#include "core/value_mapping.hpp"
#include "load_error_expectations.hpp"

namespace th {
namespace {

namespace fs = std::filesystem;

std::string Fixture(const std::string& name) { return std::string(TH_FIXTURE_DIR) + "/" + name; }

std::vector<std::string> Tokens(const Sequence& sequence, TokenText which = TokenText::kDecoded) {
  std::vector<std::string> tokens;
  for (size_t i = 0; i < sequence.TokenCount(); ++i) tokens.emplace_back(sequence.Token(i, which));
  return tokens;
}

std::vector<float> Values(const Channel& channel) { return {channel.values.begin(), channel.values.end()}; }

using test::ErrorOf;

class FormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("tokenheat_formats_" + std::to_string(std::random_device{}()));
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
  fs::path m_dir;
};

// [SECTION] NumPy

TEST(NumpyTest, LoneNpyTakesTokensFromTheSidecar) {
  const Document document = LoadDocumentFile(Fixture("values.npy"));
  ASSERT_EQ(document.sequences.size(), 1u);
  EXPECT_EQ(Tokens(document.sequences[0]), (std::vector<std::string>{"Hello", " wor", "ld"}));
  EXPECT_EQ(Values(document.sequences[0].channels[0]), (std::vector<float>{0.5f, 1.5f, -2.0f}));
}

TEST(NumpyTest, EveryDtypeByteOrderAndMemoryOrder) {
  for (const std::string dtype : {"f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"})
    for (const std::string order : {"le_", "be_"})
      for (const std::string layout : {"", "_fortran"}) {
        const std::string path = Fixture(order + dtype + layout + ".npy");
        if (!fs::exists(path)) continue;
        SCOPED_TRACE(path);
        const Document document = LoadDocumentFile(path);
        ASSERT_EQ(document.sequences.size(), 2u);
        EXPECT_EQ(Values(document.sequences[0].channels[0]), (std::vector<float>{1, 2, 3}));
        EXPECT_EQ(Values(document.sequences[1].channels[0]), (std::vector<float>{4, 5, 6}));
        EXPECT_EQ(Tokens(document.sequences[1]), (std::vector<std::string>{"0", "1", "2"}));
      }
}

TEST(NumpyTest, Float32LittleEndianIsMappedNotCopied) {
  const Document document = LoadDocumentFile(Fixture("le_f4.npy"));
  EXPECT_TRUE(document.sequences[1].channels[0].values.IsBorrowed());
  EXPECT_FALSE(LoadDocumentFile(Fixture("le_f4_fortran.npy")).sequences[1].channels[0].values.IsBorrowed());
  EXPECT_FALSE(LoadDocumentFile(Fixture("be_f4.npy")).sequences[1].channels[0].values.IsBorrowed());
}

TEST(NumpyTest, NpzBatchWithNamesChannelsAndNanPadding) {
  for (const std::string name : {"batch.npz", "batch_compressed.npz"}) {
    SCOPED_TRACE(name);
    const Document document = LoadDocumentFile(Fixture(name));
    ASSERT_EQ(document.sequences.size(), 2u);
    EXPECT_EQ(document.sequences[0].name, "first");
    EXPECT_EQ(document.sequences[1].name, "second");
    EXPECT_EQ(Tokens(document.sequences[0]), (std::vector<std::string>{"The", " cat", " sat", "."}));
    // The NaN tail of the shorter sequence is padding: not drawn at all.
    EXPECT_EQ(Tokens(document.sequences[1]), (std::vector<std::string>{"A", " dog"}));
    ASSERT_EQ(document.sequences[0].channels.size(), 2u);  // "embedding" has another shape
    EXPECT_EQ(document.sequences[0].channels[0].name, "value");
    EXPECT_EQ(document.sequences[0].channels[1].name, "logprob");
    EXPECT_EQ(Values(document.sequences[1].channels[1]), (std::vector<float>{-1.0f, -2.0f}));
  }
  // An array of another shape is said, not dropped silently (batch_compressed.npz has none).
  EXPECT_EQ(LoadDocumentFile(Fixture("batch.npz")).warnings,
            (std::vector<std::string>{"array 'embedding' has shape (7, 3), not the tokens' (2, 4): not read"}));
  EXPECT_TRUE(LoadDocumentFile(Fixture("batch_compressed.npz")).warnings.empty());
}

TEST(NumpyTest, MaskRemovesPaddingAnywhere) {
  const Document document = LoadDocumentFile(Fixture("masked.npz"));
  EXPECT_EQ(Tokens(document.sequences[1]), (std::vector<std::string>{" dog", ""}));
  const std::vector<float> values = Values(document.sequences[1].channels[0]);
  EXPECT_EQ(values[0], 2.0f);
  EXPECT_TRUE(std::isnan(values[1]));  // kept by the mask: drawn as "no value"
}

TEST(NumpyTest, ThirdAxisIsChannelsNamedByChannelNames) {
  const Document document = LoadDocumentFile(Fixture("channels.npz"));
  const Sequence& sequence = document.sequences[0];
  ASSERT_EQ(sequence.channels.size(), 2u);
  EXPECT_EQ(sequence.channels[0].name, "act");
  EXPECT_EQ(Values(sequence.channels[0]), (std::vector<float>{0, 2, 4}));
  EXPECT_EQ(Values(sequence.channels[1]), (std::vector<float>{1, 3, 5}));
}

TEST(NumpyTest, TokenIdsWithAVocabularyBesideTheFile) {
  const Document document = LoadDocumentFile(Fixture("ids/ids.npz"));
  const Sequence& sequence = document.sequences[0];
  EXPECT_EQ(Tokens(sequence), (std::vector<std::string>{"<|endoftext|>", "Hello", " world", "\n"}));
  EXPECT_EQ(Tokens(sequence, TokenText::kRaw)[2], "\xC4\xA0world");  // Ġworld
  EXPECT_EQ(sequence.TokenIds(), (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(sequence.Flags(0), kTokenSpecial);
  EXPECT_EQ(sequence.Flags(1), 0);
}

TEST(NumpyTest, Errors) {
  const auto expect = [](const std::string& name, const std::string& expected, const LoadOptions& options = {}) {
    const std::string message = ErrorOf(Fixture(name), options);
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  };
  expect("object.npy", "object arrays need pickle");
  expect("object.npy", "np.array(tokens, dtype=str)");
  expect("complex.npy", "header: unsupported dtype '<c8'");
  expect("truncated.npy", "header: the header says shape (2, 3) (24 bytes) but only 19 bytes follow");
  expect("lying_header.npy", "the header says shape (9, 3)");
  expect("short_header.npy", "header length 118 runs past the end");
  expect("wrong_shape.npz", "array 'values': has shape (4,) but the tokens have shape (3,)");
  expect("not_npz.zip", "this zip archive is not an npz");
  expect("truncated.npz", "truncated zip archive");
  expect("damaged.npz", "compressed data is damaged or truncated");
  expect("bad_id.npz", "array 'token_ids': token ids need a vocabulary");
  expect("bad_id.npz", "array 'token_ids'[0, 0]: id 7 is not in the vocabulary", {Fixture("vocab_small.txt")});
}

// [SECTION] safetensors

TEST(SafetensorsTest, TensorsAreChannelsAndMetadataHoldsTokens) {
  const Document document = LoadDocumentFile(Fixture("model.safetensors"));
  const Sequence& sequence = document.sequences[0];
  EXPECT_EQ(Tokens(sequence), (std::vector<std::string>{"x", "y", "z"}));
  ASSERT_EQ(sequence.channels.size(), 2u);
  EXPECT_EQ(sequence.channels[0].name, "act");
  EXPECT_EQ(Values(sequence.channels[1]), (std::vector<float>{0.5f, 0.25f, 1.0f}));  // F16
}

TEST(SafetensorsTest, TokensFromTheSidecarAndErrors) {
  const Document document = LoadDocumentFile(Fixture("sidecar.safetensors"));
  EXPECT_EQ(Tokens(document.sequences[0]), (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(Values(document.sequences[0].channels[0]), (std::vector<float>{4, 5}));  // I64
  EXPECT_NE(ErrorOf(Fixture("lying.safetensors")).find("tensor 'act': data_offsets lie outside"), std::string::npos);
}

// [SECTION] CSV / TSV and plain text

TEST_F(FormatsTest, CsvWithQuotingSequencesAndChannels) {
  const std::string path = Write("data.csv",
                                 "sequence,token,act,logprob\r\n"
                                 "a,Hello,1,-0.5\r\n"
                                 "a,\", world\",2,\r\n"
                                 "b,\"say \"\"hi\"\"\n\",3,-1\r\n"
                                 "a,!,4,nan\r\n");
  const Document document = LoadDocumentFile(path);
  ASSERT_EQ(document.sequences.size(), 2u);
  EXPECT_EQ(document.sequences[0].name, "a");
  EXPECT_EQ(Tokens(document.sequences[0]), (std::vector<std::string>{"Hello", ", world", "!"}));
  EXPECT_EQ(Tokens(document.sequences[1]), (std::vector<std::string>{"say \"hi\"\n"}));
  EXPECT_EQ(Values(document.sequences[0].channels[0]), (std::vector<float>{1, 2, 4}));
  EXPECT_EQ(document.sequences[0].channels[1].name, "logprob");
  EXPECT_TRUE(std::isnan(document.sequences[0].channels[1].values[1]));
}

TEST_F(FormatsTest, TsvAndCsvErrorsNameLineAndColumn) {
  const Document tsv = LoadDocumentFile(Write("data.tsv", "token\tvalue\nab\t1\n c\t2\n"));
  EXPECT_EQ(Tokens(tsv.sequences[0]), (std::vector<std::string>{"ab", " c"}));
  const std::string bad = Write("bad.csv", "token,value\na,1\nb,xyz\n");
  EXPECT_EQ(ErrorOf(bad), bad + ":3:3: column 'value': \"xyz\" is not a number");
  const std::string open = Write("open.csv", "token,value\n\"a,1\n");
  EXPECT_EQ(ErrorOf(open), open + ":2:1: quoted field is not closed before the end of the file");
  const std::string fields = Write("fields.csv", "token,value\na,1,2\n");
  EXPECT_EQ(ErrorOf(fields), fields + ":2:1: has 3 fields but the header has 2");
}

// pandas' index column (fixtures written by pandas itself, make_fixtures.py) is not a channel.
TEST(PandasCsvTest, TheIndexColumnIsSkipped) {
  for (const char* name : {"pandas_index.csv", "pandas_index.tsv", "pandas_read_back.csv", "pandas_reset_index.csv"}) {
    SCOPED_TRACE(name);
    const Document document = LoadDocumentFile(Fixture(name));
    ASSERT_EQ(document.sequences.size(), 1u);
    const Sequence& sequence = document.sequences[0];
    EXPECT_EQ(Tokens(sequence), (std::vector<std::string>{"The", " cat", " sat"}));
    ASSERT_EQ(sequence.channels.size(), 1u);
    EXPECT_EQ(sequence.channels[0].name, "act");
    EXPECT_EQ(sequence.channels[0].values[1], 2.0f);
    EXPECT_TRUE(std::isnan(sequence.channels[0].values[2]));
  }
}

// With a sequence column the index counts the file's rows, or each sequence's (pd.concat).
TEST(PandasCsvTest, TheIndexCountsTheFileOrEachSequence) {
  for (const char* name : {"pandas_sequences.csv", "pandas_concat.csv"}) {
    SCOPED_TRACE(name);
    const Document document = LoadDocumentFile(Fixture(name));
    ASSERT_EQ(document.sequences.size(), 2u);
    for (const Sequence& sequence : document.sequences) {
      ASSERT_EQ(sequence.channels.size(), 1u);
      EXPECT_EQ(sequence.channels[0].name, "act");
    }
    EXPECT_EQ(Values(document.sequences[1].channels[0]), (std::vector<float>{4, 5}));
  }
}

// An unnamed leading column that does not count the rows is data, named by its place.
TEST(PandasCsvTest, AnUnnamedColumnThatIsNotAnIndexIsAChannel) {
  const Document document = LoadDocumentFile(Fixture("pandas_labelled.csv"));
  const Sequence& sequence = document.sequences[0];
  ASSERT_EQ(sequence.channels.size(), 2u);
  EXPECT_EQ(sequence.channels[0].name, "column 1");
  EXPECT_EQ(Values(sequence.channels[0]), (std::vector<float>{10, 20, 30}));
  EXPECT_EQ(sequence.channels[1].name, "act");
}

TEST(PandasCsvTest, ATableWithoutATokenColumnListsItsColumns) {
  EXPECT_EQ(ErrorOf(Fixture("pandas_no_token.csv")),
            Fixture("pandas_no_token.csv") +
                ":1: no token column: found columns \"\", word, score (name the column of token strings \"token\"; "
                "\"sequence\" and \"token_id\" are optional, every other column is a channel of values)");
}

TEST_F(FormatsTest, IndexColumnsFollowTheirRowsOnly) {
  // "index" counting 0, 1, 2 is the index also when the file says so in capitals and spaces.
  const Document spaced = LoadDocumentFile(Write("spaced.csv", " Index ,token,act\n0,a,1\n 1 ,b,2\n"));
  ASSERT_EQ(spaced.sequences[0].channels.size(), 1u);
  EXPECT_EQ(spaced.sequences[0].channels[0].name, "act");
  // A count that skips a row, or starts at 1, is data.
  for (const char* cells : {"0,1,3", "1,2,3"}) {
    SCOPED_TRACE(cells);
    const std::string text = std::string(",token,act\n") + cells[0] + ",a,1\n" + cells[2] + ",b,2\n" + cells[4] + ",c,3\n";
    const Document document = LoadDocumentFile(Write("counts.csv", text));
    ASSERT_EQ(document.sequences[0].channels.size(), 2u);
    EXPECT_EQ(document.sequences[0].channels[0].name, "column 1");
  }
  // An index-named column after another column is not leading: a channel.
  const Document later = LoadDocumentFile(Write("later.csv", "token,index,act\na,0,1\nb,1,2\n"));
  ASSERT_EQ(later.sequences[0].channels.size(), 2u);
  EXPECT_EQ(later.sequences[0].channels[0].name, "index");
  // The index alone leaves no channel.
  const std::string bare = Write("bare.csv", ",token\n0,a\n1,b\n");
  EXPECT_EQ(ErrorOf(bare), bare + ":1:1: the header has no value columns besides the rows' index (token,value[,more...])");
}

TEST_F(FormatsTest, TablesWithoutATokenColumnAreErrorsAndProseIsText) {
  const std::string scores = Write("scores.tsv", "word\tscore\nhello\t0.5\nworld\t\n");
  EXPECT_EQ(ErrorOf(scores).substr(0, scores.size() + 46),
            scores + ":1: no token column: found columns word, score");
  // Prose with commas: the lines split unevenly, or no column is numbers: plain text.
  for (const char* prose : {"Hello, world. This is prose, with commas.\nAnother line, also prose.\n",
                            "Dear Sir, \nYours, Me\n", "1, 2, 3\n4, 5, 6\n", "a,b\n"}) {
    SCOPED_TRACE(prose);
    const Document document = LoadDocumentFile(Write("prose.txt", prose));
    EXPECT_EQ(document.sequences[0].name, "text");
  }
}

TEST_F(FormatsTest, PlainTextIsWordsAndWhitespace) {
  const Document document = LoadDocumentFile(Write("notes.txt", "Hello  wörld\n"));
  EXPECT_EQ(Tokens(document.sequences[0]), (std::vector<std::string>{"Hello", "  ", "wörld", "\n"}));
  const std::vector<float> values = Values(document.sequences[0].channels[0]);
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0], 5.0f);
  EXPECT_EQ(values[2], 5.0f);
}

// Whitespace is not a word of 0 characters: it has no value, so the statistics are the words'.
TEST_F(FormatsTest, PlainTextWhitespaceHasNoValueAndStaysOutOfTheStatistics) {
  Document document = LoadDocumentFile(Write("words.txt", "a bb  ccc\n<s> dddd\n"));
  const Sequence& sequence = document.sequences[0];
  EXPECT_EQ(Tokens(sequence), (std::vector<std::string>{"a", " ", "bb", "  ", "ccc", "\n", "<s>", " ", "dddd", "\n"}));
  const std::vector<float> values = Values(sequence.channels[0]);
  for (size_t i = 0; i < values.size(); ++i) {
    const bool space = i % 2 == 1;
    EXPECT_EQ(std::isnan(values[i]), space) << i;
    EXPECT_EQ((sequence.Flags(i) & kTokenUnmeasured) != 0, space) << i;
  }
  EXPECT_EQ(sequence.Flags(6), kTokenSpecial) << "special tokens are still found";
  const ScopeSummary summary(values);
  EXPECT_EQ(summary.Count(), 5u);
  EXPECT_EQ(summary.NonFinite(), 5u);
  EXPECT_EQ(summary.Min(), 1.0f);
  EXPECT_EQ(summary.Median(), 3.0f);
  EXPECT_FLOAT_EQ(summary.Percentile(25.0f), 2.0f);
}

TEST_F(FormatsTest, BinaryGarbageIsRefused) {
  const std::string path = Write("blob.bin", std::string("\x01\x02\x00\x03", 4));
  EXPECT_NE(ErrorOf(path).find("not a format tokenheat reads"), std::string::npos);
}

// [SECTION] Other tools' JSON (fixtures written by hand from each project's documented fields)

TEST_F(FormatsTest, CircuitsVisColoredTokens) {
  const Document document = LoadDocumentFile(Write("cv.json", R"({"tokens": ["Hi", " there"], "values": [0.3, -1]})"));
  EXPECT_EQ(Values(document.sequences[0].channels[0]), (std::vector<float>{0.3f, -1.0f}));
}

TEST_F(FormatsTest, OpenAiNeuronRecord) {
  const Document document = LoadDocumentFile(Write("neuron.json", R"({
    "neuron_id": {"layer_index": 5, "neuron_index": 131},
    "most_positive_activation_records": [{"tokens": ["a", "b"], "activations": [0.0, 3.5]}],
    "random_sample": [{"tokens": ["c"], "activations": [1.0]}],
    "random_sample_by_quantile": [[{"tokens": ["d"], "activations": [2.0]}]]})"));
  ASSERT_EQ(document.sequences.size(), 3u);
  EXPECT_EQ(document.sequences[0].name, "most_positive_activation_records[0]");
  EXPECT_EQ(document.sequences[0].channels[0].name, "activation");
  EXPECT_EQ(document.sequences[2].name, "random_sample_by_quantile[0][0]");
}

TEST_F(FormatsTest, GltrWithTopKPredictions) {
  const Document document = LoadDocumentFile(Write("gltr.json", R"({
    "bpe_strings": ["<|endoftext|>", "The", "Ġcat"],
    "real_topk": [[3, 0.1], [0, 0.6]],
    "pred_topk": [[["A", 0.2], ["The", 0.1]], [["Ġcat", 0.6], ["Ġdog", 0.3]]]})"));
  const Sequence& sequence = document.sequences[0];
  EXPECT_EQ(Tokens(sequence), (std::vector<std::string>{"<|endoftext|>", "The", " cat"}));
  EXPECT_EQ(sequence.Flags(0), kTokenSpecial);
  EXPECT_EQ(sequence.channels[0].name, "rank");
  EXPECT_TRUE(std::isnan(sequence.channels[0].values[0]));
  EXPECT_EQ(sequence.channels[1].values[2], 0.6f);
  ASSERT_EQ(sequence.TopK(2).size(), 2u);
  EXPECT_EQ(sequence.TopK(2)[1].token, " dog");  // decoded like the tokens
  EXPECT_EQ(sequence.TopK(2, TokenText::kRaw)[1].token, "Ġdog");
  EXPECT_FLOAT_EQ(sequence.TopK(2)[1].probability, 0.3f);
  EXPECT_TRUE(sequence.TopK(0).empty());
}

TEST_F(FormatsTest, InseqSavedAttributions) {
  const Document document = LoadDocumentFile(Write("inseq.json", R"({
    "__instance_type__": ["inseq.data.attribution", "FeatureAttributionOutput"],
    "attributes": {"sequence_attributions": [{
      "__instance_type__": ["inseq.data.attribution", "FeatureAttributionSequenceOutput"],
      "attributes": {
        "source": [{"__instance_type__": ["inseq.utils.typing", "TokenWithId"], "attributes": {"token": "▁Hello", "id": 5}}],
        "target": [{"token": "▁Ciao", "id": 9}, {"token": "</s>", "id": 0}],
        "source_attributions": {"__ndarray__": [[0.7, 0.2]], "dtype": "float32", "shape": [1, 2], "Corder": true},
        "target_attributions": {"__ndarray__": [[null, 0.5], [null, null]], "dtype": "float32", "shape": [2, 2]},
        "step_scores": {"probability": {"__ndarray__": [0.9, 0.8], "dtype": "float32", "shape": [2]}}}}],
      "step_attributions": null, "info": {}}})"));
  const Sequence& sequence = document.sequences[0];
  EXPECT_EQ(Tokens(sequence), (std::vector<std::string>{" Hello", " Ciao", "</s>"}));
  EXPECT_EQ(sequence.Flags(2), kTokenSpecial);
  ASSERT_EQ(sequence.channels.size(), 3u);
  EXPECT_EQ(sequence.channels[0].values[0], 0.7f);
  EXPECT_EQ(sequence.channels[1].values[1], 0.5f);
  EXPECT_EQ(sequence.channels[2].name, "probability");
  EXPECT_TRUE(std::isnan(sequence.channels[2].values[0]));
  EXPECT_EQ(sequence.channels[2].values[2], 0.8f);
}

TEST_F(FormatsTest, JsonTokenIdsWithATokenizerJson) {
  Write("tokenizer.json", R"({"model": {"type": "BPE", "vocab": {"Hi": 0, "Ġyou": 1}},
    "added_tokens": [{"id": 2, "content": "<|end|>", "special": true}], "decoder": {"type": "ByteLevel"}})");
  const Document document = LoadDocumentFile(Write("ids.json", R"({"token_ids": [0, 1, 2], "values": [1, 2, 3]})"));
  EXPECT_EQ(Tokens(document.sequences[0]), (std::vector<std::string>{"Hi", " you", "<|end|>"}));
  EXPECT_EQ(document.sequences[0].Flags(2), kTokenSpecial);
  const std::string bad = Write("bad_ids.json", R"({"token_ids": [0, 9], "values": [1, 2]})");
  EXPECT_NE(ErrorOf(bad).find("token_ids[1]: id 9 is not in the vocabulary"), std::string::npos);
}

}  // namespace
}  // namespace th
