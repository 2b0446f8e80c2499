// Whole frames through the real GL pipeline, headless, at 1920x1080: a scrolling frame (layout of
// the visible lines, upload, draw, finish) and a recolouring frame (new range and palette only).
// On this machine GL is Mesa's llvmpipe, so these are CPU-rendered frame times.
#include <benchmark/benchmark.h>

#include <random>

#include "core/palette_registry.hpp"
#include "gfx/egl_context.hpp"
#include "gfx/heatmap_renderer.hpp"
#include "gfx/offscreen_target.hpp"
#include "text/glyph_atlas.hpp"
#include "ui/view_state.hpp"

namespace {

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;

th::Document MakeDocument(size_t tokens) {
  static const char* const kWords[] = {" the", " model", " attention", " of", " layer", " token", ",", " a",
                                       " interpretability", " residual", " stream", ".", "\n", " head"};
  std::mt19937 random(7);
  std::uniform_int_distribution<size_t> pick(0, std::size(kWords) - 1);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  th::Document document;
  th::Sequence& sequence = document.sequences.emplace_back();
  th::Channel& channel = sequence.channels.emplace_back();
  channel.name = "value";
  for (size_t i = 0; i < tokens; ++i) {
    sequence.AppendToken(kWords[pick(random)]);
    channel.values.push_back(value(random));
  }
  return document;
}

struct Scene {
  std::unique_ptr<th::gl::HeadlessContext> context = th::gl::HeadlessContext::Create();
  th::GlyphAtlas atlas{"monospace", 16};
  th::Session session{MakeDocument(1'000'000)};
  th::gl::HeatmapRenderer renderer{atlas};
  th::gl::OffscreenTarget target;

  Scene() {
    target.Resize(kWidth, kHeight);
    renderer.SetPalette(session.CurrentPalette());
    Layout();
  }
  void Layout() {
    session.UpdateLayout(kWidth, kHeight, th::GridGeometry::ForCell(atlas.CellWidth(), atlas.CellHeight()));
    renderer.SetLayout(session.Visible());
  }
  void Draw(float low, float high) {
    target.Bind();
    th::gl::HeatmapDrawParams params;
    params.viewport_width = kWidth;
    params.viewport_height = kHeight;
    params.geometry = session.Geometry();
    params.origin_x = th::Session::kPadding;
    params.origin_y = session.LayoutOriginY();
    params.low = low;
    params.high = high;
    renderer.Draw(params);
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
    scene.Layout();
    scene.Draw(-3.0f, 3.0f);
  }
  state.counters["instances"] = static_cast<double>(scene.session.Visible().instances.size());
  state.counters["upload_bytes"] = static_cast<double>(scene.renderer.LastUploadBytes());
}
BENCHMARK(BM_ScrollFrame1080p)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_RecolourFrame1080p(benchmark::State& state) {
  Scene& scene = SharedScene();
  const th::Palette palettes[] = {*th::FindPalette("viridis"), *th::FindPalette("RdBu")};
  int frame = 0;
  for (auto _ : state) {
    scene.renderer.SetPalette(palettes[frame % 2]);
    const float spread = 1.0f + static_cast<float>(frame % 10) * 0.2f;
    scene.Draw(-spread, spread);
    ++frame;
  }
}
BENCHMARK(BM_RecolourFrame1080p)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
