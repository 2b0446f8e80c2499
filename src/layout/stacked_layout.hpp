#pragma once
// The stacked view, the "top examples" view of a feature dashboard: every listed sequence as a
// block of lines, a one-line header (name, token count, max and mean of the channel), then its
// tokens wrapped as in the running text, then a blank line; all blocks in one scroll. A prefix
// sum of the blocks' line counts maps a line of the whole to (block, line in block) by binary
// search, so only the visible blocks are laid out, and positions are 64-bit lines and pixels:
// exact at any number of sequences.

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.hpp"
#include "layout/value_pyramid.hpp"
#include "layout/visible_layout.hpp"

namespace th {

// [Sequence list] What the data panel lists and the stacked view stacks.

enum class SequenceOrder { kFile, kMax, kMean, kLength };
inline constexpr SequenceOrder kSequenceOrders[] = {SequenceOrder::kFile, SequenceOrder::kMax, SequenceOrder::kMean,
                                                    SequenceOrder::kLength};
std::string SequenceOrderName(SequenceOrder order);  // "file", "max", "mean", "length"
std::optional<SequenceOrder> ParseSequenceOrder(std::string_view name);

// One sequence's statistics for its header and for sorting.
struct SequenceSummary {
  uint64_t tokens = 0;
  SpanStats stats;  // of the channel's finite values: what the overview strip reduces a block by
  // Over the channel's finite values; NaN when it has none (or no such channel).
  float Max() const { return stats.Reduced(Reduction::kMax); }
  float Mean() const { return stats.Reduced(Reduction::kMean); }
};
// Each sequence's values (the stacked view colours every block by them): values[i] belongs to
// sequence i, empty where it has none.
using ValuesBySequence = std::vector<std::span<const float>>;
std::vector<SequenceSummary> SummariseSequences(const Document& document, std::span<const std::span<const float>> values);
// The channel of that name in each sequence (empty where a sequence lacks it).
ValuesBySequence ChannelValuesBySequence(const Document& document, std::string_view channel);

// The sequences whose name contains `filter` (ignoring ASCII case; "" keeps every one), in file
// order or by descending max, mean or token count. Sequences without a value sort last; ties
// keep file order.
std::vector<uint32_t> ListSequences(const Document& document, std::span<const SequenceSummary> summaries,
                                    std::string_view filter, SequenceOrder order);

// [Blocks]

inline constexpr uint64_t kBlockHeaderLines = 1;
inline constexpr uint64_t kBlockGapLines = 1;  // blank, after each block's text

// Prefix sums of the blocks' line counts.
class BlockIndex {
 public:
  BlockIndex() = default;
  explicit BlockIndex(std::span<const uint64_t> block_lines);

  size_t BlockCount() const { return m_starts.size() - 1; }
  uint64_t LineCount() const { return m_starts.back(); }
  uint64_t FirstLine(size_t block) const { return m_starts[block]; }
  uint64_t BlockLines(size_t block) const { return m_starts[block + 1] - m_starts[block]; }
  // The block holding the line (line < LineCount()): O(log blocks).
  size_t BlockOfLine(uint64_t line) const;

 private:
  std::vector<uint64_t> m_starts{0};  // m_starts[b]: first line of block b; back(): all lines
};

// A scroll position as the block at the top, its line there and the pixels scrolled past that
// line's top: it survives re-wrapping, filtering and sorting, which move every pixel position.
// Content pixel y of line L is padding + L * pitch.
struct StackedAnchor {
  size_t block = 0;
  uint64_t line = 0;    // within the block: 0 is its header
  int64_t offset = 0;   // pixels below the line's top (negative above line 0, in the padding)
  bool operator==(const StackedAnchor&) const = default;
};
StackedAnchor AnchorOfScroll(const BlockIndex& blocks, int64_t scroll_px, int pitch, int padding);
int64_t ScrollOfAnchor(const BlockIndex& blocks, const StackedAnchor& anchor, int pitch, int padding);

// The header line: "name  243 tokens  max 14  mean 4.43", the name shortened with an ellipsis
// when the whole would not fit in `columns` cells.
std::string BlockHeader(const Sequence& sequence, const SequenceSummary& summary, int columns);

// [Overview] The stacked view's overview strip: every line of the whole (headers and gaps
// included) as a column of `rows` pixel rows, row r showing lines [floor(r * L / rows),
// ceil((r + 1) * L / rows)) of L, so each row shows at least one line and clicking maps
// proportionally to the scroll position.

// The row showing the line: floor(line * rows / lines).
size_t OverviewRowOfLine(uint64_t line, uint64_t lines, size_t rows);
// The line at the row's middle, floor((row + 1/2) * lines / rows): one the row shows, where
// scrubbing to the row goes; with no more lines than rows, every line is some row's.
uint64_t OverviewLineOfRow(size_t row, uint64_t lines, size_t rows);
// The rows showing the lines a viewport scrolled to `scroll` shows, first and last: the frame
// marking the view.
struct OverviewRowSpan {
  size_t first = 0;
  size_t last = 0;
};
OverviewRowSpan OverviewRowsOfView(int64_t scroll, int viewport_height, uint64_t lines, size_t rows, int pitch,
                                   int padding);
// The scroll position putting the row's line (OverviewLineOfRow) in the middle of the viewport.
int64_t ScrollOfOverviewRow(size_t row, uint64_t lines, size_t rows, int pitch, int padding, int viewport_height);
// Each row reduces the values of every block it shows a line of, from the blocks' summaries
// (SequenceSummary::stats), so a block several rows tall colours them alike and a single-token
// spike survives max-abs over any number of sequences: O(blocks + rows). NaN for a row of
// blocks without a value (every row when there are no lines).
std::vector<float> StackedOverviewRows(const BlockIndex& blocks, std::span<const uint32_t> listed,
                                       std::span<const SequenceSummary> summaries, size_t rows, Reduction reduction);

// [Layout]

inline constexpr uint64_t kHeaderToken = UINT64_MAX;  // VisibleLayout::tokens of a header's instance

struct StackedLines {
  VisibleLayout layout;                // rows from first_line; a header is one kPlainTextFlag instance
  std::vector<uint32_t> row_sequence;  // the sequence each laid-out row belongs to
  std::vector<uint64_t> row_line;      // and the row's line within its block (0: the header)
};

// Lines [first_line, first_line + line_count) of the blocks of `listed` (document indices, one
// block each), clipped to blocks.LineCount(). wrapped[i]: sequence i's complete line index at
// `columns`, for every listed i (kept by the caller, so that a frame costs the lines in view, not
// the sequences' lengths). Each block's tokens carry its sequence's values (no value where it has
// none).
StackedLines LayoutStackedLines(const Document& document, std::span<const uint32_t> listed,
                                std::span<const SequenceSummary> summaries, const BlockIndex& blocks,
                                std::span<const LineIndex> wrapped, std::span<const std::span<const float>> values,
                                int columns, TokenText text, uint64_t first_line, size_t line_count);

}  // namespace th
