#include "layout/visible_layout.hpp"

#include <algorithm>
#include <cmath>

#include "layout/display_cells.hpp"

namespace th {

void AppendUnitCells(std::string_view text, const DisplayUnit& unit, VisibleLayout& layout) {
  uint32_t first = unit.glyph;
  if (unit.glyph == 0) {
    AppendUnitCluster(text, unit, layout.clusters.emplace_back());
    first = static_cast<uint32_t>(layout.clusters.size() - 1) | kClusterBit;
  }
  const uint32_t marker = unit.marker ? kMarkerBit : 0;
  layout.cells.push_back(first | marker);
  for (int i = 1; i < unit.cells; ++i) layout.cells.push_back(kContinuationBit | marker);
}

VisibleLayout LayoutLines(const Sequence& sequence, const LineIndex& index,
                          std::span<const float> values, size_t first_line, size_t line_count,
                          TokenText which) {
  VisibleLayout layout;
  LinePieceReader pieces;
  std::vector<DisplayUnit> piece;
  layout.first_line = std::min(first_line, index.LineCount());
  layout.line_count = std::min(line_count, index.LineCount() - layout.first_line);

  for (size_t row = 0; row < layout.line_count; ++row) {
    const size_t line = layout.first_line + row;
    const LineStart begin = index.Line(line);
    const LineStart end = index.LineEnd(line);
    uint16_t column = 0;
    for (uint64_t t = begin.token; t < end.token || (t == end.token && end.cell > 0); ++t) {
      const std::string_view text = sequence.Token(t, which);
      TokenInstance instance{};
      instance.column = column;
      instance.row = static_cast<uint16_t>(row);
      instance.first_cell = static_cast<uint32_t>(layout.cells.size());
      const float value = t < values.size() ? values[t] : NAN;
      instance.value = value;
      instance.underline = NAN;  // the session fills it when an underline channel is chosen
      const uint8_t token_flags = sequence.Flags(t);
      const uint16_t no_value = token_flags & kTokenUnmeasured ? kUnmeasuredFlag : kNoValueFlag;
      instance.flags = static_cast<uint16_t>((std::isfinite(value) ? 0 : no_value) |
                                            (token_flags & kTokenSpecial ? kSpecialTokenFlag : 0) |
                                            (token_flags & kTokenMarked ? kSourceTokenFlag : 0));

      // The token's units that fall on this line, in visual order.
      DisplayUnitReader reader = pieces.Read(t, text, begin, end);
      piece.clear();
      for (DisplayUnit unit; reader.Next(unit);) piece.push_back(unit);
      ReorderForDisplay(text, piece);
      for (const DisplayUnit& unit : piece) AppendUnitCells(text, unit, layout);
      instance.cells = static_cast<uint16_t>(layout.cells.size() - instance.first_cell);
      if (instance.cells == 0) continue;
      column = static_cast<uint16_t>(column + instance.cells);
      layout.instances.push_back(instance);
      layout.tokens.push_back(t);
      layout.byte_begin.push_back(static_cast<uint32_t>(reader.ByteBegin()));
      layout.byte_end.push_back(static_cast<uint32_t>(reader.ByteEnd()));
    }
  }
  return layout;
}

std::optional<size_t> HitTest(const VisibleLayout& layout, const GridGeometry& geometry, double x,
                              double y) {
  if (x < 0 || y < 0) return std::nullopt;
  const double pitch = geometry.LinePitch();
  const auto row = static_cast<uint64_t>(y / pitch);
  if (y - static_cast<double>(row) * pitch >= geometry.cell_height) return std::nullopt;
  const auto column = static_cast<uint64_t>(x / geometry.cell_width);
  // Instances are ordered by (row, column): find the last one starting at or before the point.
  const auto it = std::upper_bound(
      layout.instances.begin(), layout.instances.end(), std::pair{row, column},
      [](const std::pair<uint64_t, uint64_t>& point, const TokenInstance& instance) {
        return point.first < instance.row || (point.first == instance.row && point.second < instance.column);
      });
  if (it == layout.instances.begin()) return std::nullopt;
  const TokenInstance& candidate = *(it - 1);
  if (candidate.row != row || column >= static_cast<uint64_t>(candidate.column) + candidate.cells)
    return std::nullopt;
  return static_cast<size_t>(it - 1 - layout.instances.begin());
}

}  // namespace th
