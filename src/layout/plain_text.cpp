#include "layout/plain_text.hpp"

#include <cmath>
#include <vector>

#include "layout/display_cells.hpp"

namespace th {

int PlainTextCells(std::string_view text) {
  std::vector<DisplayUnit> units;
  SplitDisplayUnits(text, units);
  int cells = 0;
  for (const DisplayUnit& unit : units) cells += unit.cells;
  return cells;
}

namespace {

// An instance at (row, column) whose cells are the next ones appended to layout.cells.
TokenInstance InstanceAtNextCells(const VisibleLayout& layout, int row, int column, uint16_t flags, float value) {
  TokenInstance instance{};
  instance.column = static_cast<uint16_t>(column);
  instance.row = static_cast<uint16_t>(row);
  instance.flags = flags;
  instance.value = value;
  instance.first_cell = static_cast<uint32_t>(layout.cells.size());
  instance.underline = NAN;
  return instance;
}

}  // namespace

void AppendBlankBox(VisibleLayout& layout, int row, int column, int cells, uint16_t flags, float value) {
  TokenInstance instance = InstanceAtNextCells(layout, row, column, flags, value);
  instance.cells = static_cast<uint16_t>(cells);
  layout.cells.insert(layout.cells.end(), static_cast<size_t>(cells), U' ');
  layout.instances.push_back(instance);
}

int AppendPlainText(VisibleLayout& layout, int row, int column, std::string_view text) {
  if (text.empty()) return 0;
  std::vector<DisplayUnit> units;
  SplitDisplayUnits(text, units);
  ReorderForDisplay(text, units);
  TokenInstance instance = InstanceAtNextCells(layout, row, column, kPlainTextFlag, NAN);
  for (DisplayUnit unit : units) {
    if (unit.marker && text.substr(unit.byte_begin, unit.byte_end - unit.byte_begin) == " ") {
      unit.glyph = U' ';
      unit.marker = false;
    }
    AppendUnitCells(text, unit, layout);
  }
  instance.cells = static_cast<uint16_t>(layout.cells.size() - instance.first_cell);
  layout.instances.push_back(instance);
  return instance.cells;
}

}  // namespace th
