// The Features panel, for a feature index (core/feature_index.hpp): every feature listed by its
// number, label, density or max, searched by number or label; picking one shows its contexts
// (session/feature_browser.hpp). Below the list, the picked feature's statistics and its histogram
// over (0, max] with the bands its band contexts were sampled from marked.
#include <algorithm>
#include <cmath>
#include <string>

#include "core/feature_index.hpp"
#include "core/utf8.hpp"
#include "imgui.h"
#include "session/feature_browser.hpp"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

enum class FeatureSort { kIndex, kLabel, kDensity, kMax };
constexpr const char* kSortNames[] = {"by index", "by label", "by density", "by max"};

void UpdateRows(const FeatureIndex& index, FeaturesPanelState& state) {
  if (state.rows_of == &index && state.rows_search == state.search && state.rows_sort == state.sort) return;
  state.rows_of = &index;
  state.rows_search = state.search;
  state.rows_sort = state.sort;
  state.rows.clear();
  const std::string_view search = state.rows_search;
  for (size_t row = 0; row < index.Features(); ++row)
    if (search.empty() || std::to_string(index.FeatureId(row)).starts_with(search) ||
        ContainsIgnoringAsciiCase(index.Label(row), search))
      state.rows.push_back(row);
  const auto sort = static_cast<FeatureSort>(state.sort);
  // Largest first for the numbers a reader looks for; labels and indices in reading order.
  std::stable_sort(state.rows.begin(), state.rows.end(), [&](size_t a, size_t b) {
    switch (sort) {
      case FeatureSort::kLabel: return index.Label(a) < index.Label(b);
      case FeatureSort::kDensity: return index.Density(a) > index.Density(b);
      case FeatureSort::kMax: return index.Max(a) > index.Max(b);
      case FeatureSort::kIndex: break;
    }
    return index.FeatureId(a) < index.FeatureId(b);
  });
}

// The histogram of the feature's activations over (0, max], bars in the text colour, the band
// edges as lines: the band contexts below come from between them.
void DrawHistogram(const FeatureIndex& index, size_t row) {
  const std::vector<int64_t> counts = index.HistogramCounts(row);
  const std::vector<float> edges = index.HistogramEdges(row);
  const std::vector<float> bands = index.BandEdges(row);
  if (counts.empty() || edges.size() != counts.size() + 1) return;
  const float width = ImGui::GetContentRegionAvail().x, height = ScaledPx(56.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##feature_histogram", ImVec2(width, height));
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(origin, ImVec2(origin.x + width, origin.y + height), ImGui::GetColorU32(ImGuiCol_FrameBg));
  const int64_t largest = std::max<int64_t>(*std::max_element(counts.begin(), counts.end()), 1);
  const float lo = edges.front(), hi = edges.back();
  const auto x_of = [&](float value) { return origin.x + (hi > lo ? (value - lo) / (hi - lo) : 0.0f) * width; };
  const ImU32 bar = ImGui::GetColorU32(ImGuiCol_PlotHistogram);
  for (size_t bin = 0; bin < counts.size(); ++bin) {
    // A square-root scale: the rare high activations stay visible beside the many small ones.
    const float share = std::sqrt(static_cast<float>(counts[bin]) / static_cast<float>(largest));
    draw->AddRectFilled(ImVec2(x_of(edges[bin]) + 0.5f, origin.y + height * (1.0f - share)),
                        ImVec2(std::max(x_of(edges[bin + 1]) - 0.5f, x_of(edges[bin]) + 1.0f), origin.y + height), bar);
  }
  const ImU32 line = ImGui::GetColorU32(ImGuiCol_Text);
  for (size_t band = 1; band + 1 < bands.size(); ++band)
    draw->AddLine(ImVec2(x_of(bands[band]), origin.y), ImVec2(x_of(bands[band]), origin.y + height), line, 1.0f);
  if (ImGui::IsItemHovered()) {
    const float at = lo + (ImGui::GetIO().MousePos.x - origin.x) / width * (hi - lo);
    const size_t bin = std::min(counts.size() - 1, static_cast<size_t>(std::max(0.0f, (at - lo) / (hi - lo)) * static_cast<float>(counts.size())));
    ImGui::SetTooltip("%.4g .. %.4g: %lld activations", static_cast<double>(edges[bin]), static_cast<double>(edges[bin + 1]),
                      static_cast<long long>(counts[bin]));
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("activations over (0, max] (square-root heights); the lines part the %u bands", index.Bands());
  ImGui::PopStyleColor();
}

}  // namespace

void DrawFeaturesPanel(Session& session, FeaturesPanelState& state) {
  const std::shared_ptr<const FeatureIndex> index = session.Doc().feature_index;
  if (!index) return;
  ImGui::TextDisabled("%s features over %s corpus tokens", GroupThousands(index->Features()).c_str(),
                      GroupThousands(index->TokensTotal()).c_str());
  ImGui::SetNextItemWidth(-ScaledPx(110.0f));
  ImGui::InputTextWithHint("##feature_search", "number or label", state.search, sizeof(state.search));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1.0f);
  ImGui::Combo("##feature_sort", &state.sort, kSortNames, IM_ARRAYSIZE(kSortNames));
  UpdateRows(*index, state);
  const size_t shown = session.Doc().index_row;
  const float rows = static_cast<float>(std::min<size_t>(state.rows.size(), 8));
  if (ImGui::BeginListBox("##features", ImVec2(-1.0f, rows * ImGui::GetTextLineHeightWithSpacing() + 6.0f))) {
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(state.rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const size_t row = state.rows[static_cast<size_t>(i)];
        const std::string label = index->Label(row);
        const std::string name = std::to_string(index->FeatureId(row)) + (label.empty() ? "" : "  " + PanelText(label));
        ImGui::PushID(static_cast<int>(row));
        if (ImGui::Selectable(name.c_str(), row == shown) && row != shown) ShowIndexFeature(session, row);
        ImGui::SameLine(ImGui::GetContentRegionAvail().x - ScaledPx(90.0f));
        if (state.sort == static_cast<int>(FeatureSort::kMax))
          ImGui::TextDisabled("max %.3g", static_cast<double>(index->Max(row)));
        else
          ImGui::TextDisabled("%.3g%%", index->Density(row) * 100.0);
        ImGui::PopID();
      }
    }
    ImGui::EndListBox();
  }
  if (state.rows.empty()) ImGui::TextDisabled("no feature has that number or label");
  const std::string label = index->Label(shown);
  ImGui::TextWrapped("feature %lld%s: max %.4g, fires on %.3g%% of tokens (%s)", static_cast<long long>(index->FeatureId(shown)),
                     label.empty() ? "" : (" (" + PanelText(label) + ")").c_str(), static_cast<double>(index->Max(shown)),
                     index->Density(shown) * 100.0, GroupThousands(static_cast<uint64_t>(std::max<int64_t>(index->Fires(shown), 0))).c_str());
  DrawHistogram(*index, shown);
}

}  // namespace th::ui
