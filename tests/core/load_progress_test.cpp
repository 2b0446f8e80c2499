// Load progress and cancellation (load_progress.hpp) through LoadDocumentFile, for each kind of
// loader on large generated inputs: the bytes read only grow and reach the file's size, and a
// cancelled load stops at its next check with LoadCancelled, not a LoadError.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "core/load_document.hpp"
#include "large_inputs.hpp"

namespace th {
namespace {

struct Input {
  std::string name;
  std::string contents;
};

std::vector<Input> LargeInputs() {
  return {{"lines.jsonl", test::LargeJsonl(6000)},             // fast path, two threads (10 MB)
          {"other.jsonl", test::LargeJsonl(3000, true)},       // fast path gives up, complete reader
          {"one.json", test::LargeJson(600000)},               // one sequence: inside its arrays
          {"rows.csv", test::LargeCsv(600000)},
          {"words.txt", test::LargeText(600000)},
          {"values.npy", test::LargeNpy(2000000)}};           // float64 converted in chunks
}

// Loads the file on another thread while this one samples the progress.
TEST(LoadProgress, GrowsToTheFileSize) {
  for (const Input& input : LargeInputs()) {
    SCOPED_TRACE(input.name);
    const std::string path = test::WriteTemp(input.name, input.contents);
    LoadProgress progress;
    LoadOptions options;
    options.progress = &progress;
    auto load = std::async(std::launch::async, [&] { return LoadDocumentFile(path, options); });
    std::vector<uint64_t> seen;
    while (load.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      const uint64_t done = progress.Done();
      if (seen.empty() || done != seen.back()) seen.push_back(done);
      std::this_thread::yield();
    }
    const Document document = load.get();
    EXPECT_FALSE(document.sequences.empty());
    EXPECT_EQ(progress.Total(), input.contents.size());
    EXPECT_EQ(progress.Done(), progress.Total());
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1], seen[i]) << "sample " << i;
    for (const uint64_t done : seen) EXPECT_LE(done, progress.Total());
    EXPECT_FALSE(progress.Cancelled());
  }
}

TEST(LoadProgress, CancelledBeforeStartStopsAtTheFirstCheck) {
  for (const Input& input : LargeInputs()) {
    SCOPED_TRACE(input.name);
    const std::string path = test::WriteTemp(input.name, input.contents);
    LoadProgress progress;
    progress.Cancel();
    LoadOptions options;
    options.progress = &progress;
    EXPECT_THROW(LoadDocumentFile(path, options), LoadCancelled);
    // The first check comes after at most a grain (and a line or a chunk of array elements).
    EXPECT_LT(progress.Done(), progress.Total() / 2);
  }
}

TEST(LoadProgress, CancelledMidwayStopsQuickly) {
  const std::string path = test::WriteTemp("cancel.jsonl", test::LargeJsonl(20000));  // 33 MB
  LoadProgress progress;
  LoadOptions options;
  options.progress = &progress;
  auto load = std::async(std::launch::async, [&] { return LoadDocumentFile(path, options); });
  while (progress.Done() == 0 && load.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    std::this_thread::yield();
  const auto cancelled_at = std::chrono::steady_clock::now();
  progress.Cancel();
  EXPECT_THROW(load.get(), LoadCancelled);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - cancelled_at).count();
  EXPECT_LT(progress.Done(), progress.Total());
  EXPECT_LT(seconds, 1.0);  // a few lines more at most; generous for a shared machine
}

TEST(LoadProgress, LoadsWithoutOneAsBefore) {
  const std::string path = test::WriteTemp("plain.csv", test::LargeCsv(1000));
  EXPECT_EQ(LoadDocumentFile(path).sequences.at(0).TokenCount(), 1000u);
}

TEST(LoadProgress, TickerReportsOnlyEveryGrainAndOnlyForward) {
  LoadProgress progress;
  progress.Start(1 << 20);
  ProgressTicker ticker(&progress, 1000);  // 1000 bytes already counted by someone else
  ticker.At(1000 + ProgressTicker::kGrain - 1);
  EXPECT_EQ(progress.Done(), 0u);
  ticker.At(1000 + ProgressTicker::kGrain);
  EXPECT_EQ(progress.Done(), ProgressTicker::kGrain);
  ticker.Report(500);  // behind: nothing
  EXPECT_EQ(progress.Done(), ProgressTicker::kGrain);
  progress.Cancel();
  EXPECT_THROW(ticker.Report(2000 + ProgressTicker::kGrain), LoadCancelled);
  ProgressTicker none(nullptr, 0);
  none.Report(1 << 30);  // no progress object: no report, no cancellation
}

}  // namespace
}  // namespace th
