// Attention patterns and feature dictionaries: the model's reads (rows, columns, features, top
// features) and the loaders, against the files tests/data/make_attention_files.py writes with NumPy
// and the values NumPy reads from them, float32 bit for bit.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/attention.hpp"
#include "core/feature_dictionary.hpp"
#include "core/load_document.hpp"
#include "core/loaders/mapped_file.hpp"
#include "load_error_expectations.hpp"

namespace th {
namespace {

using Json = nlohmann::json;
using test::ErrorOf;

const std::string kFixtures = std::string(TH_FIXTURE_DIR) + "/attention/";

// [SECTION] The model

std::vector<uint32_t> BitsOf(std::span<const float> values) {
  std::vector<uint32_t> bits;
  for (const float value : values) bits.push_back(std::bit_cast<uint32_t>(value));
  return bits;
}

TEST(AttentionPatterns, RowsAndColumnsOfOwnedFloats) {
  // [2 layers, 2 heads, 2 queries, 3 keys]: value = 1000 l + 100 h + 10 q + k.
  std::vector<float> values;
  for (int l = 0; l < 2; ++l)
    for (int h = 0; h < 2; ++h)
      for (int q = 0; q < 2; ++q)
        for (int k = 0; k < 3; ++k) values.push_back(static_cast<float>(1000 * l + 100 * h + 10 * q + k));
  const AttentionPatterns patterns = AttentionPatterns::FromFloats(values, 2, 2, 2, 3);
  EXPECT_EQ(patterns.Layers(), 2u);
  EXPECT_EQ(patterns.TypeName(), "float32");
  std::vector<float> row(3);
  patterns.ReadRow(1, 0, 1, row);
  EXPECT_EQ(row, (std::vector<float>{1010, 1011, 1012}));
  std::vector<float> column(2);
  patterns.ReadColumn(0, 1, 2, column);
  EXPECT_EQ(column, (std::vector<float>{102, 112}));
  // A prefix: a sequence whose trailing padding the patterns still hold.
  std::vector<float> prefix(2);
  patterns.ReadRow(1, 1, 0, prefix);
  EXPECT_EQ(prefix, (std::vector<float>{1100, 1101}));
  std::vector<float> too_long(4);
  EXPECT_THROW(patterns.ReadRow(0, 0, 0, too_long), std::out_of_range);
  EXPECT_THROW(patterns.ReadRow(2, 0, 0, row), std::out_of_range);
  EXPECT_THROW(patterns.ReadRow(0, 2, 0, row), std::out_of_range);
  EXPECT_THROW(patterns.ReadColumn(0, 0, 3, column), std::out_of_range);
  EXPECT_THROW(AttentionPatterns::FromFloats(values, 2, 2, 2, 2), std::invalid_argument);
}

TEST(AttentionPatterns, StoredTypesAndByteOrders) {
  // 1.5, -2, 65504 as float16, bfloat16 and float32, little- and big-endian.
  const std::string half("\x00\x3E\x00\xC0\xFF\x7B", 6);
  const std::string half_big("\x3E\x00\xC0\x00\x7B\xFF", 6);
  const std::string brain("\xC0\x3F\x00\xC0\x80\x47", 6);  // 1.5, -2, 65536
  const std::string single_big("\x3F\xC0\x00\x00\xC0\x00\x00\x00\x47\x7F\xE0\x00", 12);
  const auto read = [](StoredElements elements) {
    std::vector<float> out(3);
    elements.Read(0, out);
    EXPECT_EQ(elements.At(1), out[1]);
    return out;
  };
  EXPECT_EQ(read({StoredElements::Type::kFloat16, false, half, nullptr}), (std::vector<float>{1.5f, -2.0f, 65504.0f}));
  EXPECT_EQ(read({StoredElements::Type::kFloat16, true, half_big, nullptr}), (std::vector<float>{1.5f, -2.0f, 65504.0f}));
  EXPECT_EQ(read({StoredElements::Type::kBFloat16, false, brain, nullptr}), (std::vector<float>{1.5f, -2.0f, 65536.0f}));
  EXPECT_EQ(read({StoredElements::Type::kFloat32, true, single_big, nullptr}), (std::vector<float>{1.5f, -2.0f, 65504.0f}));
  EXPECT_EQ(StoredElements({StoredElements::Type::kBFloat16, false, brain, nullptr}).TypeName(), "bfloat16");
}

TEST(AttentionPatterns, CausalMaskIsZerosAboveTheDiagonal) {
  std::vector<float> lower = {1, 0, 0, 0.5f, 0.5f, 0, 0.2f, 0.3f, 0.5f};
  AttentionPatterns causal = AttentionPatterns::FromFloats(lower, 1, 1, 3, 3);
  causal.DetectCausalMask();
  EXPECT_TRUE(causal.Causal());
  lower[2] = 1e-30f;  // a tiny attention is attention
  AttentionPatterns almost = AttentionPatterns::FromFloats(lower, 1, 1, 3, 3);
  almost.DetectCausalMask();
  EXPECT_FALSE(almost.Causal());
  AttentionPatterns rectangular = AttentionPatterns::FromFloats({1, 0, 0, 1, 0, 0}, 1, 1, 2, 3);
  rectangular.DetectCausalMask();
  EXPECT_FALSE(rectangular.Causal());
  // A left padding's row (token 0 here) spread over every key is not the sequence's: its own rows
  // decide.
  const std::vector<float> padded = {0.25f, 0.25f, 0.25f, 0.25f,  // padding
                                     0.5f,  0.5f,  0,     0,      //
                                     0.2f,  0.3f,  0.5f,  0,      //
                                     0.1f,  0.2f,  0.3f,  0.4f};
  AttentionPatterns whole = AttentionPatterns::FromFloats(padded, 1, 1, 4, 4);
  whole.DetectCausalMask();
  EXPECT_FALSE(whole.Causal());
  AttentionPatterns kept = whole.Skipping(1);
  kept.DetectCausalMask();
  EXPECT_TRUE(kept.Causal());
}

TEST(FeatureDictionary, SparseEntriesMergeAndReadAsZerosElsewhere) {
  // Token 0: feature 2 twice (0.5 + 0.25) and feature 0; token 1 none; token 2: feature 1.
  const FeatureDictionary features =
      FeatureDictionary::Sparse({3, 3, 4}, {{2, 0.5f}, {0, 1.0f}, {2, 0.25f}, {1, 2.0f}}, 3);
  EXPECT_FALSE(features.IsDense());
  EXPECT_EQ(features.Tokens(), 3u);
  EXPECT_EQ(features.SparseEntries(), 3u);
  std::vector<float> column(3);
  features.ReadFeature(2, column);
  EXPECT_EQ(column, (std::vector<float>{0.75f, 0, 0}));
  const auto top = features.TopFeatures(0, 5);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].feature, 0u);
  EXPECT_EQ(top[1].feature, 2u);
  EXPECT_TRUE(features.TopFeatures(1, 5).empty());
  EXPECT_THROW(features.ReadFeature(3, column), std::out_of_range);
  EXPECT_THROW(features.TopFeatures(3, 1), std::out_of_range);
  EXPECT_THROW(FeatureDictionary::Sparse({1}, {{3, 1.0f}}, 3), std::invalid_argument);
  EXPECT_THROW(FeatureDictionary::Sparse({2, 1}, {{0, 1.0f}, {1, 1.0f}}, 3), std::invalid_argument);
}

TEST(FeatureDictionary, DenseTopFeaturesLeaveOutZerosAndNaNTiesByIndex) {
  const std::vector<float> values = {0, 2, NAN, 2, 3, /* token 1 */ 0, 0, 0, 0, 0};
  const auto owned = std::make_shared<const std::vector<float>>(values);
  const FeatureDictionary features = FeatureDictionary::Dense(
      {StoredElements::Type::kFloat32, false,
       std::string_view(reinterpret_cast<const char*>(owned->data()), owned->size() * sizeof(float)), owned},
      2, 5);
  EXPECT_TRUE(features.IsDense());
  const auto top = features.TopFeatures(0, 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].feature, 4u);
  EXPECT_EQ(top[1].feature, 1u);  // 2 at features 1 and 3: the lower index first
  EXPECT_EQ(features.TopFeatures(0, 10).size(), 3u);
  EXPECT_TRUE(features.TopFeatures(1, 10).empty());
  EXPECT_THROW(FeatureDictionary::Dense({StoredElements::Type::kFloat32, false, "abc", nullptr}, 1, 1),
               std::invalid_argument);
}

// Found by the npz fuzzer: a dense dictionary of no features read an empty row with memcpy from a
// null pointer (undefined even for 0 bytes; the sanitizer stage of the test command catches it).
TEST(FeatureDictionary, ADenseDictionaryOfNoFeaturesHasNoTopFeatures) {
  const FeatureDictionary features =
      FeatureDictionary::Dense({StoredElements::Type::kFloat32, false, std::string_view(), nullptr}, 3, 0);
  EXPECT_TRUE(features.TopFeatures(1, 5).empty());
}

TEST(FeatureDictionary, FindsByExactNameThenIndexThenPart) {
  FeatureDictionary features = FeatureDictionary::Sparse({0}, {}, 40);
  features.names = {"L1.n37", "Golden Gate Bridge", "bridge", "7"};
  EXPECT_EQ(features.Find("bridge"), 2u);          // exact, before the first that contains it
  EXPECT_EQ(features.Find("GATE"), 1u);            // contains, ignoring case
  EXPECT_EQ(features.Find("7"), 3u);               // a whole name before an index
  EXPECT_EQ(features.Find("3"), 3u);               // an index before a part of a name ("L1.n37")
  EXPECT_EQ(features.Find("37"), 37u);
  EXPECT_EQ(features.Find("n3"), 0u);
  EXPECT_EQ(features.Find("39"), 39u);
  EXPECT_EQ(features.Find("40"), std::nullopt);    // beyond the features
  EXPECT_EQ(features.Find("nothing"), std::nullopt);
  EXPECT_EQ(features.Find(""), std::nullopt);
  EXPECT_EQ(features.Name(1), "Golden Gate Bridge");
  EXPECT_EQ(features.Name(30), "");
}

// render --tokens A:B keeps a run of a loaded sequence's tokens (Sequence::KeepTokens): its
// attention and features stay the tokens', or go when tokens went from inside the run.
TEST(SequenceKeepTokens, AttentionAndFeaturesFollowTheTokensKept) {
  Sequence sequence;
  for (const char* token : {"a", "b", "c", "d"}) sequence.AppendToken(token);
  std::vector<float> values;  // 1 layer, 1 head, 4x4: value = 10 q + k
  for (int q = 0; q < 4; ++q)
    for (int k = 0; k < 4; ++k) values.push_back(static_cast<float>(10 * q + k));
  sequence.SetAttention(std::make_shared<AttentionPatterns>(AttentionPatterns::FromFloats(values, 1, 1, 4, 4)));
  const auto owned = std::make_shared<const std::vector<float>>(std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7});
  const std::string_view bytes(reinterpret_cast<const char*>(owned->data()), owned->size() * sizeof(float));
  sequence.SetFeatures(std::make_shared<FeatureDictionary>(
      FeatureDictionary::Dense({StoredElements::Type::kFloat32, false, bytes, owned}, 4, 2)));

  Sequence run = sequence;
  run.KeepTokens({false, true, true, false});
  ASSERT_NE(run.Attention(), nullptr);
  EXPECT_EQ(run.Attention()->FirstToken(), 1u);
  EXPECT_EQ(run.Attention()->Queries(), 3u);  // counted from the first token: "d" stays in the patterns
  std::vector<float> row(2);
  run.Attention()->ReadRow(0, 0, 1, row);  // token "c" over "b" and "c"
  EXPECT_EQ(row, (std::vector<float>{21, 22}));
  run.Attention()->ReadColumn(0, 0, 0, row);
  EXPECT_EQ(row, (std::vector<float>{11, 21}));
  ASSERT_NE(run.Features(), nullptr);
  ASSERT_EQ(run.Features()->Tokens(), 2u);
  run.Features()->ReadFeature(1, row);
  EXPECT_EQ(row, (std::vector<float>{3, 5}));

  Sequence holes = sequence;
  holes.KeepTokens({true, false, true, true});
  EXPECT_EQ(holes.Attention(), nullptr);
  EXPECT_EQ(holes.Features(), nullptr);

  // Sparse features keep any tokens.
  sequence.SetFeatures(std::make_shared<FeatureDictionary>(
      FeatureDictionary::Sparse({1, 1, 2, 3}, {{0, 1.0f}, {1, 2.0f}, {0, 3.0f}}, 2)));
  sequence.KeepTokens({true, false, true, true});
  ASSERT_NE(sequence.Features(), nullptr);
  std::vector<float> column(3);
  sequence.Features()->ReadFeature(0, column);
  EXPECT_EQ(column, (std::vector<float>{1, 0, 3}));
}

// [SECTION] Files

const Json& Expectations() {
  static const Json expectations = [] {
    std::ifstream file(kFixtures + "expected.json");
    std::stringstream text;
    text << file.rdbuf();
    return Json::parse(text.str());
  }();
  return expectations;
}

// A fixture file's path: written by the generator, or committed in tests/data.
std::string PathOf(const std::string& name) {
  if (std::filesystem::exists(kFixtures + name)) return kFixtures + name;
  return std::string(TH_TEST_DATA_DIR) + "/" + name;
}

void ExpectAttention(const AttentionPatterns& attention, const Json& want, size_t tokens) {
  EXPECT_EQ(attention.Layers(), want["layers"].get<uint32_t>());
  EXPECT_EQ(attention.Heads(), want["heads"].get<uint32_t>());
  EXPECT_EQ(attention.Queries(), want["queries"].get<uint64_t>());
  EXPECT_EQ(attention.Keys(), want["keys"].get<uint64_t>());
  EXPECT_EQ(attention.FirstToken(), want["first"].get<uint64_t>());
  EXPECT_EQ(attention.TypeName(), want["dtype"].get<std::string>());
  EXPECT_EQ(attention.Causal(), want["causal"].get<bool>());
  EXPECT_EQ(attention.head_labels, want["head_labels"].get<std::vector<std::string>>());
  std::vector<float> values(tokens);
  for (const Json& row : want["rows"]) {
    attention.ReadRow(row[0], row[1], row[2], values);
    EXPECT_EQ(BitsOf(values), row[3].get<std::vector<uint32_t>>()) << "row " << row[0] << ", " << row[1] << ", " << row[2];
  }
  for (const Json& column : want["columns"]) {
    attention.ReadColumn(column[0], column[1], column[2], values);
    EXPECT_EQ(BitsOf(values), column[3].get<std::vector<uint32_t>>())
        << "column " << column[0] << ", " << column[1] << ", " << column[2];
  }
}

void ExpectFeatures(const FeatureDictionary& features, const Json& want, size_t tokens) {
  EXPECT_EQ(features.Features(), want["count"].get<uint32_t>());
  EXPECT_EQ(features.IsDense(), want["dense"].get<bool>());
  EXPECT_EQ(features.Tokens(), tokens);
  EXPECT_EQ(features.names, want["names"].get<std::vector<std::string>>());
  std::vector<float> values(tokens);
  for (const Json& read : want["read"]) {
    features.ReadFeature(read[0], values);
    EXPECT_EQ(BitsOf(values), read[1].get<std::vector<uint32_t>>()) << "feature " << read[0];
  }
  for (const Json& top : want["top"]) {
    const auto found = features.TopFeatures(top[0], top[1]);
    ASSERT_EQ(found.size(), top[2].size()) << "token " << top[0];
    for (size_t i = 0; i < found.size(); ++i) {
      EXPECT_EQ(found[i].feature, top[2][i][0].get<uint32_t>()) << "token " << top[0] << " entry " << i;
      EXPECT_EQ(std::bit_cast<uint32_t>(found[i].value), top[2][i][1].get<uint32_t>()) << "token " << top[0];
    }
  }
}

const std::vector<std::string> kFiles = {
    "qk.npz", "hqk_f16.npz", "lhqk_compressed.npz", "lhqk_big_endian.npz", "lhqk_big_endian_f4.npz", "scores.npz",
    "no_match.npz", "float64.npz", "no_values.npz", "bf16.safetensors", "layers/run.npz", "named_layers/run.npz",
    "batch_first.npz", "batch_second.npz", "batch_each.npz", "left_padded.npz", "left_padded_uniform.npz", "holes.npz",
    "dense.npz",
    "dense_batch.npz",
    "top_k.npz", "top_k_batch.npz", "coo.npz", "circuitsvis_attention_patterns.json",
    "circuitsvis_attention_pattern.json", "circuitsvis_attention_heads.html", "tiny_transformer/induction.npz"};

class AttentionFiles : public testing::TestWithParam<std::string> {};

TEST_P(AttentionFiles, LoadAsNumPyReadsThem) {
  const Json& entry = Expectations()["files"][GetParam()];
  ASSERT_TRUE(entry.is_object()) << GetParam() << " is not in expected.json";
  LoadOptions options;
  if (GetParam() == "named_layers/run.npz") options.attention_array = "pattern";
  const Document document = LoadDocumentFile(PathOf(GetParam()), options);
  // The warnings listed, and no other: an array that is read is not also said to be unread.
  ASSERT_EQ(document.warnings.size(), entry["warnings"].size()) << (document.warnings.empty() ? "" : document.warnings[0]);
  for (size_t w = 0; w < document.warnings.size(); ++w)
    EXPECT_NE(document.warnings[w].find(entry["warnings"][w].get<std::string>()), std::string::npos) << document.warnings[w];
  ASSERT_EQ(document.sequences.size(), entry["sequences"].size());
  for (const Json& want : entry["sequences"]) {
    const Sequence& sequence = document.sequences[want["index"].get<size_t>()];
    SCOPED_TRACE("sequence " + std::to_string(want["index"].get<size_t>()));
    ASSERT_EQ(sequence.TokenCount(), want["tokens"].get<size_t>());
    ASSERT_EQ(sequence.Attention() != nullptr, !want["attention"].is_null());
    if (sequence.Attention()) ExpectAttention(*sequence.Attention(), want["attention"], sequence.TokenCount());
    ASSERT_EQ(sequence.Features() != nullptr, !want["features"].is_null());
    if (sequence.Features()) ExpectFeatures(*sequence.Features(), want["features"], sequence.TokenCount());
  }
}

// np.savez's stored members and safetensors' tensors are read from the file's mapping, never copied
// (members are unaligned: elements are copied out one row at a time as they are read).
TEST(AttentionFilesInPlace, PatternsAndDenseFeaturesAreTheFilesOwnBytes) {
  for (const std::string name : {"lhqk_big_endian.npz", "bf16.safetensors", "dense.npz", "batch_each.npz"}) {
    SCOPED_TRACE(name);
    const Document document = LoadDocumentFile(kFixtures + name);
    const auto file = document.file.lock();
    ASSERT_NE(file, nullptr);
    for (const Sequence& sequence : document.sequences) {
      if (sequence.Attention()) {
        for (const StoredElements& block : sequence.Attention()->Blocks()) EXPECT_TRUE(file->Contains(block.bytes));
      }
      if (sequence.Features()) {
        EXPECT_TRUE(file->Contains(sequence.Features()->DenseValues().bytes));
      }
    }
  }
}

// Every file the generator writes is checked: one it adds without a case here fails.
TEST(AttentionFilesList, EveryGeneratedFileHasACase) {
  std::vector<std::string> generated;
  for (const auto& [name, entry] : Expectations()["files"].items()) generated.push_back(name);
  std::vector<std::string> listed = kFiles;
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(generated, listed);  // nlohmann's objects are sorted by key
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AttentionFiles, testing::ValuesIn(kFiles),
                         [](const testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(AttentionFileErrors, NameTheFileAndTheArray) {
  for (const auto& [name, message] : Expectations()["errors"].items()) {
    SCOPED_TRACE(name);
    try {
      LoadDocumentFile(kFixtures + name);
      ADD_FAILURE() << "no LoadError";
    } catch (const LoadError& error) {
      const std::string text = error.what();
      EXPECT_NE(text.find(message.get<std::string>()), std::string::npos) << text;
      EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    }
  }
}

TEST(AttentionFileErrors, AnAttentionArrayAskedForMustBeThere) {
  LoadOptions options;
  options.attention_array = "nope";
  EXPECT_EQ(ErrorOf(kFixtures + "qk.npz", options),
            kFixtures + "qk.npz: array 'nope': not in the file, and no nope.0.npy beside it");
  // Other formats have no named arrays to take it from.
  EXPECT_EQ(ErrorOf(kFixtures + "circuitsvis_attention_patterns.json", options),
            kFixtures + "circuitsvis_attention_patterns.json: attention array 'nope' asked for, but only .npy, .npz "
                        "and safetensors files have named arrays");
  // Asked for by the name it has anyway.
  options.attention_array = "attn";
  EXPECT_NE(LoadDocumentFile(kFixtures + "hqk_f16.npz", options).sequences[0].Attention(), nullptr);
}

}  // namespace
}  // namespace th
