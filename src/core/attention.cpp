#include "core/attention.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace th {

namespace {

uint16_t Load16(const char* p, bool swap) {
  uint16_t value;
  std::memcpy(&value, p, sizeof value);
  return swap ? static_cast<uint16_t>((value >> 8) | (value << 8)) : value;
}

// a * b * c, or UINT64_MAX when that overflows.
uint64_t Product(uint64_t a, uint64_t b, uint64_t c) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if ((b != 0 && a > kMax / b) || (c != 0 && a * b > kMax / c)) return kMax;
  return a * b * c;
}

}  // namespace

float HalfToFloat(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000) << 16;
  const uint32_t exponent = (half >> 10) & 0x1F;
  const uint32_t mantissa = half & 0x3FF;
  if (exponent == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mantissa << 13));
  if (exponent != 0) return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
  const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);  // subnormal
  return sign ? -magnitude : magnitude;
}

// [SECTION] StoredElements

float StoredElements::At(uint64_t index) const {
  const char* p = bytes.data() + index * ItemSize();
  switch (type) {
    case Type::kFloat16:
      return HalfToFloat(Load16(p, big_endian));
    case Type::kBFloat16:
      return std::bit_cast<float>(static_cast<uint32_t>(Load16(p, big_endian)) << 16);
    case Type::kFloat32:
      break;
  }
  uint32_t bits;
  std::memcpy(&bits, p, sizeof bits);
  if (big_endian) bits = (bits >> 24) | ((bits >> 8) & 0xFF00) | ((bits << 8) & 0xFF0000) | (bits << 24);
  return std::bit_cast<float>(bits);
}

void StoredElements::Read(uint64_t first, std::span<float> out) const {
  static_assert(std::endian::native == std::endian::little);
  // A row of little-endian float32 is already floats: one copy (np.savez leaves members unaligned,
  // so the bytes are not read as floats in place).
  if (type == Type::kFloat32 && !big_endian) {
    // An empty out may have no storage at all, which memcpy must not be given even for 0 bytes.
    if (!out.empty()) std::memcpy(out.data(), bytes.data() + first * sizeof(float), out.size() * sizeof(float));
    return;
  }
  for (size_t i = 0; i < out.size(); ++i) out[i] = At(first + i);
}

std::string_view StoredElements::TypeName() const {
  switch (type) {
    case Type::kFloat16: return "float16";
    case Type::kBFloat16: return "bfloat16";
    case Type::kFloat32: break;
  }
  return "float32";
}

// [SECTION] AttentionPatterns

AttentionPatterns::AttentionPatterns(std::vector<StoredElements> layers, uint32_t heads, uint64_t queries,
                                     uint64_t keys)
    : m_layers(std::move(layers)), m_heads(heads), m_queries(queries), m_keys(keys) {
  if (m_layers.empty()) throw std::invalid_argument("attention patterns need at least one layer");
  const uint64_t bytes = Product(Product(heads, queries, keys), m_layers.front().ItemSize(), 1);
  for (const StoredElements& layer : m_layers) {
    if (layer.type != m_layers.front().type) throw std::invalid_argument("attention layers of different types");
    if (bytes == std::numeric_limits<uint64_t>::max() || layer.bytes.size() != bytes)
      throw std::invalid_argument("an attention layer's bytes are not [heads, queries, keys] elements");
  }
}

AttentionPatterns AttentionPatterns::FromFloats(std::vector<float> values, uint32_t layers, uint32_t heads,
                                                uint64_t queries, uint64_t keys) {
  const uint64_t per_layer = Product(heads, queries, keys);
  if (layers == 0 || per_layer == std::numeric_limits<uint64_t>::max() || values.size() / layers != per_layer ||
      values.size() % layers != 0)
    throw std::invalid_argument("attention values are not [layers, heads, queries, keys] elements");
  const auto owned = std::make_shared<const std::vector<float>>(std::move(values));
  const char* bytes = reinterpret_cast<const char*>(owned->data());
  std::vector<StoredElements> blocks;
  for (uint32_t layer = 0; layer < layers; ++layer)
    blocks.push_back({StoredElements::Type::kFloat32, false,
                      std::string_view(bytes + layer * per_layer * sizeof(float), per_layer * sizeof(float)), owned});
  return AttentionPatterns(std::move(blocks), heads, queries, keys);
}

const StoredElements& AttentionPatterns::Block(uint32_t layer, uint32_t head) const {
  if (layer >= Layers() || head >= m_heads)
    throw std::out_of_range("attention layer " + std::to_string(layer) + " head " + std::to_string(head) +
                            " beyond the " + std::to_string(Layers()) + "x" + std::to_string(m_heads));
  return m_layers[layer];
}

AttentionPatterns AttentionPatterns::Skipping(uint64_t tokens) const {
  if (tokens > std::min(Queries(), Keys()))
    throw std::out_of_range("skipping " + std::to_string(tokens) + " tokens of attention over " +
                            std::to_string(std::min(Queries(), Keys())));
  AttentionPatterns patterns = *this;
  patterns.m_first += tokens;
  return patterns;
}

void AttentionPatterns::ReadRow(uint32_t layer, uint32_t head, uint64_t query, std::span<float> out) const {
  const StoredElements& block = Block(layer, head);
  if (query >= Queries() || out.size() > Keys())
    throw std::out_of_range("attention row " + std::to_string(query) + " of " + std::to_string(out.size()) +
                            " keys beyond the " + std::to_string(Queries()) + "x" + std::to_string(Keys()));
  block.Read((head * m_queries + m_first + query) * m_keys + m_first, out);
}

void AttentionPatterns::ReadColumn(uint32_t layer, uint32_t head, uint64_t key, std::span<float> out) const {
  const StoredElements& block = Block(layer, head);
  if (key >= Keys() || out.size() > Queries())
    throw std::out_of_range("attention column " + std::to_string(key) + " of " + std::to_string(out.size()) +
                            " queries beyond the " + std::to_string(Queries()) + "x" + std::to_string(Keys()));
  const uint64_t first = (head * m_queries + m_first) * m_keys + m_first + key;
  for (uint64_t query = 0; query < out.size(); ++query) out[query] = block.At(first + query * m_keys);
}

void AttentionPatterns::DetectCausalMask() {
  m_causal = false;
  const uint64_t count = Queries();
  if (m_queries != m_keys || count < 2) return;
  // The first rows hold the most of the upper triangle; a row from the middle and the last row
  // that has any catch patterns whose start alone is masked (sinks, a prefix). Rows of the
  // sequence's tokens only: left padding's rows, all of whose keys were masked, are spread over
  // every key (Hugging Face's fully masked rows), the upper triangle included.
  std::vector<uint64_t> rows = {0, 1, count / 2, count - 2};
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  std::vector<float> above;
  for (const StoredElements& layer : m_layers)
    for (const uint64_t row : rows) {
      const uint64_t query = m_first + row;
      above.resize(m_keys - query - 1);
      layer.Read(query * m_keys + query + 1, above);
      if (std::any_of(above.begin(), above.end(), [](float value) { return value != 0.0f; })) return;
    }
  m_causal = true;
}

}  // namespace th
