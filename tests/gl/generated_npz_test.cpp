// `tokenheat generate`: the file it writes opens memory-mapped (ids and values used in place from
// the mapping) with every token's text and value the synthetic generator's for its index, and a
// frame scrolled to its end shows its last tokens. In the GL suite, which links the app.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "app/commands.hpp"
#include "app/heatmap_view.hpp"
#include "core/load_document.hpp"
#include "core/synthetic_document.hpp"
#include "gfx/egl_context.hpp"

namespace th {
namespace {

namespace fs = std::filesystem;

std::string Generate(const std::string& folder, const std::vector<std::string>& args) {
  const fs::path directory = fs::temp_directory_path() / ("tokenheat_generate_" + folder);
  fs::remove_all(directory);
  fs::create_directories(directory);
  const std::string path = (directory / "synthetic.npz").string();
  std::vector<std::string> line = {"generate"};
  line.insert(line.end(), args.begin(), args.end());
  line.insert(line.end(), {"-o", path});
  EXPECT_EQ(app::RunGenerate(app::ParseCommandLine(line)), 0);
  return path;
}

TEST(GeneratedNpz, A1MTokenFileLoadsMappedWithTheGeneratorsTokensAndValues) {
  constexpr uint64_t kTokens = 1'000'000;
  const std::string path = Generate("1m", {std::to_string(kTokens)});
  Session session(LoadDocumentFile(path));  // the vocabulary is found beside it
  const Sequence& sequence = session.CurrentSequence();
  ASSERT_EQ(sequence.TokenCount(), kTokens);
  EXPECT_TRUE(sequence.TokenIds().IsBorrowed());
  EXPECT_TRUE(sequence.channels[0].values.IsBorrowed());
  for (uint64_t i = 0; i < kTokens; ++i) {
    ASSERT_EQ(sequence.Token(i), SyntheticToken(i)) << "token " << i;
    ASSERT_EQ(sequence.channels[0].values[i], SyntheticValue(i)) << "token " << i;
  }

  static const std::unique_ptr<gl::HeadlessContext> context = gl::HeadlessContext::Create();
  app::HeatmapView view("monospace", 16);
  view.Render(session, 1280, 720);
  session.FinishBackgroundWork();
  session.ScrollTo(session.MaxScroll());
  view.Render(session, 1280, 720);
  const VisibleLayout& visible = session.Visible();
  ASSERT_FALSE(visible.tokens.empty());
  EXPECT_EQ(visible.tokens.back(), kTokens - 1);
  for (size_t i = 0; i < visible.instances.size(); ++i)
    EXPECT_EQ(visible.instances[i].value, SyntheticValue(visible.tokens[i]));
}

TEST(GeneratedNpz, SequencesAreRowsOfTheGeneratorsIndices) {
  const std::string path = Generate("rows", {"3000", "--sequences", "3"});
  const Document document = LoadDocumentFile(path);
  ASSERT_EQ(document.sequences.size(), 3u);
  for (uint64_t s = 0; s < 3; ++s) {
    const Sequence& sequence = document.sequences[s];
    ASSERT_EQ(sequence.TokenCount(), 1000u);
    for (uint64_t t = 0; t < 1000; ++t) {
      EXPECT_EQ(sequence.Token(t), SyntheticToken(s * 1000 + t));
      EXPECT_EQ(sequence.channels[0].values[t], SyntheticValue(s * 1000 + t));
    }
  }
}

TEST(GeneratedNpz, AnotherVocabularyBesideTheOutputIsNeverReplaced) {
  const std::string path = Generate("vocab", {"10"});
  const fs::path vocab = fs::path(path).parent_path() / "vocab.txt";
  fs::remove(fs::path(path).parent_path() / "tokenizer.json");
  std::ofstream(vocab) << "a\nb\n";
  EXPECT_THROW(app::RunGenerate(app::ParseCommandLine({"generate", "10", "-o", path})), std::runtime_error);
  EXPECT_TRUE(fs::exists(vocab));
  EXPECT_FALSE(fs::exists(fs::path(path).parent_path() / "tokenizer.json"));
}

}  // namespace
}  // namespace th
