// A 100-million-token document (synthetic, generated here) scrolled to its end: the frame shows
// the document's last tokens, each with its own text and the colour of its own value.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "app/heatmap_view.hpp"
#include "core/synthetic_document.hpp"
#include "gfx/egl_context.hpp"

namespace th {
namespace {

TEST(LongDocumentGl, FrameScrolledToTheEndOfA100MTokenDocumentShowsItsLastTokens) {
  constexpr uint64_t kTokens = 100'000'000;
  constexpr int kWidth = 1920, kHeight = 1080;
  // Kept to the end of the process: other suites in this binary may draw after this test.
  static const std::unique_ptr<gl::HeadlessContext> context = gl::HeadlessContext::Create();
  Session session(MakeSyntheticDocument(kTokens));
  const Palette blue_red{"blue-red", {{0, 0, 255}, {255, 0, 0}}, PaletteKind::kSequential};
  session.SetPalette(blue_red);
  session.SetManualRange(-1.0f, 1.0f);
  app::HeatmapView view("monospace", 16);
  view.Render(session, kWidth, kHeight);
  session.FinishBackgroundWork();  // the wrapping past the first screen, done in the background
  session.ScrollTo(session.MaxScroll());
  view.Render(session, kWidth, kHeight);
  EXPECT_GT(session.ContentHeight(), int64_t{1} << 26);  // far past float's exact integers (2^24)

  const VisibleLayout& visible = session.Visible();
  ASSERT_FALSE(visible.tokens.empty());
  EXPECT_EQ(visible.tokens.back(), kTokens - 1);
  const std::vector<uint8_t> pixels = view.ReadPixels();
  const GridGeometry& geometry = session.Geometry();
  size_t checked = 0;
  for (size_t i = 0; i < visible.instances.size(); ++i) {
    const uint64_t token = visible.tokens[i];
    const TokenInstance& instance = visible.instances[i];
    // The right token: its text and value are the generator's for that index.
    EXPECT_EQ(session.CurrentSequence().Token(token), SyntheticToken(token));
    EXPECT_EQ(instance.value, SyntheticValue(token));
    // Its box, where on screen: the top-left pixel (no glyph ink, no clipping notch) has the
    // palette's colour at the value's place in [-1, 1].
    const int x = Session::kPadding + instance.column * geometry.cell_width + 1;
    const int y = static_cast<int>(session.LayoutOriginY()) + instance.row * geometry.LinePitch() + 1;
    if (y < 0 || y >= kHeight) continue;
    const size_t at = (static_cast<size_t>(y) * kWidth + static_cast<size_t>(x)) * 4;
    const Rgb8 expected = blue_red.At((std::clamp(instance.value, -1.0f, 1.0f) + 1.0f) / 2.0f);
    EXPECT_NEAR(pixels[at], expected.r, 3) << "token " << token;
    EXPECT_NEAR(pixels[at + 2], expected.b, 3) << "token " << token;
    ++checked;
  }
  EXPECT_GT(checked, 1000u);  // a screen full of text
}

}  // namespace
}  // namespace th
