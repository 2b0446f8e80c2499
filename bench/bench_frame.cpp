// Whole frames through the real GL pipeline, headless, at 1920x1080: a scrolling frame (layout of
// the visible lines, upload, draw, finish) and a recolouring frame (new range and palette only).
// On this machine GL is Mesa's llvmpipe, so these are CPU-rendered frame times.
#include <benchmark/benchmark.h>

#include "bench_document.hpp"

#include <random>

#include "core/palette_registry.hpp"
#include "gfx/egl_context.hpp"
#include "app/heatmap_view.hpp"
#include "session/session.hpp"

namespace {

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;

struct Scene {
  std::unique_ptr<th::gl::HeadlessContext> context = th::gl::HeadlessContext::Create();
  th::Session session{MakeBenchDocument(1'000'000)};
  th::app::HeatmapView view{"monospace", 16};

  void Frame() {
    view.Render(session, kWidth, kHeight);
    glFinish();
  }
};

Scene& SharedScene() {
  static Scene scene;
  return scene;
}

void BM_ScrollFrame1080p(benchmark::State& state) {
  Scene& scene = SharedScene();
  int64_t step = 7;  // pixels per frame, so the visible lines change every few frames
  for (auto _ : state) {
    scene.session.ScrollBy(step * scene.session.Geometry().LinePitch() / 3);
    scene.Frame();
  }
  state.counters["instances"] = static_cast<double>(scene.session.Visible().instances.size());
  state.counters["layout_upload_bytes"] = static_cast<double>(scene.view.LastLayoutUploadBytes());
}
BENCHMARK(BM_ScrollFrame1080p)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RecolourFrame1080p(benchmark::State& state) {
  Scene& scene = SharedScene();
  const th::Palette palettes[] = {*th::FindPalette("viridis"), *th::FindPalette("RdBu")};
  int frame = 0;
  scene.Frame();
  const size_t uploaded_before = scene.view.UploadedBytesTotal();
  for (auto _ : state) {
    scene.session.SetPalette(palettes[frame % 2]);
    const float spread = 1.0f + static_cast<float>(frame % 10) * 0.2f;
    scene.session.SetManualRange(-spread, spread);
    scene.Frame();
    ++frame;
  }
  // Only palette texels (768 bytes a change), never per-token data.
  state.counters["bytes_per_frame"] =
      static_cast<double>(scene.view.UploadedBytesTotal() - uploaded_before) / static_cast<double>(frame);
}
BENCHMARK(BM_RecolourFrame1080p)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same frame drawn again with nothing changed, at a text size: the GL work alone (draw and
// finish), which zoomed out (sizes below 6) is one folded block per instance.
void BM_DrawFrame1080p(benchmark::State& state) {
  Scene& scene = SharedScene();
  scene.session.SetFontSize(static_cast<int>(state.range(0)));
  scene.Frame();
  for (auto _ : state) scene.Frame();
  state.counters["instances"] = static_cast<double>(scene.session.Visible().instances.size());
  scene.session.SetFontSize(th::ViewSettings{}.font_size);
}
BENCHMARK(BM_DrawFrame1080p)->Arg(16)->Arg(6)->Arg(2)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
