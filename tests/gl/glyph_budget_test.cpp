// A frame's glyph budget (HeatmapView::SetGlyphBudget): a layout needing more new glyphs than a
// frame may rasterise shows placeholders (empty cells in the token's colour) first and, after
// more frames, exactly what a frame without a budget shows; render and exports have no budget.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "app/headless_render.hpp"
#include "app/heatmap_view.hpp"
#include "core/synthetic_document.hpp"
#include "core/utf8.hpp"
#include "headless_gl_test.hpp"

namespace th {
namespace {

class GlyphBudgetTest : public HeadlessGlTest {};

constexpr int kWidth = 400;
constexpr int kHeight = 200;
constexpr int kGlyphs = 30;  // distinct CJK characters, one a token: all on screen

const Palette kFlat{"flat", {{40, 120, 200}, {40, 120, 200}}, PaletteKind::kSequential};

Session MakeCjkSession() {
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  std::vector<float> values;
  for (int i = 0; i < kGlyphs; ++i) {
    std::string token;
    AppendUtf8(token, static_cast<char32_t>(0x6C00 + i));
    sequence.AppendToken(token);
    values.push_back(0.5f);
  }
  sequence.channels.push_back({"value", values});
  Session session(std::move(document));
  session.SetPalette(kFlat);
  session.SetManualRange(0.0f, 1.0f);
  return session;
}

// Pixels that are neither the canvas (white) nor the boxes' one colour: glyph ink.
size_t InkPixels(const std::vector<uint8_t>& rgba) {
  size_t ink = 0;
  for (size_t i = 0; i + 3 < rgba.size(); i += 4) {
    const bool canvas = rgba[i] == 255 && rgba[i + 1] == 255 && rgba[i + 2] == 255;
    const bool box = rgba[i] == 40 && rgba[i + 1] == 120 && rgba[i + 2] == 200;
    ink += !canvas && !box;
  }
  return ink;
}

TEST_F(GlyphBudgetTest, PlaceholdersFirstThenThePixelsOfAFrameWithoutBudget) {
  Session session = MakeCjkSession();
  app::HeatmapView reference("monospace", 16);  // no budget: every glyph in the first frame
  reference.Render(session, kWidth, kHeight);
  EXPECT_EQ(reference.PendingGlyphs(), 0u);
  const std::vector<uint8_t> expected = reference.ReadPixels();
  const size_t expected_ink = InkPixels(expected);
  ASSERT_GT(expected_ink, 0u);

  app::HeatmapView view("monospace", 16);
  view.SetGlyphBudget(1e-6);  // a nanosecond: one new glyph a frame (the first always gets drawn)
  view.Render(session, kWidth, kHeight);
  EXPECT_EQ(view.PendingGlyphs(), static_cast<size_t>(kGlyphs - 1));
  const std::vector<uint8_t> first = view.ReadPixels();
  EXPECT_NE(first, expected);
  // Placeholders are the token's box without ink (never a missing-glyph box): one glyph's ink.
  EXPECT_GT(InkPixels(first), 0u);
  EXPECT_LT(InkPixels(first) * 10, expected_ink);

  int frames = 1;
  while (view.PendingGlyphs() > 0 && frames < 10 * kGlyphs) {
    view.Render(session, kWidth, kHeight);  // nothing changed but the glyphs
    ++frames;
  }
  EXPECT_EQ(view.PendingGlyphs(), 0u);
  EXPECT_EQ(frames, kGlyphs);
  EXPECT_EQ(view.ReadPixels(), expected);
}

TEST_F(GlyphBudgetTest, AGenerousBudgetDrawsEverythingInTheFirstFrame) {
  Session session = MakeCjkSession();
  app::HeatmapView reference("monospace", 16);
  reference.Render(session, kWidth, kHeight);
  app::HeatmapView view("monospace", 16);
  view.SetGlyphBudget(60'000.0);
  view.Render(session, kWidth, kHeight);
  EXPECT_EQ(view.PendingGlyphs(), 0u);
  EXPECT_EQ(view.ReadPixels(), reference.ReadPixels());
}

TEST_F(GlyphBudgetTest, RenderNeverDrawsPlaceholders) {
  // 3,000 distinct characters: many frames' worth of glyphs at the viewer's budget.
  Session session(MakeSyntheticCjkDocument(3000));
  app::RenderRequest request;
  request.session = &session;
  request.width = 1200;
  const app::RenderedImage image = app::RenderSequenceImage(request);
  EXPECT_EQ(image.placeholder_glyphs, 0u);
  EXPECT_EQ(image.dropped_glyphs, 0u);
  EXPECT_EQ(image.missing_glyphs, 0u);
  EXPECT_GT(image.height, 0);
}

}  // namespace
}  // namespace th
