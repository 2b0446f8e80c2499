// The option table: every option is in --help once per command, the value-source options are read
// and checked as the command line, a script step and --print-state take them, and each option is
// found only under the commands that take it.
#include "app/options.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "app/script.hpp"
#include "app/settings.hpp"
#include "core/attention.hpp"
#include "core/demo_document.hpp"
#include "core/feature_dictionary.hpp"

namespace th::app {
namespace {

// The UsageError message of parsing args, or "" when they parse.
std::string UsageErrorOf(const std::vector<std::string>& args) {
  try {
    ParseCommandLine(args);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "";
}

TEST(Options, EveryOptionHasOneRowInTheHelpAndOneMeaningPerCommand) {
  const std::string help = UsageText();
  std::set<std::pair<std::string, unsigned>> seen;
  for (const OptionSpec& option : Options()) {
    EXPECT_NE(help.find("\n  " + option.Label() + " "), std::string::npos) << option.name;
    EXPECT_NE(option.read, nullptr) << option.name;
    EXPECT_FALSE(option.help.empty()) << option.name;
    for (unsigned command = 0; command < 5; ++command) {
      if (option.commands & (1u << command)) {
        EXPECT_TRUE(seen.insert({std::string(option.name), command}).second) << option.name << " twice for " << command;
      }
    }
    if (!option.step.verb.empty()) {
      EXPECT_EQ(FindStep(option.step.verb), &option);
      EXPECT_NE(help.find(option.StepSyntax()), std::string::npos) << option.step.verb;
    }
    if (!option.saved.key.empty()) {
      EXPECT_NE(help.find(std::string(option.name) + ","), std::string::npos) << option.name;
    }
  }
  EXPECT_EQ(FindStep("range")->StepSyntax(), "range LO HI");
  // Each section's rows stand together, under one heading.
  std::set<OptionSection> sections;
  for (size_t i = 0; i < Options().size(); ++i) {
    if (i == 0 || Options()[i].section != Options()[i - 1].section) {
      EXPECT_TRUE(sections.insert(Options()[i].section).second) << Options()[i].name << " away from its section";
    }
  }
  // --help's rows name the value a script step reads, and no row starts a line with "--" outside
  // its option's own (help2man would take it for an option).
  EXPECT_NE(help.find("\n  --layer L|mean|max   "), std::string::npos);
  EXPECT_EQ(help.find("\n-"), std::string::npos);
}

TEST(Options, TheSavedOptionsAreTheMappingPaletteAndFontSize) {
  std::set<std::string> saved;
  for (const OptionSpec& option : Options())
    if (!option.saved.key.empty()) saved.insert(std::string(option.saved.key));
  EXPECT_EQ(saved, (std::set<std::string>{"palette", "norm", "scope", "range", "gamma", "font_size"}));
}

TEST(Options, TheValueSourceOptionsAreReadIntoTheViewOptions) {
  const CommandLine line = ParseCommandLine({"render", "--demo", "-o", "x.png", "--attention", "pattern", "--source", "12",
                                             "--direction", "to", "--layer", "mean", "--head", "3", "--feature",
                                             "dog neuron"});
  EXPECT_EQ(line.view.attention, "pattern");
  EXPECT_EQ(line.view.source, 12u);
  EXPECT_EQ(line.view.direction, AttentionDirection::kTo);
  EXPECT_EQ(line.view.layer, IndexOrReduction::Mean());
  EXPECT_EQ(line.view.head, (IndexOrReduction{IndexOrReduction::Kind::kIndex, 3}));
  EXPECT_EQ(line.view.feature, "dog neuron");
  const CommandLine plain = ParseCommandLine({"--demo", "--layer", "max"});
  EXPECT_EQ(plain.view.layer, IndexOrReduction::Max());
  EXPECT_EQ(plain.view.direction, AttentionDirection::kFrom);
  EXPECT_FALSE(plain.view.head || plain.view.source || plain.view.feature);
  EXPECT_TRUE(plain.view.attention.empty());
}

TEST(Options, AValueSourceOptionWithABadValueIsAUsageErrorNamingIt) {
  EXPECT_EQ(UsageErrorOf({"--demo", "--layer", "top"}),
            "--layer: expected a whole number from 0 to 4294967295, mean or max, got \"top\"");
  EXPECT_EQ(UsageErrorOf({"--demo", "--head", "-1"}),
            "--head: expected a whole number from 0 to 4294967295, mean or max, got \"-1\"");
  EXPECT_EQ(UsageErrorOf({"--demo", "--source", "x"}),
            "--source: expected a whole number from 0 to 4294967295, got \"x\"");
  EXPECT_EQ(UsageErrorOf({"--demo", "--direction", "up"}), "--direction up: expected from or to");
  EXPECT_EQ(UsageErrorOf({"--demo", "--attention", ""}), "--attention: expected a name, got \"\"");
  EXPECT_EQ(UsageErrorOf({"--demo", "--feature"}), "--feature: missing value");
  // generate takes none of the view options.
  EXPECT_EQ(UsageErrorOf({"generate", "10", "-o", "x.npz", "--layer", "0"}),
            "generate: --layer is not an option of generate (see tokenheat --help)");
}

TEST(Options, EachCommandTakesItsOwnOptionsOnly) {
  EXPECT_EQ(UsageErrorOf({"render", "--demo", "--goto-top", "1", "-o", "x.png"}),
            "unknown option --goto-top (see tokenheat --help)");
  EXPECT_EQ(UsageErrorOf({"--demo", "--width", "100"}), "unknown option --width (see tokenheat --help)");
  EXPECT_EQ(UsageErrorOf({"info", "--demo", "-o", "x.png"}), "unknown option -o (see tokenheat --help)");
  EXPECT_EQ(ParseCommandLine({"bench", "--demo", "--frames", "7"}).bench_frames, 7);
  EXPECT_EQ(ParseCommandLine({"--demo", "--frames", "7"}).frames, 7);
  EXPECT_EQ(ParseCommandLine({"bench", "--demo"}).view.width, 1920);
  EXPECT_EQ(ParseCommandLine({"render", "--demo", "-o", "x.png", "--width", "640"}).view.width, 640);
  EXPECT_EQ(ParseCommandLine({"render", "--demo", "--help"}).command, Command::kHelp);
  EXPECT_EQ(ParseCommandLine({"--version", "--bogus"}).command, Command::kVersion);
  // A value that starts with a dash is a value.
  EXPECT_EQ(ParseCommandLine({"--demo", "--range", "-8:-1"}).view.range, std::make_pair(-8.0f, -1.0f));
  const CommandLine given = ParseCommandLine({"render", "--demo", "-o", "x.png", "--palette", "magma"});
  EXPECT_EQ(given.given, (std::vector<std::string>{"--demo", "--palette"}));
}

TEST(Options, EachSavedOptionIsReadBackAsItsOptionReadsItOrRefusedInOneWarning) {
  const std::filesystem::path folder = std::filesystem::path(testing::TempDir()) / "tokenheat_options_saved";
  std::filesystem::remove_all(folder);
  setenv("XDG_CONFIG_HOME", folder.c_str(), 1);
  std::filesystem::create_directories(std::filesystem::path(SettingsPath()).parent_path());
  std::ofstream(SettingsPath()) << R"({"palette": "magma", "norm": "percentile:1:99", "scope": "global",
                                       "range": [-2, 0.5], "gamma": 0.5, "font_size": 500})";
  SavedSettings loaded = LoadSettings();
  CommandLine line = ParseCommandLine({"--demo"});
  ApplySavedSettings(loaded, line);
  EXPECT_EQ(line.view.palette, "magma");
  EXPECT_EQ(line.view.norm, "percentile:1:99");
  EXPECT_EQ(line.view.scope, "global");
  EXPECT_EQ(line.view.range, std::make_pair(-2.0f, 0.5f));
  EXPECT_EQ(line.view.gamma, 0.5f);
  EXPECT_EQ(line.view.font_size, kMaxFontSize);  // brought into 1..96
  // Saved as it was read.
  SaveSettings(loaded);
  EXPECT_EQ(LoadSettings().range, std::make_pair(-2.0f, 0.5f));

  std::ofstream(SettingsPath()) << R"({"palette": 1, "norm": "median", "scope": "everywhere", "range": [1, 0],
                                       "gamma": "x", "font_size": "big"})";
  testing::internal::CaptureStderr();
  loaded = LoadSettings();
  const std::string warnings = testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::count(warnings.begin(), warnings.end(), '\n'), 6) << warnings;
  for (const char* refused : {"palette 1 is not a built-in palette", "norm \"median\" is not a range mode",
                              "scope \"everywhere\" is not sequence, global or visible",
                              "range array is not [LO, HI] with LO <= HI", "gamma \"x\" is not a number above 0",
                              "font_size \"big\" is not a whole number"})
    EXPECT_NE(warnings.find(refused), std::string::npos) << refused << " in " << warnings;
  EXPECT_FALSE(loaded.palette || loaded.norm || loaded.scope || loaded.range || loaded.gamma || loaded.font_size);
}

class ScriptFile : public testing::Test {
 protected:
  // A file of its own for each script: ctest runs the tests of this fixture as processes side by
  // side, and a script read while another test rewrites it plays the other's steps.
  std::string Write(const std::string& text) {
    const std::filesystem::path path =
        std::filesystem::path(testing::TempDir()) /
        ("tokenheat_options_test_" + std::to_string(::getpid()) + "_" + std::to_string(++m_scripts) + ".script");
    std::ofstream(path) << text;
    m_paths.push_back(path);
    return path.string();
  }
  void TearDown() override {
    for (const std::filesystem::path& path : m_paths) std::filesystem::remove(path);
  }

 private:
  int m_scripts = 0;
  std::vector<std::filesystem::path> m_paths;
};

// Two sequences of five tokens, each with attention [2 layers, 2 heads] and two features.
Document AttentionAndFeatures() {
  Document document;
  for (int s = 0; s < 2; ++s) {
    Sequence& sequence = document.sequences.emplace_back();
    sequence.name = "s" + std::to_string(s);
    for (int t = 0; t < 5; ++t) sequence.AppendToken("t ");
    sequence.channels.push_back({"act", std::vector<float>(5, 1.0f)});
    sequence.SetAttention(std::make_shared<AttentionPatterns>(
        AttentionPatterns::FromFloats(std::vector<float>(2 * 2 * 5 * 5, 0.2f), 2, 2, 5, 5)));
    std::vector<uint64_t> ends;
    std::vector<FeatureActivation> entries;
    for (uint32_t t = 0; t < 5; ++t) {
      entries.push_back({t % 2, 1.0f + static_cast<float>(t)});
      ends.push_back(entries.size());
    }
    sequence.SetFeatures(std::make_shared<FeatureDictionary>(FeatureDictionary::Sparse(ends, entries, 2)));
  }
  return document;
}

TEST_F(ScriptFile, TheValueSourceStepsPickAttentionAndFeatures) {
  ScriptPlayer script(Write("source 3\nlayer 1\nhead mean\ndirection to\nattention my pattern\n"));
  Session session(AttentionAndFeatures());
  ViewOptions view;
  bool changed = false;
  for (int step = 0; step < 20 && !script.Finished(); ++step) {
    script.Advance(session, view, 0.0);
    changed = script.TakeViewChange() || changed;
  }
  EXPECT_TRUE(script.Finished());
  const ValueSourceSpec& source = session.Source();
  EXPECT_EQ(source.kind, ValueSourceSpec::Kind::kAttention);
  EXPECT_EQ(source.source_token, 3u);
  EXPECT_EQ(source.layer, (IndexOrReduction{IndexOrReduction::Kind::kIndex, 1}));
  EXPECT_EQ(source.head, IndexOrReduction::Mean());
  EXPECT_EQ(source.direction, AttentionDirection::kTo);
  // The array's name is the loader's: the app takes it (for --print-state; a reload reads it).
  EXPECT_TRUE(changed);
  EXPECT_EQ(view.attention, "my pattern");
  // A feature step after them shows the feature; the sequence step keeps it.
  ScriptPlayer feature(Write("feature 1\nseq 1\n"));
  for (int step = 0; step < 20 && !feature.Finished(); ++step) feature.Advance(session, view, 0.0);
  EXPECT_EQ(session.Source().kind, ValueSourceSpec::Kind::kFeature);
  EXPECT_EQ(session.Source().feature, 1u);
  EXPECT_EQ(session.Settings().sequence, 1);
  EXPECT_EQ(session.ValueLabel(), "feature 1");
  // After a channel step (or --channel), an attention or feature step still shows what it names.
  ScriptPlayer after_channel(Write("channel act\nsource 2\nchannel act\nfeature 0\n"));
  for (int step = 0; step < 20 && !after_channel.Finished(); ++step) {
    after_channel.Advance(session, view, 0.0);
    if (step == 1) {
      EXPECT_EQ(session.Source().kind, ValueSourceSpec::Kind::kAttention);
    }
  }
  EXPECT_TRUE(after_channel.Finished());
  EXPECT_EQ(session.Source().kind, ValueSourceSpec::Kind::kFeature);
  EXPECT_EQ(session.Source().feature, 0u);
  // A step the sequence cannot show stops the script with its reason.
  ScriptPlayer bad(Write("source 9\n"));
  try {
    for (int step = 0; step < 20 && !bad.Finished(); ++step) bad.Advance(session, view, 0.0);
    ADD_FAILURE() << "source 9 played";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("source token 9 is past the 5 tokens"), std::string::npos) << error.what();
  }
}

TEST_F(ScriptFile, AStepWithABadValueStopsTheScriptBeforeItPlays) {
  const auto error_of = [&](const std::string& text) -> std::string {
    const std::string path = Write(text);
    try {
      ScriptPlayer script(path);
    } catch (const UsageError& error) {
      return std::string(error.what()).substr(path.size());
    }
    return "";
  };
  EXPECT_EQ(error_of("# a talk\nlayer top\n"),
            ":2: layer: expected a whole number from 0 to 4294967295, mean or max, got \"top\"");
  EXPECT_EQ(error_of("direction sideways\n"), ":1: direction sideways: expected from or to");
  EXPECT_EQ(error_of("source 1 2\n"), ":1: source takes 1 argument");
  EXPECT_EQ(error_of("seq x\n"), ":1: seq: expected a whole number from 0 to 1073741824, got \"x\"");
  EXPECT_EQ(error_of("range 3 1\n"), ":1: range: LO must not be above HI, got \"3:1\"");
  EXPECT_EQ(error_of("range 0\n"), ":1: range takes 2 arguments");
  EXPECT_EQ(error_of("feature\n"), ":1: feature needs an argument");
  EXPECT_NE(error_of("zoom 2\n").find("unknown step \"zoom\" (attention, bottom, channel, direction,"),
            std::string::npos);
}

TEST_F(ScriptFile, AViewOptionStepTheSessionCannotTakeFailsWhereItPlays) {
  ScriptPlayer script(Write("palette Nope\n"));
  Session session(MakeDemoDocument());
  ViewOptions view;
  try {
    script.Advance(session, view, 0.0);
    FAIL() << "the step played";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(".script:1: unknown palette Nope"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace th::app
