// The heatmap panel: the rendered text (an ImGui::Image of the app's texture), a scrollbar over
// an integer pixel position, the overview strip, wheel and keyboard scrolling, and the hover
// tooltip. While the values are attention, a click on a token makes it the source token (the shader frames it)
// and Left/Right move it; the tooltip then lists the token's weight in every layer and head. With
// a feature dictionary, the tooltip lists the token's top features and a right-click offers them.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "imgui.h"
#include "imgui_internal.h"  // ScrollbarEx: a scrollbar over 64-bit positions
#include "core/attention.hpp"
#include "core/empty_parts.hpp"
#include "core/feature_dictionary.hpp"
#include "layout/display_cells.hpp"
#include "layout/navigation.hpp"
#include "session/legend.hpp"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"
#include "ui/source_view.hpp"

namespace th::ui {

namespace {

constexpr int kWheelLines = 3;
constexpr float kPaneGap = 6.0f;  // between the real and the shuffled pane
constexpr float kOverviewWidth = 16.0f;  // the overview strip right of the scrollbar
constexpr float kOverviewGap = 3.0f;
constexpr float kMatchTickWidth = 5.0f;  // how far search ticks reach into the overview strip
constexpr size_t kTooltipFeatures = 8;   // a token's top features in its tooltip
constexpr size_t kMenuFeatures = 16;     // ... and in its right-click menu
constexpr uint32_t kMaxHeadTableCells = 16 * 16;  // more heads: the tooltip lists the strongest
constexpr size_t kStrongestHeads = 8;
constexpr const char* kFeatureMenu = "##token_features";

// An overview strip's column: one pixel row per value, coloured through the same mapping and
// palette as the tokens, so it follows every range change (grey: no value in the row's span).
void DrawOverviewColumn(const Session& session, const ImRect& strip, const std::vector<float>& values) {
  const Palette& palette = session.CurrentPalette();
  const bool categorical = palette.kind == PaletteKind::kCategorical;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (size_t row = 0; row < values.size(); ++row) {
    const float y = strip.Min.y + static_cast<float>(row);
    const auto mapped = MapValue(session.Mapping(), values[row], palette.stops.size(), categorical);
    const Rgb8 c = mapped ? palette.At(mapped->t) : Rgb8{200, 200, 200};
    draw->AddRectFilled(ImVec2(strip.Min.x, y), ImVec2(strip.Max.x, y + 1.0f), IM_COL32(c.r, c.g, c.b, 255));
  }
}

// The frame marking the view on an overview strip, from its first row to its last.
void DrawOverviewViewFrame(const ImRect& strip, size_t first_row, size_t last_row) {
  ImGui::GetWindowDrawList()->AddRect(
      ImVec2(strip.Min.x - 1.0f, strip.Min.y + static_cast<float>(first_row) - 1.0f),
      ImVec2(strip.Max.x + 1.0f, strip.Min.y + static_cast<float>(last_row) + 2.0f), IM_COL32(0, 0, 0, 255), 0.0f, 0,
      2.0f);
}

// The strip's button: the row under the pointer while it is clicked or dragged.
std::optional<size_t> ScrubbedOverviewRow(const char* id, const ImRect& strip, size_t rows) {
  ImGui::SetCursorScreenPos(strip.Min);
  ImGui::InvisibleButton(id, strip.GetSize());
  if (!ImGui::IsItemActive()) return std::nullopt;
  const float y = std::clamp(ImGui::GetIO().MousePos.y - strip.Min.y, 0.0f, static_cast<float>(rows - 1));
  return static_cast<size_t>(y);
}

// One row per pixel of the strip's height.
size_t OverviewRowCount(const ImRect& strip) { return static_cast<size_t>(std::max(strip.GetHeight(), 1.0f)); }

// The overview strip: the whole sequence as a column, one pixel row per span of tokens reduced to
// its max-abs value by default (so a single-token spike survives any pooling; max, min or mean
// when chosen in the Data panel). A frame marks the view; clicking or dragging scrubs there.
void DrawOverview(Session& session, const ImRect& strip, Rgb8 canvas) {
  const size_t rows = OverviewRowCount(strip);
  DrawOverviewColumn(session, strip, session.OverviewRows(rows));
  const Palette& palette = session.CurrentPalette();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const uint64_t tokens = session.CurrentSequence().TokenCount();
  // Rows holding a search match: ticks over the gap and the strip's left edge; the current
  // match's across the whole strip.
  if (const std::vector<TextMatch>& matches = session.Search().Matches(); !matches.empty()) {
    const MatchColours colours = MatchMarkColours(palette, canvas);
    const ImU32 other = IM_COL32(colours.other.r, colours.other.g, colours.other.b, 255);
    for (const size_t row : MatchRows(matches, tokens, rows)) {
      const float y = strip.Min.y + static_cast<float>(row);
      draw->AddRectFilled(ImVec2(strip.Min.x - kOverviewGap, y), ImVec2(strip.Min.x + kMatchTickWidth, y + 2.0f), other);
    }
    if (const auto current = session.Search().Current()) {
      const float y = strip.Min.y +
                      static_cast<float>(ValuePyramid::RowOfToken(matches[*current].first_token, tokens, rows));
      draw->AddRectFilled(ImVec2(strip.Min.x - kOverviewGap, y - 1.0f), ImVec2(strip.Max.x, y + 2.0f),
                          IM_COL32(colours.current.r, colours.current.g, colours.current.b, 255));
    }
  }
  if (const VisibleLayout& visible = session.Visible(); !visible.tokens.empty())
    DrawOverviewViewFrame(strip, ValuePyramid::RowOfToken(visible.tokens.front(), tokens, rows),
                          ValuePyramid::RowOfToken(visible.tokens.back(), tokens, rows));
  if (const auto row = ScrubbedOverviewRow("##overview", strip, rows); row && tokens > 0) {
    // The row under the pointer goes to the middle of the view.
    session.ScrollToToken(ValuePyramid::FirstTokenOfRow(*row, tokens, rows));
    session.ScrollBy(-session.ViewportHeight() / 2);
  }
}

// The stacked view's overview strip: every listed sequence's block, in list order, one pixel row
// per span of the stacked lines reduced from the blocks' summaries (layout/stacked_layout.hpp),
// so it is recomputed only when the list, the wrapping, the channel, the height or the reduction
// changes, not per frame. A frame marks the lines in view; clicking or dragging scrolls the
// row's line to the middle of the view.
void DrawStackedOverview(Session& session, const ImRect& strip) {
  const size_t rows = OverviewRowCount(strip);
  StackedView& stacked = session.Stacked();
  DrawOverviewColumn(session, strip, stacked.OverviewRows(rows, session.Settings().overview));
  const uint64_t lines = stacked.LineCount();
  const int pitch = session.Geometry().LinePitch();
  if (lines > 0) {
    const OverviewRowSpan view = OverviewRowsOfView(stacked.ScrollPixels(), stacked.ViewportHeight(), lines, rows,
                                                    pitch, StackedView::kPadding);
    DrawOverviewViewFrame(strip, view.first, view.last);
  }
  if (const auto row = ScrubbedOverviewRow("##stacked_overview", strip, rows); row && lines > 0)
    stacked.ScrollTo(ScrollOfOverviewRow(*row, lines, rows, pitch, StackedView::kPadding, stacked.ViewportHeight()));
}

// A frame of `thickness` pixels around the box [min, max), `outside` of them outside it: four
// filled rectangles, so its pixels are exactly the colour (ImGui feathers stroked lines).
void DrawOutline(ImDrawList* draw, ImVec2 min, ImVec2 max, float outside, float thickness, ImU32 colour) {
  const ImVec2 outer_min(min.x - outside, min.y - outside), outer_max(max.x + outside, max.y + outside);
  draw->AddRectFilled(outer_min, ImVec2(outer_max.x, outer_min.y + thickness), colour);
  draw->AddRectFilled(ImVec2(outer_min.x, outer_max.y - thickness), outer_max, colour);
  draw->AddRectFilled(outer_min, ImVec2(outer_min.x + thickness, outer_max.y), colour);
  draw->AddRectFilled(ImVec2(outer_max.x - thickness, outer_min.y), outer_max, colour);
}

// The search's matches in a pane showing `layout` (its row 0 at `origin`): each match's boxes
// outlined, the boxes of one match on one row as one, 2 px in one colour and the current match
// 3 px in another (MatchMarkColours: far from every colour of the palette). The matches among
// the laid-out tokens are found by binary search, so the cost follows the view, not the matches.
void DrawMatchMarks(const Session& session, const VisibleLayout& layout, ImVec2 origin, const ImRect& pane,
                    Rgb8 canvas) {
  const TextSearch& search = session.Search();
  if (layout.tokens.empty() || search.Matches().empty()) return;
  const GridGeometry& geometry = session.Geometry();
  const auto last_token = [&](size_t instance) {  // the last token the instance's box covers
    return layout.tokens[instance] + (layout.merged_tokens.empty() ? 0 : layout.merged_tokens[instance]);
  };
  const std::span<const TextMatch> matches = search.Matches();
  const std::span<const TextMatch> in_view =
      MatchesOverlapping(matches, layout.tokens.front(), last_token(layout.tokens.size() - 1) + 1);
  const MatchColours colours = MatchMarkColours(session.CurrentPalette(), canvas);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(pane.Min, pane.Max, true);
  std::vector<ImRect> current_boxes;  // drawn last, over the other matches' marks
  for (const TextMatch& match : in_view) {
    const bool current = search.Current() && &match == &matches[*search.Current()];
    auto i = static_cast<size_t>(std::lower_bound(layout.tokens.begin(), layout.tokens.end(), match.first_token) -
                                 layout.tokens.begin());
    if (i > 0 && last_token(i - 1) >= match.first_token) --i;  // a merged box that starts before the match
    while (i < layout.tokens.size() && layout.tokens[i] < match.end_token) {
      // One box over this match's consecutive instances on the row.
      const TokenInstance& first = layout.instances[i];
      size_t end = i + 1;
      while (end < layout.tokens.size() && layout.tokens[end] < match.end_token && layout.instances[end].row == first.row)
        ++end;
      const TokenInstance& last = layout.instances[end - 1];
      const ImVec2 min(origin.x + static_cast<float>(first.column * geometry.cell_width),
                       origin.y + static_cast<float>(first.row * geometry.LinePitch()));
      const ImVec2 max(origin.x + static_cast<float>(last.column * geometry.cell_width + geometry.BoxWidth(last.cells)),
                       min.y + static_cast<float>(geometry.cell_height));
      if (current)
        current_boxes.emplace_back(min, max);
      else
        DrawOutline(draw, min, max, 1.0f, 2.0f, IM_COL32(colours.other.r, colours.other.g, colours.other.b, 255));
      i = end;
    }
  }
  for (const ImRect& box : current_boxes)
    DrawOutline(draw, box.Min, box.Max, 2.0f, 3.0f, IM_COL32(colours.current.r, colours.current.g, colours.current.b, 255));
  draw->PopClipRect();
}

// The start of text, at most max_bytes and never inside a character: a tooltip shows a preview,
// never a megabyte token's whole text on every frame the pointer rests on it.
std::string_view Preview(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// The source's attention and this token's, in every layer and head: a layers x heads table (the
// head shown highlighted), or for many heads the strongest few.
void DrawHeadTable(Session& session, uint64_t token) {
  const Session::HeadRows& rows = session.AttentionByHead();
  if (rows.values.empty() || token >= rows.tokens) return;
  const AttentionPatterns& patterns = *session.CurrentSequence().Attention();
  const ValueSourceSpec& spec = session.Source();
  const auto source = static_cast<unsigned long long>(spec.source_token);
  ImGui::Separator();
  if (spec.direction == AttentionDirection::kFrom)
    ImGui::Text("attention from token %llu to this one, per head:", source);
  else
    ImGui::Text("attention of this token to token %llu, per head:", source);
  const auto shown = [&](uint32_t layer, uint32_t head) {
    return spec.layer.kind == IndexOrReduction::Kind::kIndex && spec.layer.index == layer &&
           spec.head.kind == IndexOrReduction::Kind::kIndex && spec.head.index == head;
  };
  if (rows.layers * rows.heads > kMaxHeadTableCells) {
    std::vector<std::pair<float, uint32_t>> ranked;  // (weight, layer * heads + head)
    for (uint32_t i = 0; i < rows.layers * rows.heads; ++i)
      if (const float weight = rows.At(i / rows.heads, i % rows.heads, token); std::isfinite(weight))
        ranked.emplace_back(weight, i);
    const size_t count = std::min(ranked.size(), kStrongestHeads);
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(count), ranked.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    if (count == 0) ImGui::TextDisabled("  masked in every head");
    for (size_t i = 0; i < count; ++i)
      ImGui::Text("  %-10s %.4f", PanelText(HeadLabel(patterns, ranked[i].second / rows.heads, ranked[i].second % rows.heads)).c_str(),
                  static_cast<double>(ranked[i].first));
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoHostExtendX | ImGuiTableFlags_RowBg;
  if (!ImGui::BeginTable("##head_table", static_cast<int>(rows.heads) + 1, flags)) return;
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  for (uint32_t head = 0; head < rows.heads; ++head) {
    ImGui::TableNextColumn();
    ImGui::TextDisabled("H%u", head);
  }
  for (uint32_t layer = 0; layer < rows.layers; ++layer) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("L%u", layer);
    for (uint32_t head = 0; head < rows.heads; ++head) {
      ImGui::TableNextColumn();
      if (shown(layer, head)) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, ImGui::GetColorU32(ImGuiCol_Header));
      const float weight = rows.At(layer, head, token);
      if (std::isfinite(weight))
        ImGui::Text("%.3f", static_cast<double>(weight));
      else
        ImGui::TextDisabled("  -");  // masked (causal)
    }
  }
  ImGui::EndTable();
}

// The token's strongest features: index, name and activation.
void DrawTopFeatures(const Sequence& sequence, uint64_t token, bool menu_offered) {
  const FeatureDictionary* dictionary = sequence.Features().get();
  if (!dictionary || token >= dictionary->Tokens()) return;
  const std::vector<FeatureActivation> top = dictionary->TopFeatures(token, kTooltipFeatures);
  ImGui::Separator();
  if (top.empty()) {
    ImGui::TextDisabled("no active feature");
    return;
  }
  ImGui::TextUnformatted(menu_offered ? "top features (right-click to show one):" : "top features:");
  if (!ImGui::BeginTable("##top_features", 3, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoHostExtendX)) return;
  for (const FeatureActivation& entry : top) {
    const std::string name = PanelText(Preview(dictionary->Name(entry.feature), 60));
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%u", entry.feature);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name.c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%.4g", static_cast<double>(entry.value));
  }
  ImGui::EndTable();
}

// layout: Visible(), its shuffled twin when the pointer is over the shuffled side, or the stacked
// view's, whose blocks are other sequences than the current one (`sequence`).
void DrawTokenTooltip(Session& session, const Sequence& sequence, const VisibleLayout& layout,
                      size_t instance_index) {
  const uint64_t token = layout.tokens[instance_index];
  const float value = layout.instances[instance_index].value;
  constexpr size_t kPreviewBytes = 240;
  const std::string_view text = sequence.Token(token);
  const std::string_view shown = Preview(text, kPreviewBytes);
  const bool stacked = session.Settings().stacked;
  const std::string_view raw = sequence.RawToken(token);
  const std::string_view raw_shown = Preview(raw, kPreviewBytes);
  // Token text as ImGui can draw it: whitespace made visible, right-to-left runs in display order,
  // characters the panels' font lacks brought from fallback fonts from the next frame on.
  const std::string shown_text = PanelText(VisibleWhitespace(shown));
  const std::string raw_text = PanelText(VisibleWhitespace(raw_shown));
  const std::vector<TopKEntry> top_k = sequence.TopK(token, session.Settings().token_text);
  std::vector<std::string> top_k_text;
  for (const TopKEntry& entry : top_k) top_k_text.push_back(PanelText(VisibleWhitespace(entry.token)));
  ImGui::BeginTooltip();
  if (stacked) ImGui::TextDisabled("%s", PanelText(sequence.name).c_str());
  ImGui::Text("\"%s\"%s%s", shown_text.c_str(), shown.size() < text.size() ? "..." : "",
              sequence.Flags(token) & kTokenSpecial ? "  (special token)" : "");
  if (shown.size() < text.size()) ImGui::TextDisabled("%zu bytes", text.size());
  if (raw != text) ImGui::TextDisabled("raw: \"%s\"%s", raw_text.c_str(), raw_shown.size() < raw.size() ? "..." : "");
  ImGui::Separator();
  ImGui::Text("token %llu", static_cast<unsigned long long>(token));
  if (token < sequence.TokenIds().size())
    ImGui::Text("token id %lld", static_cast<long long>(sequence.TokenIds()[token]));
  // Say what the drawn value is when it is not the token's own: shuffled, or a group's aggregate.
  const ViewSettings& settings = session.Settings();
  std::string drawn = session.ValueLabel();
  // The stacked view draws each token's own value, whatever the running text's settings.
  if (!stacked && settings.granularity != Granularity::kToken)
    drawn += " (" + GranularityName(settings.granularity) + " " + AggregateName(settings.aggregate) + ")";
  if (!stacked && settings.shuffle_seed && (!settings.side_by_side || &layout != &session.Visible()))
    drawn += " (shuffled)";
  ImGui::Text("%s: %.6g", PanelText(drawn).c_str(), value);
  const Palette& palette = session.CurrentPalette();
  if (const auto mapped = MapValue(session.Mapping(), value, palette.stops.size(),
                                   palette.kind == PaletteKind::kCategorical))
    ImGui::Text("normalised: %.4f%s", mapped->t,
                mapped->clipped < 0 ? " (clipped below)" : (mapped->clipped > 0 ? " (clipped above)" : ""));
  else
    ImGui::TextUnformatted("normalised: no value (NaN/Inf)");
  if (sequence.channels.size() > 1) {
    ImGui::Separator();
    for (const Channel& other : sequence.channels)
      ImGui::Text("%s: %.6g", PanelText(other.name).c_str(), other.values[token]);
  }
  // Predictions read like the tokens: decoded, or the tokenizer's strings with "Raw tokens" on.
  if (!top_k.empty()) {
    ImGui::Separator();
    ImGui::TextUnformatted("predicted next:");
    for (size_t i = 0; i < top_k.size(); ++i)
      ImGui::Text("  %-16s %.4f", top_k_text[i].c_str(), top_k[i].probability);
  }
  // The head table is the current sequence's (the stacked view's blocks are other sequences).
  const bool current = &sequence == &session.CurrentSequence();
  if (current && session.Source().kind == ValueSourceSpec::Kind::kAttention) DrawHeadTable(session, token);
  DrawTopFeatures(sequence, token, current && !stacked);
  ImGui::EndTooltip();
}

// Zoomed far out, a box is a block of tokens (folded_layout.hpp): their range, the start of
// their text, and the value the block is drawn with, reduced as the overview strip reduces.
void DrawBlockTooltip(const Session& session, const Sequence& sequence, const VisibleLayout& layout,
                      size_t instance_index) {
  constexpr size_t kPreviewBytes = 60;
  const uint64_t first = layout.tokens[instance_index];
  const uint64_t last = first + layout.merged_tokens[instance_index];
  const float value = layout.instances[instance_index].value;
  const std::string whole = BoxText(sequence, layout, instance_index);
  const std::string_view text = Preview(whole, kPreviewBytes);
  const bool cut = text.size() < whole.size();
  const std::string shown_text = PanelText(VisibleWhitespace(text));
  ImGui::BeginTooltip();
  if (first == last)
    ImGui::Text("token %llu", static_cast<unsigned long long>(first));
  else
    ImGui::Text("tokens %llu to %llu (%llu)", static_cast<unsigned long long>(first),
                static_cast<unsigned long long>(last), static_cast<unsigned long long>(last - first + 1));
  ImGui::Text("\"%s\"%s", shown_text.c_str(), cut ? "..." : "");
  ImGui::Separator();
  ImGui::Text("%s of %s: %.6g", ReductionName(session.Settings().overview).c_str(),
              PanelText(session.ValueLabel()).c_str(), value);
  const Palette& palette = session.CurrentPalette();
  if (const auto mapped = MapValue(session.Mapping(), value, palette.stops.size(),
                                   palette.kind == PaletteKind::kCategorical))
    ImGui::Text("normalised: %.4f", mapped->t);
  else
    ImGui::TextUnformatted("no value in the block");
  ImGui::TextDisabled("zoomed out: Ctrl+0 for the text");
  ImGui::EndTooltip();
}

// The scrollbar, the wheel and the keys, over the running text (Session) or the stacked view
// (StackedView): both scroll an integer pixel position.
template <typename Scrollable>
void HandleScrolling(Scrollable& view, const ImRect& bar, float view_height, int pitch, bool hovered) {
  ImS64 scroll = view.ScrollPixels();
  const ImS64 content = std::max<ImS64>(view.ContentHeight(), static_cast<ImS64>(view_height));
  if (ImGui::ScrollbarEx(bar, ImGui::GetCurrentWindow()->GetID("##heatmap_scroll"), ImGuiAxis_Y, &scroll,
                         static_cast<ImS64>(view_height), content, ImDrawFlags_RoundCornersAll))
    view.ScrollTo(scroll);
  const ImGuiIO& io = ImGui::GetIO();
  if (hovered && io.MouseWheel != 0.0f && !io.KeyCtrl)
    view.ScrollBy(static_cast<int64_t>(std::lround(-io.MouseWheel * kWheelLines * pitch)));
  if (ImGui::IsWindowFocused() || hovered) {
    const int64_t page = std::max<int64_t>(static_cast<int64_t>(view_height) - pitch, pitch);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageDown))) view.ScrollBy(page);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageUp))) view.ScrollBy(-page);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) view.ScrollBy(pitch);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) view.ScrollBy(-pitch);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home))) view.ScrollTo(0);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_End))) view.ScrollTo(view.MaxScroll());
  }
}

// Hovering the stacked view: a token's tooltip, or a header's, which opens its sequence as
// running text when clicked.
void HandleStackedHover(Session& session, double x, double y) {
  const auto hit = session.Stacked().HitTest(x, y);
  if (!hit) return;
  const Sequence& sequence = session.Doc().sequences[hit->sequence];
  if (hit->header) {
    ImGui::SetTooltip("%s: click to open it as running text", PanelText(sequence.name).c_str());
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      session.SelectSequence(static_cast<int>(hit->sequence));
      session.SetStacked(false);
    }
  } else if (hit->instance) {
    DrawTokenTooltip(session, sequence, session.Stacked().Visible().layout, *hit->instance);
  }
}

// What the view shows when it shows no value, for the banner: the shown sequence has no tokens,
// or no finite value of the shown channel (stacked: no listed sequence has one); "" when there
// is something to see. Reads statistics the panel keeps anyway, not the values: the overview
// strip's pyramid of the values drawn, the stacked list's per-sequence summaries.
std::string EmptyViewReason(Session& session) {
  const Channel* channel = session.CurrentChannel();
  if (session.Settings().stacked) {
    const std::vector<uint32_t>& listed = session.ListedSequences();
    const std::vector<SequenceSummary>& summaries = session.Stacked().Summaries();
    if (listed.empty() || std::any_of(listed.begin(), listed.end(),
                                      [&](uint32_t index) { return summaries[index].stats.count > 0; }))
      return {};
    return "none of the " + std::to_string(listed.size()) + " listed sequences has a finite value of " +
           (channel ? "channel \"" + channel->name + "\"" : session.ValueLabel());
  }
  const auto sequence = static_cast<uint32_t>(session.Settings().sequence);
  if (session.CurrentSequence().TokenCount() == 0)
    return DescribeEmptyPart(session.Doc(), {EmptyPart::Kind::kNoTokens, sequence, {}});
  if (session.HasFiniteValue()) return {};
  if (!channel && session.Source().kind != ValueSourceSpec::Kind::kChannel)
    return "no finite value of " + session.ValueLabel() + " in sequence " + std::to_string(sequence);
  if (!channel) return DescribeEmptyPart(session.Doc(), {EmptyPart::Kind::kNoSuchChannel, sequence, {}});
  return DescribeEmptyPart(session.Doc(), {EmptyPart::Kind::kNoFiniteValue, sequence, channel->name});
}

// A banner over the heatmap when it shows no value, so that an empty picture (hatched
// "no value" boxes, or nothing) is never read as data: what is empty, and what to do instead.
// Amber on cream, the colours of a note rather than of an error: the file is fine, the choice of
// channel or sequence is what shows nothing.
void DrawEmptyBanner(Session& session, const FrameContext::Stream& stream, const ImRect& area) {
  const std::string reason = EmptyViewReason(session);
  if (reason.empty()) return;
  // A live stream's sequence with no tokens yet is waiting, not empty.
  const bool waiting = stream.listening && session.CurrentSequence().TokenCount() == 0;
  const std::string title = waiting ? "Waiting for tokens" : "No value to show";
  std::string body = waiting ? "Send them from Python: tokenheat.connect(\"" + stream.path +
                                   "\").append(tokens, values). The first sequence to arrive is shown here."
                             : reason + ".\nPick another channel or sequence in the Data panel" +
                                   (session.Settings().stacked ? " (V: one sequence as running text)."
                                                               : " (N / P: the next / previous sequence).");
  body[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(body[0])));  // "sequence 3 ..." begins it
  body = PanelText(body);  // it names channels and sequences
  const float margin = ScaledPx(16.0f), padding = ScaledPx(12.0f);
  const float width = std::min(area.GetWidth() - 2.0f * margin, ScaledPx(640.0f));
  if (width <= 2.0f * padding) return;
  const float wrap = width - 2.0f * padding;
  const ImVec2 title_size = ImGui::CalcTextSize(title.c_str());
  const ImVec2 body_size = ImGui::CalcTextSize(body.c_str(), nullptr, false, wrap);
  const float line_gap = ScaledPx(6.0f);
  const float height = 2.0f * padding + title_size.y + line_gap + body_size.y;
  // In the middle, where an empty view has room, rather than over the first lines and headers,
  // which still say what the sequence is.
  const ImVec2 min(area.Min.x + std::floor((area.GetWidth() - width) * 0.5f),
                   area.Min.y + std::max(margin, std::floor((area.GetHeight() - height) * 0.5f)));
  const ImVec2 max(min.x + width, min.y + height);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 fill = IM_COL32(kEmptyBannerFill.r, kEmptyBannerFill.g, kEmptyBannerFill.b, 255);
  draw->AddRectFilled(min, max, fill, ScaledPx(6.0f));
  draw->AddRect(min, max, IM_COL32(214, 168, 60, 255), ScaledPx(6.0f), 0, 2.0f);
  const ImU32 text = IM_COL32(102, 77, 3, 255);
  const ImVec2 title_at(min.x + padding, min.y + padding);
  draw->AddText(title_at, text, title.c_str());
  draw->AddText(ImVec2(title_at.x + 1.0f, title_at.y), text, title.c_str());  // drawn twice: a bold title
  draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(min.x + padding, title_at.y + title_size.y + line_gap),
                text, body.c_str(), nullptr, wrap);
}

// While a live stream grows past a view the user scrolled away from: a button at the bottom edge
// that says how many tokens arrived below and goes to the end, where the view follows the tail
// again (the app does both).
void DrawNewTokensButton(FrameContext::Stream& stream, const ImRect& area) {
  if (stream.new_tokens == 0) return;
  const std::string label = std::to_string(stream.new_tokens) + " new token" + (stream.new_tokens == 1 ? "" : "s") +
                            " below: go to the end";
  const ImVec2 size(ImGui::CalcTextSize(label.c_str()).x + 2.0f * ImGui::GetStyle().FramePadding.x,
                    ImGui::GetFrameHeight());
  ImGui::SetCursorScreenPos(ImVec2(area.Min.x + std::floor((area.GetWidth() - size.x) * 0.5f),
                                   area.Max.y - size.y - ScaledPx(12.0f)));
  if (ImGui::Button(label.c_str(), size)) stream.follow_requested = true;
}

// Clicks on the running text: pressed and released over the text (never over a popup or another
// window), without a drag between. The left button makes the token under it the attention's
// source token, the right one opens the menu of its top features.
void HandleTokenClicks(Session& session, FrameContext& context, bool hovered, const VisibleLayout& layout,
                       ImVec2 pane_pos) {
  const ImGuiIO& io = ImGui::GetIO();
  HeatmapPanelState& state = context.heatmap;
  const auto clicked = [&](ImGuiMouseButton button, bool& pressed) -> std::optional<uint64_t> {
    if (ImGui::IsMouseClicked(button)) pressed = hovered;
    if (!ImGui::IsMouseReleased(button)) return std::nullopt;
    const bool click = std::exchange(pressed, false) && hovered && IsClickNotDrag(io.MouseDragMaxDistanceSqr[button]);
    if (!click) return std::nullopt;
    const ImVec2 at = io.MouseClickedPos[button];
    return TokenAtPoint(layout, session.Geometry(), at.x - pane_pos.x - Session::kPadding,
                        at.y - pane_pos.y - session.LayoutOriginY());
  };
  const auto left = clicked(ImGuiMouseButton_Left, state.left_pressed);
  const auto right = clicked(ImGuiMouseButton_Right, state.right_pressed);
  if (left && session.Source().kind == ValueSourceSpec::Kind::kAttention) session.SelectSourceToken(*left);
  if (right && session.CurrentSequence().Features()) {
    state.feature_menu_token = *right;
    ImGui::OpenPopup(kFeatureMenu);
  }
}

// The right-clicked token's top features; choosing one shows it.
void DrawFeatureMenu(Session& session, FrameContext& context) {
  if (!ImGui::BeginPopup(kFeatureMenu)) return;
  const Sequence& sequence = session.CurrentSequence();
  const FeatureDictionary* dictionary = sequence.Features().get();
  const uint64_t token = context.heatmap.feature_menu_token;
  if (!dictionary || token >= dictionary->Tokens()) {
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    return;
  }
  const std::string text = PanelText(VisibleWhitespace(Preview(sequence.Token(token), 40)));
  ImGui::TextDisabled("token %llu \"%s\": show a feature", static_cast<unsigned long long>(token), text.c_str());
  ImGui::Separator();
  const std::vector<FeatureActivation> top = dictionary->TopFeatures(token, kMenuFeatures);
  if (top.empty()) ImGui::TextDisabled("no active feature");
  for (const FeatureActivation& entry : top) {
    const std::string name = PanelText(Preview(dictionary->Name(entry.feature), 60));
    char value[32];
    std::snprintf(value, sizeof value, "%.4g", static_cast<double>(entry.value));
    const std::string item = std::to_string(entry.feature) + (name.empty() ? "" : "  " + name) + "   " + value;
    ImGui::PushID(static_cast<int>(entry.feature));
    const bool shown = session.Source().kind == ValueSourceSpec::Kind::kFeature && session.Source().feature == entry.feature;
    if (ImGui::Selectable(item.c_str(), shown)) {
      ValueSourceSpec spec;
      spec.kind = ValueSourceSpec::Kind::kFeature;
      spec.feature = entry.feature;
      ShowSource(session, context.data, spec);
    }
    ImGui::PopID();
  }
  ImGui::EndPopup();
}

}  // namespace

void DrawHeatmapPanel(Session& session, FrameContext& context) {
  const float scrollbar_width = ImGui::GetStyle().ScrollbarSize;
  const ImVec2 available = ImGui::GetContentRegionAvail();
  // Side by side, the real values (left) and the shuffled ones (right) share the layout.
  const VisibleLayout* twin = context.twin_texture != 0 ? session.VisibleTwin() : nullptr;
  const bool stacked = session.Settings().stacked;
  const float width = std::max(available.x - scrollbar_width - kOverviewGap - kOverviewWidth, 2.0f);
  const float pane_width = twin ? std::floor((width - kPaneGap) * 0.5f) : width;
  const ImVec2 image_size(pane_width, std::max(available.y, 1.0f));
  context.heatmap_width = static_cast<int>(image_size.x);
  context.heatmap_height = static_cast<int>(image_size.y);

  const ImVec2 image_pos = ImGui::GetCursorScreenPos();
  // The texture's rows are bottom-up (GL), so flip V.
  ImGui::Image(reinterpret_cast<ImTextureID>(context.heatmap_texture), image_size, ImVec2(0, 1), ImVec2(1, 0));
  bool hovered = ImGui::IsItemHovered();
  ImVec2 hovered_pos = image_pos;
  const VisibleLayout* hovered_layout = &session.Visible();
  if (twin) {
    const ImVec2 twin_pos(image_pos.x + pane_width + kPaneGap, image_pos.y);
    ImGui::SetCursorScreenPos(twin_pos);
    ImGui::Image(reinterpret_cast<ImTextureID>(context.twin_texture), image_size, ImVec2(0, 1), ImVec2(1, 0));
    if (ImGui::IsItemHovered()) hovered = true, hovered_pos = twin_pos, hovered_layout = twin;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const SideBySideLabels labels = SideBySideLabelsOf(session);
    for (const auto& [x, text] : {std::pair{image_pos.x, labels.real}, std::pair{twin_pos.x, labels.shuffled}}) {
      const ImVec2 size = ImGui::CalcTextSize(text.c_str());
      const ImVec2 at(x + pane_width - size.x - 8.0f, image_pos.y + image_size.y - size.y - 6.0f);
      draw->AddRectFilled(ImVec2(at.x - 4.0f, at.y - 2.0f), ImVec2(at.x + size.x + 4.0f, at.y + size.y + 2.0f),
                          IM_COL32(40, 40, 40, 200), 3.0f);
      draw->AddText(at, IM_COL32(255, 255, 255, 255), text.c_str());
    }
  }

  const ImRect bar(ImVec2(image_pos.x + width, image_pos.y),
                   ImVec2(image_pos.x + width + scrollbar_width, image_pos.y + image_size.y));
  const int pitch = session.Geometry().LinePitch();
  if (!stacked) {
    // The same layout in both panes: the marks in each.
    const auto mark = [&](const VisibleLayout& layout, ImVec2 pane_pos) {
      DrawMatchMarks(session, layout, ImVec2(pane_pos.x + Session::kPadding, pane_pos.y + session.LayoutOriginY()),
                     ImRect(pane_pos, ImVec2(pane_pos.x + image_size.x, pane_pos.y + image_size.y)), context.canvas);
    };
    mark(session.Visible(), image_pos);
    if (twin) mark(*twin, ImVec2(image_pos.x + pane_width + kPaneGap, image_pos.y));
  }
  const float overview_x = bar.Max.x + kOverviewGap;
  const ImRect overview(ImVec2(overview_x, bar.Min.y), ImVec2(overview_x + kOverviewWidth, bar.Max.y));
  if (stacked) {
    HandleScrolling(session.Stacked(), bar, image_size.y, pitch, hovered);
    DrawStackedOverview(session, overview);
  } else {
    HandleScrolling(session, bar, image_size.y, pitch, hovered);
    DrawOverview(session, overview, context.canvas);
  }
  const ImRect heatmap_area(image_pos, ImVec2(image_pos.x + width, image_pos.y + image_size.y));
  DrawEmptyBanner(session, context.stream, heatmap_area);
  DrawNewTokensButton(context.stream, heatmap_area);

  if (hovered) {
    const ImGuiIO& io = ImGui::GetIO();
    const double x = io.MousePos.x - hovered_pos.x - Session::kPadding;
    if (stacked) {
      HandleStackedHover(session, x, io.MousePos.y - hovered_pos.y - session.Stacked().LayoutOriginY());
    } else {
      const double y = io.MousePos.y - hovered_pos.y - session.LayoutOriginY();
      if (const auto hit = HitTest(*hovered_layout, session.Geometry(), x, y)) {
        if (hovered_layout->instances[*hit].flags & kFoldedBlockFlag)
          DrawBlockTooltip(session, session.CurrentSequence(), *hovered_layout, *hit);
        else
          DrawTokenTooltip(session, session.CurrentSequence(), *hovered_layout, *hit);
      }
    }
  }
  if (!stacked) HandleTokenClicks(session, context, hovered, *hovered_layout, hovered_pos);
  DrawFeatureMenu(session, context);
}

void HandleSourceTokenKeys(Session& session) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
  const std::optional<uint64_t> source = session.OutlinedToken();
  if (!source) return;
  int step = 0;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) --step;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) ++step;
  const uint64_t token = StepSourceToken(*source, step, session.CurrentSequence().TokenCount());
  if (token == *source || !session.SelectSourceToken(token).empty()) return;
  if (!session.Settings().stacked) session.ShowToken(token);  // the outline stays in view
}

}  // namespace th::ui
