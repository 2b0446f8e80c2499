#include "layout/line_index.hpp"

#include <algorithm>
#include <span>

#include "layout/display_cells.hpp"

namespace th {

namespace {

// Cells up to and including the first newline (what must fit on the current line), and the
// total cell count.
struct TokenExtent {
  uint32_t first_segment = 0;
  uint32_t total = 0;
};

TokenExtent MeasureToken(const std::vector<DisplayUnit>& units) {
  TokenExtent extent;
  bool seen_break = false;
  for (const DisplayUnit& unit : units) {
    extent.total += unit.cells;
    if (!seen_break) extent.first_segment += unit.cells;
    seen_break = seen_break || unit.breaks_line;
  }
  return extent;
}

// The display units of each token, measured once per vocabulary entry for tokens stored as ids
// into a shared table: a long document repeats a few thousand strings millions of times, and
// splitting them is most of the wrapping time. A token whose text is not its entry's (a
// decoding override) is recognised by its address and measured on its own.
class TokenUnits {
 public:
  TokenUnits(const Sequence& sequence, TokenText text)
      : m_sequence(sequence), m_text(text), m_ids(sequence.Table() ? std::span<const int32_t>(sequence.TokenIds()) : std::span<const int32_t>()) {}

  const std::vector<DisplayUnit>& Of(uint64_t token) {
    const std::string_view text = m_sequence.Token(token, m_text);
    if (m_ids.empty()) {
      SplitDisplayUnits(text, m_scratch);
      return m_scratch;
    }
    const auto id = static_cast<size_t>(m_ids[token]);
    if (id >= m_cache.size()) m_cache.resize(id + 1);
    Entry& entry = m_cache[id];
    if (entry.text != text.data() || entry.size != text.size()) {
      SplitDisplayUnits(text, entry.units);
      entry.text = text.data();
      entry.size = text.size();
    }
    return entry.units;
  }

 private:
  struct Entry {
    const char* text = nullptr;  // what the units were measured from
    size_t size = 0;
    std::vector<DisplayUnit> units;
  };
  const Sequence& m_sequence;
  TokenText m_text;
  std::span<const int32_t> m_ids;
  std::vector<Entry> m_cache;  // by id
  std::vector<DisplayUnit> m_scratch;
};

}  // namespace

LineIndex LineIndex::Build(const Sequence& sequence, int columns, TokenText text) {
  LineIndex index;
  index.m_columns = std::max(columns, 1);
  index.m_token_count = sequence.TokenCount();
  index.m_starts.push_back({0, 0});
  const uint32_t width = static_cast<uint32_t>(index.m_columns);
  uint32_t column = 0;
  // A break is pending after a newline or a full line; it is materialised only when another
  // cell follows, so the document never ends with an empty line.
  bool pending_break = false;
  const auto start_line = [&](uint64_t token, uint32_t cell) {
    index.m_starts.push_back({token, cell});
    column = 0;
    pending_break = false;
  };

  TokenUnits token_units(sequence, text);
  for (uint64_t t = 0; t < index.m_token_count; ++t) {
    const std::vector<DisplayUnit>& units = token_units.Of(t);
    const TokenExtent extent = MeasureToken(units);
    if (pending_break) {
      start_line(t, 0);
    } else if (column > 0 && column + extent.first_segment > width && extent.first_segment <= width) {
      start_line(t, 0);
    }
    uint32_t cell_index = 0;
    for (const DisplayUnit& unit : units) {
      // A unit is never split; one wider than a whole line gets a line of its own.
      if (pending_break || (column > 0 && column + unit.cells > width)) start_line(t, cell_index);
      column += unit.cells;
      cell_index += unit.cells;
      pending_break = unit.breaks_line || column >= width;
    }
  }
  return index;
}

LineStart LineIndex::LineEnd(size_t line) const {
  if (line + 1 < m_starts.size()) return m_starts[line + 1];
  return {m_token_count, 0};
}

size_t LineIndex::LineOfToken(uint64_t token) const {
  // The last line that starts at or before the token's first cell.
  const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), LineStart{token, 0},
                                   [](const LineStart& a, const LineStart& b) {
                                     return a.token < b.token || (a.token == b.token && a.cell < b.cell);
                                   });
  return static_cast<size_t>(std::max<ptrdiff_t>(it - m_starts.begin() - 1, 0));
}

}  // namespace th
