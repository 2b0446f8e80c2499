#pragma once
// Reductions of a sequence's values over any token range in O(log n), for the overview strip: one
// pixel row stands for a span of tokens, reduced to one value that is then coloured through the
// same mapping and palette as the tokens. Max-abs is the default so that a single-token spike
// survives any amount of pooling.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace th {

enum class Reduction {
  kMaxAbs,  // the value of largest magnitude, with its sign
  kMax,
  kMin,
  kMean,
};
inline constexpr Reduction kReductions[] = {Reduction::kMaxAbs, Reduction::kMax, Reduction::kMin, Reduction::kMean};
std::string ReductionName(Reduction reduction);  // "max-abs", "max", "min", "mean"
std::optional<Reduction> ParseReduction(std::string_view name);

// Min, max, sum and count of the finite values of a span: what every reduction needs.
struct SpanStats {
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();
  double sum = 0.0;
  uint64_t count = 0;  // finite values
  void Add(float value);
  void Merge(const SpanStats& other);
  // The span reduced to one value; NaN when it holds no finite value.
  float Reduced(Reduction reduction) const;
};

class ValuePyramid {
 public:
  static constexpr uint64_t kLeafTokens = 64;  // tokens per first-level block, up to kMostLeaves blocks
  // Past kMostLeaves * kLeafTokens tokens (128M) the blocks double until there are at most this
  // many, so the pyramid stays under about 100 MB (a billion tokens: blocks of 512).
  static constexpr uint64_t kMostLeaves = uint64_t{1} << 21;
  static uint64_t LeafTokensFor(uint64_t tokens);

  ValuePyramid() = default;
  // O(n) time, about 0.75 bytes per token (48 bytes per first-level block). values are borrowed:
  // they must outlive the pyramid. A stop request abandons the build (the result is then not used).
  // leaf_tokens: blocks of that many tokens (a power of two of at least kLeafTokens) instead of
  // LeafTokensFor(values.size()).
  explicit ValuePyramid(std::span<const float> values, std::stop_token stop = {}, uint64_t leaf_tokens = 0);
  // The values grew (a live stream appended to them; the earlier ones unchanged, though they may
  // have moved): only the blocks that hold new values are reduced again, O(new + levels).
  void Extend(std::span<const float> values);

  uint64_t Size() const { return m_values.size(); }
  // The reduction of the finite values among tokens [begin, end); NaN when there are none.
  float Reduce(uint64_t begin, uint64_t end, Reduction reduction) const;
  // The document as `rows` values, row r reducing tokens [r * n / rows, (r + 1) * n / rows).
  std::vector<float> Rows(size_t rows, Reduction reduction) const;
  // The first token after `token` whose value is above the threshold, skipping whole blocks
  // whose maximum is not: O(n / LeafTokens()) at worst.
  uint64_t LeafTokens() const { return m_leaf; }
  std::optional<uint64_t> NextAbove(uint64_t token, float threshold) const;
  // The row (of `rows`) that shows the token, and the first token a row shows.
  static size_t RowOfToken(uint64_t token, uint64_t tokens, size_t rows);
  static uint64_t FirstTokenOfRow(size_t row, uint64_t tokens, size_t rows);

 private:
  std::span<const float> m_values;
  uint64_t m_leaf = kLeafTokens;
  std::vector<std::vector<SpanStats>> m_levels;  // level k: blocks of m_leaf << k tokens
};

}  // namespace th
