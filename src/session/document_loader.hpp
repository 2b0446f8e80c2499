#pragma once
// The viewer's file loads, each on a background thread, so that the window stays live while a
// file loads: it shows the load's progress and can cancel it. The session changes only when a
// load has completed, and only on the thread that calls Poll (the UI thread, the only one that
// touches GL); a load that fails or is cancelled leaves the open document as it was. GL-free and
// ImGui-free, so tests drive it directly.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/background_task.hpp"
#include "core/load_document.hpp"
#include "session/session.hpp"

namespace th {

enum class LoadKind {
  kOpen,    // a file in place of the current one (Data panel, Files panel, a drop onto the window)
  kReload,  // the open file changed on disk: the sequence, channel and top token stay
  kScript,  // a script's `open` step: the data's default mapping and palette too
};

struct LoadOutcome {
  enum class End { kLoaded, kFailed, kCancelled };
  End end = End::kLoaded;
  LoadKind kind = LoadKind::kOpen;
  std::string path;
  std::string error;       // kFailed: the loader's one-line message
  uint64_t top_token = 0;  // kReload, loaded: the token that was at the top, to scroll back to once wrapped
};

class DocumentLoader {
 public:
  // Starts loading path; a load still running is cancelled (and waited for) first.
  void Start(std::string path, LoadKind kind, LoadOptions options = {});
  // Asks the running load to stop; Poll reports it cancelled once it has.
  void Cancel();

  // A load is running (or has ended and not been polled yet).
  bool Busy() const { return m_task.Running(); }
  // The running load's file, how far it has read, and seconds since it started.
  const std::string& Path() const { return m_path; }
  uint64_t BytesDone() const { return m_progress ? m_progress->Done() : 0; }
  uint64_t BytesTotal() const { return m_progress ? m_progress->Total() : 0; }
  bool Cancelling() const { return m_progress && m_progress->Cancelled(); }
  double Seconds() const;

  // Once a frame, on the UI thread: the load that ended since the last call, if one did. A
  // completed load has been swapped into the session by then (as `kind` says); a load
  // cancelled even as it completed counts as cancelled.
  std::optional<LoadOutcome> Poll(Session& session);

 private:
  std::string m_path;
  LoadKind m_kind = LoadKind::kOpen;
  std::chrono::steady_clock::time_point m_start;
  std::unique_ptr<LoadProgress> m_progress;  // outlives the task that reports into it
  BackgroundTask<Document> m_task;
};

}  // namespace th
