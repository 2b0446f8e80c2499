#include "layout/navigation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <re2/re2.h>

#include "layout/value_pyramid.hpp"

namespace th {

namespace {

// The bytes in which one window's matches start; the window reads kMaxMatchBytes further, for the
// matches that run on past them.
constexpr size_t kWindowBytes = size_t{1} << 16;

// The text of tokens [begin, end) read one window at a time: bytes [Start(), Start() +
// kWindowBytes + kMaxMatchBytes) of their concatenation, a long token being cut between windows,
// so that each search call reads a bounded amount of text whatever the token lengths. The bytes
// just before and after a window come with it as context, so that ^, $ and \b see the text
// around the window rather than its edges.
class TextWindows {
 public:
  TextWindows(const Sequence& sequence, TokenText which, uint64_t begin, uint64_t end)
      : m_sequence(&sequence), m_which(which), m_end(end), m_token(begin) {}

  // Reads the next window; false when the text is done.
  bool Next() {
    if (m_token >= m_end) return false;
    m_start = m_next_start;
    m_first = m_token;
    m_text.clear();
    m_starts.clear();
    if (m_start > 0) m_text.push_back(m_context_before);
    m_begin = m_text.size();
    const size_t wanted = kWindowBytes + kMaxMatchBytes + 1;  // and a byte of context after
    uint64_t token = m_token;
    size_t offset = m_offset;
    m_token = m_end;  // unless the next window starts before the end
    for (; token < m_end && m_text.size() - m_begin < wanted; ++token, offset = 0) {
      const std::string_view text = m_sequence->Token(token, m_which).substr(offset);
      const size_t read = m_text.size() - m_begin;
      const size_t take = std::min(text.size(), wanted - read);
      if (read < kWindowBytes && read + take >= kWindowBytes) {
        // The next window starts here; a cut at a token's end starts it at the next token.
        const size_t into = kWindowBytes - read;
        m_token = into == text.size() ? token + 1 : token;
        m_offset = into == text.size() ? 0 : offset + into;
      }
      m_starts.push_back(m_text.size());
      m_text.append(text.substr(0, take));
    }
    const bool has_context_after = m_text.size() - m_begin == wanted;
    m_window_end = m_text.size() - (has_context_after ? 1 : 0);
    m_core_end = std::min(m_begin + kWindowBytes, m_window_end);
    if (m_token < m_end) {
      m_context_before = m_text[m_core_end - 1];
      m_next_start = m_start + kWindowBytes;
    }
    return true;
  }

  std::string_view Text() const { return m_text; }  // with the context bytes
  size_t Begin() const { return m_begin; }             // the window's own bytes in Text()
  size_t End() const { return m_window_end; }
  // The matches that start at or after this are left to the next window.
  size_t CoreEnd() const { return m_core_end; }
  uint64_t Start() const { return m_start; }  // Text()[Begin()] in the whole text
  uint64_t FirstToken() const { return m_first; }
  // The token that holds Text()[offset], Begin() <= offset < End().
  uint64_t TokenAt(size_t offset) const {
    return m_first + static_cast<uint64_t>(std::upper_bound(m_starts.begin(), m_starts.end(), offset) - m_starts.begin() - 1);
  }

 private:
  const Sequence* m_sequence;
  TokenText m_which;
  uint64_t m_end;
  // Where the next window starts: a token, a byte within it, and in the whole text.
  uint64_t m_token;
  size_t m_offset = 0;
  uint64_t m_next_start = 0;
  char m_context_before = 0;

  std::string m_text;
  std::vector<size_t> m_starts;  // m_starts[i]: where token m_first + i starts in m_text, or Begin()
  uint64_t m_first = 0;
  uint64_t m_start = 0;
  size_t m_begin = 0;
  size_t m_window_end = 0;
  size_t m_core_end = 0;
};

}  // namespace

std::vector<TextMatch> FindMatches(const Sequence& sequence, const TextQuery& query, uint64_t begin, uint64_t end,
                                   size_t max_matches, TokenText which, SearchProgress* progress) {
  std::vector<TextMatch> matches;
  end = std::min<uint64_t>(end, sequence.TokenCount());
  if (query.pattern.empty() || begin >= end || max_matches == 0) return matches;
  std::optional<RE2> expression;
  if (query.regex) {
    RE2::Options options;  // UTF-8
    options.set_log_errors(false);
    expression.emplace(query.pattern, options);
    if (!expression->ok()) throw std::invalid_argument(expression->error());
  }
  const auto stopped = [progress] { return progress != nullptr && progress->stop.stop_requested(); };
  TextWindows windows(sequence, which, begin, end);
  // In the whole text: where the next match may start (past the last regular expression match,
  // which never overlap; one byte past the last plain match, which may).
  uint64_t resume = 0;
  while (matches.size() < max_matches && !stopped() && windows.Next()) {
    if (progress) progress->tokens_done = windows.FirstToken() - begin;
    const std::string_view text = windows.Text();
    size_t at = windows.Begin() + static_cast<size_t>(std::max(resume, windows.Start()) - windows.Start());
    while (matches.size() < max_matches && at < windows.CoreEnd() && !stopped()) {
      size_t length = query.pattern.size();
      if (expression) {
        re2::StringPiece match;
        if (!expression->Match(text, at, windows.End(), RE2::UNANCHORED, &match, 1)) break;
        at = static_cast<size_t>(match.data() - text.data());
        length = match.size();
      } else {
        at = text.substr(0, windows.End()).find(query.pattern, at);
        if (at == std::string_view::npos) break;
      }
      if (at >= windows.CoreEnd()) break;
      if (length == 0) {  // an empty match marks nothing
        ++at;
        continue;
      }
      matches.push_back({windows.TokenAt(at), windows.TokenAt(at + length - 1) + 1});
      at += expression ? length : 1;
      resume = windows.Start() + (at - windows.Begin());
    }
  }
  return matches;
}

std::span<const TextMatch> MatchesOverlapping(std::span<const TextMatch> matches, uint64_t first_token,
                                              uint64_t end_token) {
  const auto first = std::partition_point(matches.begin(), matches.end(),
                                          [&](const TextMatch& match) { return match.end_token <= first_token; });
  const auto last = std::partition_point(first, matches.end(),
                                         [&](const TextMatch& match) { return match.first_token < end_token; });
  return {first, last};
}

std::optional<size_t> StepMatch(std::span<const TextMatch> matches, std::optional<size_t> current, uint64_t from_token,
                                bool forward) {
  if (matches.empty()) return std::nullopt;
  const size_t count = matches.size();
  if (current && *current < count) return forward ? (*current + 1) % count : (*current + count - 1) % count;
  const auto at = static_cast<size_t>(
      std::partition_point(matches.begin(), matches.end(),
                           [&](const TextMatch& match) { return match.first_token < from_token; }) -
      matches.begin());
  if (forward) return at % count;
  return (at + count - 1) % count;
}

std::vector<size_t> MatchRows(std::span<const TextMatch> matches, uint64_t tokens, size_t rows) {
  std::vector<size_t> out;
  if (matches.empty()) return out;
  for (size_t row = 0; row < rows; ++row) {
    const uint64_t first = ValuePyramid::FirstTokenOfRow(row, tokens, rows);
    const uint64_t end = ValuePyramid::FirstTokenOfRow(row + 1, tokens, rows);
    if (first < end && !MatchesOverlapping(matches, first, end).empty()) out.push_back(row);
  }
  return out;
}

namespace {

// The k strongest finite values' tokens (highest, or lowest), as a heap whose front is the weakest
// of them: ranked by value, then by reading order, so that every rank names one token.
std::vector<uint64_t> StrongestTokens(std::span<const float> values, uint64_t k, bool highest) {
  const auto stronger = [highest, values](uint64_t a, uint64_t b) {
    if (values[a] != values[b]) return highest ? values[a] > values[b] : values[a] < values[b];
    return a < b;
  };
  std::vector<uint64_t> best;
  for (uint64_t i = 0; i < values.size() && k > 0; ++i) {
    if (!std::isfinite(values[i])) continue;
    if (best.size() < k) {
      best.push_back(i);
      std::push_heap(best.begin(), best.end(), stronger);
    } else if (stronger(i, best.front())) {
      std::pop_heap(best.begin(), best.end(), stronger);
      best.back() = i;
      std::push_heap(best.begin(), best.end(), stronger);
    }
  }
  return best;
}

}  // namespace

std::vector<uint64_t> ExtremeTokens(std::span<const float> values, size_t k, bool highest) {
  std::vector<uint64_t> tokens = StrongestTokens(values, k, highest);
  std::sort(tokens.begin(), tokens.end());
  return tokens;
}

std::optional<uint64_t> RankedToken(std::span<const float> values, uint64_t rank, bool highest) {
  const std::vector<uint64_t> best = StrongestTokens(values, rank, highest);
  if (rank == 0 || best.size() < rank) return std::nullopt;
  return best.front();
}

std::optional<uint64_t> NextInList(std::span<const uint64_t> sorted, uint64_t token, bool forward) {
  if (forward) {
    const auto it = std::upper_bound(sorted.begin(), sorted.end(), token);
    if (it == sorted.end()) return std::nullopt;
    return *it;
  }
  const auto it = std::lower_bound(sorted.begin(), sorted.end(), token);
  if (it == sorted.begin()) return std::nullopt;
  return *(it - 1);
}

std::vector<uint64_t> PeakTokens(std::span<const float> values, size_t count) {
  // One pass with a heap of `count` entries: a key press needs no memory beyond it, even on a
  // document of millions of tokens.
  if (count == 0) return {};
  const auto higher = [&](uint64_t a, uint64_t b) { return values[a] > values[b]; };
  std::vector<uint64_t> heap;  // a min-heap on value: its front is the lowest peak kept
  for (uint64_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) continue;
    if (heap.size() < count) {
      heap.push_back(i);
      std::push_heap(heap.begin(), heap.end(), higher);
    } else if (values[i] > values[heap.front()]) {
      std::pop_heap(heap.begin(), heap.end(), higher);
      heap.back() = i;
      std::push_heap(heap.begin(), heap.end(), higher);
    }
  }
  std::sort(heap.begin(), heap.end());
  return heap;
}

}  // namespace th
