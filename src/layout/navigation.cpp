#include "layout/navigation.hpp"

#include <algorithm>
#include <cmath>
#include <queue>
#include <regex>

#include "layout/value_pyramid.hpp"

namespace th {

namespace {

constexpr size_t kChunkBytes = 1 << 16;

// The chunk's text and where each of its tokens starts in it.
struct Chunk {
  std::string text;
  std::vector<size_t> starts;  // starts[i]: byte offset of token first + i
  uint64_t first = 0;

  uint64_t TokenAt(size_t byte) const {
    return first + static_cast<uint64_t>(std::upper_bound(starts.begin(), starts.end(), byte) - starts.begin() - 1);
  }
};

}  // namespace

std::vector<TextMatch> FindMatches(const Sequence& sequence, const TextQuery& query, uint64_t begin, uint64_t end,
                                   size_t max_matches, TokenText which, SearchProgress* progress) {
  std::vector<TextMatch> matches;
  end = std::min<uint64_t>(end, sequence.TokenCount());
  if (query.pattern.empty() || begin >= end || max_matches == 0) return matches;
  std::optional<std::regex> expression;
  if (query.regex) expression.emplace(query.pattern, std::regex::ECMAScript | std::regex::optimize);
  // Each match is reported by the chunk in which it starts before the overlap with the next one.
  uint64_t accepted_from = begin;  // first token a match may start in
  Chunk chunk;
  for (uint64_t next = begin; next < end && matches.size() < max_matches;) {
    if (progress) {
      progress->tokens_done = next - begin;
      if (progress->stop.stop_requested()) break;
    }
    chunk.text.clear();
    chunk.starts.clear();
    chunk.first = next;
    uint64_t core_end = end;  // tokens from here on are searched again by the next chunk
    uint64_t t = next;
    for (; t < end; ++t) {
      if (core_end == end && chunk.text.size() >= kChunkBytes) core_end = t;
      if (core_end != end && chunk.text.size() >= kChunkBytes + kMaxMatchBytes) break;
      chunk.starts.push_back(chunk.text.size());
      chunk.text += sequence.Token(t, which);
    }
    if (t == end) core_end = end;
    const auto add = [&](size_t position, size_t length) {
      const uint64_t first = chunk.TokenAt(position);
      if (first < accepted_from || first >= core_end) return;
      const uint64_t last = chunk.TokenAt(position + std::max<size_t>(length, 1) - 1);
      matches.push_back({first, last + 1});
    };
    if (expression) {
      for (std::cregex_iterator it(chunk.text.data(), chunk.text.data() + chunk.text.size(), *expression), stop;
           it != stop && matches.size() < max_matches; ++it)
        if (it->length() > 0) add(static_cast<size_t>(it->position()), static_cast<size_t>(it->length()));
    } else {
      for (size_t at = chunk.text.find(query.pattern); at != std::string::npos && matches.size() < max_matches;
           at = chunk.text.find(query.pattern, at + 1))
        add(at, query.pattern.size());
    }
    accepted_from = core_end;
    next = core_end;
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

std::vector<uint64_t> ExtremeTokens(std::span<const float> values, size_t k, bool highest) {
  // A heap of the best k so far, ordered so that its top is the weakest of them.
  const auto stronger = [highest, values](uint64_t a, uint64_t b) {
    return highest ? values[a] > values[b] : values[a] < values[b];
  };
  std::priority_queue<uint64_t, std::vector<uint64_t>, decltype(stronger)> best(stronger);
  for (uint64_t i = 0; i < values.size() && k > 0; ++i) {
    if (!std::isfinite(values[i])) continue;
    if (best.size() < k) {
      best.push(i);
    } else if (stronger(i, best.top())) {
      best.pop();
      best.push(i);
    }
  }
  std::vector<uint64_t> tokens;
  for (; !best.empty(); best.pop()) tokens.push_back(best.top());
  std::sort(tokens.begin(), tokens.end());
  return tokens;
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

}  // namespace th
