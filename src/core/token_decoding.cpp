#include "core/token_decoding.hpp"

#include <array>
#include <algorithm>

#include "core/utf8.hpp"

namespace th {

namespace {

constexpr char32_t kMetaspace = 0x2581;  // ▁

// GPT-2's bytes_to_unicode, inverted: printable Latin-1 bytes stand for themselves, the other
// 68 bytes (controls, space, NBSP, soft hyphen) were moved to U+0100.. in byte order.
struct ByteLevelAlphabet {
  std::array<int16_t, 0x144> byte_of{};  // -1: not in the alphabet
  ByteLevelAlphabet() {
    byte_of.fill(-1);
    int next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      byte_of[printable ? b : next++] = static_cast<int16_t>(b);
    }
  }
  int ByteOf(char32_t cp) const { return cp < byte_of.size() ? byte_of[cp] : -1; }
};

const ByteLevelAlphabet& Alphabet() {
  static const ByteLevelAlphabet alphabet;
  return alphabet;
}

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// SentencePiece's byte-fallback token "<0xHH>", or -1.
int ByteToken(std::string_view token) {
  if (token.size() != 6 || !token.starts_with("<0x") || token[5] != '>') return -1;
  const int high = HexDigit(token[3]);
  const int low = HexDigit(token[4]);
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

bool IsSpecial(std::string_view token, const TokenizerHints& hints) {
  return IsSpecialToken(token) || (hints.special_tokens && hints.special_tokens->contains(std::string(token)));
}

// Appends the text one token stands for.
void AppendDecoded(std::string& out, std::string_view token, TokenEncoding encoding, bool word_start) {
  switch (encoding) {
    case TokenEncoding::kByteLevel:
      ForEachCodePoint(token, [&](char32_t cp) {
        const int byte = Alphabet().ByteOf(cp);
        if (byte >= 0) out.push_back(static_cast<char>(byte));
        else AppendUtf8(out, cp);  // outside the alphabet: kept as it is
      });
      return;
    case TokenEncoding::kSentencePiece:
      if (const int byte = ByteToken(token); byte >= 0) {
        out.push_back(static_cast<char>(byte));
        return;
      }
      ForEachCodePoint(token, [&](char32_t cp) { AppendUtf8(out, cp == kMetaspace ? U' ' : cp); });
      return;
    case TokenEncoding::kWordPiece:
      if (token.starts_with("##") && token.size() > 2) {
        out.append(token.substr(2));
        return;
      }
      if (!word_start) out.push_back(' ');
      out.append(token);
      return;
    default:
      out.append(token);
  }
}

// Moves token ends that fall inside a valid multi-byte character to the character's end, so the
// character is shown whole on the token where it starts.
void KeepCharactersWhole(std::string_view bytes, std::vector<uint64_t>& ends) {
  for (uint64_t& end : ends) {
    if (end >= bytes.size() || !IsContinuation(bytes[end])) continue;
    size_t lead = end;
    while (lead > 0 && end - lead < 3 && IsContinuation(bytes[lead])) --lead;
    size_t after = lead;
    const char32_t cp = DecodeUtf8(bytes, after);
    const bool valid = cp != kReplacementChar || bytes.substr(lead, 3) == "\xEF\xBF\xBD";
    if (valid && after > end) end = after;
  }
}

void DecodeSequence(Sequence& sequence, TokenEncoding encoding, const TokenizerHints& hints) {
  const size_t count = sequence.TokenCount();
  std::vector<uint8_t> flags;
  std::string bytes;
  std::vector<uint64_t> ends;
  if (encoding != TokenEncoding::kDecoded) ends.reserve(count);
  bool word_start = true;
  for (size_t i = 0; i < count; ++i) {
    const std::string_view token = sequence.Token(i);
    const bool special = IsSpecial(token, hints);
    if (special) {
      if (flags.empty()) flags.resize(count);
      flags[i] = kTokenSpecial;
    }
    if (encoding == TokenEncoding::kDecoded) continue;
    if (special) bytes.append(token);
    else AppendDecoded(bytes, token, encoding, word_start);
    word_start = special;
    ends.push_back(bytes.size());
  }
  if (!flags.empty()) sequence.SetFlags(std::move(flags));
  if (encoding == TokenEncoding::kDecoded) return;
  KeepCharactersWhole(bytes, ends);
  StringTable decoded;
  decoded.Reserve(count, bytes.size());
  bool changed = false;
  for (size_t i = 0; i < count; ++i) {
    const uint64_t begin = i == 0 ? 0 : ends[i - 1];
    const std::string_view text = std::string_view(bytes).substr(begin, ends[i] - begin);
    changed = changed || text != sequence.Token(i);
    decoded.Append(text);
  }
  // Raw strings are kept only when they differ, so already-readable tokens cost nothing extra.
  if (changed) sequence.SetDecodedTokens(std::move(decoded));
}

}  // namespace

bool IsSpecialToken(std::string_view token) {
  if (token.size() < 3 || token.size() > 48) return false;
  if (token.starts_with("<|") && token.ends_with("|>")) return true;
  const std::string_view inner = token.substr(1, token.size() - 2);
  if (token.front() == '[' && token.back() == ']')
    return std::all_of(inner.begin(), inner.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
  if (token.front() != '<' || token.back() != '>') return false;
  static constexpr std::string_view kNames[] = {"s", "/s", "pad", "unk", "mask", "bos", "eos", "cls", "sep",
                                                "eot", "start_of_turn", "end_of_turn"};
  return std::find(std::begin(kNames), std::end(kNames), inner) != std::end(kNames);
}

TokenEncoding DetectTokenEncoding(const Document& document, const TokenizerHints& hints) {
  if (hints.encoding != TokenEncoding::kAuto) return hints.encoding;
  bool byte_level = true;   // every code point is in the byte-level alphabet...
  bool mapped = false;      // ...and some are the moved bytes (Ġ, Ċ, ĉ...)
  bool metaspace = false;   // ▁ or <0xHH>
  bool word_piece = false;  // ##continuations
  bool plain_space = false;
  for (const Sequence& sequence : document.sequences)
    for (size_t i = 0; i < sequence.TokenCount(); ++i) {
      const std::string_view token = sequence.Token(i);
      if (IsSpecial(token, hints)) continue;
      word_piece = word_piece || (token.starts_with("##") && token.size() > 2);
      metaspace = metaspace || ByteToken(token) >= 0;
      ForEachCodePoint(token, [&](char32_t cp) {
        byte_level = byte_level && Alphabet().ByteOf(cp) >= 0;
        mapped = mapped || (cp >= 0x100 && cp < 0x144);
        metaspace = metaspace || cp == kMetaspace;
        plain_space = plain_space || cp == ' ';
      });
    }
  if (byte_level && mapped) return TokenEncoding::kByteLevel;
  if (metaspace && !plain_space) return TokenEncoding::kSentencePiece;
  if (word_piece && !plain_space) return TokenEncoding::kWordPiece;
  return TokenEncoding::kDecoded;
}

void DecodeDocumentTokens(Document& document, const TokenizerHints& hints) {
  const TokenEncoding encoding = DetectTokenEncoding(document, hints);
  for (Sequence& sequence : document.sequences) DecodeSequence(sequence, encoding, hints);
}

}  // namespace th
