// The head grid: while the values are attention, every layer's and head's attention from (to) the
// source token as small multiples, one row per layer and one thumbnail per head. A thumbnail is
// the head's row squeezed to its width (Session::HeadGrid: the largest weight of each run of
// tokens), coloured with the session's palette over 0..max of all heads' rows, so that heads
// compare; masked entries (causal) are hatched as "no value". The head shown is outlined;
// clicking a thumbnail shows that head, and hovering one says its largest weight and where.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/attention.hpp"
#include "imgui.h"
#include "layout/display_cells.hpp"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"
#include "ui/source_view.hpp"

namespace th::ui {

namespace {

// The grid's lengths at the current text size.
HeadGridSizes Sizes() {
  HeadGridSizes sizes;
  sizes.min_thumb_width = ScaledPx(sizes.min_thumb_width);
  sizes.max_thumb_width = ScaledPx(sizes.max_thumb_width);
  sizes.thumb_height = ScaledPx(sizes.thumb_height);
  sizes.label_height = ImGui::GetTextLineHeight() + ScaledPx(2.0f);
  sizes.gap = ScaledPx(sizes.gap);
  return sizes;
}

// The rows to draw, or null when the source is not attention (or has no rows).
const Session::HeadRows* Rows(Session& session) {
  if (session.Source().kind != ValueSourceSpec::Kind::kAttention) return nullptr;
  const Session::HeadRows& rows = session.AttentionByHead();
  return rows.values.empty() || rows.tokens == 0 ? nullptr : &rows;
}

// "attention from token 30 "the"": the header's words.
std::string Title(const Session& session) {
  const ValueSourceSpec& spec = session.Source();
  const Sequence& sequence = session.CurrentSequence();
  std::string text = PanelText(VisibleWhitespace(sequence.Token(spec.source_token).substr(0, 40)));
  std::string title = std::string("Heads: attention ") + (spec.direction == AttentionDirection::kFrom ? "from" : "to") +
                      " token " + std::to_string(spec.source_token) + " \"" + text + "\"";
  if (session.Settings().stacked) title += " of " + PanelText(sequence.name);
  return title;
}

// A 2 px frame 3 px outside the box [min, max): four filled rectangles, so its pixels are exactly
// the colour (ImGui feathers stroked lines).
constexpr float kFrameMargin = 4.0f;  // room for it around the grid
void DrawFrame(ImVec2 min, ImVec2 max, ImU32 colour) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 outer_min(min.x - 3.0f, min.y - 3.0f), outer_max(max.x + 3.0f, max.y + 3.0f);
  draw->AddRectFilled(outer_min, ImVec2(outer_max.x, outer_min.y + 2.0f), colour);
  draw->AddRectFilled(ImVec2(outer_min.x, outer_max.y - 2.0f), outer_max, colour);
  draw->AddRectFilled(outer_min, ImVec2(outer_min.x + 2.0f, outer_max.y), colour);
  draw->AddRectFilled(ImVec2(outer_max.x - 2.0f, outer_min.y), outer_max, colour);
}

// One thumbnail's strip: runs of equal colour as one rectangle, masked runs hatched.
void DrawStrip(const Palette& palette, const float* values, size_t buckets, float max, ImVec2 min, ImVec2 size) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float bucket_width = size.x / static_cast<float>(buckets);
  const auto x_of = [&](size_t bucket) { return min.x + std::round(static_cast<float>(bucket) * bucket_width); };
  size_t begin = 0;
  while (begin < buckets) {
    const std::optional<float> shade = HeadGridShade(values[begin], max);
    const Rgb8 colour = shade ? palette.At(*shade) : kNoValueGrey;
    size_t end = begin + 1;
    while (end < buckets) {
      const std::optional<float> next = HeadGridShade(values[end], max);
      if (next.has_value() != shade.has_value() || (next && palette.At(*next) != colour)) break;
      ++end;
    }
    if (shade)
      draw->AddRectFilled(ImVec2(x_of(begin), min.y), ImVec2(x_of(end), min.y + size.y),
                          IM_COL32(colour.r, colour.g, colour.b, 255));
    else
      DrawNoValueHatch(x_of(begin), min.y, x_of(end), min.y + size.y);
    begin = end;
  }
  // A hairline frame, so a strip of weights near 0 (the canvas colour on most palettes) still
  // shows where it is.
  draw->AddRect(ImVec2(min.x - 1.0f, min.y - 1.0f), ImVec2(min.x + size.x + 1.0f, min.y + size.y + 1.0f),
                ImGui::GetColorU32(ImGuiCol_Border));
}

// The hovered head's label, its largest weight and the token it goes to (comes from).
void DrawHeadTooltip(const Session& session, const Session::HeadRows& rows, const AttentionPatterns& patterns,
                     HeadCell cell) {
  const std::span<const float> row(rows.values.data() + (static_cast<size_t>(cell.layer) * rows.heads + cell.head) * rows.tokens,
                                   rows.tokens);
  ImGui::BeginTooltip();
  const std::string label = HeadLabel(patterns, cell.layer, cell.head);
  ImGui::Text("%s (layer %u, head %u)", PanelText(label).c_str(), cell.layer, cell.head);
  if (const std::optional<RowPeak> peak = PeakOf(row)) {
    const std::string text =
        PanelText(VisibleWhitespace(session.CurrentSequence().Token(peak->token).substr(0, 40)));
    ImGui::Text("max %.4f at token %llu \"%s\"", static_cast<double>(peak->value),
                static_cast<unsigned long long>(peak->token), text.c_str());
  } else {
    ImGui::TextUnformatted("every weight masked");
  }
  ImGui::TextDisabled("click to show this head");
  ImGui::EndTooltip();
}

}  // namespace

float HeadGridHeight(Session& session, float width, float window_height) {
  const Session::HeadRows* rows = Rows(session);
  if (!rows) return 0.0f;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float inner = width - 2.0f * style.WindowPadding.x - 2.0f * kFrameMargin;
  const HeadGridGeometry geometry = LayoutHeadGrid(rows->layers, rows->heads, inner, Sizes());
  const float scrollbar = geometry.Width() > inner ? style.ScrollbarSize : 0.0f;
  const float header = ImGui::GetTextLineHeight() + style.ItemSpacing.y;
  const float whole = 2.0f * style.WindowPadding.y + header + geometry.Height() + 2.0f * kFrameMargin + scrollbar;
  // At most two fifths of the window, and at least one layer's row: the heatmap keeps its room.
  const float least = 2.0f * style.WindowPadding.y + header + geometry.RowPitch() + scrollbar;
  return std::floor(std::min(whole, std::max(window_height * 0.4f, least)));
}

void DrawHeadGrid(Session& session, DataPanelState& state) {
  const Session::HeadRows* rows = Rows(session);
  if (!rows) return;
  const AttentionPatterns& patterns = *session.CurrentSequence().Attention();
  const HeadGridGeometry geometry =
      LayoutHeadGrid(rows->layers, rows->heads, ImGui::GetContentRegionAvail().x - 2.0f * kFrameMargin, Sizes());
  const std::vector<float>& grid = session.HeadGrid(geometry.buckets);
  const float max = HeadGridMax(grid);

  const std::string title = Title(session);
  ImGui::TextUnformatted(title.c_str());
  char range[64];
  std::snprintf(range, sizeof range, "colours: 0..%.3g, every head", static_cast<double>(max));
  const float range_width = ImGui::CalcTextSize(range).x;
  if (ImGui::GetContentRegionAvail().x > ImGui::CalcTextSize(title.c_str()).x + range_width + ScaledPx(24.0f)) {
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - range_width);
    ImGui::TextDisabled("%s", range);
  }

  ImGui::BeginChild("##head_grid", ImVec2(0.0f, 0.0f), false, ImGuiWindowFlags_HorizontalScrollbar);
  // The frames lie outside the strips: the grid keeps a margin inside the child's clipping.
  const float margin = kFrameMargin;
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  const ImVec2 origin(corner.x + margin, corner.y + margin);
  ImGui::InvisibleButton("##heads", ImVec2(geometry.Width() + 2.0f * margin, geometry.Height() + 2.0f * margin));
  const bool hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const std::optional<HeadCell> under =
      hovered ? HeadAtPoint(geometry, mouse.x - origin.x, mouse.y - origin.y) : std::nullopt;

  const ValueSourceSpec& spec = session.Source();
  const auto is_shown = [&](HeadCell cell) {
    return spec.layer.kind == IndexOrReduction::Kind::kIndex && spec.layer.index == cell.layer &&
           spec.head.kind == IndexOrReduction::Kind::kIndex && spec.head.index == cell.head;
  };
  const Palette& palette = session.CurrentPalette();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  // Only the layers in view are drawn: a deep model's grid scrolls.
  const ImVec2 clip_min = ImGui::GetWindowDrawList()->GetClipRectMin();
  const ImVec2 clip_max = ImGui::GetWindowDrawList()->GetClipRectMax();
  for (uint32_t layer = 0; layer < geometry.layers; ++layer) {
    const float row_top = origin.y + static_cast<float>(layer) * geometry.RowPitch();
    if (row_top > clip_max.y || row_top + geometry.RowPitch() < clip_min.y) continue;
    for (uint32_t head = 0; head < geometry.heads; ++head) {
      const HeadCell cell{layer, head};
      const ImVec2 strip(origin.x + geometry.StripX(head), origin.y + geometry.StripY(layer));
      if (strip.x > clip_max.x || strip.x + geometry.thumb_width < clip_min.x) continue;
      const bool shown = is_shown(cell);
      // The label, cut to the thumbnail's width.
      const std::string label = PanelText(HeadLabel(patterns, layer, head));
      draw->PushClipRect(ImVec2(strip.x, row_top), ImVec2(strip.x + geometry.thumb_width, strip.y), true);
      draw->AddText(ImVec2(strip.x, row_top), shown || under == cell ? text : dim, label.c_str());
      draw->PopClipRect();
      const size_t row = static_cast<size_t>(layer) * geometry.heads + head;
      DrawStrip(palette, grid.data() + row * geometry.buckets, geometry.buckets, max, strip,
                ImVec2(geometry.thumb_width, geometry.thumb_height));
      if (shown || under == cell)
        DrawFrame(strip, ImVec2(strip.x + geometry.thumb_width, strip.y + geometry.thumb_height), shown ? text : dim);
    }
  }
  if (under) {
    ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    DrawHeadTooltip(session, *rows, patterns, *under);
    if (clicked) {
      ValueSourceSpec chosen = spec;
      chosen.layer = {IndexOrReduction::Kind::kIndex, under->layer};
      chosen.head = {IndexOrReduction::Kind::kIndex, under->head};
      ShowSource(session, state, chosen);
    }
  }
  ImGui::EndChild();
}

}  // namespace th::ui
