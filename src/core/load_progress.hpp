#pragma once
// How far a load has come, and a way to stop it. The caller (the viewer, loading on a background
// thread) owns a LoadProgress and passes it in LoadOptions; the loaders report the bytes they
// have read into it and poll its cancel flag every kGrain bytes or so. Lock-free, so the UI
// thread reads it every frame without waiting on the loader. Loads without one (render, info)
// report nothing and cannot be cancelled.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <stdexcept>

namespace th {

// What a cancelled load throws: not a LoadError, since nothing is wrong with the file.
class LoadCancelled : public std::runtime_error {
 public:
  LoadCancelled() : std::runtime_error("cancelled") {}
};

class LoadProgress {
 public:
  // Bytes of the file read so far (never above Total(), never decreasing), and the file's size
  // (0 until the file is open).
  uint64_t Done() const { return std::min(m_done.load(std::memory_order_relaxed), Total()); }
  uint64_t Total() const { return m_total.load(std::memory_order_relaxed); }
  // Asks the load to stop: it throws LoadCancelled at its next check.
  void Cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
  bool Cancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

  // [For loaders]
  void Start(uint64_t total) { m_total.store(total, std::memory_order_relaxed); }
  void Add(uint64_t bytes) { m_done.fetch_add(bytes, std::memory_order_relaxed); }
  void Finish() { m_done.store(Total(), std::memory_order_relaxed); }
  void ThrowIfCancelled() const {
    if (Cancelled()) throw LoadCancelled();
  }

 private:
  std::atomic<uint64_t> m_done{0};
  std::atomic<uint64_t> m_total{0};
  std::atomic<bool> m_cancelled{false};
};

// One reader's position in its text, reported into a LoadProgress (which may be null) at most
// once every kGrain bytes, with a cancellation check each time: cheap enough to call per token.
// Readers that share a text (two threads, each a half) each add what they read; a reader that
// redoes a text another one gave up on counts only what goes past the progress already shown.
class ProgressTicker {
 public:
  static constexpr uint64_t kGrain = uint64_t{1} << 16;
  // start: the position up to which the progress already counts this reader's text.
  ProgressTicker(LoadProgress* progress, uint64_t start) : m_progress(progress), m_reported(start) {}
  void At(uint64_t position) {
    if (position >= m_reported + kGrain) Report(position);
  }
  // Reports now, whatever the grain (the end of a part).
  void Report(uint64_t position) {
    if (!m_progress) return;
    if (position > m_reported) {
      m_progress->Add(position - m_reported);
      m_reported = position;
    }
    m_progress->ThrowIfCancelled();
  }

 private:
  LoadProgress* m_progress;
  uint64_t m_reported;
};

}  // namespace th
