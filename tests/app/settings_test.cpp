// The viewer's settings: what the user changes in the window is kept and what the command line
// set up is not; the mapping is saved with its numbers and reads back the same; refused values
// are one warning each.
#include "app/settings.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/demo_document.hpp"
#include "core/palette_registry.hpp"

namespace th::app {
namespace {

MappingSpec Parsed(const std::string& text) {
  MappingSpec spec;
  ParseNormSpec(text, spec);
  return spec;
}

// The settings file in a folder of this test's own (XDG_CONFIG_HOME), removed first.
std::string FreshSettingsFolder(const std::string& name) {
  const std::filesystem::path folder = std::filesystem::path(testing::TempDir()) / ("tokenheat_" + name);
  std::filesystem::remove_all(folder);
  setenv("XDG_CONFIG_HOME", folder.c_str(), 1);
  return SettingsPath();
}

TEST(Settings, WhatTheUserChangesInTheWindowIsKept) {
  Session session(MakeDemoDocument());
  ui::FrameContext context;
  SavedSettings settings;
  settings.palette = "magma";
  // A frame in which the user changed nothing keeps nothing, whatever the command line set.
  session.SetPalette(*FindPalette("plasma"));
  ViewChoices before = CurrentChoices(session, context);
  KeepUserChanges(settings, before, CurrentChoices(session, context), session);
  EXPECT_EQ(settings.palette, "magma");
  EXPECT_FALSE(settings.norm || settings.scope || settings.range || settings.gamma || settings.font_size);

  session.SetPalette(*FindPalette("viridis"));
  MappingSpec spec = Parsed("symmetric:98");
  spec.scope = RangeScope::kGlobal;
  spec.gamma = 0.5f;
  session.SetSpec(spec);
  session.SetFontSize(28);
  context.panel_text_size = 22;
  context.dark_theme = true;
  KeepUserChanges(settings, before, CurrentChoices(session, context), session);
  EXPECT_EQ(settings.palette, "viridis");
  EXPECT_EQ(settings.norm, "symmetric:98");
  EXPECT_EQ(settings.scope, "global");
  EXPECT_EQ(settings.gamma, 0.5f);
  EXPECT_EQ(settings.font_size, 28);
  EXPECT_EQ(settings.panel_text_size, 22);
  EXPECT_TRUE(settings.dark_theme);
  EXPECT_FALSE(settings.panels_hidden);

  // Typed numbers: a manual range, forgotten again for a scope.
  before = CurrentChoices(session, context);
  session.SetManualRange(-2.0f, 3.5f);
  KeepUserChanges(settings, before, CurrentChoices(session, context), session);
  EXPECT_EQ(settings.range, std::make_pair(-2.0f, 3.5f));
  before = CurrentChoices(session, context);
  spec = session.Spec();
  spec.scope = RangeScope::kSequence;  // the default scope is not saved
  session.SetSpec(spec);
  KeepUserChanges(settings, before, CurrentChoices(session, context), session);
  EXPECT_FALSE(settings.range || settings.scope);

  // The palette the command line gave, picked again in the panel: kept.
  settings.palette.reset();
  before = CurrentChoices(session, context);
  session.SetPalette(session.CurrentPalette());
  KeepUserChanges(settings, before, CurrentChoices(session, context), session);
  EXPECT_EQ(settings.palette, "viridis");

  // The mapping's own palette is the default, left to the next file's values.
  before = CurrentChoices(session, context);
  session.SetPalette(*FindPalette(DefaultPaletteName(NormKind::kSymmetric)));
  KeepUserChanges(settings, before, CurrentChoices(session, context), session);
  EXPECT_FALSE(settings.palette);
}

TEST(Settings, TheStackedViewsGlobalRangeIsNotTheUsersScope) {
  Session session(MakeDemoDocument());
  ui::FrameContext context;
  SavedSettings settings;
  const ViewChoices before = CurrentChoices(session, context);
  session.SetStacked(true);  // key V
  EXPECT_EQ(session.Spec().scope, RangeScope::kGlobal);
  KeepUserChanges(settings, before, CurrentChoices(session, context), session);
  EXPECT_FALSE(settings.scope);
}

TEST(Settings, TheDataDefaultMappingIsNotKeptButItsNumbersAre) {
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  for (int i = 0; i < 4; ++i) sequence.AppendToken(" t");
  sequence.channels.push_back({"v", {-2.0f, -1.0f, 1.0f, 3.0f}});
  Session session(std::move(document));
  session.ApplyDataDefaults(false);  // symmetric: values of both signs
  ASSERT_EQ(session.Spec().kind, NormKind::kSymmetric);
  ASSERT_FALSE(session.DefaultReason().empty());
  ui::FrameContext context;
  SavedSettings settings;
  settings.norm = "log";
  ViewChoices before = CurrentChoices(session, context);
  MappingSpec spec = session.Spec();
  spec.symmetric_percentile = 98.0f;  // the percentile field of the range panel
  session.SetSpec(spec);
  KeepUserChanges(settings, before, CurrentChoices(session, context), session);
  EXPECT_EQ(settings.norm, "symmetric:98");
  before = CurrentChoices(session, context);
  spec.symmetric_percentile = 100.0f;  // back to the data's own choice
  session.SetSpec(spec);
  KeepUserChanges(settings, before, CurrentChoices(session, context), session);
  EXPECT_FALSE(settings.norm);
}

TEST(Settings, NormSpecTextReadsBackToTheSameNumbers) {
  for (const std::string text : {"minmax", "zero-max", "symmetric", "symmetric:98", "symmetric:99.5", "log", "ratio",
                                 "ratio:95", "percentile:1:99", "percentile:2.5:97.5", "buckets:10,100,1000",
                                 "buckets:1e-05,0.25,10"})
    EXPECT_EQ(NormSpecText(Parsed(text)), text);
}

TEST(Settings, TheMappingIsSavedWithItsNumbersAndTheCommandLineWins) {
  const std::string path = FreshSettingsFolder("mapping");
  SavedSettings settings;
  settings.palette = "cividis";
  settings.norm = "percentile:2.5:97.5";
  settings.scope = "visible";
  settings.range = {-1.5f, 2.0f};
  settings.gamma = 0.25f;
  SaveSettings(settings);
  const SavedSettings loaded = LoadSettings();
  EXPECT_EQ(loaded.palette, "cividis");
  EXPECT_EQ(loaded.norm, "percentile:2.5:97.5");
  EXPECT_EQ(loaded.scope, "visible");
  EXPECT_EQ(loaded.range, std::make_pair(-1.5f, 2.0f));
  EXPECT_EQ(loaded.gamma, 0.25f);

  CommandLine line = ParseCommandLine({"--demo"});
  ApplySavedSettings(loaded, line);
  EXPECT_EQ(line.view.norm, "percentile:2.5:97.5");
  EXPECT_EQ(line.view.range, std::make_pair(-1.5f, 2.0f));
  EXPECT_EQ(line.view.gamma, 0.25f);
  // A --norm replaces the saved manual range too (else the range would override it).
  line = ParseCommandLine({"--demo", "--norm", "log", "--palette", "magma", "--gamma", "2"});
  ApplySavedSettings(loaded, line);
  EXPECT_EQ(line.view.norm, "log");
  EXPECT_FALSE(line.view.range);
  EXPECT_EQ(line.view.scope, "visible");
  EXPECT_EQ(line.view.palette, "magma");
  EXPECT_EQ(line.view.gamma, 2.0f);
}

TEST(Settings, EachRefusedMappingValueIsOneWarning) {
  const std::string path = FreshSettingsFolder("refused");
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << R"({"scope": "everywhere", "range": [3, 1], "gamma": -1, "norm": "symmetric:98"})";
  testing::internal::CaptureStderr();
  const SavedSettings loaded = LoadSettings();
  const std::string warnings = testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::count(warnings.begin(), warnings.end(), '\n'), 3) << warnings;
  EXPECT_NE(warnings.find("scope \"everywhere\" is not sequence, global or visible"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("range array is not [LO, HI] with LO <= HI"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("gamma -1 is not a number above 0"), std::string::npos) << warnings;
  EXPECT_FALSE(loaded.scope || loaded.range || loaded.gamma);
  EXPECT_EQ(loaded.norm, "symmetric:98");
}

TEST(Settings, TheWindowSizeIsSavedAndASizeNoWindowCanHaveIsRefused) {
  FreshSettingsFolder("window_size");
  SavedSettings settings;
  settings.window_size = WindowSize{1000, 640};
  SaveSettings(settings);
  EXPECT_EQ(LoadSettings().window_size, (WindowSize{1000, 640}));

  const std::string path = SettingsPath();
  for (const char* refused : {R"({"window_size": [10, 640]})", R"({"window_size": [1000]})",
                              R"({"window_size": "1000x640"})", R"({"window_size": [1000.5, 640]})"}) {
    std::ofstream(path) << refused;
    testing::internal::CaptureStderr();
    EXPECT_FALSE(LoadSettings().window_size) << refused;
    const std::string warnings = testing::internal::GetCapturedStderr();
    EXPECT_NE(warnings.find("is not [WIDTH, HEIGHT] in 200..16384; using its default"), std::string::npos) << warnings;
  }
}

}  // namespace
}  // namespace th::app
