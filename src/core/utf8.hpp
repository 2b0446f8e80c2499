#pragma once
// UTF-8 decoding that never fails: each malformed byte decodes to U+FFFD, so any token text
// (including bytes split across tokens) can be measured and drawn.

#include <string_view>

namespace th {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at text[pos] and advances pos past it.
char32_t DecodeUtf8(std::string_view text, size_t& pos);

// Appends the UTF-8 encoding of cp.
void AppendUtf8(std::string& out, char32_t cp);

template <typename Fn>
void ForEachCodePoint(std::string_view text, Fn&& fn) {
  size_t pos = 0;
  while (pos < text.size()) fn(DecodeUtf8(text, pos));
}

}  // namespace th
