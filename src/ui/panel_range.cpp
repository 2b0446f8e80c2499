// The range panel: scope, mapping, gamma, a histogram of the values in scope with draggable
// low/high handles, the statistics in view and the guards against reading noise (the legend's
// warnings, wrapped, with a remedy for outliers; the shuffled control). Every change moves shader
// uniforms only.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/palette_registry.hpp"
#include "imgui.h"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

constexpr float kHistogramHeight = 70.0f;
constexpr float kHandleGrab = 6.0f;  // pixels either side of a handle that pick it up
constexpr NormKind kKinds[] = {NormKind::kMinMax, NormKind::kZeroMax, NormKind::kSymmetric, NormKind::kPercentile,
                               NormKind::kLog,    NormKind::kLogRatio, NormKind::kBuckets};
constexpr RangeScope kScopes[] = {RangeScope::kSequence, RangeScope::kGlobal, RangeScope::kVisible,
                                  RangeScope::kManual};

template <typename T, size_t N>
bool EnumCombo(const char* label, T& value, const T (&options)[N], std::string (*name)(T)) {
  bool changed = false;
  if (ImGui::BeginCombo(label, name(value).c_str())) {
    for (const T option : options)
      if (ImGui::Selectable(name(option).c_str(), option == value)) value = option, changed = true;
    ImGui::EndCombo();
  }
  return changed;
}

// The histogram of the scope's values with the range's handles; dragging a handle sets a
// manual range. Mean (blue) and median (dashed, in the text colour) are marked.
void DrawHistogram(Session& session) {
  const ScopeSummary& summary = session.Summary();
  const std::vector<size_t>& bins = session.Histogram();
  const ImVec2 start = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::InvisibleButton("##histogram", ImVec2(width, kHistogramHeight));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  // The plot's background is the theme's canvas (the heatmap's), not a white slab in the dark.
  const bool dark = DarkThemeActive();
  const Rgb8 canvas = dark ? kDarkCanvas : kLightCanvas;
  draw->AddRectFilled(start, ImVec2(start.x + width, start.y + kHistogramHeight),
                      IM_COL32(canvas.r, canvas.g, canvas.b, 255));
  if (summary.Count() == 0 || bins.empty() || !summary.HasOrder()) return;  // the histogram comes with the order

  const float lo = summary.Min();
  const float hi = summary.Max() > summary.Min() ? summary.Max() : summary.Min() + 1.0f;
  const auto to_x = [&](float v) { return start.x + std::clamp((v - lo) / (hi - lo), 0.0f, 1.0f) * width; };
  const auto to_value = [&](float x) { return lo + (x - start.x) / width * (hi - lo); };
  const size_t tallest = std::max<size_t>(*std::max_element(bins.begin(), bins.end()), 1);
  const float bin_width = width / static_cast<float>(bins.size());
  for (size_t i = 0; i < bins.size(); ++i) {
    if (bins[i] == 0) continue;
    // Square-root heights keep small bins visible next to a dominant one.
    const float h = std::sqrt(static_cast<float>(bins[i]) / static_cast<float>(tallest)) * (kHistogramHeight - 4.0f);
    const float x0 = start.x + bin_width * static_cast<float>(i);
    draw->AddRectFilled(ImVec2(x0, start.y + kHistogramHeight - h), ImVec2(x0 + bin_width - 1.0f, start.y + kHistogramHeight),
                        IM_COL32(150, 150, 160, 255));
  }
  const float mean_x = to_x(static_cast<float>(summary.Mean()));
  draw->AddLine(ImVec2(mean_x, start.y), ImVec2(mean_x, start.y + kHistogramHeight), IM_COL32(40, 90, 200, 255), 1.5f);
  const float median_x = to_x(summary.Median());
  for (float y = start.y; y < start.y + kHistogramHeight; y += 6.0f)
    draw->AddLine(ImVec2(median_x, y), ImVec2(median_x, y + 3.0f), ImGui::GetColorU32(ImGuiCol_Text), 1.5f);

  if (session.Mapping().Bucketed()) return;  // thresholds are typed, not dragged
  const float low_x = to_x(session.Low());
  const float high_x = to_x(session.High());
  // What the range clips is shaded darker (more on the dark canvas, where a light veil would glow).
  const ImU32 clipped = IM_COL32(0, 0, 0, dark ? 110 : 40);
  draw->AddRectFilled(start, ImVec2(low_x, start.y + kHistogramHeight), clipped);
  draw->AddRectFilled(ImVec2(high_x, start.y), ImVec2(start.x + width, start.y + kHistogramHeight), clipped);
  for (const float x : {low_x, high_x})
    draw->AddRectFilled(ImVec2(x - 1.5f, start.y), ImVec2(x + 1.5f, start.y + kHistogramHeight), IM_COL32(200, 60, 30, 255));

  // Which handle a drag holds lives in ImGui's storage, keyed by this widget.
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID held_key = ImGui::GetID("##held_handle");
  const float mouse_x = ImGui::GetIO().MousePos.x;
  if (ImGui::IsItemActivated()) {
    const float to_low = std::fabs(mouse_x - low_x), to_high = std::fabs(mouse_x - high_x);
    const int held = std::min(to_low, to_high) > kHandleGrab ? 0 : (to_low <= to_high ? 1 : 2);
    storage->SetInt(held_key, held);
  }
  const int held = ImGui::IsItemActive() ? storage->GetInt(held_key, 0) : 0;
  if (held != 0 && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f)) {
    const float value = to_value(mouse_x);
    if (held == 1) session.SetManualRange(std::min(value, session.High()), session.High());
    else session.SetManualRange(session.Low(), std::max(value, session.Low()));
  }
  if (ImGui::IsItemHovered() && (std::fabs(mouse_x - low_x) <= kHandleGrab || std::fabs(mouse_x - high_x) <= kHandleGrab))
    ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);
}

// The one-click remedy for outliers; a manual range gives way to the sequence's.
void UsePercentile1To99(MappingSpec& spec) {
  spec.kind = NormKind::kPercentile, spec.percentile_low = 1.0f, spec.percentile_high = 99.0f;
  if (spec.scope == RangeScope::kManual) spec.scope = RangeScope::kSequence;
}

std::string FormatNumber(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

void DrawMappingControls(Session& session, RangePanelState& state) {
  MappingSpec spec = session.Spec();
  bool changed = false;
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  changed |= EnumCombo("scope", spec.scope, kScopes, ScopeName);
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  changed |= EnumCombo("mapping", spec.kind, kKinds, NormName);
  if (spec.kind == NormKind::kPercentile) {
    ImGui::SetNextItemWidth(-ScaledPx(70.0f));
    changed |= ImGui::DragFloatRange2("percentiles", &spec.percentile_low, &spec.percentile_high, 0.1f, 0.0f, 100.0f,
                                      "%.1f", "%.1f", ImGuiSliderFlags_AlwaysClamp);
  }
  if (spec.kind == NormKind::kSymmetric || spec.kind == NormKind::kLogRatio) {
    // Both clip at a percentile of a distance from the middle: |x|, or |log x| for a ratio.
    ImGui::SetNextItemWidth(-ScaledPx(70.0f));
    changed |= ImGui::SliderFloat(spec.kind == NormKind::kSymmetric ? "|x| pct" : "|log x| pct",
                                  &spec.symmetric_percentile, 50.0f, 100.0f, "%.1f", ImGuiSliderFlags_AlwaysClamp);
  }
  if (spec.kind == NormKind::kBuckets) {
    // The text follows the mapping's thresholds except while it is being typed in.
    char* thresholds = state.thresholds;
    constexpr size_t kThresholdsSize = sizeof state.thresholds;
    if (!state.editing) {
      std::string text;
      for (const float t : spec.thresholds) {
        if (!text.empty()) text += ',';
        text += FormatNumber(t);
      }
      std::snprintf(thresholds, kThresholdsSize, "%s", text.empty() ? "10,100,1000" : text.c_str());
    }
    ImGui::SetNextItemWidth(-ScaledPx(70.0f));
    const bool edited = ImGui::InputText("thresholds", thresholds, kThresholdsSize);
    state.editing = ImGui::IsItemActive();
    if (edited || spec.thresholds.empty()) {
      MappingSpec parsed = spec;
      try {
        ParseNormSpec(std::string("buckets:") + thresholds, parsed);
        spec = parsed;
        changed = true;
        state.invalid = false;
      } catch (const std::exception&) {
        state.invalid = true;
      }
    }
    if (state.invalid) ImGui::TextColored(ImVec4(0.8f, 0.2f, 0.2f, 1.0f), "increasing numbers, comma-separated");
  }
  if (spec.kind != NormKind::kBuckets) {
    // The value is written beside the slider, not inside it: at gamma 1 the grab sits in the
    // middle of the slider, right over a centred value. Ctrl+click still types one in.
    ImGui::SetNextItemWidth(-ScaledPx(100.0f));
    changed |= ImGui::SliderFloat("##gamma", &spec.gamma, 0.2f, 5.0f, "", ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine(0.0f, ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::Text("gamma %.2f", static_cast<double>(spec.gamma));
  }
  if (ImGui::SmallButton("0..max")) {
    spec.kind = NormKind::kZeroMax;
    spec.scope = spec.scope == RangeScope::kManual ? RangeScope::kSequence : spec.scope;
    changed = true;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("1..99%")) UsePercentile1To99(spec), changed = true;
  ImGui::SameLine();
  if (ImGui::SmallButton("gamma 1")) spec.gamma = 1.0f, changed = true;
  if (changed) session.SetSpec(spec);
}

// Typed numbers take effect when the field is left (or Enter is pressed), not on every
// keystroke: typing "15" must not pass through 1. A low typed above high drags high along (and
// the other way round).
void DrawManualRange(Session& session) {
  if (session.Mapping().Bucketed()) return;  // thresholds, not a range, decide the colours
  float low = session.Low();
  float high = session.High();
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  ImGui::InputFloat("low", &low, 0.0f, 0.0f, "%.6g");
  const bool low_done = ImGui::IsItemDeactivatedAfterEdit();
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  ImGui::InputFloat("high", &high, 0.0f, 0.0f, "%.6g");
  const bool high_done = ImGui::IsItemDeactivatedAfterEdit();
  if (!std::isfinite(low) || !std::isfinite(high)) return;
  if (low_done) session.SetManualRange(low, std::max(low, session.High()));
  if (high_done) session.SetManualRange(std::min(high, session.Low()), high);
}

void DrawStatistics(Session& session, const RangePanelState& state) {
  const ScopeSummary& summary = session.Summary();
  // A range of the sequence's own statistics follows the tokens arriving; a manual one stays.
  if (state.values_growing && session.Spec().scope != RangeScope::kManual)
    ImGui::TextColored(ImVec4(0.75f, 0.45f, 0.0f, 1.0f), "tokens arriving: the range is still moving");
  if (summary.Count() == 0) {
    ImGui::TextDisabled("no finite values in scope");
    return;
  }
  ImGui::TextDisabled("n %zu  mean %.4g  sd %.4g", summary.Count(), summary.Mean(), summary.StdDev());
  if (!summary.HasOrder()) {
    // A long scope: its sorted statistics come from a background thread; percentile ranges
    // span min..max until then.
    ImGui::TextDisabled("min %.4g  max %.4g", summary.Min(), summary.Max());
    ImGui::TextDisabled("median, percentiles, histogram: computing...");
  } else {
    ImGui::TextDisabled("min %.4g  median %.4g  max %.4g", summary.Min(), summary.Median(), summary.Max());
  }
  if (summary.HasOrder() && !session.Mapping().Bucketed()) {
    const ClippedCounts clipped = CountClipped(session.Mapping(), summary);
    ImGui::TextDisabled("clipped: %zu below, %zu above", clipped.below, clipped.above);
  }
  if (summary.NonFinite() > 0) ImGui::TextDisabled("%zu tokens have no value (NaN/Inf)", summary.NonFinite());
  // The legends' warnings, wrapped: the panel is narrow and a cut-off warning says nothing.
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.4f, 0.0f, 1.0f));
  for (const std::string& warning : MappingWarnings(session.Mapping(), summary, session.CurrentPalette()))
    ImGui::TextWrapped("%s", PanelText(warning).c_str());
  ImGui::PopStyleColor();
  if (RangeReachesOutliers(session.Mapping(), summary)) {
    if (ImGui::SmallButton("use percentile 1..99")) {
      MappingSpec spec = session.Spec();
      UsePercentile1To99(spec);
      session.SetSpec(spec);
    }
  }
}

void DrawShuffleControl(Session& session, RangePanelState& state) {
  bool shuffled = session.Settings().shuffle_seed.has_value();
  if (ImGui::Checkbox("Shuffled values (S)", &shuffled)) ToggleShuffle(session, state);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1.0f);
  if (ImGui::InputInt("##seed", &state.shuffle_seed)) {
    state.shuffle_seed = std::max(state.shuffle_seed, 0);
    if (shuffled) session.SetShuffle(static_cast<uint64_t>(state.shuffle_seed));
  }
  bool side_by_side = session.Settings().side_by_side;
  if (ImGui::Checkbox("side by side with the real values", &side_by_side)) session.SetSideBySide(side_by_side);
}

}  // namespace

void ToggleShuffle(Session& session, const RangePanelState& state) {
  session.SetShuffle(session.Settings().shuffle_seed
                         ? std::nullopt
                         : std::optional<uint64_t>(static_cast<uint64_t>(state.shuffle_seed)));
}

void DrawRangePanel(Session& session, RangePanelState& state) {
  DrawMappingControls(session, state);
  DrawHistogram(session);
  DrawManualRange(session);
  DrawStatistics(session, state);
  DrawShuffleControl(session, state);
}

}  // namespace th::ui
