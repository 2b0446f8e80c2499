// The range panel: automatic min..max of the channel, or a manual low/high set by slider or by a
// typed number. Every change only moves two shader uniforms.
#include <algorithm>
#include <cmath>

#include "imgui.h"
#include "ui/panels.hpp"

namespace th::ui {

void DrawRangePanel(Session& session) {
  const ValueStats& stats = session.CurrentStats();
  ImGui::TextUnformatted("Range");
  const bool automatic = session.Settings().range_mode == RangeMode::kAuto;
  if (ImGui::RadioButton("Auto (min..max)", automatic)) session.SetAutoRange();
  ImGui::SameLine();
  if (ImGui::RadioButton("Manual", !automatic)) session.SetManualRange(session.Low(), session.High());

  float low = session.Low();
  float high = session.High();
  // The sliders span the data, widened so a manual range can reach a little past it.
  const float span = std::max(stats.max - stats.min, 1e-6f);
  const float slider_min = std::min(stats.min - 0.25f * span, low);
  const float slider_max = std::max(stats.max + 0.25f * span, high);
  bool changed = false;
  ImGui::SetNextItemWidth(-60.0f);
  changed |= ImGui::SliderFloat("low##slider", &low, slider_min, slider_max, "%.4g");
  ImGui::SetNextItemWidth(-60.0f);
  changed |= ImGui::SliderFloat("high##slider", &high, slider_min, slider_max, "%.4g");
  ImGui::SetNextItemWidth(-60.0f);
  changed |= ImGui::InputFloat("low##typed", &low, 0.0f, 0.0f, "%.6g");
  ImGui::SetNextItemWidth(-60.0f);
  changed |= ImGui::InputFloat("high##typed", &high, 0.0f, 0.0f, "%.6g");
  // low never passes high: pushing one handle past the other drags the other along.
  if (changed && std::isfinite(low) && std::isfinite(high))
    session.SetManualRange(std::min(low, high), high < low ? low : high);

  if (stats.finite > 0)
    ImGui::TextDisabled("data: %.4g .. %.4g", stats.min, stats.max);
  else
    ImGui::TextDisabled("data: no finite values");
  if (stats.non_finite > 0) ImGui::TextDisabled("%zu tokens have no value (NaN/Inf)", stats.non_finite);
  ImGui::Separator();
}

}  // namespace th::ui
