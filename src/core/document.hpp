#pragma once
// The document model: sequences of tokens, each with named channels of float values.
// Standard library only (no GL, GLFW, ImGui): tests and command-line tools link it alone.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace th {

class AttentionPatterns;
class FeatureDictionary;
class FeatureIndex;

// Per-token numbers: either owned, or borrowed from memory that something else keeps alive (a
// memory-mapped .npy/.npz/.safetensors file), so large float32 or int32 arrays are never copied.
// Reads like a std::vector<T>; writes (push_back, reserve) are for owned columns only.
template <typename T>
class Column {
 public:
  Column() = default;
  Column(std::vector<T> values) : m_owned(std::move(values)) {}  // NOLINT: implicit
  Column(std::initializer_list<T> values) : m_owned(values) {}
  // values must stay valid while owner lives.
  static Column Borrow(std::span<const T> values, std::shared_ptr<const void> owner) {
    Column column;
    column.m_borrowed = values;
    column.m_owner = std::move(owner);
    return column;
  }
  // Elements [begin, end): still borrowed when this column is, copied otherwise.
  Column Slice(size_t begin, size_t end) const {
    const std::span<const T> part = std::span<const T>(*this).subspan(begin, end - begin);
    if (IsBorrowed()) return Borrow(part, m_owner);
    return std::vector<T>(part.begin(), part.end());
  }

  bool IsBorrowed() const { return m_owner != nullptr; }
  size_t size() const { return IsBorrowed() ? m_borrowed.size() : m_owned.size(); }
  bool empty() const { return size() == 0; }
  const T* data() const { return IsBorrowed() ? m_borrowed.data() : m_owned.data(); }
  T operator[](size_t index) const { return data()[index]; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size(); }
  operator std::span<const T>() const { return {data(), size()}; }  // NOLINT: implicit

  void push_back(T value) { m_owned.push_back(value); }
  void reserve(size_t count) { m_owned.reserve(count); }
  void resize(size_t count, T value) { m_owned.resize(count, value); }
  // The elements, writable (a live stream's update): owned columns only.
  std::span<T> Owned() { return m_owned; }

  friend bool operator==(const Column& a, const Column& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::vector<T> m_owned;
  std::span<const T> m_borrowed;
  std::shared_ptr<const void> m_owner;
};

using ValueColumn = Column<float>;
// Token ids, 4 bytes each: vocabularies stay far below 2^31 entries.
using IdColumn = Column<int32_t>;

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
  StringTable() = default;
  // The strings concatenated, and each one's end offset in text (ascending).
  StringTable(std::string text, std::vector<uint64_t> ends) : m_text(std::move(text)), m_ends(std::move(ends)) {}
  // Append and At are inline: loading, decoding and layout call them once per token.
  void Append(std::string_view text) {
    m_text.append(text);
    m_ends.push_back(m_text.size());
  }
  void Reserve(size_t count, size_t bytes);
  size_t Size() const { return m_ends.size(); }
  bool Empty() const { return m_ends.empty(); }
  std::string_view At(size_t index) const {
    const uint64_t begin = index == 0 ? 0 : m_ends[index - 1];
    return std::string_view(m_text.data() + begin, m_ends[index] - begin);
  }
  size_t Bytes() const { return m_text.size(); }

 private:
  std::string m_text;
  std::vector<uint64_t> m_ends;
};

// Per-token flags (TokenFlags bits).
inline constexpr uint8_t kTokenSpecial = 1;  // <|endoftext|>, <s>, [CLS], <pad>...: drawn distinctly
// A token that has no value by design, not a missing one (plain text's whitespace): drawn on the
// canvas, neither coloured nor hatched.
inline constexpr uint8_t kTokenUnmeasured = 2;
// A token the document points out (the sampled, peak token of a feature index's context): framed.
inline constexpr uint8_t kTokenMarked = 4;

// A vocabulary's strings, shared by every sequence that stores its tokens as ids into it: each entry
// is stored, and decoded, once however often it occurs (4 bytes per token instead of a string each).
struct TokenTable {
  StringTable text;            // by id: the decoded text (the tokenizer's string before decoding)
  StringTable raw;             // by id: the tokenizer's strings; empty when decoding changed no entry
  std::vector<uint8_t> flags;  // by id (TokenFlags bits); empty when no entry has any
  std::string_view Raw(size_t id) const { return raw.Empty() ? text.At(id) : raw.At(id); }
  uint8_t Flags(size_t id) const { return flags.empty() ? 0 : flags[id]; }
};

// Tokens of a table-backed sequence whose decoded text is not their entry's, because it depends on
// the neighbours (a character split across tokens, a WordPiece word start): sorted by index.
struct TokenOverrides {
  std::vector<uint64_t> indices;
  StringTable texts;
};

// Which text of a token to show: decoded for people (the default), or the tokenizer's own string.
enum class TokenText { kDecoded, kRaw };

// The most likely next tokens at one position (GLTR's pred_topk, token_log_probs-style data).
struct TopKEntry {
  std::string_view token;
  float probability;
};

// The per-token extras most sequences lack (raw strings, flags, decoding overrides, top-k): behind
// one pointer, so that a plain sequence pays 8 bytes for them (a million short JSONL lines...).
struct SequenceExtras {
  StringTable raw;
  std::vector<uint8_t> flags;
  TokenOverrides overrides;
  std::vector<uint64_t> top_k_ends;
  StringTable top_k_tokens;  // decoded, like the tokens
  StringTable top_k_raw;     // the tokenizer's strings, when decoding changed any
  std::vector<float> top_k_probabilities;
  std::shared_ptr<const AttentionPatterns> attention;
  std::shared_ptr<const FeatureDictionary> features;
};

// A run of tokens. Optional per-token extras (raw strings, flags, ids, top-k) are empty when the
// input had none, so a plain sequence pays nothing for them.
class Sequence {
 public:
  Sequence() = default;
  Sequence(Sequence&&) noexcept = default;
  Sequence& operator=(Sequence&&) noexcept = default;
  Sequence(const Sequence& other);
  Sequence& operator=(const Sequence& other);
  ~Sequence() = default;

  std::string name;
  std::vector<Channel> channels;

  // Tokens are stored either as strings (AppendToken) or as ids into a shared table
  // (SetTableTokens), never both; every reader below works the same on either.
  void AppendToken(std::string_view text) { m_tokens.Append(text); }
  // A token of a live stream: its decoded text, the tokenizer's string when decoding changed it
  // ("" when not: raw strings are kept only once one differs), and its TokenFlags bits.
  void AppendStreamedToken(std::string_view text, std::string_view raw, uint8_t flags);
  void ReserveTokens(size_t count, size_t bytes) { m_tokens.Reserve(count, bytes); }
  size_t TokenCount() const { return m_table ? m_ids.size() : m_tokens.Size(); }
  // The decoded text (what a person reads).
  std::string_view Token(size_t index) const {
    if (!m_table) return m_tokens.At(index);
    return !m_extras || m_extras->overrides.indices.empty() ? m_table->text.At(static_cast<size_t>(m_ids[index]))
                                                             : OverriddenToken(index);
  }
  // The text to draw: decoded, or the tokenizer's raw string when the toggle asks for it.
  std::string_view Token(size_t index, TokenText which) const;
  // Index of the channel with this name, or -1.
  int FindChannel(std::string_view channel_name) const;

  // Raw tokenizer strings ("Ġworld", "▁the", "##ing"), kept only when decoding changed a token.
  bool HasRawTokens() const;
  std::string_view RawToken(size_t index) const;
  // Replaces the token texts by their decoded forms, keeping the current ones as raw.
  void SetDecodedTokens(StringTable decoded);

  // Tokens as ids (each a valid index into table), which are also the sequence's TokenIds().
  void SetTableTokens(IdColumn ids, std::shared_ptr<const TokenTable> table);
  // The shared table of a table-backed sequence, else null.
  const std::shared_ptr<const TokenTable>& Table() const { return m_table; }
  // Replaces the table by its decoded form, with the tokens whose text differs from their entry's.
  void SetDecodedTable(std::shared_ptr<const TokenTable> table, TokenOverrides overrides);

  uint8_t Flags(size_t index) const;
  void SetFlags(std::vector<uint8_t> flags) { MutableExtras().flags = std::move(flags); }
  bool HasFlags() const { return m_table ? !m_table->flags.empty() : !Extras().flags.empty(); }

  // Token ids (from the input's ids, or given alongside the strings); empty when unknown.
  const IdColumn& TokenIds() const { return m_ids; }
  void SetTokenIds(IdColumn ids) { m_ids = std::move(ids); }
  void AppendTokenId(int32_t id) { m_ids.push_back(id); }  // owned ids (a live stream's)

  // Top-k predictions per token: entries [ends[i-1], ends[i]) belong to token i.
  bool HasTopK() const { return !Extras().top_k_ends.empty(); }
  std::vector<TopKEntry> TopK(size_t index, TokenText text = TokenText::kDecoded) const;
  void AppendTopK(std::span<const TopKEntry> entries);  // call once per token, in order
  // Every top-k token, in order; SetDecodedTopK replaces them by their decoded forms (keeping the
  // current ones as raw).
  const StringTable& TopKTokens() const { return Extras().top_k_tokens; }
  void SetDecodedTopK(StringTable decoded);

  // Attention patterns over this sequence's tokens (queries and keys are its tokens), or null.
  const std::shared_ptr<const AttentionPatterns>& Attention() const { return Extras().attention; }
  void SetAttention(std::shared_ptr<const AttentionPatterns> attention) { MutableExtras().attention = std::move(attention); }
  // Feature activations of this sequence's tokens, or null.
  const std::shared_ptr<const FeatureDictionary>& Features() const { return Extras().features; }
  void SetFeatures(std::shared_ptr<const FeatureDictionary> features) { MutableExtras().features = std::move(features); }

  // Removes the tokens whose keep flag is false (padding), from the texts, extras and channels;
  // the attention and features keep only what they can still give for the tokens kept
  // (AttentionPatterns::Skipping, FeatureDictionary::KeepTokens).
  void KeepTokens(const std::vector<bool>& keep);

 private:
  std::string_view OverriddenToken(size_t index) const;
  // The extras, or an empty set when there are none.
  const SequenceExtras& Extras() const;
  SequenceExtras& MutableExtras();

  StringTable m_tokens;
  IdColumn m_ids;
  std::shared_ptr<const TokenTable> m_table;
  std::unique_ptr<SequenceExtras> m_extras;  // null until an extra is set
};

class MappedFile;

// A colour range that the file asks for (CircuitsVis' minValue/maxValue): the viewer and render
// start from it as their manual range, and the legend says where it came from. An end the file
// leaves out is the data's own minimum or maximum, as in the tool that wrote it.
struct FileRange {
  std::optional<float> low;
  std::optional<float> high;
  std::string origin;  // "CircuitsVis minValue/maxValue"
};

struct Document {
  std::string source;  // file path, or "<demo>"
  std::vector<Sequence> sequences;
  std::optional<FileRange> file_range;
  // A feature index (feature_index.hpp): the sequences are the contexts of its row
  // `index_row`, which the viewer's feature browser replaces when another feature is picked.
  std::shared_ptr<const FeatureIndex> feature_index;
  size_t index_row = 0;
  // What the file holds that the loader did not read (an array of another shape...), one line
  // each, for info, render and the viewer to say.
  std::vector<std::string> warnings;
  // The file that borrowed columns read from, while they keep it mapped (weak: a document that
  // copied everything does not keep its file's pages): ThrowIfSourceChanged (load_document.hpp)
  // asks whether it was cut short since the load.
  std::weak_ptr<const MappedFile> file;
};

}  // namespace th
