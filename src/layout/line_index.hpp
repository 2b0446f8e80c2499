#pragma once
// Line breaking for one sequence at a given number of columns. The index stores where each line
// starts (token, cell and byte within the token), so the visible window is found by index
// arithmetic and a token's line by binary search; nothing per frame walks the whole sequence, nor
// the whole of a long token.
//
// Wrapping rules: a token moves to the next line when it does not fit in what is left of the
// current one but fits on an empty line; a token longer than a whole line is split across
// lines between its display units (a wide character or a shaped run is never cut); a newline
// ends its line.
//
// A long document is wrapped in blocks (LineWrapper): the session wraps the first screen at once
// and the rest on a background thread, appending each finished block to its index, so the view
// is live while a hundred million tokens wrap. Blocks appended in order give exactly Build's
// lines.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/document.hpp"
#include "layout/display_cells.hpp"

namespace th {

struct LineStart {
  uint64_t token = 0;  // first token drawn on the line
  uint32_t cell = 0;   // the line starts at this cell of that token (non-zero for split tokens)
  // Where that cell's display unit starts in the token's text: a line inside a long token is laid
  // out from there, without reading the token from its start.
  uint32_t byte = 0;
  bool operator==(const LineStart&) const = default;
};

// What one LineWrapper::Wrap call wrapped: tokens up to end_token, and the lines that start
// among them.
struct LineBlock {
  uint64_t end_token = 0;
  std::vector<LineStart> starts;
};

class LineIndex {
 public:
  LineIndex() = default;
  // An empty index of a sequence of token_count tokens, to which blocks are appended.
  LineIndex(int columns, uint64_t token_count);
  // columns >= 1. O(total bytes of the sequence).
  // text: which of the tokens' texts is drawn (decoded or raw); both keep the same boxes.
  static LineIndex Build(const Sequence& sequence, int columns, TokenText text = TokenText::kDecoded);

  // The next block of the same sequence, in order.
  void Append(const LineBlock& block);
  // The sequence has grown to token_count tokens (a live stream appended to it): the line that was
  // last grows again until blocks of the new tokens are appended.
  void Grow(uint64_t token_count);
  uint64_t TokenCount() const { return m_token_count; }
  // Every token is wrapped.
  bool Complete() const { return m_wrapped_tokens == m_token_count && !m_starts.empty(); }
  uint64_t WrappedTokens() const { return m_wrapped_tokens; }
  // The tokens whose first cell is on one of the LineCount() lines.
  uint64_t KnownTokens() const;

  int Columns() const { return m_columns; }
  // The lines whose end is known: all of them once complete; before that, the last line started
  // may still grow and is not counted.
  size_t LineCount() const { return Complete() ? m_count : (m_count > 0 ? m_count - 1 : 0); }
  const LineStart& Line(size_t line) const { return m_starts[line >> kChunkBits][line & kChunkMask]; }
  // End of a line: the start of the next one, or one past the last token.
  LineStart LineEnd(size_t line) const;
  // The line on which the token's first cell is drawn (among LineCount() lines).
  size_t LineOfToken(uint64_t token) const;

 private:
  // Fixed-size chunks: appending never moves what is stored, so the index grows by 16 bytes a
  // line without the transient copies of a doubling vector.
  static constexpr size_t kChunkBits = 16;
  static constexpr size_t kChunkMask = (size_t{1} << kChunkBits) - 1;

  int m_columns = 0;
  uint64_t m_token_count = 0;
  uint64_t m_wrapped_tokens = 0;
  size_t m_count = 0;  // line starts stored
  std::vector<std::vector<LineStart>> m_starts;
};

// Reads the piece of each token that a line draws (display_cells.hpp), line after line: only the
// piece's own bytes, so laying out one line of a token of millions of characters costs a line.
class LinePieceReader {
 public:
  // The units of token `token`, whose text is `text`, on the line that starts at line_begin and
  // ends at line_end (LineIndex::Line and LineEnd). The index must have been built from this text.
  DisplayUnitReader Read(uint64_t token, std::string_view text, const LineStart& line_begin, const LineStart& line_end);
  // The same piece's width in cells and its bytes in the token, for the zoomed-out view, which
  // needs no units: printable ASCII (a cell a byte, whitespace-only tokens' spaces included) is
  // counted without decoding, anything else is read unit by unit.
  struct PieceWidth {
    uint32_t cells = 0;
    uint32_t byte_begin = 0;
    uint32_t byte_end = 0;
  };
  PieceWidth Measure(uint64_t token, std::string_view text, const LineStart& line_begin, const LineStart& line_end);

 private:
  // Whether the last token read is only whitespace, which needs its whole text: a token on many
  // lines is looked at once.
  uint64_t m_token = UINT64_MAX;
  bool m_only_whitespace = false;
};

// Wraps a sequence from its first token, a block at a time. It reads the sequence, which must
// outlive it and not change meanwhile; it may run on another thread than the index's owner.
class LineWrapper {
 public:
  LineWrapper(const Sequence& sequence, int columns, TokenText text = TokenText::kDecoded);
  LineWrapper(LineWrapper&&) noexcept;
  LineWrapper& operator=(LineWrapper&&) noexcept;
  ~LineWrapper();

  // Wraps up to max_tokens more tokens.
  LineBlock Wrap(uint64_t max_tokens);
  // The sequence grew (tokens appended, none changed; it may have moved): wrapping goes on from
  // where it stopped, to exactly the lines a wrap of the whole would give.
  void Continue(const Sequence& sequence);
  bool Done() const;

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

}  // namespace th
