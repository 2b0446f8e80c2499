#pragma once
// The running text's viewport, apart from what the values are: the wrapping of the sequence shown
// (its line index, wrapped in the background past the first screen for a long sequence, and
// re-wrapped without a jump when the width or text changes), the scroll position as an integer
// pixel (exact at any length), the token kept at the top across re-wraps, and the layout of the
// lines in view. The session owns one and hands it what to lay out; what it lays out is stamped
// with the revisions it came from and laid out again when they move on.
// GL-free and ImGui-free.

#include <cstdint>
#include <functional>
#include <optional>

#include "core/background_task.hpp"
#include "core/document.hpp"
#include "layout/line_index.hpp"
#include "layout/visible_layout.hpp"

namespace th {

class Viewport {
 public:
  static constexpr int kPadding = 12;  // pixels around the text, in the window and in PNGs
  // A sequence of kBackgroundTokens or more is wrapped past its first screen in the background.
  static constexpr size_t kBackgroundTokens = size_t{1} << 22;

  // What the wrapping is of: a sequence of a revision of the document's text, in one of its texts.
  // Tokens appended to the sequence (a live stream) keep the stamp: only they are wrapped.
  struct WrapStamp {
    uint64_t text_revision = 0;
    int sequence = -1;
    TokenText text = TokenText::kDecoded;
    friend bool operator==(const WrapStamp&, const WrapStamp&) = default;
  };
  // What the visible layout shows besides the lines: bumped by the caller whenever it would lay
  // the same lines out differently (new values, another reduction...).
  using ContentRevision = uint64_t;
  // Lays out lines [first_line, first_line + line_count) of `lines` (fold_cells > 0: zoomed out).
  using LayOut = std::function<VisibleLayout(const LineIndex& lines, size_t first_line, size_t line_count,
                                             int fold_cells)>;

  // Called once per frame: wraps again when the sequence, text, width or cell size changed (from
  // the top for another sequence; keeping the top token in view otherwise), follows the scroll,
  // and lays out the lines in view when they or the content changed. Returns whether it laid out.
  bool Update(const Sequence& sequence, const WrapStamp& wrap, int viewport_width, int viewport_height,
              GridGeometry geometry, ContentRevision content, const LayOut& lay_out);
  // Forgets the wrapping and the layout: the next Update starts over (another sequence or document).
  void Reset();
  // Stops the background wrapping (before the document it reads changes).
  void StopWrapping();
  // Tokens are about to be appended to the sequence: the next Update wraps only them, unless the
  // background was still wrapping it (then it wraps again from the start).
  void SequenceGrowing();

  const GridGeometry& Geometry() const { return m_geometry; }
  const LineIndex& Lines() const { return m_lines; }
  const VisibleLayout& Visible() const { return m_visible; }
  uint64_t LinesRevision() const { return m_lines_revision; }
  uint64_t LayoutRevision() const { return m_layout_revision; }
  float LayoutOriginY() const;  // pixel position of the visible layout's row 0 inside the viewport
  int ViewportHeight() const { return m_viewport_height; }

  // [Background wrapping]
  bool WrappingPending() const { return m_wrap_task.Running(); }
  // The share of `tokens` the wrapping in progress has reached, in [0, 1].
  double WrappedShare(uint64_t tokens) const;
  // Takes a block the background wrapping finished (waiting for it with wait); false when none.
  bool TakeWrapping(bool wait);

  // [Scrolling]
  int64_t ScrollPixels() const { return m_scroll_px; }
  int64_t ContentHeight() const;
  int64_t MaxScroll() const;
  void ScrollTo(int64_t pixels);
  // The token's line to the top. A token the wrapping has not reached yet: as far as it has
  // reached, then the token's line once wrapped (unless the view is scrolled meanwhile).
  void ScrollToToken(uint64_t token);
  // Scrolls as ScrollToToken, unless the token is laid out in the view already.
  void ShowToken(uint64_t token);
  // The first token of the line at the top of the view.
  uint64_t TopToken() const;
  // Back to the top of a sequence, forgetting the token kept in view.
  void ScrollHome();

 private:
  struct WrapStep {
    LineWrapper wrapper;
    LineBlock block;
  };
  static BackgroundTask<WrapStep> WrapInBackground(LineWrapper wrapper);
  // Wraps the sequence at `columns` from the start: the first screen now, the rest in the
  // background. keep_showing: the previous wrapping stays in view until the new one reaches it.
  void StartWrapping(const Sequence& sequence, TokenText text, int columns, bool keep_showing);
  void ClampScroll();

  GridGeometry m_geometry;
  int m_viewport_width = 0;
  int m_viewport_height = 0;
  LineIndex m_lines;                  // what the view shows
  std::optional<WrapStamp> m_wrapped;  // what m_lines wraps; unset: nothing yet
  uint64_t m_lines_revision = 1;       // bumped when m_lines is replaced
  // A re-wrap of the same sequence still short of the view, while m_lines (the previous
  // wrapping) is shown.
  std::optional<LineIndex> m_rewrap;
  BackgroundTask<WrapStep> m_wrap_task;  // wraps the next block of m_rewrap or m_lines
  std::optional<uint64_t> m_anchor_token;  // keeps the top token in view across re-wraps
  // The wrapper that wrapped all of m_lines, kept to go on with tokens appended later.
  std::optional<LineWrapper> m_tail;
  int64_t m_scroll_px = 0;

  VisibleLayout m_visible;
  // What m_visible was laid out from; unset: to be laid out.
  struct LayoutStamp {
    ContentRevision content = 0;
    uint64_t lines_revision = 0;
    friend bool operator==(const LayoutStamp&, const LayoutStamp&) = default;
  };
  std::optional<LayoutStamp> m_visible_stamp;
  size_t m_visible_known_lines = 0;  // m_lines.LineCount() when m_visible was laid out
  uint64_t m_layout_revision = 0;
};

}  // namespace th
