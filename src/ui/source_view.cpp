#include "ui/source_view.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/utf8.hpp"

namespace th::ui {

uint64_t StepSourceToken(uint64_t current, int64_t step, uint64_t tokens) {
  if (tokens == 0) return 0;
  const uint64_t last = tokens - 1;
  current = std::min(current, last);
  if (step < 0) {
    const uint64_t back = static_cast<uint64_t>(-(step + 1)) + 1;  // |step| without overflow
    return back >= current ? 0 : current - back;
  }
  const auto on = static_cast<uint64_t>(step);
  return on >= last - current ? last : current + on;
}

std::optional<uint64_t> TokenAtPoint(const VisibleLayout& layout, const GridGeometry& geometry, double x, double y) {
  const std::optional<size_t> hit = HitTest(layout, geometry, x, y);
  if (!hit || layout.instances[*hit].flags & kFoldedBlockFlag) return std::nullopt;
  return layout.tokens[*hit];
}

bool IsClickNotDrag(float max_drag_distance_squared) { return max_drag_distance_squared <= kClickSlop * kClickSlop; }

HeadGridGeometry LayoutHeadGrid(uint32_t layers, uint32_t heads, float width, const HeadGridSizes& sizes) {
  HeadGridGeometry geometry;
  geometry.layers = layers;
  geometry.heads = heads;
  geometry.thumb_height = sizes.thumb_height;
  geometry.label_height = sizes.label_height;
  geometry.gap = sizes.gap;
  if (heads == 0 || layers == 0) return geometry;
  const float fitting = (width - static_cast<float>(heads - 1) * sizes.gap) / static_cast<float>(heads);
  geometry.thumb_width = std::floor(std::clamp(fitting, sizes.min_thumb_width, sizes.max_thumb_width));
  geometry.buckets = static_cast<size_t>(std::max(geometry.thumb_width, 1.0f));
  return geometry;
}

std::optional<HeadCell> HeadAtPoint(const HeadGridGeometry& geometry, float x, float y) {
  if (x < 0.0f || y < 0.0f || geometry.thumb_width <= 0.0f) return std::nullopt;
  const float column_pitch = geometry.thumb_width + geometry.gap;
  const auto head = static_cast<uint64_t>(x / column_pitch);
  const auto layer = static_cast<uint64_t>(y / geometry.RowPitch());
  if (head >= geometry.heads || layer >= geometry.layers) return std::nullopt;
  if (x - static_cast<float>(head) * column_pitch >= geometry.thumb_width) return std::nullopt;  // the gap
  if (y - static_cast<float>(layer) * geometry.RowPitch() >= geometry.label_height + geometry.thumb_height)
    return std::nullopt;
  return HeadCell{static_cast<uint32_t>(layer), static_cast<uint32_t>(head)};
}

float HeadGridMax(std::span<const float> values) {
  float max = 0.0f;
  for (const float value : values)
    if (std::isfinite(value) && value > max) max = value;
  return max;
}

std::optional<float> HeadGridShade(float value, float max) {
  if (!std::isfinite(value)) return std::nullopt;
  if (!(max > 0.0f)) return 0.0f;
  return std::clamp(value / max, 0.0f, 1.0f);
}

std::string HeadLabel(const AttentionPatterns& patterns, uint32_t layer, uint32_t head) {
  const size_t index = static_cast<size_t>(layer) * patterns.Heads() + head;
  if (index < patterns.head_labels.size() && !patterns.head_labels[index].empty()) return patterns.head_labels[index];
  return "L" + std::to_string(layer) + "H" + std::to_string(head);
}

std::optional<RowPeak> PeakOf(std::span<const float> row) {
  std::optional<RowPeak> peak;
  for (size_t token = 0; token < row.size(); ++token)
    if (std::isfinite(row[token]) && (!peak || row[token] > peak->value)) peak = RowPeak{token, row[token]};
  return peak;
}

std::vector<uint32_t> FeatureMatches(const FeatureDictionary& dictionary, std::string_view text, size_t limit) {
  std::vector<uint32_t> matches;
  if (text.empty() || limit == 0) return matches;
  uint32_t index = 0;
  const char* end = text.data() + text.size();
  if (const auto [at, error] = std::from_chars(text.data(), end, index);
      error == std::errc() && at == end && index < dictionary.Features())
    matches.push_back(index);
  for (uint32_t feature = 0; feature < dictionary.names.size() && feature < dictionary.Features(); ++feature) {
    if (matches.size() >= limit) break;
    if (!matches.empty() && matches.front() == feature) continue;  // already there, as the index
    if (ContainsIgnoringAsciiCase(dictionary.names[feature], text)) matches.push_back(feature);
  }
  return matches;
}

}  // namespace th::ui
