#include "session/viewport.hpp"

#include <algorithm>

namespace th {

bool Viewport::Update(const Sequence& sequence, const WrapStamp& wrap, int viewport_width, int viewport_height,
                      GridGeometry geometry, ContentRevision content, const LayOut& lay_out) {
  const bool geometry_changed = geometry.cell_width != m_geometry.cell_width ||
                                geometry.cell_height != m_geometry.cell_height ||
                                geometry.line_gap != m_geometry.line_gap || geometry.fold_pixels != m_geometry.fold_pixels;
  const int columns = std::max((viewport_width - 2 * kPadding) / geometry.cell_width, 1);
  m_viewport_width = viewport_width;
  m_viewport_height = viewport_height;
  const int wrapping_columns = m_rewrap ? m_rewrap->Columns() : m_lines.Columns();
  const bool same_wrapping = m_wrapped == wrap && !geometry_changed && columns == wrapping_columns;
  const bool grown = same_wrapping && sequence.TokenCount() > m_lines.TokenCount();
  if (grown && m_tail && !m_rewrap) {
    // Tokens appended: the wrapping goes on from its last line, the lines above stay.
    m_tail->Continue(sequence);
    m_lines.Grow(sequence.TokenCount());
    m_lines.Append(m_tail->Wrap(sequence.TokenCount() - m_lines.WrappedTokens()));
    ++m_lines_revision;
  } else if (!same_wrapping || grown) {
    // Re-wrap, keeping the token at the top of the view at the top: the same sequence of the same
    // document wraps anew (a resize, the other text); another one starts from its top.
    const bool keep_showing = m_wrapped && m_wrapped->text_revision == wrap.text_revision &&
                              m_wrapped->sequence == wrap.sequence && m_lines.LineCount() > 0;
    if (keep_showing && !m_anchor_token) m_anchor_token = TopToken();  // at the pitch it was found with
    m_geometry = geometry;
    StartWrapping(sequence, wrap.text, columns, keep_showing);
    m_wrapped = wrap;
  }
  if (m_anchor_token && *m_anchor_token < m_lines.KnownTokens()) {
    const uint64_t token = *m_anchor_token;
    m_anchor_token.reset();
    ScrollToToken(token);
  }
  ClampScroll();  // after a resize

  const int64_t pitch = m_geometry.LinePitch();
  const auto first_line = static_cast<size_t>(std::max<int64_t>(m_scroll_px - kPadding, 0) / pitch);
  const size_t line_count = static_cast<size_t>(viewport_height / pitch + 2);
  // Lines the wrapping had not reached when the view was laid out are laid out once it has.
  const bool more_lines = m_lines.LineCount() != m_visible_known_lines && first_line + line_count > m_visible_known_lines;
  const LayoutStamp stamp{content, m_lines_revision};
  if (m_visible_stamp == stamp && !more_lines && first_line == m_visible.first_line &&
      line_count == m_visible.line_count)
    return false;
  m_visible = lay_out(m_lines, first_line, line_count, m_geometry.FoldCells());
  m_visible.line_count = line_count;  // what was asked for, so a short document is not re-laid
  m_visible_known_lines = m_lines.LineCount();
  m_visible_stamp = stamp;
  ++m_layout_revision;
  return true;
}

void Viewport::Reset() {
  StopWrapping();
  m_wrapped.reset();
  m_visible_stamp.reset();
}

void Viewport::StopWrapping() {
  m_wrap_task = {};
  m_rewrap.reset();
  m_tail.reset();
}

void Viewport::SequenceGrowing() {
  if (m_wrap_task.Running()) Reset();  // it reads the sequence about to change
}

void Viewport::ScrollHome() {
  m_scroll_px = 0;
  m_anchor_token.reset();
}

BackgroundTask<Viewport::WrapStep> Viewport::WrapInBackground(LineWrapper wrapper) {
  constexpr uint64_t kBlockTokens = uint64_t{1} << 22;
  return BackgroundTask<WrapStep>([wrapper = std::move(wrapper)](std::stop_token) mutable {
    LineBlock block = wrapper.Wrap(kBlockTokens);
    return WrapStep{std::move(wrapper), std::move(block)};
  });
}

void Viewport::StartWrapping(const Sequence& sequence, TokenText text, int columns, bool keep_showing) {
  StopWrapping();
  LineWrapper wrapper(sequence, columns, text);
  LineIndex lines(columns, sequence.TokenCount());
  if (sequence.TokenCount() < kBackgroundTokens) {
    lines.Append(wrapper.Wrap(sequence.TokenCount()));
  } else if (!keep_showing) {
    // The first screen (and the lines above it, while the view is near the top) now.
    constexpr uint64_t kFirstBlockTokens = uint64_t{1} << 14;
    const auto pitch = static_cast<int64_t>(m_geometry.LinePitch());
    const auto wanted = static_cast<size_t>((m_scroll_px + m_viewport_height) / pitch + 2);
    while (!wrapper.Done() && lines.LineCount() < wanted) lines.Append(wrapper.Wrap(kFirstBlockTokens));
  }
  if (!wrapper.Done())
    m_wrap_task = WrapInBackground(std::move(wrapper));
  else
    m_tail = std::move(wrapper);
  if (keep_showing && !lines.Complete()) {
    m_rewrap = std::move(lines);
    return;
  }
  m_lines = std::move(lines);
  ++m_lines_revision;
}

double Viewport::WrappedShare(uint64_t tokens) const {
  const LineIndex& wrapping = m_rewrap ? *m_rewrap : m_lines;
  return tokens == 0 ? 1.0 : static_cast<double>(wrapping.KnownTokens()) / static_cast<double>(tokens);
}

bool Viewport::TakeWrapping(bool wait) {
  if (!m_wrap_task.Running() || !(wait || m_wrap_task.Ready())) return false;
  WrapStep step = m_wrap_task.Take();
  (m_rewrap ? *m_rewrap : m_lines).Append(step.block);
  if (!step.wrapper.Done())
    m_wrap_task = WrapInBackground(std::move(step.wrapper));
  else
    m_tail = std::move(step.wrapper);
  // A re-wrap takes over once it holds the view's top token and a screen below it.
  if (m_rewrap) {
    const uint64_t top = TopToken();
    const size_t screen = static_cast<size_t>(m_viewport_height / m_geometry.LinePitch() + 2);
    if (m_rewrap->Complete() || (m_rewrap->KnownTokens() > top && m_rewrap->LineOfToken(top) + screen < m_rewrap->LineCount())) {
      if (!m_anchor_token) m_anchor_token = top;
      m_lines = std::move(*m_rewrap);
      m_rewrap.reset();
      ++m_lines_revision;
    }
  }
  return true;
}

float Viewport::LayoutOriginY() const {
  const int64_t row0 = kPadding + static_cast<int64_t>(m_visible.first_line) * m_geometry.LinePitch();
  return static_cast<float>(row0 - m_scroll_px);
}

int64_t Viewport::ContentHeight() const {
  return 2 * kPadding + static_cast<int64_t>(m_lines.LineCount()) * m_geometry.LinePitch() - m_geometry.line_gap;
}

int64_t Viewport::MaxScroll() const { return std::max<int64_t>(ContentHeight() - m_viewport_height, 0); }

void Viewport::ScrollTo(int64_t pixels) {
  m_anchor_token.reset();  // the user's scroll wins over a token still to be wrapped
  m_scroll_px = pixels;
  ClampScroll();
}

void Viewport::ClampScroll() { m_scroll_px = std::clamp<int64_t>(m_scroll_px, 0, MaxScroll()); }

void Viewport::ScrollToToken(uint64_t token) {
  if (!m_lines.Complete() && token >= m_lines.KnownTokens()) {
    m_scroll_px = MaxScroll();
    m_anchor_token = token;
    return;
  }
  // The token's line goes to the top of the view (the first line keeps its padding above).
  const auto line = static_cast<int64_t>(m_lines.LineOfToken(token));
  m_scroll_px = line == 0 ? 0 : kPadding + line * m_geometry.LinePitch();
  ClampScroll();
}

void Viewport::ShowToken(uint64_t token) {
  if (m_lines.Complete() || token < m_lines.KnownTokens()) {
    // The line's box in content pixels, as ScrollToToken and the layout place it.
    const int64_t top = kPadding + static_cast<int64_t>(m_lines.LineOfToken(token)) * m_geometry.LinePitch();
    if (top >= m_scroll_px && top + m_geometry.cell_height <= m_scroll_px + m_viewport_height) return;
  }
  ScrollToToken(token);
}

uint64_t Viewport::TopToken() const {
  if (m_lines.LineCount() == 0) return 0;
  const int64_t line = std::max<int64_t>(m_scroll_px - kPadding, 0) / m_geometry.LinePitch();
  return m_lines.Line(std::min<size_t>(static_cast<size_t>(line), m_lines.LineCount() - 1)).token;
}

}  // namespace th
