#pragma once
// Tokens as a person reads them. Tokenizers hand out strings such as "Ġworld" (GPT-2 byte-level
// BPE), "▁world" or "<0x0A>" (SentencePiece) and "##ing" (WordPiece); these are decoded to the
// text they stand for, with the raw strings kept for the viewer's "raw tokens" toggle.
//
// Exactness: the decoded tokens of a sequence concatenate to exactly the decoded text. A
// character whose bytes are split across tokens (common for CJK, Vietnamese and emoji in
// byte-level BPE) is shown whole on the token where it starts; the tokens holding only the
// rest of its bytes become empty (drawn as the empty-token marker) and keep their raw strings.
// Bytes that never form a valid character stay as they are and are drawn as hex bytes.

#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/document.hpp"

namespace th {

enum class TokenEncoding {
  kAuto,           // detect from the tokens
  kDecoded,        // already text (possibly with U+FFFD where a token held part of a character)
  kByteLevel,      // GPT-2 byte-to-unicode alphabet
  kSentencePiece,  // ▁ for space, <0xHH> byte tokens
  kWordPiece,      // ## continuations, a space before every other word
};

// Strings looked up by std::string_view without building a std::string for each lookup.
struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
using TokenSet = std::unordered_set<std::string, StringViewHash, std::equal_to<>>;

struct TokenizerHints {
  TokenEncoding encoding = TokenEncoding::kAuto;
  const TokenSet* special_tokens = nullptr;  // from a tokenizer.json
};

// The common special tokens: <|...|>, <s>, </s>, <pad>, <unk>, <mask>, <bos>, <eos>, [CLS],
// [SEP], [PAD], [MASK], [UNK]...
bool IsSpecialToken(std::string_view token);

// The encoding of one sequence's tokens, from a bounded sample spread evenly over them (so that
// detection costs the same at any length); hints.encoding when it is not kAuto.
TokenEncoding DetectTokenEncoding(const Sequence& sequence, const TokenizerHints& hints = {});

// One token's text out of context, as a word start (no WordPiece space before it): for labels
// such as a channel named after the token it belongs to.
std::string DecodeTokenAlone(std::string_view token, TokenEncoding encoding);

// Tokens that continue a sequence (a live stream's append), decoded as DecodeDocumentTokens decodes
// them inside the whole sequence, provided no character's bytes cross the run's start: entry i is
// tokens[i]'s text. word_start: the run starts the sequence or follows a special token, so that
// WordPiece puts no space before its first word. Special tokens (IsSpecialToken) stay as they are;
// kDecoded (and kAuto) leave every token as it is.
StringTable DecodeTokenRun(std::span<const std::string_view> tokens, TokenEncoding encoding, bool word_start);

// Decodes every sequence in place (keeping raw strings where a token changed), its top-k tokens
// too, and flags special tokens. Each sequence's encoding is detected on its own (a file may
// hold sequences from different tokenizers); sequences stored as ids into a shared table share
// its encoding, detected from its entries, and decode each entry once.
void DecodeDocumentTokens(Document& document, const TokenizerHints& hints = {});

}  // namespace th
