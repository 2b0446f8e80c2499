#pragma once
// Two pieces of work on two threads, for the passes that stand before a frame and would leave the
// second core idle: a huge document's passes before its first frame (its ids against the
// vocabulary, its values' bounds), bound by memory throughput, which two cores nearly double,
// and a zoomed-out screen's layout. Standard library only; the second thread is joined before
// returning, so it never outlives what it reads.

#include <cstddef>
#include <span>
#include <thread>

namespace th {

// From this many elements on, a pass over a span is worth a second thread.
inline constexpr size_t kHalvesInParallel = size_t{1} << 26;

// first() on this thread while second() runs on another.
template <typename First, typename Second>
void RunBothInParallel(First&& first, Second&& second) {
  std::thread other([&] { second(); });
  first();
  other.join();
}

// run(0, first half) on this thread while run(1, second half) runs on another.
template <typename T, typename Run>
void RunHalvesInParallel(std::span<T> values, Run&& run) {
  const size_t half = values.size() / 2;
  RunBothInParallel([&] { run(0, values.first(half)); }, [&] { run(1, values.subspan(half)); });
}

}  // namespace th
