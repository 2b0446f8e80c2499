#include "layout/stacked_layout.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "core/utf8.hpp"
#include "layout/display_cells.hpp"
#include "layout/line_index.hpp"
#include "layout/plain_text.hpp"

namespace th {

namespace {

// The text cut at a unit boundary to at most `cells` cells, ending in "…" when cut.
std::string FitToCells(std::string_view text, int cells) {
  if (PlainTextCells(text) <= cells) return std::string(text);
  std::vector<DisplayUnit> units;
  SplitDisplayUnits(text, units);
  int used = 0;
  size_t end = 0;
  for (const DisplayUnit& unit : units) {
    if (used + unit.cells > cells - 1) break;
    used += unit.cells;
    end = unit.byte_end;
  }
  return std::string(text.substr(0, end)) + "\u2026";
}

std::string FormatNumber(float value) {
  if (!std::isfinite(value)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", static_cast<double>(value));
  return text;
}

// Appends `part` (a layout of its own) `row_offset` rows further down.
void AppendLayout(VisibleLayout& out, const VisibleLayout& part, size_t row_offset) {
  const auto first_cell = static_cast<uint32_t>(out.cells.size());
  const auto first_cluster = static_cast<uint32_t>(out.clusters.size());
  for (TokenInstance instance : part.instances) {
    instance.row = static_cast<uint16_t>(instance.row + row_offset);
    instance.first_cell += first_cell;
    out.instances.push_back(instance);
  }
  for (uint32_t cell : part.cells) {
    const bool cluster = (cell & kClusterBit) != 0 && (cell & kContinuationBit) == 0;
    out.cells.push_back(cluster ? cell + first_cluster : cell);
  }
  out.clusters.insert(out.clusters.end(), part.clusters.begin(), part.clusters.end());
  out.tokens.insert(out.tokens.end(), part.tokens.begin(), part.tokens.end());
  out.byte_begin.insert(out.byte_begin.end(), part.byte_begin.begin(), part.byte_begin.end());
  out.byte_end.insert(out.byte_end.end(), part.byte_end.begin(), part.byte_end.end());
}

}  // namespace

std::string SequenceOrderName(SequenceOrder order) {
  switch (order) {
    case SequenceOrder::kMax: return "max";
    case SequenceOrder::kMean: return "mean";
    case SequenceOrder::kLength: return "length";
    case SequenceOrder::kFile: break;
  }
  return "file";
}

std::optional<SequenceOrder> ParseSequenceOrder(std::string_view name) {
  for (const SequenceOrder order : kSequenceOrders)
    if (SequenceOrderName(order) == name) return order;
  return std::nullopt;
}

std::vector<SequenceSummary> SummariseSequences(const Document& document, std::span<const std::span<const float>> values) {
  std::vector<SequenceSummary> summaries(document.sequences.size());
  for (size_t i = 0; i < document.sequences.size(); ++i) {
    SequenceSummary& summary = summaries[i];
    summary.tokens = document.sequences[i].TokenCount();
    if (i < values.size())
      for (const float value : values[i]) summary.stats.Add(value);
  }
  return summaries;
}

ValuesBySequence ChannelValuesBySequence(const Document& document, std::string_view channel) {
  ValuesBySequence values(document.sequences.size());
  for (size_t i = 0; i < document.sequences.size(); ++i) {
    const Sequence& sequence = document.sequences[i];
    if (const int index = sequence.FindChannel(channel); index >= 0)
      values[i] = sequence.channels[static_cast<size_t>(index)].values;
  }
  return values;
}

std::vector<uint32_t> ListSequences(const Document& document, std::span<const SequenceSummary> summaries,
                                    std::string_view filter, SequenceOrder order) {
  std::vector<uint32_t> listed;
  for (size_t i = 0; i < document.sequences.size(); ++i)
    if (filter.empty() || ContainsIgnoringAsciiCase(document.sequences[i].name, filter)) listed.push_back(static_cast<uint32_t>(i));
  if (order == SequenceOrder::kFile) return listed;
  const auto key = [&](uint32_t sequence) {
    const SequenceSummary& summary = summaries[sequence];
    switch (order) {
      case SequenceOrder::kMax: return static_cast<double>(summary.Max());
      case SequenceOrder::kMean: return static_cast<double>(summary.Mean());
      case SequenceOrder::kLength:
      case SequenceOrder::kFile: break;
    }
    return static_cast<double>(summary.tokens);
  };
  std::stable_sort(listed.begin(), listed.end(), [&](uint32_t a, uint32_t b) {
    const double ka = key(a), kb = key(b);
    if (std::isnan(ka) || std::isnan(kb)) return !std::isnan(ka) && std::isnan(kb);
    return ka > kb;
  });
  return listed;
}

BlockIndex::BlockIndex(std::span<const uint64_t> block_lines) {
  m_starts.resize(block_lines.size() + 1);
  std::inclusive_scan(block_lines.begin(), block_lines.end(), m_starts.begin() + 1);
}

size_t BlockIndex::BlockOfLine(uint64_t line) const {
  // The last block starting at or before the line (empty blocks share a start with the next).
  const auto after = std::upper_bound(m_starts.begin(), m_starts.end() - 1, line);
  return static_cast<size_t>(after - m_starts.begin()) - 1;
}

StackedAnchor AnchorOfScroll(const BlockIndex& blocks, int64_t scroll_px, int pitch, int padding) {
  if (blocks.LineCount() == 0) return {0, 0, scroll_px - padding};
  const auto line = std::min<uint64_t>(static_cast<uint64_t>(std::max<int64_t>(scroll_px - padding, 0) / pitch),
                                       blocks.LineCount() - 1);
  const size_t block = blocks.BlockOfLine(line);
  const int64_t line_top = padding + static_cast<int64_t>(line) * pitch;
  return {block, line - blocks.FirstLine(block), scroll_px - line_top};
}

int64_t ScrollOfAnchor(const BlockIndex& blocks, const StackedAnchor& anchor, int pitch, int padding) {
  if (anchor.block >= blocks.BlockCount()) return 0;
  const uint64_t line = blocks.FirstLine(anchor.block) + std::min(anchor.line, blocks.BlockLines(anchor.block) - 1);
  return padding + static_cast<int64_t>(line) * pitch + anchor.offset;
}

size_t OverviewRowOfLine(uint64_t line, uint64_t lines, size_t rows) {
  return ValuePyramid::RowOfToken(line, lines, rows);
}

uint64_t OverviewLineOfRow(size_t row, uint64_t lines, size_t rows) {
  if (rows == 0) return 0;
  // (2 row + 1) * lines stays far below 2^64: rows is a pixel count.
  return (2 * static_cast<uint64_t>(row) + 1) * lines / (2 * static_cast<uint64_t>(rows));
}

OverviewRowSpan OverviewRowsOfView(int64_t scroll, int viewport_height, uint64_t lines, size_t rows, int pitch,
                                   int padding) {
  if (lines == 0 || rows == 0) return {};
  const auto line_at = [&](int64_t y) {
    return std::min(static_cast<uint64_t>(std::max<int64_t>(y - padding, 0) / pitch), lines - 1);
  };
  const uint64_t last_line = line_at(scroll + viewport_height - 1);
  // The last row showing the last line: ceil((last_line + 1) * rows / lines) - 1.
  const auto last = static_cast<size_t>(((last_line + 1) * rows + lines - 1) / lines) - 1;
  return {OverviewRowOfLine(line_at(scroll), lines, rows), std::min(last, rows - 1)};
}

int64_t ScrollOfOverviewRow(size_t row, uint64_t lines, size_t rows, int pitch, int padding, int viewport_height) {
  const auto line = static_cast<int64_t>(OverviewLineOfRow(row, lines, rows));
  return padding + line * pitch - viewport_height / 2;
}

std::vector<float> StackedOverviewRows(const BlockIndex& blocks, std::span<const uint32_t> listed,
                                       std::span<const SequenceSummary> summaries, size_t rows, Reduction reduction) {
  const uint64_t lines = blocks.LineCount();
  std::vector<float> out(rows);
  size_t first_block = 0;  // the block of the row's first line: rows only move down
  for (size_t row = 0; row < rows; ++row) {
    // The lines the row's pixel shows: from the one its top is in to the one its bottom is in.
    const uint64_t begin = static_cast<uint64_t>(row) * lines / rows;
    const uint64_t end = (static_cast<uint64_t>(row + 1) * lines + rows - 1) / rows;
    while (first_block + 1 < blocks.BlockCount() && blocks.FirstLine(first_block + 1) <= begin) ++first_block;
    SpanStats stats;
    for (size_t block = first_block; block < blocks.BlockCount() && blocks.FirstLine(block) < end; ++block)
      if (blocks.BlockLines(block) > 0) stats.Merge(summaries[listed[block]].stats);
    out[row] = stats.Reduced(reduction);
  }
  return out;
}

std::string BlockHeader(const Sequence& sequence, const SequenceSummary& summary, int columns) {
  const std::string stats = "  " + std::to_string(summary.tokens) + (summary.tokens == 1 ? " token" : " tokens") +
                            "  max " + FormatNumber(summary.Max()) + "  mean " + FormatNumber(summary.Mean());
  const int name_cells = std::max(columns - PlainTextCells(stats), 1);
  return FitToCells(sequence.name, name_cells) + stats;
}

StackedLines LayoutStackedLines(const Document& document, std::span<const uint32_t> listed,
                                std::span<const SequenceSummary> summaries, const BlockIndex& blocks,
                                std::span<const LineIndex> wrapped, std::span<const std::span<const float>> values,
                                int columns, TokenText text, uint64_t first_line, size_t line_count) {
  StackedLines out;
  first_line = std::min(first_line, blocks.LineCount());
  const uint64_t end_line = std::min<uint64_t>(first_line + line_count, blocks.LineCount());
  out.layout.first_line = static_cast<size_t>(first_line);
  out.layout.line_count = static_cast<size_t>(end_line - first_line);
  if (first_line == end_line) return out;
  for (size_t block = blocks.BlockOfLine(first_line); block < blocks.BlockCount(); ++block) {
    const uint64_t block_first = blocks.FirstLine(block);
    if (block_first >= end_line) break;
    const uint32_t index = listed[block];
    const Sequence& sequence = document.sequences[index];
    // The block's lines in view, [from, to) within the block.
    const uint64_t from = std::max(first_line, block_first) - block_first;
    const uint64_t to = std::min(end_line, block_first + blocks.BlockLines(block)) - block_first;
    for (uint64_t line = from; line < to; ++line) {
      out.row_sequence.push_back(index);
      out.row_line.push_back(line);
    }
    // The block's header row relative to the first laid-out line (negative when above it).
    const int64_t block_row = static_cast<int64_t>(block_first) - static_cast<int64_t>(first_line);
    if (from == 0) {
      AppendPlainText(out.layout, static_cast<int>(block_row), 0, BlockHeader(sequence, summaries[index], columns));
      out.layout.tokens.push_back(kHeaderToken);
      out.layout.byte_begin.push_back(0);
      out.layout.byte_end.push_back(0);
    }
    // Text lines: block lines [kBlockHeaderLines, BlockLines - kBlockGapLines).
    const uint64_t text_from = std::max(from, kBlockHeaderLines) - kBlockHeaderLines;
    const uint64_t text_to = std::min(to, blocks.BlockLines(block) - kBlockGapLines);
    if (text_to <= kBlockHeaderLines || text_to - kBlockHeaderLines <= text_from) continue;
    const VisibleLayout part = LayoutLines(sequence, wrapped[index], index < values.size() ? values[index] : std::span<const float>(),
                                           static_cast<size_t>(text_from),
                                           static_cast<size_t>(text_to - kBlockHeaderLines - text_from), text);
    AppendLayout(out.layout, part, static_cast<size_t>(block_row + static_cast<int64_t>(kBlockHeaderLines + text_from)));
  }
  return out;
}

}  // namespace th
