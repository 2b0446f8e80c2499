#pragma once
// Text search over the current sequence, for marking every match in the view and the overview:
// the matches of a query are found once, on a background thread (a 100M-token document takes
// seconds), as a list sorted by token, which each frame then queries by binary search for what
// it shows (navigation.hpp). The list follows the current sequence and its text: a change of
// either searches again. GL-free and ImGui-free; the session owns one.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/background_task.hpp"
#include "core/palette.hpp"
#include "layout/navigation.hpp"

namespace th {

class TextSearch {
 public:
  // The list stops at this many matches (16 bytes each); Truncated() then says so.
  static constexpr size_t kMaxMatches = size_t{1} << 22;

  // A different query forgets the matches; the next Poll searches for it. The same one does nothing.
  void SetQuery(TextQuery query);
  const TextQuery& Query() const { return m_query; }

  // Once a frame, with the current sequence (index and text as drawn): starts a search when the
  // query, the sequence or its text changed, and takes a finished one. Returns the first token of
  // the match a Step asked for while the search ran, once it is known, for the caller to show.
  std::optional<uint64_t> Poll(const Sequence& sequence, int sequence_index, TokenText which);
  // Stops reading the sequence (before its document changes); the query stays, and the next
  // Poll searches again.
  void Stop();
  // Stops the search in progress, leaving no matches until the query or the sequence changes.
  void Cancel();

  // The matches of the query are still to come: a search runs or is about to start.
  bool Pending() const;
  bool Searching() const { return m_task.Running(); }
  double Progress() const;  // of the running search, in [0, 1]
  bool Cancelled() const { return m_cancelled; }
  const std::string& Error() const { return m_error; }  // a bad regular expression
  const std::vector<TextMatch>& Matches() const { return m_matches; }
  bool Truncated() const { return m_matches.size() >= kMaxMatches; }
  std::optional<size_t> Current() const { return m_current; }

  // Makes the next (forward) or previous match current, wrapping around (StepMatch: from the
  // current match, or with none yet from from_token, the view's top token) and returns its first
  // token to show. While the matches are pending, the step waits for them and Poll returns it.
  std::optional<uint64_t> Step(bool forward, uint64_t from_token);

 private:
  struct Result {
    std::vector<TextMatch> matches;
    std::string error;
  };
  struct PendingStep {
    bool forward = true;
    uint64_t from_token = 0;
  };
  void Forget();  // stops the search and drops its matches

  TextQuery m_query;
  // What the matches (or the running search) are for.
  const Sequence* m_sequence = nullptr;
  int m_sequence_index = -1;
  TokenText m_which = TokenText::kDecoded;
  uint64_t m_tokens = 0;
  bool m_have_result = false;
  bool m_cancelled = false;
  std::vector<TextMatch> m_matches;
  std::string m_error;
  std::optional<size_t> m_current;
  std::optional<PendingStep> m_pending_step;
  std::shared_ptr<SearchProgress> m_progress;  // shared with the running search
  BackgroundTask<Result> m_task;               // declared last: stops before what it reads goes
};

// The outline colours of the current match and of the other matches: of a few saturated
// candidates and black and white, the two farthest in colour from every colour of the palette
// among those that contrast with the canvas, so that the marks stand out whatever the palette.
struct MatchColours {
  Rgb8 current;
  Rgb8 other;
};
MatchColours MatchMarkColours(const Palette& palette, Rgb8 canvas);

}  // namespace th
