// Other tools' files, written by tests/data/make_peer_files.py the way each tool's serialiser
// writes them, load with the tokens (decoded) and the values the tool holds: float32 bit for bit.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <fstream>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/load_document.hpp"

namespace th {
namespace {

using Json = nlohmann::json;

const std::string kPeers = std::string(TH_FIXTURE_DIR) + "/peers/";

const std::vector<std::string> kFiles = {
    "inseq_v07.json", "inseq_v07_primitives.json", "inseq_v07_not_compact.json", "inseq_v07_float16.json",
    "inseq_v07_float8.json", "inseq_v07_compressed.json.gz", "inseq_v06.json", "inseq_v06_not_compact.json",
    "inseq_v06_primitives.json", "inseq_granular.json", "circuitsvis_colored_tokens.json", "circuitsvis_multi.json",
    "circuitsvis_multi_unlabelled.json", "circuitsvis_neurons.json", "circuitsvis_neurons_prompts.json",
    "circuitsvis_cdn.html", "circuitsvis_local.html",
    "gltr_response.json", "neuron_record.json", "python_nan.json", "python_nan.jsonl", "two_tokenizers.json"};

Json Expectations() {
  std::ifstream file(kPeers + "expected.json");
  std::stringstream text;
  text << file.rdbuf();
  return Json::parse(text.str());
}

// Bits, or null for NaN.
Json BitsOf(float value) {
  if (std::isnan(value)) return nullptr;
  return std::bit_cast<uint32_t>(value);
}

class PeerFiles : public testing::TestWithParam<std::string> {};

TEST_P(PeerFiles, LoadWithTheToolsTokensAndValues) {
  const Json expectations = Expectations();
  const Json* entry = nullptr;
  for (const Json& candidate : expectations)
    if (candidate["file"] == GetParam()) entry = &candidate;
  ASSERT_NE(entry, nullptr) << GetParam() << " is not in expected.json";
  const Document document = LoadDocumentFile(kPeers + GetParam());
  const Json& sequences = (*entry)["sequences"];
  ASSERT_EQ(document.sequences.size(), sequences.size());
  for (size_t s = 0; s < sequences.size(); ++s) {
    const Sequence& sequence = document.sequences[s];
    const Json& want = sequences[s];
    SCOPED_TRACE(sequence.name);
    EXPECT_EQ(sequence.name, want["name"].get<std::string>());
    ASSERT_EQ(sequence.TokenCount(), want["tokens"].size());
    for (size_t t = 0; t < sequence.TokenCount(); ++t) EXPECT_EQ(sequence.Token(t), want["tokens"][t].get<std::string>()) << t;
    ASSERT_EQ(sequence.channels.size(), want["channels"].size());
    for (size_t c = 0; c < sequence.channels.size(); ++c) {
      const Channel& channel = sequence.channels[c];
      EXPECT_EQ(channel.name, want["channels"][c][0].get<std::string>());
      const Json& values = want["channels"][c][1];
      ASSERT_EQ(channel.values.size(), values.size()) << channel.name;
      for (size_t t = 0; t < values.size(); ++t) EXPECT_EQ(BitsOf(channel.values[t]), values[t]) << channel.name << " token " << t;
    }
    if (want.contains("top_k")) {
      for (size_t t = 0; t < sequence.TokenCount(); ++t) {
        const auto top_k = sequence.TopK(t);
        ASSERT_EQ(top_k.size(), want["top_k"][t].size()) << t;
        for (size_t k = 0; k < top_k.size(); ++k) {
          EXPECT_EQ(top_k[k].token, want["top_k"][t][k][0].get<std::string>());
          EXPECT_EQ(top_k[k].probability, want["top_k"][t][k][1].get<float>());
        }
      }
    }
  }
  const Json& range = (*entry)["range"];
  ASSERT_EQ(document.file_range.has_value(), !range.is_null());
  if (document.file_range) {
    // null: the end the file leaves out, which the data's own minimum or maximum will give.
    const auto end = [](const Json& given) { return given.is_null() ? std::nullopt : std::optional<float>(given.get<float>()); };
    EXPECT_EQ(document.file_range->low, end(range[0]));
    EXPECT_EQ(document.file_range->high, end(range[1]));
    EXPECT_EQ(document.file_range->origin, "CircuitsVis minValue/maxValue");
  }
}

// Every file the generator writes is checked: one it adds without a case here fails.
TEST(PeerFilesList, EveryGeneratedFileHasACase) {
  std::vector<std::string> generated;
  for (const Json& entry : Expectations()) generated.push_back(entry["file"]);
  EXPECT_EQ(generated, kFiles);
}

INSTANTIATE_TEST_SUITE_P(
    Tools, PeerFiles, testing::ValuesIn(kFiles),
    [](const testing::TestParamInfo<std::string>& param) {
      std::string name = param.param;
      for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return name;
    });

}  // namespace
}  // namespace th
