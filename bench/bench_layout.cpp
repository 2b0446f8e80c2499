// Layout costs on the CPU: wrapping a whole 1M-token document (done once per resize or font
// change) and one frame's work while scrolling (laying out only the visible lines).
#include <benchmark/benchmark.h>

#include "bench_document.hpp"

#include <random>
#include <string>

#include "layout/line_index.hpp"
#include "layout/visible_layout.hpp"
#include "session/session.hpp"

namespace {

void BM_WrapWholeDocument(benchmark::State& state) {
  const th::Document document = MakeBenchDocument(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    const th::LineIndex index = th::LineIndex::Build(document.sequences[0], 200);
    benchmark::DoNotOptimize(index.LineCount());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_WrapWholeDocument)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// Scrolls a line a frame (turning at either end) and re-lays the visible lines each time.
void ScrollFrames(benchmark::State& state, th::Session& session, const th::GridGeometry& geometry) {
  session.UpdateLayout(1920, 1080, geometry);
  session.FinishBackgroundWork();
  int64_t direction = geometry.LinePitch();
  for (auto _ : state) {
    session.ScrollBy(direction);
    if (session.ScrollPixels() == 0 || session.ScrollPixels() == session.MaxScroll()) direction = -direction;
    session.UpdateLayout(1920, 1080, geometry);
    benchmark::DoNotOptimize(session.Visible().instances.data());
  }
  state.counters["instances"] = static_cast<double>(session.Visible().instances.size());
}

// One scrolling frame at 1920x1080 with 16 px DejaVu Sans Mono cells (10x19 + 2 px gap): the
// session re-lays the visible lines after the scroll position moved by a line.
void BM_ScrollFrame(benchmark::State& state) {
  th::Session session(MakeBenchDocument(static_cast<size_t>(state.range(0))));
  ScrollFrames(state, session, th::GridGeometry{10, 19, 2});
}
BENCHMARK(BM_ScrollFrame)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

// The same scrolling frame zoomed out (text size 1 or 2: one-pixel cells, folded blocks): the
// visible tokens are about 60 times as many as at 16 px.
void BM_ScrollFrameZoomedOut(benchmark::State& state) {
  th::Session session(MakeBenchDocument(1'000'000));
  ScrollFrames(state, session, th::GridGeometry::Folded(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_ScrollFrameZoomedOut)->Arg(2)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
