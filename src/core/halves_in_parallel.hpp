#pragma once
// One pass over a huge span split between two threads: for the passes that stand before a huge
// document's first frame (its ids against the vocabulary, its values' bounds), bound by memory
// throughput, which two cores nearly double. Standard library only; the second half's thread is
// joined before returning, so it never outlives what it reads.

#include <cstddef>
#include <span>
#include <thread>

namespace th {

// From this many elements on, a pass is worth a second thread.
inline constexpr size_t kHalvesInParallel = size_t{1} << 26;

// run(0, first half) on this thread while run(1, second half) runs on another.
template <typename T, typename Run>
void RunHalvesInParallel(std::span<T> values, Run&& run) {
  const size_t half = values.size() / 2;
  std::thread other([&] { run(1, values.subspan(half)); });
  run(0, values.first(half));
  other.join();
}

}  // namespace th
