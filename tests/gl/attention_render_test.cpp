// Attention drawn by the real shaders: the source token's frame (solid, in its text colour, on
// every edge of its box and nowhere else), and a causal model's masked tokens hatched as no value.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "app/headless_render.hpp"
#include "core/attention.hpp"
#include "headless_gl_test.hpp"
#include "session/session.hpp"

namespace th {
namespace {

class AttentionRenderTest : public HeadlessGlTest {};

constexpr uint64_t kTokens = 6;

// One layer, one head: token q attends only to q - 1 (and token 0 to itself), causal.
Document PreviousTokenDocument() {
  std::vector<float> values(kTokens * kTokens, 0.0f);
  for (uint64_t q = 0; q < kTokens; ++q) values[q * kTokens + (q == 0 ? 0 : q - 1)] = 1.0f;
  auto patterns = std::make_shared<AttentionPatterns>(AttentionPatterns::FromFloats(values, 1, 1, kTokens, kTokens));
  patterns->SetCausal(true);
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  for (uint64_t i = 0; i < kTokens; ++i) sequence.AppendToken("tok ");
  sequence.SetAttention(patterns);
  return document;
}

struct Box {
  int x0, y0, width, height;
};

Box BoxOf(const app::RenderedImage& image, size_t instance) {
  const TokenInstance& t = image.layout.instances[instance];
  const GridGeometry& g = image.geometry;
  return {image.padding + t.column * g.cell_width, image.grid_top + image.padding + t.row * g.LinePitch(),
          g.BoxWidth(t.cells), g.cell_height};
}

const uint8_t* At(const app::RenderedImage& image, int x, int y) {
  return &image.pixels[(static_cast<size_t>(y) * image.width + x) * 4];
}

bool Dark(const uint8_t* p) { return p[0] + p[1] + p[2] < 3 * 60; }

TEST_F(AttentionRenderTest, TheSourceTokenIsFramedAndMaskedTokensAreHatched) {
  Session session(PreviousTokenDocument());
  ValueSourceSpec spec;
  spec.kind = ValueSourceSpec::Kind::kAttention;
  spec.source_token = 3;
  ASSERT_EQ(session.SetSource(spec), "");
  session.ApplyDataDefaults(false);
  app::RenderRequest request;
  request.session = &session;
  request.width = 600;
  const app::RenderedImage image = app::RenderSequenceImage(request);
  ASSERT_EQ(image.layout.instances.size(), kTokens);
  for (size_t i = 0; i < kTokens; ++i)
    EXPECT_EQ(i == 3, (image.layout.instances[i].flags & kSourceTokenFlag) != 0) << i;

  // The source (value 0 on 0..1: the palette's white end, dark text) has a dark frame on all four
  // edges, kSourceFramePixels wide, around a light inside.
  const Box source = BoxOf(image, 3);
  const int mid_y = source.y0 + source.height / 2;
  for (int d = 0; d < kSourceFramePixels; ++d) {
    EXPECT_TRUE(Dark(At(image, source.x0 + d, mid_y))) << "left edge, " << d;
    EXPECT_TRUE(Dark(At(image, source.x0 + source.width - 1 - d, mid_y))) << "right edge, " << d;
    EXPECT_TRUE(Dark(At(image, source.x0 + 1, source.y0 + d))) << "top edge, " << d;
    EXPECT_TRUE(Dark(At(image, source.x0 + 1, source.y0 + source.height - 1 - d))) << "bottom edge, " << d;
  }
  EXPECT_FALSE(Dark(At(image, source.x0 + kSourceFramePixels, source.y0 + kSourceFramePixels)));

  // Its neighbour attended to (token 2: the range's top, the palette's darkest blue) has no
  // frame: its edge is its fill colour.
  const Box attended = BoxOf(image, 2);
  const uint8_t* edge = At(image, attended.x0, attended.y0 + attended.height / 2);
  const uint8_t* inside = At(image, attended.x0 + 2, attended.y0 + 1);
  EXPECT_EQ(std::vector<uint8_t>(edge, edge + 3), std::vector<uint8_t>(inside, inside + 3));
  EXPECT_GT(inside[2], inside[0]);  // Blues

  // Tokens after the source are masked: hatched greys, two of them in each box.
  const Box masked = BoxOf(image, 5);
  int light = 0, dark = 0;
  for (int x = masked.x0; x < masked.x0 + 6; ++x) {
    const uint8_t* p = At(image, x, masked.y0);
    EXPECT_EQ(p[0], p[1]);
    EXPECT_EQ(p[1], p[2]);
    light += p[0] > 190;
    dark += p[0] > 140 && p[0] < 170;
  }
  EXPECT_GT(light, 0);
  EXPECT_GT(dark, 0);
}

}  // namespace
}  // namespace th
