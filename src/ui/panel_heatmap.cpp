// The heatmap panel: the rendered text (an ImGui::Image of the app's texture), a scrollbar over
// an integer pixel position, the overview strip, wheel and keyboard scrolling, and the hover
// tooltip.
#include <algorithm>
#include <cmath>
#include <string>

#include "imgui.h"
#include "imgui_internal.h"  // ScrollbarEx: a scrollbar over 64-bit positions
#include "layout/display_cells.hpp"
#include "ui/legend.hpp"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

constexpr int kWheelLines = 3;
// ImGui 1.86's GLFW backend indexes io.KeysDown by GLFW key code; these are GLFW's codes.
constexpr float kPaneGap = 6.0f;  // between the real and the shuffled pane
constexpr float kOverviewWidth = 16.0f;  // the overview strip right of the scrollbar
constexpr float kOverviewGap = 3.0f;
constexpr int kKeyMinus = 45, kKey0 = 48, kKeyEqual = 61, kKeyPad0 = 320, kKeyPadSubtract = 333, kKeyPadAdd = 334;

// Ctrl+wheel over the text and Ctrl+plus/minus change the text size; Ctrl+0 restores the default.
void HandleZoom(Session& session, bool hovered) {
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.KeyCtrl) return;
  const auto pressed = [](int a, int b) { return ImGui::IsKeyPressed(a) || ImGui::IsKeyPressed(b); };
  int size = session.Settings().font_size;
  if (hovered && io.MouseWheel != 0.0f) size += io.MouseWheel > 0.0f ? 1 : -1;
  if (pressed(kKeyEqual, kKeyPadAdd)) ++size;
  if (pressed(kKeyMinus, kKeyPadSubtract)) --size;
  if (pressed(kKey0, kKeyPad0)) size = ViewSettings{}.font_size;
  if (size != session.Settings().font_size) session.SetFontSize(size);
}

// The overview strip: the whole sequence as a column, one pixel row per span of tokens reduced to
// its max-abs value by default (so a single-token spike survives any pooling; max, min or mean
// when chosen in the Data panel), coloured through the same
// mapping and palette as the tokens, so it follows every range change. A frame marks the view;
// clicking or dragging scrubs there.
void DrawOverview(Session& session, const ImRect& strip) {
  const auto rows = static_cast<size_t>(std::max(strip.GetHeight(), 1.0f));
  const std::vector<float>& values = session.OverviewRows(rows);
  const Palette& palette = session.CurrentPalette();
  const bool categorical = palette.kind == PaletteKind::kCategorical;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (size_t row = 0; row < rows; ++row) {
    const float y = strip.Min.y + static_cast<float>(row);
    const auto mapped = MapValue(session.Mapping(), values[row], palette.stops.size(), categorical);
    const Rgb8 c = mapped ? palette.At(mapped->t) : Rgb8{200, 200, 200};  // grey: no value in the span
    draw->AddRectFilled(ImVec2(strip.Min.x, y), ImVec2(strip.Max.x, y + 1.0f), IM_COL32(c.r, c.g, c.b, 255));
  }
  const uint64_t tokens = session.CurrentSequence().TokenCount();
  if (const VisibleLayout& visible = session.Visible(); !visible.tokens.empty()) {
    const auto row_y = [&](uint64_t token) {
      return strip.Min.y + static_cast<float>(ValuePyramid::RowOfToken(token, tokens, rows));
    };
    draw->AddRect(ImVec2(strip.Min.x - 1.0f, row_y(visible.tokens.front()) - 1.0f),
                  ImVec2(strip.Max.x + 1.0f, row_y(visible.tokens.back()) + 2.0f), IM_COL32(0, 0, 0, 255), 0.0f, 0,
                  2.0f);
  }
  ImGui::SetCursorScreenPos(strip.Min);
  ImGui::InvisibleButton("##overview", strip.GetSize());
  if (ImGui::IsItemActive() && tokens > 0) {
    // The row under the pointer goes to the middle of the view.
    const float y = std::clamp(ImGui::GetIO().MousePos.y - strip.Min.y, 0.0f, static_cast<float>(rows - 1));
    session.ScrollToToken(ValuePyramid::FirstTokenOfRow(static_cast<size_t>(y), tokens, rows));
    session.ScrollBy(-session.ViewportHeight() / 2);
  }
}

// layout: Visible(), its shuffled twin when the pointer is over the shuffled side, or the stacked
// view's, whose blocks are other sequences than the current one (`sequence`).
void DrawTokenTooltip(const Session& session, const Sequence& sequence, const VisibleLayout& layout,
                      size_t instance_index) {
  const uint64_t token = layout.tokens[instance_index];
  const float value = layout.instances[instance_index].value;
  const std::string visible = VisibleWhitespace(sequence.Token(token));
  const Channel* channel = session.CurrentChannel();
  const bool stacked = session.Settings().stacked;
  ImGui::BeginTooltip();
  if (stacked) ImGui::TextDisabled("%s", sequence.name.c_str());
  ImGui::Text("\"%s\"%s", visible.c_str(), sequence.Flags(token) & kTokenSpecial ? "  (special token)" : "");
  if (sequence.RawToken(token) != sequence.Token(token))
    ImGui::TextDisabled("raw: \"%s\"", VisibleWhitespace(sequence.RawToken(token)).c_str());
  ImGui::Separator();
  ImGui::Text("token %llu", static_cast<unsigned long long>(token));
  if (token < sequence.TokenIds().size())
    ImGui::Text("token id %lld", static_cast<long long>(sequence.TokenIds()[token]));
  // Say what the drawn value is when it is not the token's own: shuffled, or a group's aggregate.
  const ViewSettings& settings = session.Settings();
  std::string drawn = channel ? channel->name : std::string("value");
  // The stacked view draws each token's own value, whatever the running text's settings.
  if (!stacked && settings.granularity != Granularity::kToken)
    drawn += " (" + GranularityName(settings.granularity) + " " + AggregateName(settings.aggregate) + ")";
  if (!stacked && settings.shuffle_seed && (!settings.side_by_side || &layout != &session.Visible()))
    drawn += " (shuffled)";
  ImGui::Text("%s: %.6g", drawn.c_str(), value);
  const Palette& palette = session.CurrentPalette();
  if (const auto mapped = MapValue(session.Mapping(), value, palette.stops.size(),
                                   palette.kind == PaletteKind::kCategorical))
    ImGui::Text("normalised: %.4f%s", mapped->t,
                mapped->clipped < 0 ? " (clipped below)" : (mapped->clipped > 0 ? " (clipped above)" : ""));
  else
    ImGui::TextUnformatted("normalised: no value (NaN/Inf)");
  if (sequence.channels.size() > 1) {
    ImGui::Separator();
    for (const Channel& other : sequence.channels) ImGui::Text("%s: %.6g", other.name.c_str(), other.values[token]);
  }
  if (const std::vector<TopKEntry> top_k = sequence.TopK(token); !top_k.empty()) {
    ImGui::Separator();
    ImGui::TextUnformatted("predicted next:");
    for (const TopKEntry& entry : top_k)
      ImGui::Text("  %-16s %.4f", VisibleWhitespace(entry.token).c_str(), entry.probability);
  }
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
    ImGui::SetTooltip("%s: click to open it as running text", sequence.name.c_str());
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      session.SelectSequence(static_cast<int>(hit->sequence));
      session.SetStacked(false);
    }
  } else if (hit->instance) {
    DrawTokenTooltip(session, sequence, session.Stacked().Visible().layout, *hit->instance);
  }
}

}  // namespace

void DrawHeatmapPanel(Session& session, FrameContext& context) {
  const float scrollbar_width = ImGui::GetStyle().ScrollbarSize;
  const ImVec2 available = ImGui::GetContentRegionAvail();
  // Side by side, the real values (left) and the shuffled ones (right) share the layout.
  const VisibleLayout* twin = context.twin_texture != 0 ? session.VisibleTwin() : nullptr;
  // The overview strip shows the current sequence: none in the stacked view.
  const bool stacked = session.Settings().stacked;
  const float overview_width = stacked ? 0.0f : kOverviewGap + kOverviewWidth;
  const float width = std::max(available.x - scrollbar_width - overview_width, 2.0f);
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
  if (stacked) {
    HandleScrolling(session.Stacked(), bar, image_size.y, pitch, hovered);
  } else {
    HandleScrolling(session, bar, image_size.y, pitch, hovered);
    const float overview_x = bar.Max.x + kOverviewGap;
    DrawOverview(session, ImRect(ImVec2(overview_x, bar.Min.y), ImVec2(overview_x + kOverviewWidth, bar.Max.y)));
  }
  if (ImGui::IsWindowFocused() || hovered) HandleZoom(session, hovered);

  if (hovered) {
    const ImGuiIO& io = ImGui::GetIO();
    const double x = io.MousePos.x - hovered_pos.x - Session::kPadding;
    if (stacked) {
      HandleStackedHover(session, x, io.MousePos.y - hovered_pos.y - session.Stacked().LayoutOriginY());
    } else if (const auto hit = HitTest(*hovered_layout, session.Geometry(), x,
                                        io.MousePos.y - hovered_pos.y - session.LayoutOriginY())) {
      DrawTokenTooltip(session, session.CurrentSequence(), *hovered_layout, *hit);
    }
  }
}

}  // namespace th::ui
