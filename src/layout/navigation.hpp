#pragma once
// Where to go in a long sequence: text search (plain or regular expression) and the extreme
// values. GL-free; each call is bounded by the range it is given, so the caller decides how much
// of a large document one call may read.

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "core/document.hpp"

namespace th {

struct TextQuery {
  std::string pattern;
  // RE2 syntax, over UTF-8: `.` matches a character, however many bytes it takes; a byte that is
  // not valid UTF-8 matches no character class, only \C. Matching takes time linear in the text
  // and never recurses, whatever the pattern.
  bool regex = false;
};

// A match covers tokens [first_token, end_token): every token it touches.
struct TextMatch {
  uint64_t first_token = 0;
  uint64_t end_token = 0;
  bool operator==(const TextMatch&) const = default;
};

// What a search of a whole long document reports while it runs on a background thread: the
// tokens read so far (for a progress bar), and a request to stop early.
struct SearchProgress {
  std::atomic<uint64_t> tokens_done{0};
  std::stop_token stop;
};

// Matches of the query in the text of tokens [begin, end), in order, at most max_matches. The
// text is searched in windows of 64 KiB that overlap by kMaxMatchBytes, cutting long tokens, so
// memory and the time of one search step stay small at any document or token size; a match
// longer than that may be cut short (or, plain, missed). Throws std::invalid_argument, with RE2's
// one-line reason, for a bad expression. An empty pattern, or an empty match, matches nothing.
// With progress, it is updated after every window, and a stop request, looked at between two
// matches, returns the matches found so far.
// Both first_token and end_token never decrease along the result (MatchesOverlapping relies on it).
inline constexpr size_t kMaxMatchBytes = 1024;
std::vector<TextMatch> FindMatches(const Sequence& sequence, const TextQuery& query, uint64_t begin, uint64_t end,
                                   size_t max_matches, TokenText which = TokenText::kDecoded,
                                   SearchProgress* progress = nullptr);

// [Match lists] A FindMatches result, queried per frame in time logarithmic in its length.
// The matches that touch a token of [first_token, end_token): two binary searches.
std::span<const TextMatch> MatchesOverlapping(std::span<const TextMatch> matches, uint64_t first_token,
                                              uint64_t end_token);
// The match after `current` (forward) or before it, wrapping around the ends; with no current
// match, the first one starting at or after from_token (forward) or the last one starting
// before it. nullopt when there are no matches.
std::optional<size_t> StepMatch(std::span<const TextMatch> matches, std::optional<size_t> current, uint64_t from_token,
                                bool forward);
// The rows of an overview strip of `rows` rows over `tokens` tokens (ValuePyramid::RowOfToken)
// that hold at least one match, ascending: one binary search a row, O(rows log matches).
std::vector<size_t> MatchRows(std::span<const TextMatch> matches, uint64_t tokens, size_t rows);

// The k tokens with the highest (or lowest) finite values, sorted by token index; of equal
// values the earlier token ranks higher. O(n log k).
std::vector<uint64_t> ExtremeTokens(std::span<const float> values, size_t k, bool highest);

// The token of the rank-th highest (or lowest) finite value: rank 1 is the highest (lowest)
// itself, and of equal values the earlier token ranks first. nullopt when rank is 0 or fewer
// values are finite. O(n log rank), with memory for rank tokens only.
std::optional<uint64_t> RankedToken(std::span<const float> values, uint64_t rank, bool highest);

// The tokens of the `count` highest finite values, in reading order (talk mode's J/K peaks).
std::vector<uint64_t> PeakTokens(std::span<const float> values, size_t count);

// The first entry of a sorted list after `token` (forward) or before it (backward).
std::optional<uint64_t> NextInList(std::span<const uint64_t> sorted, uint64_t token, bool forward);

}  // namespace th
