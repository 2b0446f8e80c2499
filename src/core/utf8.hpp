#pragma once
// UTF-8 decoding that never fails: each malformed byte decodes to U+FFFD, so any token text
// (including bytes split across tokens) can be measured and drawn. Where a malformed byte must be
// told from a real U+FFFD (which takes three bytes), it is shown by its hex form "\x9F".

#include <string>
#include <string_view>

namespace th {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the multi-byte (or malformed) code point starting at text[pos]; see DecodeUtf8.
char32_t DecodeUtf8Multibyte(std::string_view text, size_t& pos);

// Decodes the code point starting at text[pos] and advances pos past it. Inline for ASCII, which
// most token text is.
inline char32_t DecodeUtf8(std::string_view text, size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  return DecodeUtf8Multibyte(text, pos);
}

// Appends the UTF-8 encoding of cp.
void AppendUtf8(std::string& out, char32_t cp);

// Whether DecodeUtf8 stopped at a byte that starts no valid character: it returned U+FFFD and
// consumed that byte alone (a real U+FFFD takes three).
inline bool IsMalformedByte(char32_t cp, size_t begin, size_t end) {
  return cp == kReplacementChar && end == begin + 1;
}

// Appends "\xHH" (uppercase hex): how a byte that is not valid UTF-8 is shown.
void AppendHexByte(std::string& out, unsigned char byte);

// The longest start of text of at most limit bytes that does not end inside a character: what a
// one-line message keeps of a long name.
std::string_view CutAtCharacter(std::string_view text, size_t limit);

// 1234567 as "1,234,567": token counts and corpus positions read at a glance.
std::string GroupThousands(uint64_t number);

// Whether `part` occurs in `text`, A-Z matching a-z (other bytes, UTF-8 included, as they are): the
// searches by name (--filter, --feature, the Data panel's feature search).
bool ContainsIgnoringAsciiCase(std::string_view text, std::string_view part);

template <typename Fn>
void ForEachCodePoint(std::string_view text, Fn&& fn) {
  size_t pos = 0;
  while (pos < text.size()) fn(DecodeUtf8(text, pos));
}

// As ForEachCodePoint, but each malformed byte goes to on_malformed(byte) instead of fn(U+FFFD).
template <typename Fn, typename MalformedFn>
void ForEachCodePoint(std::string_view text, Fn&& fn, MalformedFn&& on_malformed) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t begin = pos;
    const char32_t cp = DecodeUtf8(text, pos);
    if (IsMalformedByte(cp, begin, pos)) on_malformed(static_cast<unsigned char>(text[begin]));
    else fn(cp);
  }
}

// Appends text as the contents of a JSON string (without the quotes), keeping every byte: valid
// UTF-8 as it is (with the escapes JSON requires), and each malformed byte as a lone surrogate
// escape "\udc80".."\udcff", Python's surrogateescape convention, so that
// json.loads(...).encode("utf-8", "surrogateescape") gives back the exact bytes.
void AppendJsonStringContents(std::string& out, std::string_view text);

}  // namespace th
