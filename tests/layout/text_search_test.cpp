// The session's text search: every match found once on a background thread, stepped through with
// wrapping, searched again when the sequence changes, cancelled; and mark colours that stand
// out from every built-in palette.
#include "session/text_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "core/palette_registry.hpp"
#include "core/synthetic_document.hpp"
#include "sequence_fixture.hpp"
#include "session/session.hpp"

namespace th {
namespace {

constexpr GridGeometry kGeometry{10, 20, 2};

// Polls once a frame until the matches are in.
void WaitForMatches(Session& session) {
  for (int frame = 0; session.Search().Pending() && frame < 10'000; ++frame) {
    session.UpdateLayout(400, 220, kGeometry);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_FALSE(session.Search().Pending());
}

Document TwoSequences() {
  Document document;
  document.source = "<test>";
  for (const char* name : {"first", "second"}) {
    Sequence& sequence = document.sequences.emplace_back();
    sequence.name = name;
    Channel& channel = sequence.channels.emplace_back();
    channel.name = "value";
    for (int i = 0; i < 200; ++i) {
      sequence.AppendToken(std::string(name) + (i % 10 == 0 ? " cat\n" : " dog\n"));
      channel.values.push_back(static_cast<float>(i));
    }
  }
  return document;
}

TEST(TextSearch, FindsEveryMatchAndStepsThroughThemWithWrapping) {
  Session session(TwoSequences());
  session.UpdateLayout(400, 220, kGeometry);
  session.Search().SetQuery({"cat"});
  // A step asked for while the matches are pending happens once they are in, and is shown.
  EXPECT_EQ(session.Search().Step(true, 35), std::nullopt);
  WaitForMatches(session);
  ASSERT_EQ(session.Search().Matches().size(), 20u);
  EXPECT_EQ(session.Search().Current(), 4u);  // token 40: the first at or after token 35
  EXPECT_EQ(session.TopToken(), 40u);
  EXPECT_EQ(session.Search().Step(false, 0), 30u);
  for (int i = 0; i < 3; ++i) session.Search().Step(false, 0);
  EXPECT_EQ(session.Search().Current(), 0u);
  EXPECT_EQ(session.Search().Step(false, 0), 190u);  // wraps to the last
  EXPECT_EQ(session.Search().Step(true, 0), 0u);     // and back to the first
}

TEST(TextSearch, SearchesAgainForANewSequenceOrQueryAndCanBeCancelled) {
  Session session(TwoSequences());
  session.UpdateLayout(400, 220, kGeometry);
  session.Search().SetQuery({"first c.t", true});
  WaitForMatches(session);
  EXPECT_EQ(session.Search().Matches().size(), 20u);
  session.SelectSequence(1);
  session.UpdateLayout(400, 220, kGeometry);
  WaitForMatches(session);
  EXPECT_TRUE(session.Search().Matches().empty());
  session.Search().SetQuery({"second c.t", true});
  WaitForMatches(session);
  EXPECT_EQ(session.Search().Matches().size(), 20u);
  session.Search().SetQuery({"(", true});
  WaitForMatches(session);
  EXPECT_NE(session.Search().Error().find("bad expression"), std::string::npos);
  // A new document: the query stays and runs on it.
  session.Search().SetQuery({"dog"});
  session.ReplaceDocument(TwoSequences());
  EXPECT_TRUE(session.Search().Pending());
  WaitForMatches(session);
  EXPECT_EQ(session.Search().Matches().size(), 180u);
  session.Search().SetQuery({"cat"});
  session.UpdateLayout(400, 220, kGeometry);
  session.Search().Cancel();
  EXPECT_FALSE(session.Search().Pending());
  EXPECT_TRUE(session.Search().Cancelled());
  EXPECT_TRUE(session.Search().Matches().empty());
}

TEST(TextSearch, ALongDocumentIsSearchedInTheBackgroundWithProgress) {
  Session session(MakeSyntheticDocument(2'000'000));
  session.UpdateLayout(1000, 600, kGeometry);
  session.Search().SetQuery({" model"});
  session.UpdateLayout(1000, 600, kGeometry);
  EXPECT_TRUE(session.Search().Searching());
  EXPECT_LE(session.Search().Progress(), 1.0);
  WaitForMatches(session);
  const auto& matches = session.Search().Matches();
  EXPECT_GT(matches.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(matches.begin(), matches.end(), [](const TextMatch& a, const TextMatch& b) {
    return a.first_token < b.first_token;
  }));
}

TEST(TextSearch, ACatastrophicPatternOnALongTokenNeitherFreezesNorCrashesTheSession) {
  Document document;
  document.source = "<test>";
  Sequence& sequence = document.sequences.emplace_back();
  sequence.AppendToken(std::string(1'000'000, 'a') + "!");
  Channel& channel = sequence.channels.emplace_back();
  channel.name = "value";
  channel.values.push_back(1.0f);
  Session session(std::move(document));
  session.UpdateLayout(400, 220, kGeometry);
  // A backtracking matcher would never finish the first search, and replacing it waits for it.
  session.Search().SetQuery({"(a*)*b", true});
  session.UpdateLayout(400, 220, kGeometry);
  session.Search().SetQuery({"(a+)+!", true});
  WaitForMatches(session);
  EXPECT_TRUE(session.Search().Error().empty());
  EXPECT_EQ(session.Search().Matches(), (std::vector<TextMatch>{{0, 1}}));
}

TEST(MatchMarkColours, StandOutFromEveryPaletteAndTheCanvas) {
  for (const Rgb8 canvas : {Rgb8{255, 255, 255}, Rgb8{24, 24, 24}}) {
    for (const std::string& name : BuiltinPaletteNames()) {
      const Palette palette = *FindPalette(name);
      const MatchColours colours = MatchMarkColours(palette, canvas);
      EXPECT_NE(colours.current, colours.other);
      for (int i = 0; i <= 255; ++i) {
        const Rgb8 c = palette.At(static_cast<float>(i) / 255.0f);
        for (const Rgb8 mark : {colours.current, colours.other}) {
          const int distance = std::abs(c.r - mark.r) + std::abs(c.g - mark.g) + std::abs(c.b - mark.b);
          EXPECT_GT(distance, 60) << palette.name << " " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace th
