#pragma once
// The document model: sequences of tokens, each with named channels of float values.
// Standard library only (no GL, GLFW, ImGui): tests and command-line tools link it alone.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace th {

// A channel's values: either owned, or borrowed from memory that something else keeps alive
// (a memory-mapped .npy/.npz/.safetensors file), so large float32 arrays are never copied.
// Reads like a std::vector<float>; writes (push_back, reserve) are for owned columns only.
class ValueColumn {
 public:
  ValueColumn() = default;
  ValueColumn(std::vector<float> values) : m_owned(std::move(values)) {}  // NOLINT: implicit
  ValueColumn(std::initializer_list<float> values) : m_owned(values) {}
  // values must stay valid while owner lives.
  static ValueColumn Borrow(std::span<const float> values, std::shared_ptr<const void> owner);
  // Values [begin, end): still borrowed when this column is, copied otherwise.
  ValueColumn Slice(size_t begin, size_t end) const;

  bool IsBorrowed() const { return m_owner != nullptr; }
  size_t size() const { return IsBorrowed() ? m_borrowed.size() : m_owned.size(); }
  bool empty() const { return size() == 0; }
  const float* data() const { return IsBorrowed() ? m_borrowed.data() : m_owned.data(); }
  float operator[](size_t index) const { return data()[index]; }
  const float* begin() const { return data(); }
  const float* end() const { return data() + size(); }
  operator std::span<const float>() const { return {data(), size()}; }  // NOLINT: implicit

  void push_back(float value) { m_owned.push_back(value); }
  void reserve(size_t count) { m_owned.reserve(count); }

  friend bool operator==(const ValueColumn& a, const ValueColumn& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::vector<float> m_owned;
  std::span<const float> m_borrowed;
  std::shared_ptr<const void> m_owner;
};

// One named value per token (an activation, a log-probability, an attribution...).
// NaN and +-Inf are allowed and mean "no value": they are left out of statistics and drawn
// in the "no value" style.
struct Channel {
  std::string name;
  ValueColumn values;
};

// Many short strings in one byte buffer with end offsets: 8 bytes of bookkeeping per string
// instead of a std::string each.
class StringTable {
 public:
  void Append(std::string_view text);
  void Reserve(size_t count, size_t bytes);
  size_t Size() const { return m_ends.size(); }
  bool Empty() const { return m_ends.empty(); }
  std::string_view At(size_t index) const;
  size_t Bytes() const { return m_text.size(); }

 private:
  std::string m_text;
  std::vector<uint64_t> m_ends;
};

// Per-token flags (TokenFlags bits).
inline constexpr uint8_t kTokenSpecial = 1;  // <|endoftext|>, <s>, [CLS], <pad>...: drawn distinctly

// Which text of a token to show: decoded for people (the default), or the tokenizer's own string.
enum class TokenText { kDecoded, kRaw };

// The most likely next tokens at one position (GLTR's pred_topk, token_log_probs-style data).
struct TopKEntry {
  std::string_view token;
  float probability;
};

// A run of tokens. Optional per-token extras (raw strings, flags, ids, top-k) are empty when the
// input had none, so a plain sequence pays nothing for them.
class Sequence {
 public:
  std::string name;
  std::vector<Channel> channels;

  void AppendToken(std::string_view text) { m_tokens.Append(text); }
  void ReserveTokens(size_t count, size_t bytes) { m_tokens.Reserve(count, bytes); }
  size_t TokenCount() const { return m_tokens.Size(); }
  // The decoded text (what a person reads).
  std::string_view Token(size_t index) const { return m_tokens.At(index); }
  // The text to draw: decoded, or the tokenizer's raw string when the toggle asks for it.
  std::string_view Token(size_t index, TokenText which) const;
  // Index of the channel with this name, or -1.
  int FindChannel(std::string_view channel_name) const;

  // Raw tokenizer strings ("Ġworld", "▁the", "##ing"), kept only when decoding changed a token.
  bool HasRawTokens() const { return !m_raw.Empty(); }
  std::string_view RawToken(size_t index) const { return HasRawTokens() ? m_raw.At(index) : Token(index); }
  // Replaces the token texts by their decoded forms, keeping the current ones as raw.
  void SetDecodedTokens(StringTable decoded);

  uint8_t Flags(size_t index) const { return index < m_flags.size() ? m_flags[index] : 0; }
  void SetFlags(std::vector<uint8_t> flags) { m_flags = std::move(flags); }
  bool HasFlags() const { return !m_flags.empty(); }

  // Token ids (from the input's ids, or given alongside the strings); empty when unknown.
  const std::vector<int64_t>& TokenIds() const { return m_ids; }
  void SetTokenIds(std::vector<int64_t> ids) { m_ids = std::move(ids); }

  // Top-k predictions per token: entries [ends[i-1], ends[i]) belong to token i.
  bool HasTopK() const { return !m_top_k_ends.empty(); }
  std::vector<TopKEntry> TopK(size_t index) const;
  void AppendTopK(std::span<const TopKEntry> entries);  // call once per token, in order

  // Removes the tokens whose keep flag is false (padding), from the texts, extras and channels.
  void KeepTokens(const std::vector<bool>& keep);

 private:
  StringTable m_tokens;
  StringTable m_raw;
  std::vector<uint8_t> m_flags;
  std::vector<int64_t> m_ids;
  std::vector<uint64_t> m_top_k_ends;
  StringTable m_top_k_tokens;
  std::vector<float> m_top_k_probabilities;
};

struct Document {
  std::string source;  // file path, or "<demo>"
  std::vector<Sequence> sequences;
};

}  // namespace th
