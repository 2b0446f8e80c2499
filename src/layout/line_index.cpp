#include "layout/line_index.hpp"

#include <algorithm>
#include <span>
#include <string>
#include <unordered_map>

namespace th {

namespace {

// What wrapping needs to know of a token's display units before placing them one by one.
struct MeasuredToken {
  uint32_t first_segment = 0;  // cells up to and including the first newline: what must fit
  uint32_t total = 0;          // all its cells
  // No newline before its last unit: when the whole token fits in what is left of the line, it
  // is placed at once instead of unit by unit.
  bool one_segment = true;
  bool ends_line = false;        // its last unit is a newline
  bool only_whitespace = false;  // IsOnlyWhitespace, for reading its units again

  void Measure(std::string_view text) {
    only_whitespace = IsOnlyWhitespace(text);
    first_segment = total = 0;
    one_segment = true;
    ends_line = false;
    bool seen_break = false;
    DisplayUnitReader reader(text, only_whitespace);
    for (DisplayUnit unit; reader.Next(unit);) {
      one_segment = one_segment && !seen_break;
      total += unit.cells;
      if (!seen_break) first_segment += unit.cells;
      seen_break = seen_break || unit.breaks_line;
      ends_line = unit.breaks_line;
    }
  }
};

// The measured tokens, measured once per vocabulary entry for tokens stored as ids into a shared
// table: a long document repeats a few thousand strings millions of times, and splitting them is
// most of the wrapping time. A token whose text is not its entry's (a decoding override) is
// recognised by its address and measured on its own.
class TokenMeasures {
 public:
  TokenMeasures(const Sequence& sequence, TokenText text)
      : m_sequence(&sequence),
        m_text(text),
        m_ids(sequence.Table() ? std::span<const int32_t>(sequence.TokenIds()) : std::span<const int32_t>()) {}

  // The token's text as wrapped.
  std::string_view Text(uint64_t token) const { return m_sequence->Token(token, m_text); }

  const MeasuredToken& Of(uint64_t token, std::string_view text) {
    if (m_ids.empty()) {
      // Tokens stored as strings (a live stream's, text files') repeat too: short ones are
      // measured once per distinct text, while the cache stays small.
      if (text.size() > kCachedTextBytes) {
        m_scratch.Measure(text);
        return m_scratch;
      }
      if (const auto found = m_by_text.find(text); found != m_by_text.end()) return found->second;
      if (m_by_text.size() >= kCachedTexts) m_by_text.clear();
      MeasuredToken measured;
      measured.Measure(text);
      return m_by_text.emplace(std::string(text), measured).first->second;
    }
    const auto id = static_cast<size_t>(m_ids[token]);
    if (id >= m_cache.size()) m_cache.resize(id + 1);
    Entry& entry = m_cache[id];
    if (entry.text != text.data() || entry.size != text.size()) {
      entry.measured.Measure(text);
      entry.text = text.data();
      entry.size = text.size();
    }
    return entry.measured;
  }

 private:
  struct Entry {
    const char* text = nullptr;  // what the units were measured from
    size_t size = 0;
    MeasuredToken measured;
  };
  const Sequence* m_sequence;
  TokenText m_text;
  std::span<const int32_t> m_ids;
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  static constexpr size_t kCachedTextBytes = 32;
  static constexpr size_t kCachedTexts = size_t{1} << 16;
  std::vector<Entry> m_cache;  // by id
  std::unordered_map<std::string, MeasuredToken, TextHash, std::equal_to<>> m_by_text;
  MeasuredToken m_scratch;
};

}  // namespace

// [SECTION] Wrapping

struct LineWrapper::State {
  State(const Sequence& sequence, int columns, TokenText drawn_text)
      : width(static_cast<uint32_t>(std::max(columns, 1))), token_count(sequence.TokenCount()), text(drawn_text),
        measures(sequence, drawn_text) {}

  uint32_t width;
  uint64_t token_count;
  TokenText text;
  TokenMeasures measures;
  uint64_t next_token = 0;
  uint32_t column = 0;
  // A break is pending after a newline or a full line; it is materialised only when another
  // cell follows, so the document never ends with an empty line.
  bool pending_break = false;
  bool started = false;  // line 0's start has been handed out
};

LineWrapper::LineWrapper(const Sequence& sequence, int columns, TokenText text)
    : m_state(std::make_unique<State>(sequence, columns, text)) {}
LineWrapper::LineWrapper(LineWrapper&&) noexcept = default;
LineWrapper& LineWrapper::operator=(LineWrapper&&) noexcept = default;
LineWrapper::~LineWrapper() = default;

void LineWrapper::Continue(const Sequence& sequence) {
  m_state->token_count = sequence.TokenCount();
  m_state->measures = TokenMeasures(sequence, m_state->text);
}

bool LineWrapper::Done() const { return m_state->started && m_state->next_token == m_state->token_count; }

LineBlock LineWrapper::Wrap(uint64_t max_tokens) {
  State& s = *m_state;
  LineBlock block;
  if (!s.started) {
    block.starts.push_back({0, 0});
    s.started = true;
  }
  const auto start_line = [&](uint64_t token, uint32_t cell, uint32_t byte) {
    block.starts.push_back({token, cell, byte});
    s.column = 0;
    s.pending_break = false;
  };
  const uint64_t end = s.next_token + std::min(max_tokens, s.token_count - s.next_token);
  for (uint64_t t = s.next_token; t < end; ++t) {
    const std::string_view text = s.measures.Text(t);
    const MeasuredToken& token = s.measures.Of(t, text);
    if (s.pending_break) {
      start_line(t, 0, 0);
    } else if (s.column > 0 && s.column + token.first_segment > s.width && token.first_segment <= s.width) {
      start_line(t, 0, 0);
    }
    if (token.one_segment && s.column + token.total < s.width) {
      // Fits with room to spare: no unit can start a line.
      s.column += token.total;
      s.pending_break = token.ends_line;
      continue;
    }
    // Unit by unit, in one pass over the token however many lines it takes.
    uint32_t cell_index = 0;
    DisplayUnitReader reader(text, token.only_whitespace);
    for (DisplayUnit unit; reader.Next(unit);) {
      // A unit is never split; one wider than a whole line gets a line of its own.
      if (s.pending_break || (s.column > 0 && s.column + unit.cells > s.width)) start_line(t, cell_index, unit.byte_begin);
      s.column += unit.cells;
      cell_index += unit.cells;
      s.pending_break = unit.breaks_line || s.column >= s.width;
    }
  }
  s.next_token = end;
  block.end_token = end;
  return block;
}

// [SECTION] Reading a line's pieces

DisplayUnitReader LinePieceReader::Read(uint64_t token, std::string_view text, const LineStart& line_begin,
                                        const LineStart& line_end) {
  if (token != m_token) {
    m_token = token;
    m_only_whitespace = IsOnlyWhitespace(text);
  }
  const size_t byte_begin = token == line_begin.token ? line_begin.byte : 0;
  const size_t byte_end = token == line_end.token ? line_end.byte : text.size();
  return DisplayUnitReader(text, m_only_whitespace, byte_begin, byte_end);
}

LinePieceReader::PieceWidth LinePieceReader::Measure(uint64_t token, std::string_view text,
                                                    const LineStart& line_begin, const LineStart& line_end) {
  const size_t byte_end = std::min<size_t>(token == line_end.token ? line_end.byte : text.size(), text.size());
  const size_t byte_begin = std::min<size_t>(token == line_begin.token ? line_begin.byte : 0, byte_end);
  const std::string_view piece = text.substr(byte_begin, byte_end - byte_begin);
  if (std::all_of(piece.begin(), piece.end(), [](char c) { return c >= 0x20 && c <= 0x7E; }))
    return {static_cast<uint32_t>(piece.size()), static_cast<uint32_t>(byte_begin), static_cast<uint32_t>(byte_end)};
  DisplayUnitReader reader = Read(token, text, line_begin, line_end);
  PieceWidth width;
  for (DisplayUnit unit; reader.Next(unit);) width.cells += unit.cells;
  width.byte_begin = static_cast<uint32_t>(reader.ByteBegin());
  width.byte_end = static_cast<uint32_t>(reader.ByteEnd());
  return width;
}

// [SECTION] The index

LineIndex::LineIndex(int columns, uint64_t token_count) : m_columns(std::max(columns, 1)), m_token_count(token_count) {}

LineIndex LineIndex::Build(const Sequence& sequence, int columns, TokenText text) {
  LineWrapper wrapper(sequence, columns, text);
  LineIndex index(columns, sequence.TokenCount());
  index.Append(wrapper.Wrap(sequence.TokenCount()));
  return index;
}

void LineIndex::Grow(uint64_t token_count) { m_token_count = std::max(m_token_count, token_count); }

void LineIndex::Append(const LineBlock& block) {
  for (const LineStart& start : block.starts) {
    if ((m_count & kChunkMask) == 0) m_starts.emplace_back().reserve(kChunkMask + 1);
    m_starts.back().push_back(start);
    ++m_count;
  }
  m_wrapped_tokens = block.end_token;
}

uint64_t LineIndex::KnownTokens() const {
  if (Complete()) return m_token_count;
  return m_count > 0 ? Line(m_count - 1).token : 0;  // the tokens before the line still growing
}

LineStart LineIndex::LineEnd(size_t line) const {
  if (line + 1 < m_count) return Line(line + 1);
  return {m_token_count, 0};
}

size_t LineIndex::LineOfToken(uint64_t token) const {
  // The last line that starts at or before the token's first cell: first the chunk, then the
  // line within it.
  const auto before = [](const LineStart& a, const LineStart& b) {
    return a.token < b.token || (a.token == b.token && a.cell < b.cell);
  };
  const LineStart key{token, 0};
  const auto chunk = std::upper_bound(m_starts.begin(), m_starts.end(), key,
                                      [&](const LineStart& k, const std::vector<LineStart>& c) {
                                        return before(k, c.front());
                                      });
  if (chunk == m_starts.begin()) return 0;
  const std::vector<LineStart>& lines = *(chunk - 1);
  const auto it = std::upper_bound(lines.begin(), lines.end(), key, before);
  const size_t line = (static_cast<size_t>(chunk - 1 - m_starts.begin()) << kChunkBits) +
                      static_cast<size_t>(it - lines.begin()) - 1;
  return std::min(line, std::max<size_t>(LineCount(), 1) - 1);
}

}  // namespace th
