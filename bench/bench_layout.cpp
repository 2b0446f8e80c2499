// Layout costs on the CPU: wrapping a whole 1M-token document (done once per resize or font
// change) and one frame's work while scrolling (laying out only the visible lines).
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "layout/line_index.hpp"
#include "layout/visible_layout.hpp"
#include "ui/view_state.hpp"

namespace {

// Word tokens with leading spaces and an occasional newline, like tokenised prose.
th::Document MakeDocument(size_t tokens) {
  static const char* const kWords[] = {" the", " model", " attention", " of", " layer", " token", ",", " a",
                                       " interpretability", " residual", " stream", ".", "\n", " head"};
  std::mt19937 random(7);
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  th::Document document;
  document.source = "<bench>";
  th::Sequence& sequence = document.sequences.emplace_back();
  sequence.name = "bench";
  sequence.ReserveTokens(tokens, tokens * 7);
  th::Channel& channel = sequence.channels.emplace_back();
  channel.name = "value";
  channel.values.reserve(tokens);
  for (size_t i = 0; i < tokens; ++i) {
    sequence.AppendToken(kWords[pick(random)]);
    channel.values.push_back(value(random));
  }
  return document;
}

void BM_WrapWholeDocument(benchmark::State& state) {
  const th::Document document = MakeDocument(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    const th::LineIndex index = th::LineIndex::Build(document.sequences[0], 200);
    benchmark::DoNotOptimize(index.LineCount());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_WrapWholeDocument)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// One scrolling frame at 1920x1080 with 16 px DejaVu Sans Mono cells (10x19 + 2 px gap): the
// session re-lays the visible lines after the scroll position moved by a line.
void BM_ScrollFrame(benchmark::State& state) {
  th::Session session(MakeDocument(static_cast<size_t>(state.range(0))));
  const th::GridGeometry geometry{10, 19, 2};
  session.UpdateLayout(1920, 1080, geometry);
  int64_t direction = geometry.LinePitch();
  for (auto _ : state) {
    session.ScrollBy(direction);
    if (session.ScrollPixels() == 0 || session.ScrollPixels() == session.MaxScroll()) direction = -direction;
    session.UpdateLayout(1920, 1080, geometry);
    benchmark::DoNotOptimize(session.Visible().instances.data());
  }
  state.counters["instances"] = static_cast<double>(session.Visible().instances.size());
}
BENCHMARK(BM_ScrollFrame)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
