#pragma once
// Reductions of a sequence's values over any token range in O(log n), for the overview strip: one
// pixel row stands for a span of tokens, reduced to one value that is then coloured through the
// same mapping and palette as the tokens. Max-abs is the default so that a single-token spike
// survives any amount of pooling.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
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
  static constexpr uint64_t kLeafTokens = 64;  // tokens per first-level block

  ValuePyramid() = default;
  // O(n) time, about 0.75 bytes per token. values are borrowed: they must outlive the pyramid.
  explicit ValuePyramid(std::span<const float> values);
  // The values grew (a live stream appended to them; the earlier ones unchanged, though they may
  // have moved): only the blocks that hold new values are reduced again, O(new + levels).
  void Extend(std::span<const float> values);

  uint64_t Size() const { return m_values.size(); }
  // The reduction of the finite values among tokens [begin, end); NaN when there are none.
  float Reduce(uint64_t begin, uint64_t end, Reduction reduction) const;
  // The document as `rows` values, row r reducing tokens [r * n / rows, (r + 1) * n / rows).
  std::vector<float> Rows(size_t rows, Reduction reduction) const;
  // The first token after `token` whose value is above the threshold, skipping whole blocks
  // whose maximum is not: O(n / kLeafTokens) at worst.
  std::optional<uint64_t> NextAbove(uint64_t token, float threshold) const;
  // The row (of `rows`) that shows the token, and the first token a row shows.
  static size_t RowOfToken(uint64_t token, uint64_t tokens, size_t rows);
  static uint64_t FirstTokenOfRow(size_t row, uint64_t tokens, size_t rows);

 private:
  std::span<const float> m_values;
  std::vector<std::vector<SpanStats>> m_levels;  // level k: blocks of kLeafTokens << k tokens
};

}  // namespace th
