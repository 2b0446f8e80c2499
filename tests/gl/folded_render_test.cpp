// Zoomed far out (a text size below kMinGlyphFontSize), headless and in the viewer's view: the
// tokens are folded into blocks of a few pixels without glyphs, and a single spike's colour
// appears where its block is.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "app/headless_render.hpp"
#include "app/heatmap_view.hpp"
#include "headless_gl_test.hpp"

namespace th {
namespace {

class FoldedGlTest : public HeadlessGlTest {};

const Palette kBlueToRed{"blue-red", {{0, 0, 255}, {255, 0, 0}}, PaletteKind::kSequential};
constexpr uint64_t kTokens = 20'000;
constexpr uint64_t kSpike = 12'345;

// Two-letter tokens valued 0 but for one spike of 1, on a 0..1 range from blue to red.
Session SpikeSession() {
  Sequence sequence;
  std::vector<float> values(kTokens, 0.0f);
  values[kSpike] = 1.0f;
  for (uint64_t t = 0; t < kTokens; ++t) sequence.AppendToken("ab");
  sequence.channels.push_back({"value", values});
  Document document;
  document.sequences.push_back(std::move(sequence));
  Session session(std::move(document));
  session.SetPalette(kBlueToRed);
  session.SetManualRange(0.0f, 1.0f);
  session.SetFontSize(2);
  return session;
}

// Every pixel of the box in the colour: no glyph, no notch, no gap.
void ExpectBoxColour(const std::vector<uint8_t>& pixels, int width, int x0, int y0, int w, int h, Rgb8 colour) {
  for (int y = y0; y < y0 + h; ++y)
    for (int x = x0; x < x0 + w; ++x) {
      const size_t at = (static_cast<size_t>(y) * width + x) * 4;
      ASSERT_NEAR(pixels[at], colour.r, 3) << x << "," << y;
      ASSERT_NEAR(pixels[at + 1], colour.g, 3) << x << "," << y;
      ASSERT_NEAR(pixels[at + 2], colour.b, 3) << x << "," << y;
    }
}

size_t BlockOf(const VisibleLayout& layout, uint64_t token) {
  for (size_t i = 0; i < layout.instances.size(); ++i)
    if (layout.tokens[i] <= token && token <= layout.tokens[i] + layout.merged_tokens[i]) return i;
  ADD_FAILURE() << "token " << token << " is in no block";
  return 0;
}

TEST_F(FoldedGlTest, RenderAtSize2FoldsTheTextAndShowsTheSpike) {
  const Session session = SpikeSession();
  app::RenderRequest request;
  request.session = &session;
  request.width = 400;
  const app::RenderedImage image = app::RenderSequenceImage(request);
  const GridGeometry& g = image.geometry;
  EXPECT_EQ(g.cell_width, 1);
  EXPECT_EQ(g.LinePitch(), 2);
  // 376 one-pixel columns a line hold 188 tokens, which start at every even column: 125 buckets
  // of 3 pixels hold a token start (the last, column 375, none). 106 full lines, then 72 tokens
  // in 48 blocks.
  EXPECT_EQ(image.height, 2 * image.padding + 107 * 2);
  EXPECT_EQ(image.layout.instances.size(), 106u * 125u + 48u);
  const size_t spike = BlockOf(image.layout, kSpike);
  const TokenInstance& block = image.layout.instances[spike];
  EXPECT_EQ(block.value, 1.0f);
  EXPECT_TRUE(block.flags & kFoldedBlockFlag);
  const int x = image.padding + block.column * g.cell_width;
  const int y = image.padding + block.row * g.LinePitch();
  ExpectBoxColour(image.pixels, image.width, x, y, g.BoxWidth(block.cells), g.cell_height, {255, 0, 0});
  // Its neighbours on the line are the low end.
  const TokenInstance& before = image.layout.instances[spike - 1];
  ExpectBoxColour(image.pixels, image.width, image.padding + before.column, y, g.BoxWidth(before.cells),
                  g.cell_height, {0, 0, 255});
}

TEST_F(FoldedGlTest, ViewerZoomedOutDrawsBlocksAndTheSpike) {
  Session session = SpikeSession();
  app::HeatmapView view("monospace", 2);
  constexpr int kWidth = 400, kHeight = 300;
  view.Render(session, kWidth, kHeight);
  session.ScrollToToken(kSpike);
  view.Render(session, kWidth, kHeight);
  const VisibleLayout& visible = session.Visible();
  ASSERT_FALSE(visible.instances.empty());
  for (const TokenInstance& instance : visible.instances) ASSERT_TRUE(instance.flags & kFoldedBlockFlag);
  const GridGeometry& g = session.Geometry();
  EXPECT_EQ(g.fold_pixels, 3);
  const size_t spike = BlockOf(visible, kSpike);
  const TokenInstance& block = visible.instances[spike];
  const std::vector<uint8_t> pixels = view.ReadPixels();
  const int x = Session::kPadding + block.column * g.cell_width;
  const int y = static_cast<int>(session.LayoutOriginY()) + block.row * g.LinePitch();
  ExpectBoxColour(pixels, kWidth, x, y, g.BoxWidth(block.cells), g.cell_height, {255, 0, 0});
}

}  // namespace
}  // namespace th
