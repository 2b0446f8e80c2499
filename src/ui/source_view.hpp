#pragma once
// What the panels work out about attention and feature sources without ImGui: picking and
// stepping the source token, the head grid's geometry and colour range, head labels, a row's
// peak, feature name matches. panel_data.cpp, panel_heatmap.cpp and panel_heads.cpp draw with
// them; tests/app/source_view_test.cpp checks them.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/attention.hpp"
#include "core/feature_dictionary.hpp"
#include "layout/visible_layout.hpp"

namespace th::ui {

// [SECTION] The source token

// Left/Right: the source token `step` tokens on (back when negative), clamped to the sequence's
// tokens [0, tokens); 0 for a sequence without tokens.
uint64_t StepSourceToken(uint64_t current, int64_t step, uint64_t tokens);

// The token under (x, y) of the running text's layout (pixels from its row 0 and left padding):
// the source token a click there picks. nullopt off every box, and on a folded block (zoomed far
// out: one box is many tokens, and the click would pick one of them at random).
std::optional<uint64_t> TokenAtPoint(const VisibleLayout& layout, const GridGeometry& geometry, double x, double y);

// A press and release of one button make a click, not a drag, when the pointer went no farther
// than this many pixels from where it was pressed.
inline constexpr float kClickSlop = 4.0f;
bool IsClickNotDrag(float max_drag_distance_squared);

// [SECTION] The head grid

// The thumbnails' geometry in a grid `width` pixels wide: one row per layer (its label above each
// thumbnail), one thumbnail per head, as wide as the width allows between min and max
// thumbnail widths (past the minimum the grid is wider than `width` and scrolls).
struct HeadGridGeometry {
  uint32_t layers = 0;
  uint32_t heads = 0;
  float thumb_width = 0.0f;   // pixels
  float thumb_height = 0.0f;  // the strip itself
  float label_height = 0.0f;  // the label line above each strip
  float gap = 0.0f;           // between thumbnails, across and down
  size_t buckets = 0;         // HeadGrid's columns: about one per pixel of a thumbnail's width
  float RowPitch() const { return label_height + thumb_height + gap; }
  float Width() const { return static_cast<float>(heads) * thumb_width + static_cast<float>(heads > 0 ? heads - 1 : 0) * gap; }
  float Height() const { return static_cast<float>(layers) * RowPitch() - (layers > 0 ? gap : 0.0f); }
  // Top-left corner of the strip of (layer, head), from the grid's top-left corner (the label is
  // above it).
  float StripX(uint32_t head) const { return static_cast<float>(head) * (thumb_width + gap); }
  float StripY(uint32_t layer) const { return static_cast<float>(layer) * RowPitch() + label_height; }
};
struct HeadGridSizes {
  float min_thumb_width = 24.0f;
  float max_thumb_width = 320.0f;
  float thumb_height = 14.0f;
  float label_height = 16.0f;
  float gap = 6.0f;
};
HeadGridGeometry LayoutHeadGrid(uint32_t layers, uint32_t heads, float width, const HeadGridSizes& sizes);

// The thumbnail (label and strip) at (x, y) from the grid's top-left corner; nullopt in the gaps
// and outside.
struct HeadCell {
  uint32_t layer = 0;
  uint32_t head = 0;
  friend bool operator==(const HeadCell&, const HeadCell&) = default;
};
std::optional<HeadCell> HeadAtPoint(const HeadGridGeometry& geometry, float x, float y);

// The grid's colour range is 0..max of every head's row: the largest finite weight, or 0 when
// there is none above 0.
float HeadGridMax(std::span<const float> values);
// A weight's place in 0..max, in [0, 1] (0 for every weight when max is 0); nullopt for NaN and
// infinities: masked, drawn as "no value".
std::optional<float> HeadGridShade(float value, float max);

// "L0H1", or the patterns' own label of the head (head_labels) when they have one.
std::string HeadLabel(const AttentionPatterns& patterns, uint32_t layer, uint32_t head);

// The largest finite value of a row and its token (the first of equal ones); nullopt when the row
// has no finite value.
struct RowPeak {
  uint64_t token = 0;
  float value = 0.0f;
};
std::optional<RowPeak> PeakOf(std::span<const float> row);

// [SECTION] Features

// The features whose names contain `text` (ASCII letters of any case), in index order, at most
// `limit`; `text` read as an index comes first when it is one. Empty text: none.
std::vector<uint32_t> FeatureMatches(const FeatureDictionary& dictionary, std::string_view text, size_t limit);

}  // namespace th::ui
