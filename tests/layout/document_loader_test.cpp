// The viewer's background loads (DocumentLoader): the session keeps its document while a file
// loads and gets the new one only from the Poll that sees the load complete; a cancelled or
// failed load leaves it alone; a reload keeps the sequence, channel and top token.
#include "session/document_loader.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "../core/large_inputs.hpp"
#include "core/demo_document.hpp"

namespace th {
namespace {

constexpr GridGeometry kGeometry{10, 20, 2};

// Polls until the load ends, checking at every Poll before that the session still shows
// `source`.
LoadOutcome PollUntilEnded(DocumentLoader& loader, Session& session, const std::string& source) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up) {
    if (auto outcome = loader.Poll(session)) return *outcome;
    EXPECT_TRUE(loader.Busy());
    EXPECT_EQ(session.Doc().source, source);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ADD_FAILURE() << "the load never ended";
  return {};
}

TEST(DocumentLoader, SwapsTheDocumentInOnlyWhenTheLoadCompletes) {
  const std::string path = test::WriteTemp("loader.jsonl", test::LargeJsonl(4000));
  Session session(MakeDemoDocument());
  const std::string demo = session.Doc().source;
  DocumentLoader loader;
  EXPECT_FALSE(loader.Poll(session));
  loader.Start(path, LoadKind::kOpen);
  EXPECT_TRUE(loader.Busy());
  EXPECT_EQ(loader.Path(), path);
  const LoadOutcome outcome = PollUntilEnded(loader, session, demo);
  EXPECT_EQ(outcome.end, LoadOutcome::End::kLoaded);
  EXPECT_EQ(outcome.path, path);
  EXPECT_FALSE(loader.Busy());
  EXPECT_EQ(session.Doc().source, path);
  EXPECT_EQ(session.Doc().sequences.size(), 4000u);
  EXPECT_FALSE(loader.Poll(session));  // reported once
}

TEST(DocumentLoader, CancelledLoadKeepsTheOldDocument) {
  const std::string path = test::WriteTemp("cancelled.jsonl", test::LargeJsonl(20000));
  Session session(MakeDemoDocument());
  const std::string demo = session.Doc().source;
  DocumentLoader loader;
  loader.Start(path, LoadKind::kOpen);
  loader.Cancel();
  EXPECT_TRUE(loader.Cancelling());
  const LoadOutcome outcome = PollUntilEnded(loader, session, demo);
  EXPECT_EQ(outcome.end, LoadOutcome::End::kCancelled);
  EXPECT_EQ(session.Doc().source, demo);
}

TEST(DocumentLoader, FailedLoadKeepsTheOldDocumentAndSaysWhy) {
  Session session(MakeDemoDocument());
  const std::string demo = session.Doc().source;
  DocumentLoader loader;
  const std::string missing = test::WriteTemp("gone.json", "") + ".missing";
  loader.Start(missing, LoadKind::kOpen);
  const LoadOutcome outcome = PollUntilEnded(loader, session, demo);
  EXPECT_EQ(outcome.end, LoadOutcome::End::kFailed);
  EXPECT_NE(outcome.error.find("cannot open"), std::string::npos) << outcome.error;
  EXPECT_EQ(session.Doc().source, demo);
}

TEST(DocumentLoader, ANewLoadReplacesTheRunningOne) {
  const std::string big = test::WriteTemp("first.jsonl", test::LargeJsonl(20000));
  const std::string small = test::WriteTemp("second.csv", test::LargeCsv(10));
  Session session(MakeDemoDocument());
  DocumentLoader loader;
  loader.Start(big, LoadKind::kOpen);
  loader.Start(small, LoadKind::kOpen);
  const LoadOutcome outcome = PollUntilEnded(loader, session, session.Doc().source);
  EXPECT_EQ(outcome.end, LoadOutcome::End::kLoaded);
  EXPECT_EQ(session.Doc().source, small);
}

TEST(DocumentLoader, ReloadKeepsTheSequenceChannelAndTopToken) {
  const std::string path = test::WriteTemp("reload.jsonl", test::LargeJsonl(50));
  Session session(MakeDemoDocument());
  DocumentLoader loader;
  loader.Start(path, LoadKind::kOpen);
  PollUntilEnded(loader, session, session.Doc().source);
  session.SelectSequence(7);
  session.UpdateLayout(200, 60, kGeometry);
  session.ScrollToToken(40);
  const uint64_t top = session.TopToken();
  ASSERT_GT(top, 0u);
  loader.Start(path, LoadKind::kReload);
  const LoadOutcome outcome = PollUntilEnded(loader, session, path);
  EXPECT_EQ(outcome.end, LoadOutcome::End::kLoaded);
  EXPECT_EQ(session.Settings().sequence, 7);
  EXPECT_EQ(outcome.top_token, top);
}

}  // namespace
}  // namespace th
