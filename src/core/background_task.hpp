#pragma once
// One piece of work on its own thread, for what a long document needs but the first frame does
// not (sorted statistics, wrapping past the first screen). Such work never touches GL or ImGui:
// the owner starts it, asks Ready() once a frame and Take()s the result. Replacing or destroying
// a task asks its work to stop (through the std::stop_token it gets) and waits for it, so what
// the work reads must outlive the task.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <future>
#include <stop_token>
#include <thread>

namespace th {

// Where work started early waits until its owner lets it go (so that, say, a frame is drawn
// before the background passes over a billion values take the cores): Wait returns true once
// Open() was called, false when the work was asked to stop first.
class StartGate {
 public:
  void Open() {
    {
      std::lock_guard lock(m_mutex);
      m_open = true;
    }
    m_opened.notify_all();
  }
  bool Wait(std::stop_token stop) {
    std::unique_lock lock(m_mutex);
    return m_opened.wait(lock, stop, [&] { return m_open; });
  }

 private:
  std::mutex m_mutex;
  std::condition_variable_any m_opened;
  bool m_open = false;
};

template <typename T>
class BackgroundTask {
 public:
  BackgroundTask() = default;
  // Runs work(std::stop_token) -> T on a new thread.
  template <typename Work>
  explicit BackgroundTask(Work work) {
    std::packaged_task<T(std::stop_token)> task(std::move(work));
    m_result = task.get_future();
    m_thread = std::jthread(std::move(task));
  }

  // Started and not yet taken.
  bool Running() const { return m_result.valid(); }
  bool Ready() const { return Running() && m_result.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }
  // The result, waiting for it if need be; rethrows what the work threw.
  T Take() {
    T result = m_result.get();
    m_thread.join();
    return result;
  }

 private:
  std::future<T> m_result;
  std::jthread m_thread;  // declared last: destroyed first, so the work stops before its future goes
};

}  // namespace th
