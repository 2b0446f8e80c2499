#pragma once
// Where to go in a long sequence: text search (plain or regular expression) and the extreme
// values. GL-free; each call is bounded by the range it is given, so the caller decides how much
// of a large document one call may read.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/document.hpp"

namespace th {

struct TextQuery {
  std::string pattern;
  bool regex = false;  // ECMAScript syntax (std::regex)
};

// A match covers tokens [first_token, end_token): every token it touches.
struct TextMatch {
  uint64_t first_token = 0;
  uint64_t end_token = 0;
  bool operator==(const TextMatch&) const = default;
};

// Matches of the query in the text of tokens [begin, end), in order, at most max_matches. The
// text is searched in chunks of whole tokens that overlap by kMaxMatchBytes, so memory stays
// small at any document size; a match longer than that may be missed. Throws std::regex_error
// for a bad expression. An empty pattern matches nothing.
inline constexpr size_t kMaxMatchBytes = 1024;
std::vector<TextMatch> FindMatches(const Sequence& sequence, const TextQuery& query, uint64_t begin, uint64_t end,
                                   size_t max_matches, TokenText which = TokenText::kDecoded);

// The k tokens with the highest (or lowest) finite values, sorted by token index. O(n log k).
std::vector<uint64_t> ExtremeTokens(std::span<const float> values, size_t k, bool highest);

// The first entry of a sorted list after `token` (forward) or before it (backward).
std::optional<uint64_t> NextInList(std::span<const uint64_t> sorted, uint64_t token, bool forward);

}  // namespace th
