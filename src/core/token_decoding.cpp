#include "core/token_decoding.hpp"

#include <array>
#include <algorithm>
#include <utility>

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
  return IsSpecialToken(token) || (hints.special_tokens && hints.special_tokens->contains(token));
}

// Calls ascii(run) for each run of ASCII bytes and other(code point) for everything else: both
// tokenizer alphabets leave ASCII as it is, and most tokens are mostly ASCII.
template <typename Ascii, typename Other>
void ForEachRun(std::string_view token, const Ascii& ascii, const Other& other) {
  for (size_t pos = 0; pos < token.size();) {
    size_t end = pos;
    while (end < token.size() && static_cast<unsigned char>(token[end]) < 0x80) ++end;
    if (end > pos) ascii(token.substr(pos, end - pos));
    pos = end;
    if (pos < token.size()) other(DecodeUtf8(token, pos));
  }
}

// Appends the text one token stands for.
void AppendDecoded(std::string& out, std::string_view token, TokenEncoding encoding, bool word_start) {
  const auto append = [&](std::string_view run) { out.append(run); };
  switch (encoding) {
    case TokenEncoding::kByteLevel:
      ForEachRun(token, append, [&, &alphabet = Alphabet()](char32_t cp) {
        const int byte = alphabet.ByteOf(cp);
        if (byte >= 0) out.push_back(static_cast<char>(byte));
        else AppendUtf8(out, cp);  // outside the alphabet: kept as it is
      });
      return;
    case TokenEncoding::kSentencePiece:
      if (const int byte = ByteToken(token); byte >= 0) {
        out.push_back(static_cast<char>(byte));
        return;
      }
      ForEachRun(token, append, [&](char32_t cp) { AppendUtf8(out, cp == kMetaspace ? U' ' : cp); });
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
    if (!IsMalformedByte(cp, lead, after) && after > end) end = after;
  }
}

// Decodes tokens [begin, end) as one run of text: entry i - begin of the result is token i's
// decoded text. raw(i) is token i's string and special(i) whether it is a special token (kept as
// it is). The run must be bounded by the sequence's ends or by tokens whose decoded text starts a
// character, so that no character crosses its edges. bytes_hint: about how many bytes it decodes to.
// word_start: the run starts the sequence or follows a special token.
template <typename Raw, typename Special>
StringTable DecodeRun(size_t begin, size_t end, TokenEncoding encoding, const Raw& raw, const Special& special,
                      size_t bytes_hint, bool word_start) {
  std::string bytes;
  bytes.reserve(bytes_hint);
  std::vector<uint64_t> ends;
  ends.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    const bool is_special = special(i);
    if (is_special) bytes.append(raw(i));
    else AppendDecoded(bytes, raw(i), encoding, word_start);
    word_start = is_special;
    ends.push_back(bytes.size());
  }
  KeepCharactersWhole(bytes, ends);
  return StringTable(std::move(bytes), std::move(ends));
}

void DecodeStringSequence(Sequence& sequence, TokenEncoding encoding, const TokenizerHints& hints) {
  const size_t count = sequence.TokenCount();
  // The loader's flags (kTokenUnmeasured) are kept; special tokens are added to them.
  std::vector<uint8_t> flags(count);
  for (size_t i = 0; sequence.HasFlags() && i < count; ++i) flags[i] = sequence.Flags(i);
  bool any_special = false;
  size_t bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    const std::string_view token = sequence.Token(i);
    bytes += token.size();
    if (IsSpecial(token, hints)) flags[i] |= kTokenSpecial, any_special = true;
  }
  if (encoding != TokenEncoding::kDecoded) {
    // Decoding never lengthens a token, except WordPiece's space before a word.
    StringTable decoded = DecodeRun(0, count, encoding, [&](size_t i) { return sequence.Token(i); },
                                    [&](size_t i) { return (flags[i] & kTokenSpecial) != 0; }, bytes + count, true);
    // Raw strings are kept only when they differ, so already-readable tokens cost nothing extra.
    bool changed = false;
    for (size_t i = 0; i < count && !changed; ++i) changed = decoded.At(i) != sequence.Token(i);
    if (changed) sequence.SetDecodedTokens(std::move(decoded));
  }
  if (any_special) sequence.SetFlags(std::move(flags));
}

// A table decoded entry by entry, out of context: what most of its tokens show.
struct DecodedTable {
  std::shared_ptr<const TokenTable> table;
  // Per entry: kTokenSpecial, and kUnsafeStart when its text is empty or starts inside a character,
  // so that a token of it may join its neighbours' bytes.
  std::vector<uint8_t> state;
};
constexpr uint8_t kUnsafeStart = 2;

DecodedTable DecodeTable(const TokenTable& raw, TokenEncoding encoding, const TokenizerHints& hints) {
  DecodedTable decoded;
  decoded.state.resize(raw.text.Size());
  auto table = std::make_shared<TokenTable>();
  std::vector<uint8_t> flags(raw.text.Size());
  bool any_special = false;
  bool changed = false;
  std::string text;
  for (size_t id = 0; id < raw.text.Size(); ++id) {
    const std::string_view token = raw.text.At(id);
    const bool special = IsSpecial(token, hints);
    text.clear();
    if (special || encoding == TokenEncoding::kDecoded) text = token;
    else AppendDecoded(text, token, encoding, false);
    table->text.Append(text);
    changed = changed || text != token;
    flags[id] = special ? kTokenSpecial : 0;
    any_special = any_special || special;
    const bool unsafe = text.empty() || IsContinuation(text[0]);
    decoded.state[id] = static_cast<uint8_t>(flags[id] | (unsafe ? kUnsafeStart : 0));
  }
  if (changed) table->raw = raw.text;
  if (any_special) table->flags = std::move(flags);
  decoded.table = std::move(table);
  return decoded;
}

// Tokens whose exact decoding differs from their entry's are found by decoding, as one run, only
// the stretches between safe boundaries that hold a token starting inside a character (or a
// WordPiece word start); everywhere else a token's text is its entry's.
TokenOverrides FindOverrides(const Sequence& sequence, const DecodedTable& decoded, TokenEncoding encoding) {
  TokenOverrides overrides;
  const size_t count = sequence.TokenCount();
  if (encoding == TokenEncoding::kDecoded || count == 0) return overrides;
  const IdColumn& ids = sequence.TokenIds();
  const TokenTable& table = *decoded.table;
  const auto id = [&](size_t i) { return static_cast<size_t>(ids[i]); };
  const auto special = [&](size_t i) { return (decoded.state[id(i)] & kTokenSpecial) != 0; };
  const bool word_piece = encoding == TokenEncoding::kWordPiece;
  size_t run_begin = 0;
  bool dirty = word_piece;  // the first token is a word start
  for (size_t k = 1; k <= count; ++k) {
    const bool safe = k == count || ((decoded.state[id(k)] & kUnsafeStart) == 0 && !(word_piece && special(k - 1)));
    if (!safe) {
      dirty = true;
      continue;
    }
    if (dirty) {
      const StringTable run = DecodeRun(run_begin, k, encoding, [&](size_t i) { return table.Raw(id(i)); }, special,
                                        (k - run_begin) * 8, run_begin == 0 || special(run_begin - 1));
      for (size_t i = run_begin; i < k; ++i)
        if (run.At(i - run_begin) != table.text.At(id(i))) {
          overrides.indices.push_back(i);
          overrides.texts.Append(run.At(i - run_begin));
        }
    }
    run_begin = k;
    dirty = false;
  }
  return overrides;
}

}  // namespace

bool IsSpecialToken(std::string_view token) {
  if (token.size() < 3 || token.size() > 48 || (token.front() != '<' && token.front() != '[')) return false;
  if (token.starts_with("<|") && token.ends_with("|>")) return true;
  const std::string_view inner = token.substr(1, token.size() - 2);
  if (token.front() == '[' && token.back() == ']')
    return std::all_of(inner.begin(), inner.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
  if (token.front() != '<' || token.back() != '>') return false;
  static constexpr std::string_view kNames[] = {"s", "/s", "pad", "unk", "mask", "bos", "eos", "cls", "sep",
                                                "eot", "start_of_turn", "end_of_turn"};
  return std::find(std::begin(kNames), std::end(kNames), inner) != std::end(kNames);
}

namespace {

// What a sample of tokens says about the tokenizer that made them.
class EncodingEvidence {
 public:
  explicit EncodingEvidence(const TokenizerHints& hints) : m_hints(hints) {}

  void Add(std::string_view token) {
    if (IsSpecial(token, m_hints)) return;
    m_word_piece = m_word_piece || (token.starts_with("##") && token.size() > 2);
    m_metaspace = m_metaspace || ByteToken(token) >= 0;
    ForEachCodePoint(token, [&](char32_t cp) {
      m_byte_level = m_byte_level && Alphabet().ByteOf(cp) >= 0;
      m_mapped = m_mapped || (cp >= 0x100 && cp < 0x144);
      m_metaspace = m_metaspace || cp == kMetaspace;
      m_plain_space = m_plain_space || cp == ' ';
    });
  }

  TokenEncoding Encoding() const {
    if (m_byte_level && m_mapped) return TokenEncoding::kByteLevel;
    if (m_metaspace && !m_plain_space) return TokenEncoding::kSentencePiece;
    if (m_word_piece && !m_plain_space) return TokenEncoding::kWordPiece;
    return TokenEncoding::kDecoded;
  }

 private:
  const TokenizerHints& m_hints;
  bool m_byte_level = true;   // every code point is in the byte-level alphabet...
  bool m_mapped = false;      // ...and some are the moved bytes (Ġ, Ċ, ĉ...)
  bool m_metaspace = false;   // ▁ or <0xHH>
  bool m_word_piece = false;  // ##continuations
  bool m_plain_space = false;
};

// A bounded sample, spread evenly, so that detection costs the same at any size.
constexpr size_t kDetectionSample = 1 << 16;

// A table-backed sequence's encoding is its table's: detected from the table's entries.
TokenEncoding DetectTableEncoding(const TokenTable& table, const TokenizerHints& hints) {
  if (hints.encoding != TokenEncoding::kAuto) return hints.encoding;
  EncodingEvidence evidence(hints);
  const size_t stride = std::max<size_t>(1, table.text.Size() / kDetectionSample);
  for (size_t id = 0; id < table.text.Size(); id += stride) evidence.Add(table.text.At(id));
  return evidence.Encoding();
}

// Top-k tokens are decoded one by one, out of context, as word starts (no WordPiece space).
void DecodeTopK(Sequence& sequence, TokenEncoding encoding, const TokenizerHints& hints) {
  const StringTable& raw = sequence.TopKTokens();
  if (raw.Empty() || encoding == TokenEncoding::kDecoded) return;
  StringTable decoded;
  std::string text;
  bool changed = false;
  for (size_t i = 0; i < raw.Size(); ++i) {
    const std::string_view token = raw.At(i);
    text.clear();
    if (IsSpecial(token, hints)) text = token;
    else AppendDecoded(text, token, encoding, true);
    changed = changed || text != token;
    decoded.Append(text);
  }
  if (changed) sequence.SetDecodedTopK(std::move(decoded));
}

}  // namespace

std::string DecodeTokenAlone(std::string_view token, TokenEncoding encoding) {
  if (encoding == TokenEncoding::kDecoded || IsSpecialToken(token)) return std::string(token);
  std::string text;
  AppendDecoded(text, token, encoding, true);
  return text;
}

StringTable DecodeTokenRun(std::span<const std::string_view> tokens, TokenEncoding encoding, bool word_start) {
  if (encoding == TokenEncoding::kDecoded || encoding == TokenEncoding::kAuto) {
    StringTable same;
    for (const std::string_view token : tokens) same.Append(token);
    return same;
  }
  size_t bytes = 0;
  for (const std::string_view token : tokens) bytes += token.size();
  return DecodeRun(0, tokens.size(), encoding, [&](size_t i) { return tokens[i]; },
                   [&](size_t i) { return IsSpecialToken(tokens[i]); }, bytes + tokens.size(), word_start);
}

TokenEncoding DetectTokenEncoding(const Sequence& sequence, const TokenizerHints& hints) {
  if (hints.encoding != TokenEncoding::kAuto) return hints.encoding;
  EncodingEvidence evidence(hints);
  const size_t stride = std::max<size_t>(1, sequence.TokenCount() / kDetectionSample);
  for (size_t i = 0; i < sequence.TokenCount(); i += stride) evidence.Add(sequence.Token(i));
  return evidence.Encoding();
}

void DecodeDocumentTokens(Document& document, const TokenizerHints& hints) {
  // Each sequence (or each table, for the sequences that share it) is detected on its own: one
  // file may hold sequences from different tokenizers, or a raw and a decoded copy of a text.
  // Tables are usually shared (the vocabulary): each is detected and decoded once. The raw tables
  // are held so that their addresses stay unique while sequences switch to the decoded ones.
  std::vector<std::pair<std::shared_ptr<const TokenTable>, std::pair<TokenEncoding, DecodedTable>>> tables;
  for (Sequence& sequence : document.sequences) {
    TokenEncoding encoding;
    if (!sequence.Table()) {
      encoding = DetectTokenEncoding(sequence, hints);
      DecodeStringSequence(sequence, encoding, hints);
    } else {
      const std::shared_ptr<const TokenTable>& raw = sequence.Table();
      auto found = std::find_if(tables.begin(), tables.end(), [&](const auto& entry) { return entry.first == raw; });
      if (found == tables.end()) {
        const TokenEncoding table_encoding = DetectTableEncoding(*raw, hints);
        found = tables.insert(tables.end(), {raw, {table_encoding, DecodeTable(*raw, table_encoding, hints)}});
      }
      encoding = found->second.first;
      const DecodedTable& decoded = found->second.second;
      sequence.SetDecodedTable(decoded.table, FindOverrides(sequence, decoded, encoding));
    }
    DecodeTopK(sequence, encoding, hints);
  }
}

}  // namespace th
