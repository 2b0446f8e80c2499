// The "Go to" panel: a token index, the next or previous of the k highest or lowest values, the
// next value above a threshold, and text search (plain or regular expression). Each search
// reads a bounded window of tokens per press, so a 100M-token document never freezes a frame.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include "imgui.h"
#include "layout/navigation.hpp"
#include "ui/panels.hpp"

namespace th::ui {

namespace {

constexpr uint64_t kSearchWindow = 4'000'000;  // tokens one press searches, each way

// The panel's inputs and the extremes found for the current values (one viewer per process).
struct NavigateState {
  char token[24] = "";
  int k = 20;
  bool lowest = false;
  const float* extremes_of = nullptr;  // the values the extremes were found in
  size_t extremes_k = 0;
  bool extremes_lowest = false;
  std::vector<uint64_t> extremes;
  float threshold = 0.0f;
  char pattern[256] = "";
  bool regex = false;
  std::string message;
};

NavigateState& State() {
  static NavigateState state;
  return state;
}

const std::vector<uint64_t>& Extremes(Session& session, NavigateState& state) {
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

// The next (or previous) match after (before) the top token, searching at most kSearchWindow
// tokens; the message says when there was none in that window.
void SearchFrom(Session& session, NavigateState& state, bool forward) {
  const uint64_t top = session.TopToken();
  const uint64_t tokens = session.CurrentSequence().TokenCount();
  const uint64_t begin = forward ? top + 1 : (top > kSearchWindow ? top - kSearchWindow : 0);
  const uint64_t end = forward ? std::min(tokens, top + 1 + kSearchWindow) : top;
  const TextQuery query{state.pattern, state.regex};
  std::vector<TextMatch> matches;
  try {
    // Backwards, the last match of the window is wanted, so it may not stop at the first.
    matches = FindMatches(session.CurrentSequence(), query, begin, end, forward ? 1 : SIZE_MAX,
                          session.Settings().token_text);
  } catch (const std::regex_error& error) {
    state.message = std::string("bad expression: ") + error.what();
    return;
  }
  if (matches.empty()) {
    state.message = "no match in the " + std::to_string(end - begin) + " tokens " + (forward ? "after" : "before") +
                    " the view";
    return;
  }
  const TextMatch& match = forward ? matches.front() : matches.back();
  state.message = "match at token " + std::to_string(match.first_token);
  session.ScrollToToken(match.first_token);
}

}  // namespace

void DrawNavigatePanel(Session& session) {
  NavigateState& state = State();
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

  ImGui::SetNextItemWidth(ScaledPx(90.0f));
  ImGui::InputFloat("##threshold", &state.threshold, 0.0f, 0.0f, "%.4g");
  ImGui::SameLine();
  if (ImGui::Button("next above")) {
    if (const auto next = session.Pyramid().NextAbove(session.TopToken(), state.threshold))
      session.ScrollToToken(*next);
    else
      state.message = "no value above the threshold after the view";
  }

  ImGui::SetNextItemWidth(ScaledPx(170.0f));
  const bool entered = ImGui::InputTextWithHint("##search", "search text, Enter", state.pattern, sizeof state.pattern,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  ImGui::Checkbox("regex", &state.regex);
  if (ImGui::ArrowButton("##prev_match", ImGuiDir_Up)) SearchFrom(session, state, false);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next_match", ImGuiDir_Down) || entered) SearchFrom(session, state, true);
  if (!state.message.empty()) {
    ImGui::SameLine();
    ImGui::TextWrapped("%s", state.message.c_str());
  }
}

}  // namespace th::ui
