#include "layout/value_pyramid.hpp"

#include <algorithm>
#include <cmath>

namespace th {

std::string ReductionName(Reduction reduction) {
  switch (reduction) {
    case Reduction::kMax: return "max";
    case Reduction::kMin: return "min";
    case Reduction::kMean: return "mean";
    case Reduction::kMaxAbs: break;
  }
  return "max-abs";
}

std::optional<Reduction> ParseReduction(std::string_view name) {
  for (const Reduction reduction : kReductions)
    if (ReductionName(reduction) == name) return reduction;
  return std::nullopt;
}

void SpanStats::Add(float value) {
  if (!std::isfinite(value)) return;
  min = std::min(min, value);
  max = std::max(max, value);
  sum += value;
  ++count;
}

void SpanStats::Merge(const SpanStats& other) {
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  sum += other.sum;
  count += other.count;
}

float SpanStats::Reduced(Reduction reduction) const {
  if (count == 0) return NAN;
  switch (reduction) {
    case Reduction::kMax: return max;
    case Reduction::kMin: return min;
    case Reduction::kMean: return static_cast<float>(sum / static_cast<double>(count));
    case Reduction::kMaxAbs: break;
  }
  return std::fabs(max) >= std::fabs(min) ? max : min;
}

uint64_t ValuePyramid::LeafTokensFor(uint64_t tokens) {
  uint64_t leaf = kLeafTokens;
  while (tokens / leaf > kMostLeaves) leaf *= 2;
  return leaf;
}

ValuePyramid::ValuePyramid(std::span<const float> values, std::stop_token stop, uint64_t leaf_tokens)
    : m_values(values), m_leaf(leaf_tokens > 0 ? leaf_tokens : LeafTokensFor(values.size())) {
  std::vector<SpanStats> level((values.size() + m_leaf - 1) / m_leaf);
  for (size_t block = 0; block < level.size(); ++block) {
    if (block % 65536 == 0 && stop.stop_requested()) return;
    const size_t end = std::min<size_t>((block + 1) * m_leaf, values.size());
    for (size_t i = block * m_leaf; i < end; ++i) level[block].Add(values[i]);
  }
  while (level.size() > 1) {
    std::vector<SpanStats> parent((level.size() + 1) / 2);
    for (size_t i = 0; i < level.size(); ++i) parent[i / 2].Merge(level[i]);
    m_levels.push_back(std::move(level));
    level = std::move(parent);
  }
  m_levels.push_back(std::move(level));
}

void ValuePyramid::Extend(std::span<const float> values) {
  const uint64_t before = m_values.size();
  if (m_levels.empty() || before == 0 || values.size() < before) {
    *this = ValuePyramid(values);
    return;
  }
  m_values = values;
  size_t first = before / m_leaf;  // the first block that holds a new value
  std::vector<SpanStats>& leaves = m_levels[0];
  leaves.resize((values.size() + m_leaf - 1) / m_leaf);
  for (size_t block = first; block < leaves.size(); ++block) {
    leaves[block] = {};
    const size_t end = std::min<size_t>((block + 1) * m_leaf, values.size());
    for (size_t i = block * m_leaf; i < end; ++i) leaves[block].Add(values[i]);
  }
  for (size_t level = 0; m_levels[level].size() > 1; ++level) {
    if (level + 1 == m_levels.size()) m_levels.emplace_back();
    const std::vector<SpanStats>& children = m_levels[level];
    std::vector<SpanStats>& parents = m_levels[level + 1];
    first /= 2;
    parents.resize((children.size() + 1) / 2);
    for (size_t parent = first; parent < parents.size(); ++parent) {
      parents[parent] = {};
      parents[parent].Merge(children[2 * parent]);
      if (2 * parent + 1 < children.size()) parents[parent].Merge(children[2 * parent + 1]);
    }
  }
}

float ValuePyramid::Reduce(uint64_t begin, uint64_t end, Reduction reduction) const {
  end = std::min<uint64_t>(end, m_values.size());
  SpanStats stats;
  // Tokens outside whole leaf blocks one by one, then blocks bottom-up as in a segment tree:
  // an odd block at either end is taken at its level, the rest are merged one level up.
  while (begin < end && begin % m_leaf != 0) stats.Add(m_values[begin++]);
  while (end > begin && end % m_leaf != 0 && end != m_values.size()) stats.Add(m_values[--end]);
  // Now begin is aligned and end is aligned or the document's end (its last block may be short).
  uint64_t first = begin / m_leaf;
  uint64_t last = begin < end ? (end + m_leaf - 1) / m_leaf : first;
  for (size_t level = 0; first < last && level < m_levels.size(); ++level) {
    if (first & 1) stats.Merge(m_levels[level][first++]);
    if (last & 1) stats.Merge(m_levels[level][--last]);
    first >>= 1;
    last >>= 1;
  }
  return stats.Reduced(reduction);
}

std::vector<float> ValuePyramid::Rows(size_t rows, Reduction reduction) const {
  std::vector<float> out(rows);
  for (size_t row = 0; row < rows; ++row)
    out[row] = Reduce(FirstTokenOfRow(row, Size(), rows), FirstTokenOfRow(row + 1, Size(), rows), reduction);
  return out;
}

std::optional<uint64_t> ValuePyramid::NextAbove(uint64_t token, float threshold) const {
  const std::vector<SpanStats>& blocks = m_levels.front();
  for (uint64_t i = token + 1; i < m_values.size();) {
    if (i % m_leaf == 0 && !(blocks[i / m_leaf].max > threshold)) {
      i += m_leaf;
      continue;
    }
    if (m_values[i] > threshold) return i;
    ++i;
  }
  return std::nullopt;
}

size_t ValuePyramid::RowOfToken(uint64_t token, uint64_t tokens, size_t rows) {
  if (tokens == 0 || rows == 0) return 0;
  // token * rows stays far below 2^64: rows is a pixel count, tokens at most a few billion.
  const auto row = static_cast<size_t>(token * rows / tokens);
  return std::min(row, rows - 1);
}

uint64_t ValuePyramid::FirstTokenOfRow(size_t row, uint64_t tokens, size_t rows) {
  if (rows == 0) return 0;
  // The first token whose RowOfToken is `row`: ceil(row * tokens / rows).
  return (static_cast<uint64_t>(row) * tokens + rows - 1) / rows;
}

}  // namespace th
