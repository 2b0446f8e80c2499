// The zoomed-out layout: every line's tokens folded into blocks of a few pixels, each reduced to
// one value, checked against a reference built from the ordinary layout's boxes.
#include "layout/folded_layout.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <map>
#include <tuple>
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "sequence_fixture.hpp"

namespace th {
namespace {

// Words of 1 to 7 letters, a space token now and then, a newline about every 40 tokens, and
// one token wider than a line.
Sequence RandomText(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<std::string> tokens;
  for (size_t i = 0; i < count; ++i) {
    const uint32_t kind = random() % 40;
    if (kind == 0) tokens.emplace_back("\n");
    else if (kind < 6) tokens.emplace_back(" ");
    else {
      // One draw at a time: the order of a call's arguments is the compiler's (GCC's right to
      // left made the letter first, clang's the length), and the text must not depend on it.
      const auto letter = static_cast<char>('a' + random() % 26);
      const size_t length = 1 + random() % 7;
      tokens.emplace_back(length, letter);
    }
  }
  tokens[count / 2] = std::string(130, 'w');
  return MakeSequence(tokens);
}

std::vector<float> RandomValues(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(count);
  for (float& value : values) value = random() % 7 == 0 ? NAN : normal(random);
  return values;
}

struct ReferenceBlock {
  uint64_t first_token = 0;
  uint64_t last_token = 0;
  uint32_t column = 0;
  uint32_t end_column = 0;
  float value = NAN;
};

// The ordinary layout's boxes grouped by (row, bucket of their first column), reduced by a scan.
std::map<std::pair<uint32_t, uint32_t>, ReferenceBlock> Reference(const Sequence& sequence, const LineIndex& index,
                                                                   const std::vector<float>& values, int fold_cells,
                                                                   Reduction reduction) {
  const VisibleLayout boxes = LayoutLines(sequence, index, values, 0, index.LineCount());
  std::map<std::pair<uint32_t, uint32_t>, ReferenceBlock> blocks;
  std::map<std::pair<uint32_t, uint32_t>, std::vector<float>> members;
  for (size_t i = 0; i < boxes.instances.size(); ++i) {
    const TokenInstance& box = boxes.instances[i];
    const std::pair<uint32_t, uint32_t> key{box.row, box.column / static_cast<uint32_t>(fold_cells)};
    const bool fresh = !blocks.contains(key);
    ReferenceBlock& block = blocks[key];
    if (fresh) {
      block.first_token = boxes.tokens[i];
      block.column = box.column;
    }
    block.last_token = boxes.tokens[i];
    block.end_column = box.column + box.cells;
    members[key].push_back(values[boxes.tokens[i]]);
  }
  for (auto& [key, block] : blocks) {
    float low = INFINITY, high = -INFINITY;
    double sum = 0.0;
    size_t finite = 0;
    for (const float value : members[key]) {
      if (!std::isfinite(value)) continue;
      low = std::min(low, value);
      high = std::max(high, value);
      sum += value;
      ++finite;
    }
    if (finite == 0) continue;
    switch (reduction) {
      case Reduction::kMax: block.value = high; break;
      case Reduction::kMin: block.value = low; break;
      case Reduction::kMean: block.value = static_cast<float>(sum / static_cast<double>(finite)); break;
      case Reduction::kMaxAbs: block.value = std::fabs(high) >= std::fabs(low) ? high : low; break;
    }
  }
  return blocks;
}

TEST(FoldedLayout, BlocksAreTheReductionOfTheTokensStartingInEachBucket) {
  const Sequence sequence = RandomText(5000, 7);
  const std::vector<float> values = RandomValues(sequence.TokenCount(), 8);
  for (const int columns : {60, 97}) {
    const LineIndex index = LineIndex::Build(sequence, columns);
    for (const int fold_cells : {1, 3, 4}) {
      for (const Reduction reduction : kReductions) {
        const auto expected = Reference(sequence, index, values, fold_cells, reduction);
        const VisibleLayout folded =
            LayoutFoldedLines(sequence, index, values, 0, index.LineCount(), fold_cells, reduction);
        ASSERT_EQ(folded.instances.size(), expected.size()) << columns << " " << fold_cells;
        ASSERT_EQ(folded.merged_tokens.size(), folded.instances.size());
        for (size_t i = 0; i < folded.instances.size(); ++i) {
          const TokenInstance& block = folded.instances[i];
          const auto it = expected.find({block.row, block.column / static_cast<uint32_t>(fold_cells)});
          ASSERT_NE(it, expected.end()) << "row " << block.row << " column " << block.column;
          const ReferenceBlock& want = it->second;
          EXPECT_EQ(block.column, want.column);
          EXPECT_EQ(block.column + block.cells, want.end_column);
          EXPECT_EQ(folded.tokens[i], want.first_token);
          EXPECT_EQ(folded.tokens[i] + folded.merged_tokens[i], want.last_token);
          EXPECT_TRUE(block.flags & kFoldedBlockFlag);
          if (std::isnan(want.value)) {
            EXPECT_TRUE(std::isnan(block.value));
            EXPECT_TRUE(block.flags & kNoValueFlag);
          } else {
            EXPECT_NEAR(block.value, want.value, 1e-5f) << "row " << block.row << " column " << block.column;
            EXPECT_FALSE(block.flags & kNoValueFlag);
          }
          // Every block shows blank cells: no glyph is drawn zoomed out.
          ASSERT_LE(block.first_cell + block.cells, folded.cells.size());
          EXPECT_EQ(folded.cells[block.first_cell], static_cast<uint32_t>(U' '));
        }
      }
    }
  }
}

TEST(FoldedLayout, ASingleSpikeSurvivesMaxAbsAndMaxButNotTheMean) {
  const Sequence sequence = MakeSequence(std::vector<std::string>(300, "a"));  // one cell each
  std::vector<float> values(300, 0.1f);
  values[151] = -50.0f;
  const LineIndex index = LineIndex::Build(sequence, 100);
  const auto block_value = [&](Reduction reduction) {
    const VisibleLayout folded = LayoutFoldedLines(sequence, index, values, 0, index.LineCount(), 3, reduction);
    // Token 151 is line 1, column 51: bucket 17 starts there at column 51 with tokens 151..153.
    for (size_t i = 0; i < folded.instances.size(); ++i)
      if (folded.tokens[i] <= 151 && 151 <= folded.tokens[i] + folded.merged_tokens[i]) {
        EXPECT_EQ(folded.tokens[i], 151u);
        EXPECT_EQ(folded.merged_tokens[i], 2u);
        return folded.instances[i].value;
      }
    return NAN;
  };
  EXPECT_EQ(block_value(Reduction::kMaxAbs), -50.0f);
  EXPECT_EQ(block_value(Reduction::kMin), -50.0f);
  EXPECT_FLOAT_EQ(block_value(Reduction::kMax), 0.1f);
  EXPECT_NEAR(block_value(Reduction::kMean), (-50.0f + 0.2f) / 3.0f, 1e-5f);
}

TEST(FoldedLayout, ABlockOfTokensWithoutValuesHasNoValue) {
  const Sequence sequence = MakeSequence(std::vector<std::string>(12, "a"));
  std::vector<float> values(12, NAN);
  values[4] = 2.0f;                   // bucket 1 (tokens 3..5): one value among no-values
  values[7] = INFINITY;               // bucket 2 (tokens 6..8): infinities are no values either
  const LineIndex index = LineIndex::Build(sequence, 100);
  const VisibleLayout folded = LayoutFoldedLines(sequence, index, values, 0, 1, 3, Reduction::kMaxAbs);
  ASSERT_EQ(folded.instances.size(), 4u);
  EXPECT_TRUE(folded.instances[0].flags & kNoValueFlag);
  EXPECT_EQ(folded.instances[1].value, 2.0f);
  EXPECT_FALSE(folded.instances[1].flags & kNoValueFlag);
  EXPECT_TRUE(std::isnan(folded.instances[2].value));
  EXPECT_TRUE(folded.instances[2].flags & kNoValueFlag);
  // Shorter value spans than tokens: the tokens past the end have no value.
  const VisibleLayout none = LayoutFoldedLines(sequence, index, {}, 0, 1, 3, Reduction::kMaxAbs);
  for (const TokenInstance& block : none.instances) EXPECT_TRUE(block.flags & kNoValueFlag);
}

// Plain text's whitespace has no value by design (kTokenUnmeasured): a block of nothing else is
// canvas, as the tokens are unfolded, while a block that also holds a word without a value is
// hatched as missing.
TEST(FoldedLayout, ABlockOfUnmeasuredTokensIsCanvasNotMissing) {
  Sequence sequence = MakeSequence({" ", " ", " ", "a", " ", " "});
  sequence.SetFlags({kTokenUnmeasured, kTokenUnmeasured, kTokenUnmeasured, 0, kTokenUnmeasured, kTokenUnmeasured});
  const std::vector<float> values(6, NAN);
  const LineIndex index = LineIndex::Build(sequence, 100);
  const VisibleLayout folded = LayoutFoldedLines(sequence, index, values, 0, 1, 3, Reduction::kMaxAbs);
  ASSERT_EQ(folded.instances.size(), 2u);
  EXPECT_TRUE(folded.instances[0].flags & kUnmeasuredFlag);
  EXPECT_FALSE(folded.instances[0].flags & kNoValueFlag);
  EXPECT_TRUE(folded.instances[1].flags & kNoValueFlag);
  EXPECT_FALSE(folded.instances[1].flags & kUnmeasuredFlag);
}

TEST(FoldedLayout, InstancesAreAtMostOnePerBucketOfTheVisibleLines) {
  // One-cell tokens: a line of 240 cells holds 240 tokens and folds into 80 blocks of 3.
  const Sequence sequence = MakeSequence(std::vector<std::string>(100'000, "x"));
  const std::vector<float> values(100'000, 1.0f);
  const LineIndex index = LineIndex::Build(sequence, 240);
  const VisibleLayout folded = LayoutFoldedLines(sequence, index, values, 10, 50, 3, Reduction::kMaxAbs);
  EXPECT_EQ(folded.line_count, 50u);
  EXPECT_EQ(folded.instances.size(), 50u * 80u);
  EXPECT_LE(folded.instances.size(), 50u * 240u / 3u);  // at most one a bucket
  EXPECT_EQ(folded.tokens.front(), 10u * 240u);          // only the visible lines are laid out
  EXPECT_EQ(folded.tokens.back() + folded.merged_tokens.back(), 60u * 240u - 1u);
  EXPECT_EQ(folded.cells.size(), 3u);  // one run of blank cells, as wide as a block
}

TEST(FoldedLayout, BoxTextOfABlockIsItsTokensText) {
  const Sequence sequence = MakeSequence({"ab", "c", "d", "efgh", "i"});
  const std::vector<float> values = {1, 2, 3, 4, 5};
  const LineIndex index = LineIndex::Build(sequence, 100);
  const VisibleLayout folded = LayoutFoldedLines(sequence, index, values, 0, 1, 4, Reduction::kMax);
  // Columns: ab 0, c 2, d 3 (bucket 0); efgh 4 (bucket 1, to column 8); i 8 (bucket 2).
  ASSERT_EQ(folded.instances.size(), 3u);
  EXPECT_EQ(BoxText(sequence, folded, 0), "abcd");
  EXPECT_EQ(folded.instances[0].value, 3.0f);
  EXPECT_EQ(BoxText(sequence, folded, 1), "efgh");
  EXPECT_EQ(BoxText(sequence, folded, 2), "i");
  EXPECT_EQ(HitTest(folded, GridGeometry::Folded(2), 5.0, 0.5), std::optional<size_t>(1));
}

TEST(FoldedLayout, FoldedGeometryHasCellsOfOneToThreePixels) {
  for (int size = kMinFontSize; size < kMinGlyphFontSize; ++size) {
    const GridGeometry geometry = GridGeometry::Folded(size);
    EXPECT_GE(geometry.cell_width, 1);
    EXPECT_LE(geometry.cell_width, 3);
    EXPECT_GE(geometry.FoldCells(), 1);
    EXPECT_EQ(geometry.BoxWidth(1), geometry.cell_width);  // no gap: a 1-pixel cell stays visible
  }
  EXPECT_EQ(GridGeometry::Folded(1).LinePitch(), 1);
  EXPECT_EQ(GridGeometry::Folded(2).FoldCells(), 3);
  EXPECT_EQ(GridGeometry{}.FoldCells(), 0);
}

// The grid the renderer draws a folded layout from: every cell of every laid-out line holds its
// block's value, NaN where the block has none, and the canvas (+Inf) past the line's end and over
// blocks of unmeasured tokens.
TEST(FoldedValueGrid, EachCellHoldsItsBlocksValueNoValueOrCanvas) {
  Sequence sequence = RandomText(3000, 11);
  std::vector<uint8_t> flags(sequence.TokenCount(), 0);
  for (uint64_t t = 0; t < sequence.TokenCount(); ++t)
    if (sequence.Token(t) == " " && t % 3 == 0) flags[t] = kTokenUnmeasured;
  sequence.SetFlags(flags);
  const std::vector<float> values = RandomValues(sequence.TokenCount(), 12);
  const LineIndex index = LineIndex::Build(sequence, 83);
  const float canvas = std::bit_cast<float>(kFoldedCanvasBits);
  EXPECT_TRUE(std::isinf(canvas) && canvas > 0.0f);
  FoldedGrid grid;
  for (const int fold_cells : {1, 3}) {
    const VisibleLayout folded = LayoutFoldedLines(sequence, index, values, 7, 40, fold_cells, Reduction::kMaxAbs);
    ASSERT_TRUE(FoldedValueGrid(folded, grid));
    EXPECT_EQ(grid.height, 40u);
    ASSERT_EQ(grid.texels.size(), size_t{grid.width} * grid.height);
    uint32_t widest = 0;
    // What every cell must hold, painted block by block.
    std::vector<float> expected(grid.texels.size(), canvas);
    size_t unmeasured = 0, missing = 0;
    for (const TokenInstance& block : folded.instances) {
      widest = std::max<uint32_t>(widest, uint32_t{block.column} + block.cells);
      float texel = block.value;
      if (block.flags & kUnmeasuredFlag) {
        texel = canvas;
        ++unmeasured;
      } else if (block.flags & kNoValueFlag) {
        texel = NAN;
        ++missing;
      }
      for (uint32_t c = block.column; c < uint32_t{block.column} + block.cells; ++c)
        expected[size_t{block.row} * grid.width + c] = texel;
    }
    EXPECT_EQ(grid.width, widest);
    EXPECT_GT(unmeasured, 0u);
    EXPECT_GT(missing, 0u);
    for (size_t i = 0; i < expected.size(); ++i)
      ASSERT_EQ(std::bit_cast<uint32_t>(grid.texels[i]) == std::bit_cast<uint32_t>(expected[i]) ||
                    (std::isnan(grid.texels[i]) && std::isnan(expected[i])),
                true)
          << "row " << i / grid.width << " column " << i % grid.width << ": " << grid.texels[i] << " not "
          << expected[i];
    // Some line ends before the widest: canvas after it.
    EXPECT_TRUE(std::any_of(grid.texels.begin(), grid.texels.end(), [](float v) { return std::isinf(v); }));
  }
}

// A screen of many tokens is laid out in two halves on two threads, and its grid filled so: the
// result is the lines laid out one at a time, one after the other, and each row of the grid is
// its row's blocks.
TEST(LayoutFoldedLines, AScreenOfManyTokensIsTheLinesLaidOutOneByOne) {
  Sequence sequence = RandomText(120'000, 31);
  const std::vector<float> values = RandomValues(sequence.TokenCount(), 32);
  const LineIndex index = LineIndex::Build(sequence, 997);
  const size_t first_line = 5, line_count = 2800;
  const VisibleLayout folded =
      LayoutFoldedLines(sequence, index, values, first_line, line_count, 3, Reduction::kMaxAbs);
  ASSERT_GT(folded.tokens.back() - folded.tokens.front(), uint64_t{1} << 15);  // the two-thread path
  EXPECT_EQ(folded.first_line, first_line);
  EXPECT_EQ(folded.line_count, line_count);
  size_t at = 0;
  size_t widest = 0;
  for (size_t row = 0; row < line_count; ++row) {
    const VisibleLayout line =
        LayoutFoldedLines(sequence, index, values, first_line + row, 1, 3, Reduction::kMaxAbs);
    widest = std::max(widest, line.cells.size());
    for (size_t i = 0; i < line.instances.size(); ++i, ++at) {
      ASSERT_LT(at, folded.instances.size());
      TokenInstance expected = line.instances[i];
      expected.row = static_cast<uint16_t>(row);
      const TokenInstance& block = folded.instances[at];
      ASSERT_EQ(std::tie(block.row, block.column, block.cells, block.flags),
                std::tie(expected.row, expected.column, expected.cells, expected.flags))
          << "line " << row << " block " << i;
      ASSERT_EQ(std::bit_cast<uint32_t>(block.value), std::bit_cast<uint32_t>(expected.value)) << "line " << row;
      ASSERT_EQ(folded.tokens[at], line.tokens[i]);
      ASSERT_EQ(folded.merged_tokens[at], line.merged_tokens[i]);
      ASSERT_EQ(folded.byte_begin[at], line.byte_begin[i]);
      ASSERT_EQ(folded.byte_end[at], line.byte_end[i]);
    }
  }
  EXPECT_EQ(at, folded.instances.size());
  EXPECT_EQ(folded.cells.size(), widest);

  FoldedGrid grid;
  ASSERT_TRUE(FoldedValueGrid(folded, grid));
  ASSERT_GE(grid.texels.size(), size_t{1} << 20);  // filled on two threads
  const float canvas = std::bit_cast<float>(kFoldedCanvasBits);
  std::vector<float> expected(grid.texels.size(), canvas);
  for (const TokenInstance& block : folded.instances) {
    const float texel = (block.flags & kUnmeasuredFlag) ? canvas : (block.flags & kNoValueFlag) ? NAN : block.value;
    std::fill_n(expected.begin() + static_cast<std::ptrdiff_t>(size_t{block.row} * grid.width + block.column),
                block.cells, texel);
  }
  for (size_t i = 0; i < expected.size(); ++i)
    ASSERT_EQ(std::bit_cast<uint32_t>(grid.texels[i]) == std::bit_cast<uint32_t>(expected[i]) ||
                  (std::isnan(grid.texels[i]) && std::isnan(expected[i])),
              true)
        << "row " << i / grid.width << " column " << i % grid.width;
}

TEST(FoldedValueGrid, OnlyFoldedLayoutsHaveAGrid) {
  const Sequence sequence = MakeSequence({"ab", "c", "d", "efgh", "i"});
  const std::vector<float> values{1, 2, 3, 4, 5};
  const LineIndex index = LineIndex::Build(sequence, 100);
  FoldedGrid grid;
  // The ordinary layout's boxes draw glyphs: they stay instances.
  EXPECT_FALSE(FoldedValueGrid(LayoutLines(sequence, index, values, 0, 1), grid));
  EXPECT_TRUE(grid.texels.empty());
  VisibleLayout folded = LayoutFoldedLines(sequence, index, values, 0, 1, 3, Reduction::kMaxAbs);
  ASSERT_TRUE(FoldedValueGrid(folded, grid));
  EXPECT_EQ(grid.width, 9u);
  EXPECT_EQ(grid.height, 1u);
  // Tokens start at columns 0, 2, 3, 4 and 8: blocks [0, 3) of "ab" and "c" (max-abs 2),
  // [3, 8) of "d" and "efgh" (4), [8, 9) of "i" (5).
  EXPECT_EQ(grid.texels, (std::vector<float>{2, 2, 2, 4, 4, 4, 4, 4, 5}));
  // A single box that is not a folded block (a caption's text, a legend) makes it a text layout.
  folded.instances.push_back(TokenInstance{0, 5, 3, kPlainTextFlag, NAN, 0, NAN});
  EXPECT_FALSE(FoldedValueGrid(folded, grid));
  EXPECT_FALSE(FoldedValueGrid(VisibleLayout{}, grid));
}

}  // namespace
}  // namespace th
