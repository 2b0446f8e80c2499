#include "layout/folded_layout.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "core/halves_in_parallel.hpp"
#include "layout/display_cells.hpp"

namespace th {

namespace {

// From this many tokens in view (a 1080p screen holds about 100,000 at text size 2 and 400,000
// at size 1), the lines are laid out, and the grid filled, in two halves on two threads
// (RunBothInParallel): the rasteriser's threads wait for both, so the second core would
// otherwise be idle.
constexpr uint64_t kTokensForTwoThreads = uint64_t{1} << 15;
constexpr size_t kTexelsForTwoThreads = size_t{1} << 20;

// LayoutFoldedLines for lines [first_line, first_line + line_count), which must lie in the
// index, their rows numbered from first_row.
VisibleLayout LayoutFoldedRange(const Sequence& sequence, const LineIndex& index, std::span<const float> values,
                                size_t first_line, size_t line_count, size_t first_row, int fold_cells,
                                Reduction reduction, TokenText text) {
  VisibleLayout layout;
  layout.first_line = first_line;
  layout.line_count = line_count;
  const auto bucket_cells = static_cast<uint32_t>(std::max(fold_cells, 1));
  LinePieceReader pieces;
  uint32_t widest = 0;

  SpanStats stats;
  uint32_t block_end = 0;  // the open block's end column; it starts at instances.back().column
  bool all_unmeasured = true;  // every token of the open block has no value by design (whitespace)
  const auto close_block = [&] {
    TokenInstance& block = layout.instances.back();
    block.cells = static_cast<uint16_t>(block_end - block.column);
    block.value = stats.Reduced(reduction);
    // A block of nothing but unmeasured tokens is canvas, as those tokens are unfolded; any other
    // block without a value is hatched as missing.
    const uint16_t no_value = all_unmeasured ? kUnmeasuredFlag : kNoValueFlag;
    block.flags = static_cast<uint16_t>(kFoldedBlockFlag | (std::isfinite(block.value) ? 0 : no_value));
    widest = std::max(widest, block_end - block.column);
  };

  for (size_t row = first_row; row < first_row + layout.line_count; ++row) {
    const size_t line = layout.first_line + row - first_row;
    const LineStart begin = index.Line(line);
    const LineStart end = index.LineEnd(line);
    uint32_t column = 0;
    bool open = false;
    for (uint64_t t = begin.token; t < end.token || (t == end.token && end.cell > 0); ++t) {
      // The piece of the token on this line, in whole units.
      const auto [cells, piece_byte_begin, piece_byte_end] = pieces.Measure(t, sequence.Token(t, text), begin, end);
      if (cells == 0) continue;
      if (open && column / bucket_cells == layout.instances.back().column / bucket_cells) {
        ++layout.merged_tokens.back();
        layout.byte_end.back() = piece_byte_end;
      } else {
        if (open) close_block();
        open = true;
        stats = SpanStats();
        all_unmeasured = true;
        TokenInstance block{};
        block.column = static_cast<uint16_t>(column);
        block.row = static_cast<uint16_t>(row);
        block.underline = NAN;
        layout.instances.push_back(block);
        layout.tokens.push_back(t);
        layout.merged_tokens.push_back(0);
        layout.byte_begin.push_back(piece_byte_begin);
        layout.byte_end.push_back(piece_byte_end);
      }
      if (t < values.size()) stats.Add(values[t]);
      all_unmeasured = all_unmeasured && (sequence.Flags(t) & kTokenUnmeasured) != 0;
      column += cells;
      block_end = column;
    }
    if (open) close_block();
  }
  // One run of blank cells, as wide as the widest block, shared by every block.
  layout.cells.assign(std::max<uint32_t>(widest, 1), static_cast<uint32_t>(U' '));
  return layout;
}

template <typename T>
void Append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

VisibleLayout LayoutFoldedLines(const Sequence& sequence, const LineIndex& index, std::span<const float> values,
                                size_t first_line, size_t line_count, int fold_cells, Reduction reduction,
                                TokenText text) {
  first_line = std::min(first_line, index.LineCount());
  line_count = std::min(line_count, index.LineCount() - first_line);
  const uint64_t tokens =
      line_count == 0 ? 0 : index.LineEnd(first_line + line_count - 1).token - index.Line(first_line).token;
  if (line_count < 2 || tokens < kTokensForTwoThreads)
    return LayoutFoldedRange(sequence, index, values, first_line, line_count, 0, fold_cells, reduction, text);
  const size_t half = line_count / 2;
  VisibleLayout layout, second;
  RunBothInParallel(
      [&] { layout = LayoutFoldedRange(sequence, index, values, first_line, half, 0, fold_cells, reduction, text); },
      [&] {
        second = LayoutFoldedRange(sequence, index, values, first_line + half, line_count - half, half, fold_cells,
                                   reduction, text);
      });
  layout.line_count = line_count;
  Append(layout.instances, second.instances);
  Append(layout.tokens, second.tokens);
  Append(layout.merged_tokens, second.merged_tokens);
  Append(layout.byte_begin, second.byte_begin);
  Append(layout.byte_end, second.byte_end);
  if (second.cells.size() > layout.cells.size()) layout.cells = std::move(second.cells);
  return layout;
}

bool FoldedValueGrid(const VisibleLayout& layout, FoldedGrid& grid) {
  grid.width = 0;
  grid.height = 0;
  const std::vector<TokenInstance>& blocks = layout.instances;
  if (blocks.empty()) {
    grid.texels.clear();
    return false;
  }
  uint32_t width = 0;
  size_t rows = layout.line_count;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const TokenInstance& block = blocks[i];
    if (!(block.flags & kFoldedBlockFlag) ||
        (i > 0 && (block.row < blocks[i - 1].row ||
                   (block.row == blocks[i - 1].row && block.column < blocks[i - 1].column + blocks[i - 1].cells)))) {
      grid.texels.clear();
      return false;
    }
    width = std::max<uint32_t>(width, uint32_t{block.column} + block.cells);
    rows = std::max<size_t>(rows, size_t{block.row} + 1);
  }
  grid.width = std::max<uint32_t>(width, 1);
  grid.height = static_cast<uint32_t>(rows);
  // Every texel is written below: the storage is reused as it is (resizing after a clear would
  // zero megabytes a frame first).
  grid.texels.resize(size_t{grid.width} * grid.height);
  const float canvas = std::bit_cast<float>(kFoldedCanvasBits);
  // Rows [first_row, end_row) from their first block, each texel written once: the blocks of a
  // row, canvas between and after them.
  const auto fill_rows = [&grid, &blocks, canvas](uint32_t first_row, uint32_t end_row) {
    size_t next = static_cast<size_t>(
        std::lower_bound(blocks.begin(), blocks.end(), first_row,
                         [](const TokenInstance& block, uint32_t row) { return block.row < row; }) -
        blocks.begin());
    for (uint32_t row = first_row; row < end_row; ++row) {
      float* const line = grid.texels.data() + size_t{row} * grid.width;
      uint32_t filled = 0;
      for (; next < blocks.size() && blocks[next].row == row; ++next) {
        const TokenInstance& block = blocks[next];
        const float texel = (block.flags & kUnmeasuredFlag) ? canvas
                            : (block.flags & kNoValueFlag)  ? NAN
                                                            : block.value;
        std::fill(line + filled, line + block.column, canvas);
        std::fill(line + block.column, line + block.column + block.cells, texel);
        filled = uint32_t{block.column} + block.cells;
      }
      std::fill(line + filled, line + grid.width, canvas);
    }
  };
  if (grid.texels.size() < kTexelsForTwoThreads) {
    fill_rows(0, grid.height);
  } else {
    const uint32_t half = grid.height / 2;
    RunBothInParallel([&] { fill_rows(0, half); }, [&] { fill_rows(half, grid.height); });
  }
  return true;
}

}  // namespace th
