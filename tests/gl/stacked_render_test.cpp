// The stacked view drawn by the real GL pipeline (headless EGL): every listed sequence under its
// header, in the list's order; header glyphs on the canvas, each token's colour at its block's row.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "headless_gl_test.hpp"
#include "app/headless_render.hpp"
#include "core/value_stats.hpp"

namespace th {
namespace {

class StackedRenderTest : public HeadlessGlTest {};

const Palette kBlueToRed{"blue-red", {{0, 0, 255}, {255, 0, 0}}, PaletteKind::kSequential};

Document ThreeSequences() {
  Document document;
  const std::vector<std::pair<std::string, std::vector<float>>> sequences{
      {"alpha", {1, 2, 3}}, {"beta", {9}}, {"gamma", {5, 6}}};
  for (const auto& [name, values] : sequences) {
    Sequence& sequence = document.sequences.emplace_back();
    sequence.name = name;
    for (size_t i = 0; i < values.size(); ++i) sequence.AppendToken("tok ");
    sequence.channels.push_back({"act", values});
  }
  return document;
}

TEST_F(StackedRenderTest, BlocksInTheListsOrderWithHeadersAndTokenColours) {
  Session session(ThreeSequences());
  session.SetPalette(kBlueToRed);
  session.SetStacked(true);
  session.SetManualRange(0.0f, 10.0f);
  session.Stacked().SetOrder(SequenceOrder::kMax);  // beta (9), gamma (6), alpha (3)
  app::RenderRequest request;
  request.session = &session;
  request.width = 400;
  const app::RenderedImage image = app::RenderSequenceImage(request);
  const GridGeometry& g = image.geometry;
  const int pitch = g.LinePitch();
  // Three blocks of a header, one line of tokens and a blank line.
  ASSERT_EQ(image.height, 2 * image.padding + 9 * pitch - g.line_gap);

  const auto pixel = [&](int x, int y) {
    const size_t i = (static_cast<size_t>(y) * image.width + x) * 4;
    return Rgb8{image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]};
  };
  const auto dark_pixels = [&](int row) {  // glyph pixels: dark on the white canvas
    int count = 0;
    for (int y = image.padding + row * pitch; y < image.padding + row * pitch + g.cell_height; ++y)
      for (int x = 0; x < image.width; ++x)
        if (const Rgb8 c = pixel(x, y); c.r < 128 && c.g < 128 && c.b < 128) ++count;
    return count;
  };
  const auto white_row = [&](int row) {
    for (int y = image.padding + row * pitch; y < image.padding + row * pitch + g.cell_height; ++y)
      for (int x = 0; x < image.width; ++x)
        if (const Rgb8 c = pixel(x, y); c.r != 255 || c.g != 255 || c.b != 255) return false;
    return true;
  };
  for (const int header_row : {0, 3, 6}) {
    EXPECT_GT(dark_pixels(header_row), 40) << "header row " << header_row;
    EXPECT_TRUE(white_row(header_row + 2)) << "gap after the block at row " << header_row;
  }

  // Each token's box at its block's text row: the top pixel row of the box (glyph-free padding)
  // is the palette colour of its value, as the CPU reference maps it.
  struct Expected {
    int row;
    int token;
    float value;
  };
  const Palette& palette = session.CurrentPalette();
  for (const Expected& e : {Expected{1, 0, 9}, Expected{4, 0, 5}, Expected{4, 1, 6}, Expected{7, 0, 1},
                            Expected{7, 1, 2}, Expected{7, 2, 3}}) {
    const auto mapped = MapValue(session.Mapping(), e.value, palette.stops.size(), false);
    ASSERT_TRUE(mapped);
    const Rgb8 want = palette.At(mapped->t);
    const int y = image.padding + e.row * pitch;
    const int x0 = image.padding + e.token * 4 * g.cell_width;
    for (int x = x0 + 6; x < x0 + g.BoxWidth(4) - 6; ++x) {
      const Rgb8 got = pixel(x, y);
      ASSERT_LE(std::abs(got.r - want.r) + std::abs(got.g - want.g) + std::abs(got.b - want.b), 6)
          << "value " << e.value << " at row " << e.row << ", x " << x;
    }
  }
}

}  // namespace
}  // namespace th
