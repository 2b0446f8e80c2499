#pragma once
// Attention patterns of one sequence, [layers, heads, query, key], read one row or column at a
// time from the file's mapping (float32, float16 or bfloat16): a 32k-token context with 12x12
// heads is 600 GB in float32, and only the rows on screen are ever read.
// Standard library only.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace th {

// IEEE binary16 to float, exactly (the array loaders share it).
float HalfToFloat(uint16_t half);

// One block of elements as the file stores them: C order, little-endian unless big_endian (NumPy's
// '>f4', converted as each element is read).
struct StoredElements {
  enum class Type : uint8_t { kFloat32, kFloat16, kBFloat16 };
  Type type = Type::kFloat32;
  bool big_endian = false;
  std::string_view bytes;             // exactly the block's elements
  std::shared_ptr<const void> owner;  // keeps bytes alive (a mapping, or owned floats)
  size_t ItemSize() const { return type == Type::kFloat32 ? 4 : 2; }
  // Element `index` as a float.
  float At(uint64_t index) const;
  // Elements [first, first + out.size()) into out.
  void Read(uint64_t first, std::span<float> out) const;
  // "float32", "float16", "bfloat16".
  std::string_view TypeName() const;
};

class AttentionPatterns {
 public:
  // layers: one [heads, queries, keys] block each (layers of one array, or one file per layer), at
  // least one, all of one type and size; throws std::invalid_argument otherwise.
  AttentionPatterns(std::vector<StoredElements> layers, uint32_t heads, uint64_t queries, uint64_t keys);
  // Owned float32 values in [layers, heads, queries, keys] order (JSON inputs, tests).
  static AttentionPatterns FromFloats(std::vector<float> values, uint32_t layers, uint32_t heads, uint64_t queries,
                                      uint64_t keys);

  // The patterns may hold more tokens than the sequence: padding removed from the tokens
  // (Sequence::KeepTokens: a batch's, render --tokens A:B) stays in them, and the sequence's T
  // tokens are the stored queries and keys [FirstToken(), FirstToken() + T). Queries() and Keys()
  // count from there (at least T each); readers index the sequence's tokens and ask for T values.
  uint32_t Layers() const { return static_cast<uint32_t>(m_layers.size()); }
  uint32_t Heads() const { return m_heads; }
  uint64_t Queries() const { return m_queries - m_first; }
  uint64_t Keys() const { return m_keys - m_first; }
  StoredElements::Type Type() const { return m_layers.front().type; }
  std::string_view TypeName() const { return m_layers.front().TypeName(); }
  // Each layer's [heads, queries, keys] elements, where they are stored (a file's mapping).
  std::span<const StoredElements> Blocks() const { return m_layers; }
  // The stored query and key of the sequence's token 0.
  uint64_t FirstToken() const { return m_first; }
  // The same patterns with the sequence's first `tokens` tokens left out (they were removed).
  AttentionPatterns Skipping(uint64_t tokens) const;

  // What token `query` attends to, the keys of tokens [0, out.size()), into out: attention[layer,
  // head, FirstToken() + query, FirstToken() + k]. Throws std::out_of_range for an index or a size
  // beyond the patterns.
  void ReadRow(uint32_t layer, uint32_t head, uint64_t query, std::span<float> out) const;
  // What attends to token `key`, the queries of tokens [0, out.size()), into out. Throws
  // std::out_of_range as ReadRow does.
  void ReadColumn(uint32_t layer, uint32_t head, uint64_t key, std::span<float> out) const;

  // Causal: queries == keys and every entry above the diagonal that the loader sampled (rows of
  // each layer's first head) is exactly 0. Those entries are masked, not attention of zero: the
  // views draw them as "no value".
  bool Causal() const { return m_causal; }
  void SetCausal(bool causal) { m_causal = causal; }
  // Decides Causal() from the stored values (at most a few rows per layer are read), from the rows
  // of the queries from FirstToken() on: call it after Skipping the padding.
  void DetectCausalMask();

  // Optional names of the heads ("L0H3", CircuitsVis' headLabels), Layers() x Heads() of them in
  // layer-major order, or empty.
  std::vector<std::string> head_labels;

 private:
  const StoredElements& Block(uint32_t layer, uint32_t head) const;

  std::vector<StoredElements> m_layers;
  uint32_t m_heads = 0;
  uint64_t m_queries = 0;  // as stored
  uint64_t m_keys = 0;
  uint64_t m_first = 0;
  bool m_causal = false;
};

}  // namespace th
