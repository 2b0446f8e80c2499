#include "session/text_search.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

namespace th {

void TextSearch::SetQuery(TextQuery query) {
  if (query.pattern == m_query.pattern && query.regex == m_query.regex) return;
  m_query = std::move(query);
  Forget();
}

void TextSearch::Forget() {
  m_task = {};
  m_progress.reset();
  m_have_result = false;
  m_cancelled = false;
  m_matches.clear();
  m_error.clear();
  m_current.reset();
}

void TextSearch::Stop() {
  Forget();
  m_sequence = nullptr;
}

void TextSearch::Cancel() {
  Forget();
  m_pending_step.reset();
  m_cancelled = true;
}

bool TextSearch::Pending() const { return !m_query.pattern.empty() && !m_have_result && !m_cancelled; }

double TextSearch::Progress() const {
  if (!m_progress || m_tokens == 0) return 0.0;
  return static_cast<double>(m_progress->tokens_done.load()) / static_cast<double>(m_tokens);
}

std::optional<uint64_t> TextSearch::Poll(const Sequence& sequence, int sequence_index, TokenText which) {
  if (&sequence != m_sequence || sequence_index != m_sequence_index || which != m_which ||
      sequence.TokenCount() != m_tokens) {
    Forget();
    m_sequence = &sequence;
    m_sequence_index = sequence_index;
    m_which = which;
    m_tokens = sequence.TokenCount();
  }
  if (m_query.pattern.empty()) {
    m_pending_step.reset();
    return std::nullopt;
  }
  if (!m_have_result && !m_cancelled && !m_task.Running()) {
    m_progress = std::make_shared<SearchProgress>();
    m_task = BackgroundTask<Result>([query = m_query, &sequence, which, progress = m_progress](std::stop_token stop) {
      progress->stop = stop;
      Result result;
      try {
        result.matches = FindMatches(sequence, query, 0, sequence.TokenCount(), kMaxMatches, which, progress.get());
      } catch (const std::invalid_argument& error) {
        result.error = std::string("bad expression: ") + error.what();
      }
      return result;
    });
  }
  if (!m_task.Ready()) return std::nullopt;
  Result result = m_task.Take();
  m_progress.reset();
  m_matches = std::move(result.matches);
  m_error = std::move(result.error);
  m_have_result = true;
  if (!m_pending_step) return std::nullopt;
  const PendingStep step = *std::exchange(m_pending_step, std::nullopt);
  return Step(step.forward, step.from_token);
}

std::optional<uint64_t> TextSearch::Step(bool forward, uint64_t from_token) {
  if (Pending()) {
    m_pending_step = PendingStep{forward, from_token};
    return std::nullopt;
  }
  m_current = StepMatch(m_matches, m_current, from_token, forward);
  if (!m_current) return std::nullopt;
  return m_matches[*m_current].first_token;
}

MatchColours MatchMarkColours(const Palette& palette, Rgb8 canvas) {
  constexpr std::array<Rgb8, 8> kCandidates = {Rgb8{0, 64, 255}, Rgb8{255, 0, 255},   Rgb8{0, 255, 255},
                                               Rgb8{0, 255, 0},  Rgb8{255, 255, 0},   Rgb8{255, 128, 0},
                                               Rgb8{0, 0, 0},    Rgb8{255, 255, 255}};
  // Half of each outline lies on the canvas: it must stand out there by lightness (WCAG
  // contrast ratio), and from the boxes by colour.
  constexpr float kMinCanvasContrast = 2.5f;
  const auto contrast = [](Rgb8 a, Rgb8 b) {
    const float la = RelativeLuminance(a) + 0.05f, lb = RelativeLuminance(b) + 0.05f;
    return std::max(la, lb) / std::min(la, lb);
  };
  std::vector<Rgb8> boxes;
  for (int i = 0; i < 32; ++i) boxes.push_back(palette.At(static_cast<float>(i) / 31.0f));
  // Squared distance to the nearest box colour, green weighted most and red least, as the eye.
  const auto distance = [&](Rgb8 candidate) {
    int nearest = std::numeric_limits<int>::max();
    for (const Rgb8 colour : boxes) {
      const int dr = candidate.r - colour.r, dg = candidate.g - colour.g, db = candidate.b - colour.b;
      nearest = std::min(nearest, 2 * dr * dr + 4 * dg * dg + 3 * db * db);
    }
    return contrast(candidate, canvas) < kMinCanvasContrast ? -1 : nearest;
  };
  std::array<Rgb8, kCandidates.size()> ranked = kCandidates;
  // Stable: between candidates as far from the palette, the list's order decides.
  std::stable_sort(ranked.begin(), ranked.end(), [&](Rgb8 a, Rgb8 b) { return distance(a) > distance(b); });
  return {ranked[0], ranked[1]};
}

}  // namespace th
