// Zoomed far out (a text size below kMinGlyphFontSize), headless and in the viewer's view: the
// tokens are folded into blocks of a few pixels without glyphs, and a single spike's colour
// appears where its block is.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "app/headless_render.hpp"
#include "app/heatmap_view.hpp"
#include "core/palette_registry.hpp"
#include "gfx/heatmap_renderer.hpp"
#include "gfx/offscreen_target.hpp"
#include "headless_gl_test.hpp"
#include "layout/folded_layout.hpp"

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

// ---- The grid: one quad over a texture of the blocks' values (HeatmapRenderer::DrawFoldedGrid) ----

// Words of 1 to 9 letters, spaces (every other one unmeasured, as plain text's whitespace) and
// newlines; values spread over -1.5..1.5 (so that some are clipped), one token in nine without a
// value.
Sequence MixedText(size_t count, uint32_t seed, std::vector<float>& values) {
  std::mt19937 random(seed);
  Sequence sequence;
  std::vector<uint8_t> flags;
  std::uniform_real_distribution<float> value(-1.5f, 1.5f);
  for (size_t i = 0; i < count; ++i) {
    const uint32_t kind = random() % 30;
    const std::string text = kind == 0 ? "\n" : kind < 5 ? " " : std::string(1 + random() % 9, 'x');
    sequence.AppendToken(text);
    flags.push_back(text == " " && random() % 2 == 0 ? kTokenUnmeasured : 0);
    values.push_back(random() % 9 == 0 ? NAN : value(random));
  }
  sequence.SetFlags(flags);
  return sequence;
}

// Draws layout with a fresh renderer into a width x height target; folded_grid: whether the
// renderer drew it from its grid.
std::vector<uint8_t> DrawLayout(const VisibleLayout& layout, const GridGeometry& geometry, const ValueMapping& mapping,
                                const Palette& palette, int width, int height, float origin_y, bool& folded_grid) {
  GlyphAtlas atlas("monospace", kMinGlyphFontSize);
  gl::HeatmapRenderer renderer(atlas);
  renderer.SetPalette(palette);
  renderer.SetUnderlinePalette(palette);
  renderer.SetLayout(layout);
  folded_grid = renderer.DrawsFoldedGrid();
  gl::OffscreenTarget target;
  target.Resize(width, height);
  target.Bind();
  gl::HeatmapDrawParams params;
  params.viewport_width = width;
  params.viewport_height = height;
  params.geometry = geometry;
  params.origin_x = 4;
  params.origin_y = origin_y;
  params.mapping = mapping;
  params.canvas = {250, 245, 240};
  renderer.Draw(params);
  gl::OffscreenTarget::BindDefault();
  return target.ReadPixels();
}

// The instanced boxes, as before the grid: the same blocks plus one box that is not a folded block
// (far below the view), which keeps the renderer on its instances.
VisibleLayout AsInstances(VisibleLayout layout) {
  layout.instances.push_back(TokenInstance{0, 60000, 1, kPlainTextFlag, NAN, 0, NAN});
  layout.tokens.push_back(0);
  layout.byte_begin.push_back(0);
  layout.byte_end.push_back(0);
  layout.merged_tokens.push_back(0);
  return layout;
}

// Every text size and scale zoomed out, with clipped values, blocks without a value, unmeasured
// blocks, the line gap and a first line scrolled half out of view: the grid's pixels are the
// instances' pixels, and each block's pixels its palette colour.
TEST_F(FoldedGlTest, TheGridDrawsTheInstancesPictureAtEveryZoomedOutSize) {
  std::vector<float> values;
  const Sequence sequence = MixedText(40'000, 5, values);
  const Palette viridis = *FindPalette("viridis");
  constexpr int kWidth = 300, kHeight = 200;
  ValueMapping linear;
  linear.low = -1.0f;
  linear.high = 1.0f;
  linear.gamma = 0.8f;
  ValueMapping logarithmic;
  logarithmic.kind = NormKind::kLog;
  logarithmic.low = 0.01f;
  logarithmic.high = 1.0f;
  ValueMapping buckets;
  buckets.kind = NormKind::kBuckets;
  buckets.thresholds = {-0.5f, 0.0f, 0.7f};
  for (const int size : {1, 2, 3, 4, 5}) {
    for (const int scale : {1, 2}) {
      const GridGeometry g = GridGeometry::Folded(size, scale);
      const LineIndex index = LineIndex::Build(sequence, (kWidth - 8) / g.cell_width);
      const size_t lines = static_cast<size_t>(kHeight / g.LinePitch() + 2);
      const VisibleLayout folded =
          LayoutFoldedLines(sequence, index, values, 3, lines, g.FoldCells(), Reduction::kMaxAbs);
      for (const ValueMapping* mapping : {&linear, &logarithmic, &buckets}) {
        for (const float origin_y : {5.0f, -3.0f}) {
          SCOPED_TRACE("size " + std::to_string(size) + " scale " + std::to_string(scale) + " mode " +
                       std::to_string(static_cast<int>(mapping->kind)) + " origin " + std::to_string(origin_y));
          bool grid_drawn = false, instances_grid = true;
          const std::vector<uint8_t> grid =
              DrawLayout(folded, g, *mapping, viridis, kWidth, kHeight, origin_y, grid_drawn);
          const std::vector<uint8_t> boxes =
              DrawLayout(AsInstances(folded), g, *mapping, viridis, kWidth, kHeight, origin_y, instances_grid);
          ASSERT_TRUE(grid_drawn);
          ASSERT_FALSE(instances_grid);
          ASSERT_EQ(grid.size(), boxes.size());
          size_t differing = 0, hatched = 0, canvas = 0;
          for (size_t at = 0; at < grid.size(); at += 4) {
            bool same = true;
            for (int c = 0; c < 3; ++c) same = same && std::abs(grid[at + c] - boxes[at + c]) <= 1;
            if (!same && differing++ < 5)
              ADD_FAILURE() << "pixel " << (at / 4) % kWidth << "," << (at / 4) / kWidth << ": grid "
                            << int{grid[at]} << " " << int{grid[at + 1]} << " " << int{grid[at + 2]} << ", boxes "
                            << int{boxes[at]} << " " << int{boxes[at + 1]} << " " << int{boxes[at + 2]};
            hatched += grid[at] == grid[at + 1] && grid[at] == grid[at + 2] && (grid[at] == 204 || grid[at] == 158);
            canvas += grid[at] == 250 && grid[at + 1] == 245 && grid[at + 2] == 240;
          }
          EXPECT_EQ(differing, 0u);
          EXPECT_GT(hatched, 0u);
          EXPECT_GT(canvas, 0u);
          // Each block's first pixel (inside the view) is its value's palette colour.
          const size_t stops = viridis.stops.size();
          for (const TokenInstance& block : folded.instances) {
            if (block.flags & (kNoValueFlag | kUnmeasuredFlag)) continue;
            const int x = 4 + block.column * g.cell_width;
            const int y = static_cast<int>(origin_y) + block.row * g.LinePitch();
            if (y < 0 || y >= kHeight || x >= kWidth) continue;
            const Rgb8 want = viridis.At(MapValue(*mapping, block.value, stops, false)->t);
            const size_t at = (static_cast<size_t>(y) * kWidth + static_cast<size_t>(x)) * 4;
            ASSERT_NEAR(grid[at], want.r, 2) << x << "," << y;
            ASSERT_NEAR(grid[at + 1], want.g, 2) << x << "," << y;
            ASSERT_NEAR(grid[at + 2], want.b, 2) << x << "," << y;
          }
        }
      }
    }
  }
}

// The grid's texels for no value and canvas, pixel by pixel: the hatching of token.frag at the
// pixel's window position, and the canvas colour, in the line gap too.
TEST_F(FoldedGlTest, NoValueIsHatchedAndUnmeasuredAndTheLineGapAreCanvas) {
  Sequence sequence;
  for (int i = 0; i < 12; ++i) sequence.AppendToken("ab");
  sequence.SetFlags({0, 0, 0, 0, kTokenUnmeasured, kTokenUnmeasured, 0, 0, 0, 0, 0, 0});
  // Size 5: one-cell buckets of 3 pixels, lines 5 pixels tall with a 1-pixel gap; 6 tokens a line.
  const std::vector<float> values{0.0f, 0.0f, NAN, NAN, NAN, NAN, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f};
  const GridGeometry g = GridGeometry::Folded(5);
  const LineIndex index = LineIndex::Build(sequence, 12);
  const VisibleLayout folded = LayoutFoldedLines(sequence, index, values, 0, 2, g.FoldCells(), Reduction::kMaxAbs);
  ASSERT_EQ(folded.instances.size(), 12u);
  ValueMapping mapping;
  constexpr int kWidth = 48, kHeight = 16;
  bool grid_drawn = false;
  const std::vector<uint8_t> pixels = DrawLayout(folded, g, mapping, kBlueToRed, kWidth, kHeight, 2.0f, grid_drawn);
  ASSERT_TRUE(grid_drawn);
  const auto pixel = [&](int x, int y) {
    const size_t at = (static_cast<size_t>(y) * kWidth + static_cast<size_t>(x)) * 4;
    return Rgb8{pixels[at], pixels[at + 1], pixels[at + 2]};
  };
  const Rgb8 canvas{250, 245, 240};
  int greys[2] = {0, 0};
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x) {
      SCOPED_TRACE(std::to_string(x) + "," + std::to_string(y));
      const int gx = x - 4, gy = y - 2;  // in the grid
      const int row = gy / g.LinePitch(), column = gx / g.cell_width;  // cells of 3 pixels, 1 token = 2 cells
      const bool inside = gx >= 0 && gy >= 0 && row < 2 && column < 12 && gy % g.LinePitch() < g.cell_height;
      if (!inside) {
        EXPECT_EQ(pixel(x, y), canvas);
        continue;
      }
      const int token = row * 6 + column / 2;
      if (token == 2 || token == 3) {
        // gl_FragCoord of the pixel (rows bottom-up), as token.frag and folded.frag hatch.
        const float fx = static_cast<float>(x) + 0.5f, fy = static_cast<float>(kHeight - 1 - y) + 0.5f;
        const int stripe = static_cast<int>(std::floor((fx + fy) / 3.0f)) % 2;
        const uint8_t grey = stripe == 0 ? 204 : 158;
        EXPECT_EQ(pixel(x, y), (Rgb8{grey, grey, grey}));
        ++greys[stripe];
      } else if (token == 4 || token == 5) {
        EXPECT_EQ(pixel(x, y), canvas);
      } else {
        EXPECT_EQ(pixel(x, y), token < 2 ? (Rgb8{0, 0, 255}) : (Rgb8{255, 0, 0}));
      }
    }
  EXPECT_GT(greys[0], 0);
  EXPECT_GT(greys[1], 0);
}

// A range or palette change redraws the folded view from uniforms and the palette alone: the grid
// is uploaded when the layout changes (a scroll), never on a recolour.
TEST_F(FoldedGlTest, RecolouringChangesPixelsWithoutUploadingTheGrid) {
  Session session = SpikeSession();
  app::HeatmapView view("monospace", 2);
  constexpr int kWidth = 400, kHeight = 100;  // 50 of the 107 lines: the spike's line is out of view
  view.Render(session, kWidth, kHeight);
  FoldedGrid grid;
  ASSERT_TRUE(FoldedValueGrid(session.Visible(), grid));
  EXPECT_EQ(view.LastLayoutUploadBytes(), grid.texels.size() * sizeof(float));
  const std::vector<uint8_t> before = view.ReadPixels();
  const size_t uploaded = view.UploadedBytesTotal();

  session.SetManualRange(-1.0f, 0.0f);  // 0 is now the range's top: red
  view.Render(session, kWidth, kHeight);
  const std::vector<uint8_t> ranged = view.ReadPixels();
  EXPECT_EQ(view.UploadedBytesTotal(), uploaded);
  EXPECT_NE(ranged, before);
  const GridGeometry& g = session.Geometry();
  const TokenInstance& first = session.Visible().instances.front();
  const size_t at = (static_cast<size_t>(session.LayoutOriginY()) + first.row * g.LinePitch()) * kWidth * 4 +
                    static_cast<size_t>(Session::kPadding + first.column * g.cell_width) * 4;
  EXPECT_EQ(ranged[at], 255);
  EXPECT_EQ(ranged[at + 2], 0);

  session.SetPalette(*FindPalette("viridis"));
  view.Render(session, kWidth, kHeight);
  EXPECT_EQ(view.UploadedBytesTotal(), uploaded + Palette::kTableSize * 3);  // the palette's texels alone
  EXPECT_NE(view.ReadPixels(), ranged);

  session.ScrollToToken(kSpike);
  view.Render(session, kWidth, kHeight);
  ASSERT_TRUE(FoldedValueGrid(session.Visible(), grid));
  EXPECT_EQ(view.LastLayoutUploadBytes(), grid.texels.size() * sizeof(float));
  EXPECT_EQ(view.UploadedBytesTotal(), uploaded + Palette::kTableSize * 3 + grid.texels.size() * sizeof(float));
}

// What the GL is asked to draw: zoomed out, one quad (two triangles) however many blocks are in
// view; with glyphs, a quad per box. This fails if the blocks were still drawn as instances.
TEST_F(FoldedGlTest, AZoomedOutFrameIsOneQuadWhateverTheBlocks) {
  Session session = SpikeSession();
  app::HeatmapView view("monospace", 16);
  constexpr int kWidth = 640, kHeight = 480;
  const auto primitives = [&] {
    GLuint query = 0;
    glGenQueries(1, &query);
    glBeginQuery(GL_PRIMITIVES_GENERATED, query);
    view.Render(session, kWidth, kHeight);
    glEndQuery(GL_PRIMITIVES_GENERATED);
    GLuint count = 0;
    glGetQueryObjectuiv(query, GL_QUERY_RESULT, &count);
    glDeleteQueries(1, &query);
    return count;
  };
  for (const int size : {1, 2, 3, 5}) {
    SCOPED_TRACE(size);
    session.SetFontSize(size);
    const GLuint quads = primitives();
    EXPECT_EQ(quads, 2u);
    EXPECT_GT(session.Visible().instances.size(), 1000u);
  }
  session.SetFontSize(16);
  const GLuint boxes = primitives();
  EXPECT_EQ(boxes, 2 * session.Visible().instances.size());
}

}  // namespace
}  // namespace th
