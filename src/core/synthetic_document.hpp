#pragma once
// Large synthetic documents made in memory, so benchmarks and tests of long documents need no
// downloads. Tokens are ids into a small shared vocabulary (4 bytes a token) and every token's id
// and value are pure functions of its index, so a test can say which token belongs where
// without keeping a copy.

#include <cstdint>
#include <span>
#include <string_view>

#include "core/document.hpp"

namespace th {

// One sequence "synthetic" of `tokens` tokens with one channel "value": a slow wave plus noise in
// [-1, 1] and, every kSyntheticSpikeEvery tokens, a spike of kSyntheticSpike (so reductions and
// jumps have something to find). About one token in 48 is a newline.
Document MakeSyntheticDocument(uint64_t tokens);

// One sequence "synthetic CJK" holding `characters` distinct CJK ideographs (U+4E00 on, at most
// kSyntheticCjkMax), each once, in a scrambled order (character k is U+4E00 + k * 7919 mod N),
// as tokens of 1, 2, 1, 3 and 2 of them in turn, every 64th token a newline, with one channel
// "value" (a wave plus a sawtooth). The glyph atlas's worst case: nearly every character of a
// page is one it has not drawn (bench --synthetic-cjk N).
Document MakeSyntheticCjkDocument(uint32_t characters);
inline constexpr uint32_t kSyntheticCjkMax = 20'992;  // U+4E00..U+9FFF

inline constexpr uint64_t kSyntheticSpikeEvery = 1'000'003;
inline constexpr float kSyntheticSpike = 40.0f;

// Token `index`'s text, id and value in MakeSyntheticDocument's output; its text is
// SyntheticVocabulary()[SyntheticTokenId(index)].
std::string_view SyntheticToken(uint64_t index);
int32_t SyntheticTokenId(uint64_t index);
float SyntheticValue(uint64_t index);
// The vocabulary the ids index (`tokenheat generate` writes it beside its .npz).
std::span<const std::string_view> SyntheticVocabulary();

}  // namespace th
