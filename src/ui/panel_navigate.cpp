// The "Go to" panel: a token index, the k-th highest or lowest value, the next or previous of the
// k highest or lowest values, the next value above a threshold (the jumps by value of scripts and
// the command line too: Session::GoToRanked, GoToNextAbove), and text search (plain or regular
// expression) with the match count and next/previous match. The session's TextSearch finds every match once per query on
// a background thread, so a 100M-token document never freezes a frame; the heatmap panel marks
// them.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "imgui.h"
#include "layout/navigation.hpp"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

// ImGui 1.86's GLFW backend indexes io.KeysDown by GLFW key code; these are GLFW's codes.
constexpr int kKeyEnter = 257, kKeyF3 = 292, kKeyPadEnter = 335;

const std::vector<uint64_t>& Extremes(Session& session, NavigatePanelState& state) {
  const std::span<const float> values = session.CurrentValues();
  const auto k = static_cast<size_t>(std::max(state.k, 1));
  if (state.extremes_of != values.data() || state.extremes_k != k || state.extremes_lowest != state.lowest) {
    state.extremes = ExtremeTokens(values, k, !state.lowest);
    state.extremes_of = values.data();
    state.extremes_k = k;
    state.extremes_lowest = state.lowest;
  }
  return state.extremes;
}

// A count with thousands separators: "1,204".
std::string Grouped(uint64_t count) {
  const std::string digits = std::to_string(count);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return grouped;
}

void GoToMatch(Session& session, bool forward) {
  if (const auto token = session.Search().Step(forward, session.TopToken())) session.ShowToken(*token);
}

// What the search has found: "match 3 of 1,204", its progress with Cancel, or why there is none.
void DrawSearchStatus(Session& session) {
  TextSearch& search = session.Search();
  if (search.Query().pattern.empty()) return;
  if (search.Searching()) {
    ImGui::ProgressBar(static_cast<float>(search.Progress()), ImVec2(ScaledPx(120.0f), 0.0f), "searching");
    ImGui::SameLine();
    if (ImGui::SmallButton("Cancel##search")) search.Cancel();
    return;
  }
  if (search.Cancelled()) {
    ImGui::TextDisabled("search cancelled");
  } else if (!search.Error().empty()) {
    ImGui::TextColored(ImVec4(0.85f, 0.1f, 0.1f, 1.0f), "%s", search.Error().c_str());
  } else if (!search.Pending()) {
    const size_t count = search.Matches().size();
    const std::string total = Grouped(count) + (search.Truncated() ? "+" : "");
    if (count == 0)
      ImGui::TextUnformatted("no match");
    else if (const auto current = search.Current())
      ImGui::Text("match %s of %s", Grouped(*current + 1).c_str(), total.c_str());
    else
      ImGui::Text("%s match%s", total.c_str(), count == 1 ? "" : "es");
  }
}

}  // namespace

void DrawNavigatePanel(Session& session, NavigatePanelState& state, bool focus_search) {
  const uint64_t tokens = session.CurrentSequence().TokenCount();
  if (session.WrappingPending()) {
    // A long document wraps in the background; the view goes as far as it has reached.
    ImGui::TextDisabled("wrapping lines: %.0f%%", 100.0 * session.WrappedShare());
  }
  ImGui::SetNextItemWidth(ScaledPx(140.0f));
  if (ImGui::InputTextWithHint("token##goto", "index, Enter", state.token, sizeof state.token,
                               ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CharsDecimal)) {
    uint64_t index = 0;
    const char* end = state.token + std::strlen(state.token);
    if (std::from_chars(state.token, end, index).ec == std::errc() && index < tokens) {
      session.ScrollToToken(index);
      state.message.clear();
    } else {
      state.message = "token index from 0 to " + std::to_string(tokens == 0 ? 0 : tokens - 1);
    }
  }

  ImGui::SetNextItemWidth(ScaledPx(90.0f));
  ImGui::InputInt("##k", &state.k);
  state.k = std::clamp(state.k, 1, 100'000);
  ImGui::SameLine();
  ImGui::Checkbox("lowest", &state.lowest);
  ImGui::SameLine();
  const auto jump_extreme = [&](bool forward) {
    if (const auto next = NextInList(Extremes(session, state), session.TopToken(), forward)) session.ScrollToToken(*next);
  };
  if (ImGui::ArrowButton("##prev_extreme", ImGuiDir_Up)) jump_extreme(false);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next_extreme", ImGuiDir_Down)) jump_extreme(true);
  ImGui::SameLine();
  if (ImGui::SmallButton("k-th")) {
    if (session.GoToRanked(static_cast<uint64_t>(state.k), !state.lowest))
      state.message.clear();
    else
      state.message = "fewer than " + std::to_string(state.k) + " tokens have a value";
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("the token with the k-th %s value", state.lowest ? "lowest" : "highest");

  ImGui::SetNextItemWidth(ScaledPx(90.0f));
  ImGui::InputFloat("##threshold", &state.threshold, 0.0f, 0.0f, "%.4g");
  ImGui::SameLine();
  if (ImGui::Button("next above")) {
    if (session.GoToNextAbove(state.threshold))
      state.message.clear();
    else
      state.message = "no value above the threshold after the view";
  }

  // The session's query is shown (a script may set it); every edit searches again, so the marks
  // follow the typing, and Enter steps to the next match.
  const TextQuery& query = session.Search().Query();
  query.pattern.copy(state.pattern, sizeof state.pattern - 1);
  state.pattern[std::min(query.pattern.size(), sizeof state.pattern - 1)] = '\0';
  bool regex = query.regex;
  ImGui::SetNextItemWidth(ScaledPx(170.0f));
  if (focus_search) ImGui::SetKeyboardFocusHere();
  const bool entered = ImGui::InputTextWithHint("##search", "search text, Enter", state.pattern, sizeof state.pattern,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  const bool edited = ImGui::IsItemEdited();
  ImGui::SameLine();
  if (ImGui::Checkbox("regex", &regex) || edited) session.Search().SetQuery({state.pattern, regex});
  if (ImGui::ArrowButton("##prev_match", ImGuiDir_Up)) GoToMatch(session, false);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next_match", ImGuiDir_Down)) GoToMatch(session, true);
  if (entered) GoToMatch(session, !ImGui::GetIO().KeyShift);
  ImGui::SameLine();
  DrawSearchStatus(session);
  if (!state.message.empty()) ImGui::TextWrapped("%s", PanelText(state.message).c_str());
}

bool HandleSearchKeys(Session& session, FrameContext& context) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.KeyCtrl && ImGui::IsKeyPressed('F', false)) {
    context.panels_hidden = false;  // the search box is in the sidebar
    return true;
  }
  // In the search box, Enter is the box's own (DrawNavigatePanel).
  if (io.WantTextInput || io.KeyCtrl || session.Settings().stacked) return false;
  if (ImGui::IsKeyPressed(kKeyEnter) || ImGui::IsKeyPressed(kKeyPadEnter) || ImGui::IsKeyPressed(kKeyF3))
    GoToMatch(session, !io.KeyShift);
  return false;
}

}  // namespace th::ui
