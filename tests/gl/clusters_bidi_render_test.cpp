// Grapheme clusters, lone combining marks and bidirectional text through the real pipeline
// (headless EGL): each case is rendered and its pixels compared with the same text rendered
// piece by piece, so what is checked is where ink lands, not which code path ran.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "headless_gl_test.hpp"
#include "uniform_render.hpp"
#include "app/headless_render.hpp"
#include "layout/display_cells.hpp"
#include "session/session.hpp"

namespace th {
namespace {

class ClustersBidiTest : public HeadlessGlTest {};

// Every box the palette's middle colour (uniform_render.hpp).
app::RenderedImage Render(const std::vector<std::string>& tokens) {
  return RenderUniformTokens(tokens, 800, "DejaVu Sans Mono");
}

// A rectangle of whole cells: `cells` cells of an instance's box from cell `first`, less the
// last pixel column (the gap between boxes when the span ends the box), so spans of equal cells
// compare wherever they are in their boxes.
struct CellSpan {
  size_t instance;
  int first;
  int cells;
};

struct Region {
  int x, y, w, h;
};

Region RegionOf(const app::RenderedImage& image, CellSpan span) {
  const TokenInstance& t = image.layout.instances[span.instance];
  const GridGeometry& g = image.geometry;
  const int x = image.padding + (t.column + span.first) * g.cell_width;
  return {x, image.padding + t.row * g.LinePitch(), span.cells * g.cell_width - g.token_gap, g.cell_height};
}

const uint8_t* PixelAt(const app::RenderedImage& image, int x, int y) {
  return &image.pixels[(static_cast<size_t>(y) * image.width + x) * 4];
}

// Whether a pixel is ink: far from the box's background, read at the box's top-left corner (a
// padding row no glyph touches).
bool IsInk(const app::RenderedImage& image, const Region& box, int x, int y) {
  const uint8_t* background = PixelAt(image, box.x, box.y);
  const uint8_t* p = PixelAt(image, x, y);
  return std::abs(p[0] - background[0]) + std::abs(p[1] - background[1]) + std::abs(p[2] - background[2]) > 60;
}

int InkPixels(const app::RenderedImage& image, CellSpan span) {
  const Region r = RegionOf(image, span);
  int count = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) count += IsInk(image, r, x, y);
  return count;
}

// How many pixel rows of the instance's box have ink, from the first to the last.
int InkRows(const app::RenderedImage& image, size_t instance) {
  const Region r = RegionOf(image, {instance, 0, image.layout.instances[instance].cells});
  int first = -1, last = -1;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x)
      if (IsInk(image, r, x, y)) {
        if (first < 0) first = y;
        last = y;
      }
  return first < 0 ? 0 : last - first + 1;
}

int InkPixels(const app::RenderedImage& image, size_t instance) {
  return InkPixels(image, {instance, 0, image.layout.instances[instance].cells});
}

// Pixels that differ between two same-sized spans of cells, of the same or different renders.
int DifferingPixels(const app::RenderedImage& a, CellSpan span_a, const app::RenderedImage& b, CellSpan span_b) {
  const Region ra = RegionOf(a, span_a);
  const Region rb = RegionOf(b, span_b);
  EXPECT_EQ(ra.w, rb.w);
  int count = 0;
  for (int y = 0; y < ra.h; ++y) {
    for (int x = 0; x < std::min(ra.w, rb.w); ++x) {
      const uint8_t* p = PixelAt(a, ra.x + x, ra.y + y);
      const uint8_t* q = PixelAt(b, rb.x + x, rb.y + y);
      count += std::abs(p[0] - q[0]) + std::abs(p[1] - q[1]) + std::abs(p[2] - q[2]) > 30;
    }
  }
  return count;
}

void ExpectNothingMissing(const app::RenderedImage& image) {
  EXPECT_EQ(image.missing_glyphs, 0u);
  EXPECT_EQ(image.dropped_glyphs, 0u);
}

// [SECTION] Point 1: a token of combining marks alone

TEST_F(ClustersBidiTest, ATokenOfCombiningMarksKeepsItsInkInsideItsOwnBox) {
  struct Case {
    const char* before;
    const char* marks;
  };
  // U+0301 alone, a dot below with a circumflex (Vietnamese ệ split by BPE), Thai ี with ่.
  for (const Case& c : {Case{"e", "\u0301"}, Case{"e", "\u0323\u0302"}, Case{"\u0E14", "\u0E35\u0E48"}}) {
    SCOPED_TRACE(c.marks);
    const app::RenderedImage alone = Render({c.before, "x"});
    const app::RenderedImage split = Render({c.before, c.marks, "x"});
    ExpectNothingMissing(split);
    ASSERT_EQ(split.layout.instances.size(), 3u);
    EXPECT_EQ(split.layout.instances[1].cells, 1);
    // The neighbour before is drawn exactly as without the marks: none of their ink lands on it.
    EXPECT_EQ(DifferingPixels(split, {0, 0, 1}, alone, {0, 0, 1}), 0);
    // The marks' own box has their ink, on a dotted circle, and more than the circle alone.
    const app::RenderedImage circle = Render({c.before, "\u25CC", "x"});
    EXPECT_GT(InkPixels(split, 1), InkPixels(circle, 1) + 3);
    EXPECT_GT(InkPixels(circle, 1), 10);
  }
}

// [SECTION] Point 2: bidirectional text

TEST_F(ClustersBidiTest, ArabicIndicDigitsReadLeftToRightRightOfTheArabicWordBeforeThem) {
  // "123 Arabic": the paragraph is right to left, so the number, read first, is drawn rightmost,
  // and its digits read left to right: ١ leftmost.
  const app::RenderedImage image = Render({"١٢٣ عربي"});
  const app::RenderedImage word = Render({"عربي"});
  const app::RenderedImage number = Render({"١٢٣"});
  const app::RenderedImage digits = Render({"١", "٢", "٣"});
  ExpectNothingMissing(image);
  ASSERT_EQ(image.layout.instances.size(), 1u);
  ASSERT_EQ(image.layout.instances[0].cells, 8);
  ASSERT_EQ(word.layout.instances[0].cells, 4);
  ASSERT_EQ(number.layout.instances[0].cells, 3);
  EXPECT_EQ(DifferingPixels(image, {0, 0, 4}, word, {0, 0, 4}), 0) << "the word on the left";
  EXPECT_EQ(DifferingPixels(image, {0, 5, 3}, number, {0, 0, 3}), 0) << "the number on the right";
  // The number's cells, left to right, are the digits one, two, three: each cell is closest to
  // the digit rendered alone that it should be.
  for (int cell = 0; cell < 3; ++cell) {
    int best = -1;
    int best_difference = 1 << 30;
    for (int digit = 0; digit < 3; ++digit) {
      const int difference = DifferingPixels(number, {0, cell, 1}, digits, {static_cast<size_t>(digit), 0, 1});
      if (difference < best_difference) {
        best_difference = difference;
        best = digit;
      }
    }
    EXPECT_EQ(best, cell) << "cell " << cell << " of the number";
  }
}

TEST_F(ClustersBidiTest, BidiControlsAreDrawnAsAbbreviationsAndReorderNothing) {
  // RLO would draw "ab" as "ba": the letters stay where they are and the override shows.
  const app::RenderedImage image = Render({"a\u202Eb"});
  const app::RenderedImage letters = Render({"ab"});
  ExpectNothingMissing(image);
  ASSERT_EQ(image.layout.instances[0].cells, 5);
  EXPECT_EQ(DifferingPixels(image, {0, 0, 1}, letters, {0, 0, 1}), 0) << "a, first";
  EXPECT_EQ(DifferingPixels(image, {0, 4, 1}, letters, {0, 1, 1}), 0) << "b, last";
  for (int cell = 1; cell <= 3; ++cell) EXPECT_GT(InkPixels(image, {0, cell, 1}), 8) << "RLO, letter " << cell;
  // Dimmer than text: the marker's letters are not the same letters drawn as text.
  const app::RenderedImage text = Render({"aRLOb"});
  EXPECT_GT(DifferingPixels(image, {0, 1, 3}, text, {0, 1, 3}), 10);
  // Distinct from the generic zero-width marker.
  EXPECT_NE(image.layout.cells[1] & kCellValueMask, static_cast<uint32_t>(kZeroWidthMarker));
}

// [SECTION] Point 4: grapheme clusters

TEST_F(ClustersBidiTest, AnEmojiSequenceTakesTheCellsOfOneClusterAndDrawsInsideThem) {
  struct Case {
    const char* name;
    const char* text;
  };
  for (const Case& c : {Case{"ZWJ family", "👨\u200D👩\u200D👧\u200D👦"}, Case{"flag", "🇫🇷"},
                        Case{"skin tone", "👍🏽"}, Case{"emoji presentation", "❤\uFE0F"}}) {
    SCOPED_TRACE(c.name);
    const app::RenderedImage image = Render({"x", c.text, "y"});
    const app::RenderedImage reference = Render({"x", "ab", "y"});
    ExpectNothingMissing(image);
    ASSERT_EQ(image.layout.instances.size(), 3u);
    EXPECT_EQ(image.layout.instances[1].cells, 2) << "one cluster: two cells, once";
    EXPECT_EQ(image.layout.instances[2].column, 3);
    for (int cell = 0; cell < 2; ++cell) EXPECT_GT(InkPixels(image, {1, cell, 1}), 8) << "cell " << cell;
    // Nothing spills onto the neighbours.
    EXPECT_EQ(DifferingPixels(image, {0, 0, 1}, reference, {0, 0, 1}), 0);
    EXPECT_EQ(DifferingPixels(image, {2, 0, 1}, reference, {2, 0, 1}), 0);
  }
}

TEST_F(ClustersBidiTest, AZwjFamilyWithoutALigatureIsItsFourPeopleTwoOverTwoInTwoCells) {
  // The installed emoji font (Symbola) has no ligature for the family: its four people are drawn
  // two over two in the cluster's two cells, rather than as four emoji and three zero-width
  // markers (11 cells), or four slivers in a row.
  const app::RenderedImage family = Render({"👨\u200D👩\u200D👧\u200D👦"});
  ExpectNothingMissing(family);
  ASSERT_EQ(family.layout.instances.size(), 1u);
  ASSERT_EQ(family.layout.instances[0].cells, 2);
  const Region box = RegionOf(family, {0, 0, 2});
  int quadrant_ink[2][2] = {};
  for (int y = box.y; y < box.y + box.h; ++y)
    for (int x = box.x; x < box.x + box.w; ++x)
      quadrant_ink[(y - box.y) * 2 / box.h][(x - box.x) * 2 / box.w] += IsInk(family, box, x, y);
  for (int row = 0; row < 2; ++row)
    for (int column = 0; column < 2; ++column)
      EXPECT_GT(quadrant_ink[row][column], 10) << "a person " << (row == 0 ? "above" : "below") << ", "
                                               << (column == 0 ? "left" : "right");
  // Two rows are about as tall as one person drawn alone; four in a row would be half as tall.
  const app::RenderedImage man = Render({"👨"});
  EXPECT_GT(InkRows(family, 0), InkRows(man, 0) * 4 / 5);
}

}  // namespace
}  // namespace th
