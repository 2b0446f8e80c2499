// A feature index (docs/feature-index.md) as tokenheat.index writes it: every feature's contexts
// load as NumPy says they must (tests/data/make_feature_index.py writes both), in the browser's
// order, with the peak token marked and the feature's own scale as the file's range; a broken
// index fails naming the array.
#include "core/feature_index.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/load_document.hpp"
#include "core/load_error.hpp"

namespace th {
namespace {

using Json = nlohmann::json;

const std::string kFixtures = std::string(TH_FIXTURE_DIR) + "/feature_index/";

Json Expected() {
  std::ifstream file(kFixtures + "expected.json");
  return Json::parse(file);
}

uint32_t Bits(float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

void ExpectContexts(const std::vector<Sequence>& contexts, const Json& want) {
  ASSERT_EQ(contexts.size(), want.size());
  for (size_t c = 0; c < contexts.size(); ++c) {
    const Sequence& sequence = contexts[c];
    const Json& context = want[c];
    EXPECT_EQ(sequence.name, context["name"].get<std::string>());
    ASSERT_EQ(sequence.TokenCount(), context["tokens"].size()) << sequence.name;
    ASSERT_EQ(sequence.channels.size(), 1u);
    for (size_t t = 0; t < sequence.TokenCount(); ++t) {
      EXPECT_EQ(sequence.Token(t), context["tokens"][t].get<std::string>()) << sequence.name << " token " << t;
      EXPECT_EQ(Bits(sequence.channels[0].values[t]), context["bits"][t].get<uint32_t>()) << sequence.name << " token " << t;
      EXPECT_EQ((sequence.Flags(t) & kTokenMarked) != 0, t == context["peak"].get<size_t>()) << sequence.name << " token " << t;
    }
  }
}

TEST(FeatureIndex, OpensOnItsFirstFeatureOnTheFeaturesOwnScale) {
  const Json expected = Expected();
  const Document document = LoadDocumentFile(kFixtures + "index.npz");
  ASSERT_NE(document.feature_index, nullptr);
  EXPECT_EQ(document.index_row, 0u);
  const Json& first = expected["features"][0];
  ExpectContexts(document.sequences, first["contexts"]);
  EXPECT_EQ(document.sequences[0].channels[0].name, first["channel"].get<std::string>());
  ASSERT_TRUE(document.file_range);
  EXPECT_EQ(document.file_range->low, 0.0f);
  EXPECT_EQ(document.file_range->high, first["max"].get<float>());
  EXPECT_EQ(document.file_range->origin, "0 .. the corpus max of feature 3");
  EXPECT_EQ(document.feature_index->Shards(), (std::vector<std::string>{"shard-a.npz", "shard-b.npz"}));
  EXPECT_EQ(document.feature_index->TokensTotal(), 1'000'000'000u);
}

TEST(FeatureIndex, EveryFeaturesContextsAndStatistics) {
  const Json expected = Expected();
  const Document document = LoadDocumentFile(kFixtures + "index.npz");
  const FeatureIndex& index = *document.feature_index;
  ASSERT_EQ(index.Features(), expected["features"].size());
  EXPECT_EQ(index.Bands(), 4u);
  for (size_t row = 0; row < index.Features(); ++row) {
    const Json& feature = expected["features"][row];
    SCOPED_TRACE("feature row " + std::to_string(row));
    EXPECT_EQ(index.FeatureId(row), feature["id"].get<int64_t>());
    EXPECT_EQ(index.Label(row), feature["label"].get<std::string>());
    EXPECT_EQ(index.Max(row), feature["max"].get<float>());
    EXPECT_EQ(index.ChannelName(row), feature["channel"].get<std::string>());
    ExpectContexts(index.Contexts(row), feature["contexts"]);
    const std::vector<float> bands = index.BandEdges(row);
    ASSERT_EQ(bands.size(), 5u);
    EXPECT_EQ(bands.back(), index.Max(row));
    EXPECT_EQ(index.HistogramEdges(row).size(), index.HistogramCounts(row).size() + 1);
  }
  // By number, else by a part of the label.
  EXPECT_EQ(index.Find("7"), 1u);
  EXPECT_EQ(index.Find("GATE"), 1u);
  EXPECT_EQ(index.Find("cat"), 2u);
  EXPECT_EQ(index.Find("99"), std::nullopt);
  EXPECT_EQ(index.Find(""), std::nullopt);
}

TEST(FeatureIndex, DocumentOfAnotherFeatureKeepsTheIndex) {
  const Json expected = Expected();
  Document first = LoadDocumentFile(kFixtures + "index.npz");
  const Document third = DocumentOfIndexFeature(first.feature_index, 2, first.source);
  EXPECT_EQ(third.feature_index, first.feature_index);
  EXPECT_EQ(third.index_row, 2u);
  EXPECT_EQ(third.source, first.source);
  ExpectContexts(third.sequences, expected["features"][2]["contexts"]);
  EXPECT_EQ(third.file_range->high, expected["features"][2]["max"].get<float>());
}

TEST(FeatureIndex, ABrokenIndexFailsNamingTheArray) {
  const Json expected = Expected();
  ASSERT_FALSE(expected["errors"].empty());
  for (const auto& [file, message] : expected["errors"].items()) {
    try {
      LoadDocumentFile(kFixtures + file);
      ADD_FAILURE() << file << " loaded";
    } catch (const LoadError& error) {
      EXPECT_NE(std::string(error.what()).find(message.get<std::string>()), std::string::npos)
          << file << ": " << error.what();
    }
  }
}

}  // namespace
}  // namespace th
