#pragma once
// The session's sequence list (filtered by name, sorted by max, mean or length) and its stacked
// view: every listed sequence under a header, in one virtualised scroll (layout/stacked_layout.hpp).
// GL-free and ImGui-free like the session that owns it.
//
// The scroll position is kept as (sequence, line in its block, pixels past that line), so it stays
// on the same sequence when the list is filtered or sorted or the text re-wraps; at the very top
// it is the top of the list, whichever sequence heads it, so a view that opens there, or is
// re-sorted there, shows the best ranked sequences first. Every listed sequence is wrapped once
// per width and its line starts kept (O(tokens of the document), on the calling thread); a frame
// lays out only the lines in view.

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.hpp"
#include "layout/stacked_layout.hpp"
#include "session/value_source.hpp"

namespace th {

class StackedView {
 public:
  static constexpr int kPadding = 12;  // as Session::kPadding: the same margins as the running text

  // [Sequence list]
  const std::string& Filter() const { return m_filter; }
  void SetFilter(std::string filter);
  SequenceOrder Order() const { return m_order; }
  void SetOrder(SequenceOrder order);
  // Brings the list up to date with the document (of that revision) and the source the blocks
  // are coloured by (the channel of a name, a feature...: each sequence's own values of it).
  // What is derived is stamped with what it was made from, and made again when that moved on:
  // statistics when the document or source changed, the list when they or the filter or order
  // did, the wrapping when the document, width or text did.
  void Refresh(const Document& document, uint64_t document_revision, const ValueSourceSpec& source);
  // Document indices of the listed sequences, in order (as of the last Refresh).
  const std::vector<uint32_t>& Listed() const { return m_listed; }
  // Per document sequence (as of the last Refresh).
  const std::vector<SequenceSummary>& Summaries() const { return m_summaries; }
  // Another document: the scroll position starts at the top of its list.
  void DocumentReplaced();

  // [Layout] Refreshes the list, wraps every listed sequence at `columns` when the list, width or
  // text changed, and keeps the anchor's sequence at the top.
  void Prepare(const Document& document, uint64_t document_revision, const ValueSourceSpec& source, TokenText text,
               int columns);
  uint64_t LineCount() const { return m_blocks.LineCount(); }
  // Lines [first_line, first_line + line_count) as Prepare wrapped them.
  StackedLines LayoutRange(const Document& document, uint64_t first_line, size_t line_count) const;
  // Once per frame with the heatmap's size: Prepare, then the lines in view, when they changed.
  void UpdateLayout(const Document& document, uint64_t document_revision, const ValueSourceSpec& source,
                    TokenText text, int viewport_width,
                    int viewport_height, GridGeometry geometry);
  const StackedLines& Visible() const { return m_visible; }
  uint64_t LayoutRevision() const { return m_layout_revision; }
  float LayoutOriginY() const;  // pixel position of the visible layout's row 0 in the viewport

  // [Scrolling] As Session's: an integer pixel position over all blocks.
  int64_t ScrollPixels() const { return m_scroll_px; }
  int64_t ContentHeight() const;
  int64_t MaxScroll() const;
  void ScrollTo(int64_t pixels);
  void ScrollBy(int64_t pixels) { ScrollTo(m_scroll_px + pixels); }
  int ViewportHeight() const { return m_viewport_height; }
  // The sequence's header to the top (no change when it is not listed).
  void ScrollToSequence(uint32_t sequence);
  // The listed sequence whose block is at the top of the view (as of the last Prepare); nullopt
  // when none is listed.
  std::optional<uint32_t> TopSequence() const;

  // [Overview] The listed blocks as `rows` values (StackedOverviewRows), kept until the list,
  // the wrapping, the channel, the row count or the reduction changes: not recomputed per frame.
  const std::vector<float>& OverviewRows(size_t rows, Reduction reduction);

  // [Hover] What is under a point in grid pixels relative to the visible layout's row 0 (as
  // HitTest): a header, a token's instance, or the blank parts of a block.
  struct Hit {
    uint32_t sequence = 0;
    bool header = false;
    std::optional<size_t> instance;  // into Visible().layout, for a token
  };
  std::optional<Hit> HitTest(double x, double y) const;

 private:
  void ApplyAnchor();  // m_scroll_px from m_anchor_sequence/line/offset in the current blocks

  std::string m_filter;
  SequenceOrder m_order = SequenceOrder::kFile;
  // The statistics' inputs; unset: none made yet.
  struct SummaryStamp {
    uint64_t document_revision = 0;
    ValueSourceSpec source;
    friend bool operator==(const SummaryStamp&, const SummaryStamp&) = default;
  };
  std::optional<SummaryStamp> m_summarised;
  uint64_t m_summaries_revision = 0;
  std::vector<std::shared_ptr<const ValueSource>> m_sources;  // per sequence (null: none)
  ValuesBySequence m_values;                                  // their values
  std::vector<SequenceSummary> m_summaries;
  struct ListStamp {
    uint64_t summaries_revision = 0;
    std::string filter;
    SequenceOrder order = SequenceOrder::kFile;
    friend bool operator==(const ListStamp&, const ListStamp&) = default;
  };
  std::optional<ListStamp> m_list_of;
  uint64_t m_list_revision = 0;
  std::vector<uint32_t> m_listed;

  // Wrapping at m_columns cells, of the decoded or raw text.
  int m_columns = 0;
  TokenText m_text = TokenText::kDecoded;
  // The wrapping's inputs. Each listed sequence is wrapped once under them (by document index):
  // m_wrapped_under[i] is the wrap revision sequence i's lines were made under, current when it is
  // m_wrap_revision. Frames lay out the lines in view from them.
  struct WrapStamp {
    uint64_t document_revision = 0;
    int columns = 0;
    TokenText text = TokenText::kDecoded;
    friend bool operator==(const WrapStamp&, const WrapStamp&) = default;
  };
  std::optional<WrapStamp> m_wrapped_with;
  uint64_t m_wrap_revision = 0;
  std::vector<LineIndex> m_wrapped;
  std::vector<uint64_t> m_wrapped_under;
  std::optional<std::pair<uint64_t, uint64_t>> m_blocks_of;  // the list and wrap revisions
  uint64_t m_blocks_revision = 0;
  BlockIndex m_blocks;

  std::vector<float> m_overview_rows;
  std::optional<std::pair<uint64_t, Reduction>> m_overview_of;  // blocks revision and reduction

  GridGeometry m_geometry;
  int m_viewport_height = 0;
  int64_t m_scroll_px = 0;
  // The scroll position, as it survives re-wrapping and re-listing; none: the top of the list.
  std::optional<uint32_t> m_anchor_sequence;
  uint64_t m_anchor_line = 0;
  int64_t m_anchor_offset = 0;
  StackedLines m_visible;
  std::optional<std::pair<uint64_t, uint64_t>> m_visible_of;  // blocks revision and first line
  uint64_t m_layout_revision = 0;
};

}  // namespace th
