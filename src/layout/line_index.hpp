#pragma once
// Line breaking for one sequence at a given number of columns. The index stores where each line
// starts (token, cell within the token), so the visible window is found by index arithmetic and
// a token's line by binary search; nothing per frame walks the whole sequence.
//
// Wrapping rules: a token moves to the next line when it does not fit in what is left of the
// current one but fits on an empty line; a token longer than a whole line is split across
// lines between its display units (a wide character or a shaped run is never cut); a newline
// ends its line.

#include <cstdint>
#include <vector>

#include "core/document.hpp"

namespace th {

struct LineStart {
  uint64_t token = 0;  // first token drawn on the line
  uint32_t cell = 0;   // the line starts at this cell of that token (non-zero for split tokens)
  bool operator==(const LineStart&) const = default;
};

class LineIndex {
 public:
  LineIndex() = default;
  // columns >= 1. O(total bytes of the sequence).
  // text: which of the tokens' texts is drawn (decoded or raw); both keep the same boxes.
  static LineIndex Build(const Sequence& sequence, int columns, TokenText text = TokenText::kDecoded);

  int Columns() const { return m_columns; }
  size_t LineCount() const { return m_starts.size(); }
  const LineStart& Line(size_t line) const { return m_starts[line]; }
  // End of a line: the start of the next one, or one past the last token.
  LineStart LineEnd(size_t line) const;
  // The line on which the token's first cell is drawn.
  size_t LineOfToken(uint64_t token) const;

 private:
  int m_columns = 0;
  uint64_t m_token_count = 0;
  std::vector<LineStart> m_starts;
};

}  // namespace th
