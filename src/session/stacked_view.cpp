#include "session/stacked_view.hpp"

#include <algorithm>

namespace th {

void StackedView::SetFilter(std::string filter) { m_filter = std::move(filter); }

void StackedView::SetOrder(SequenceOrder order) { m_order = order; }

void StackedView::DocumentReplaced() {
  m_anchor_sequence.reset();
  m_anchor_line = 0;
  m_anchor_offset = 0;
}

void StackedView::Refresh(const Document& document, uint64_t document_revision, const ValueSourceSpec& source) {
  const SummaryStamp summarised{document_revision, source};
  if (m_summarised != summarised) {
    m_sources.assign(document.sequences.size(), nullptr);
    m_values.assign(document.sequences.size(), {});
    for (size_t i = 0; i < document.sequences.size(); ++i) {
      m_sources[i] = MakeSource(document.sequences[i], source);
      if (m_sources[i]) m_values[i] = m_sources[i]->Values();
    }
    m_summaries = SummariseSequences(document, m_values);
    m_summarised = summarised;
    ++m_summaries_revision;
  }
  const ListStamp list_of{m_summaries_revision, m_filter, m_order};
  if (m_list_of == list_of) return;
  m_listed = ListSequences(document, m_summaries, m_filter, m_order);
  m_list_of = list_of;
  ++m_list_revision;
}

void StackedView::Prepare(const Document& document, uint64_t document_revision, const ValueSourceSpec& source,
                          TokenText text, int columns) {
  Refresh(document, document_revision, source);
  const WrapStamp wrap{document_revision, columns, text};
  if (m_wrapped_with != wrap) {
    m_columns = columns;
    m_text = text;
    m_wrapped.assign(document.sequences.size(), LineIndex());  // frees the old wrapping
    m_wrapped_under.assign(document.sequences.size(), 0);
    m_wrapped_with = wrap;
    ++m_wrap_revision;
  }
  const std::pair blocks_of{m_list_revision, m_wrap_revision};
  if (m_blocks_of == blocks_of) return;
  std::vector<uint64_t> block_lines(m_listed.size());
  for (size_t block = 0; block < m_listed.size(); ++block) {
    const uint32_t sequence = m_listed[block];
    if (m_wrapped_under[sequence] != m_wrap_revision) {
      m_wrapped[sequence] = LineIndex::Build(document.sequences[sequence], m_columns, m_text);
      m_wrapped_under[sequence] = m_wrap_revision;
    }
    block_lines[block] = kBlockHeaderLines + m_wrapped[sequence].LineCount() + kBlockGapLines;
  }
  m_blocks = BlockIndex(block_lines);
  m_blocks_of = blocks_of;
  ++m_blocks_revision;
  ApplyAnchor();
}

StackedLines StackedView::LayoutRange(const Document& document, uint64_t first_line, size_t line_count) const {
  return LayoutStackedLines(document, m_listed, m_summaries, m_blocks, m_wrapped, m_values, m_columns, m_text,
                            first_line, line_count);
}

void StackedView::UpdateLayout(const Document& document, uint64_t document_revision, const ValueSourceSpec& source,
                               TokenText text,
                               int viewport_width, int viewport_height, GridGeometry geometry) {
  const bool geometry_changed = geometry.cell_width != m_geometry.cell_width ||
                                geometry.cell_height != m_geometry.cell_height ||
                                geometry.line_gap != m_geometry.line_gap;
  m_geometry = geometry;
  m_viewport_height = viewport_height;
  Prepare(document, document_revision, source, text, std::max((viewport_width - 2 * kPadding) / geometry.cell_width, 1));
  if (geometry_changed) ApplyAnchor();
  ScrollTo(m_scroll_px);  // clamps after a resize, keeps the anchor in step

  const int64_t pitch = m_geometry.LinePitch();
  const auto first_line = static_cast<uint64_t>(std::max<int64_t>(m_scroll_px - kPadding, 0) / pitch);
  const auto line_count = static_cast<size_t>(viewport_height / pitch + 2);
  const std::pair visible_of{m_blocks_revision, first_line};
  if (m_visible_of == visible_of && line_count == m_visible.layout.line_count) return;
  m_visible = LayoutRange(document, first_line, line_count);
  m_visible.layout.first_line = static_cast<size_t>(first_line);
  m_visible.layout.line_count = line_count;  // what was asked for, so a short list is not re-laid
  m_visible_of = visible_of;
  ++m_layout_revision;
}

float StackedView::LayoutOriginY() const {
  const int64_t row0 = kPadding + static_cast<int64_t>(m_visible.layout.first_line) * m_geometry.LinePitch();
  return static_cast<float>(row0 - m_scroll_px);
}

int64_t StackedView::ContentHeight() const {
  return 2 * kPadding + static_cast<int64_t>(m_blocks.LineCount()) * m_geometry.LinePitch() - m_geometry.line_gap;
}

int64_t StackedView::MaxScroll() const { return std::max<int64_t>(ContentHeight() - m_viewport_height, 0); }

void StackedView::ScrollTo(int64_t pixels) {
  m_scroll_px = std::clamp<int64_t>(pixels, 0, MaxScroll());
  if (m_scroll_px == 0) {
    m_anchor_sequence.reset();
    return;
  }
  if (m_listed.empty()) return;
  const StackedAnchor anchor = AnchorOfScroll(m_blocks, m_scroll_px, m_geometry.LinePitch(), kPadding);
  m_anchor_sequence = m_listed[anchor.block];
  m_anchor_line = anchor.line;
  m_anchor_offset = anchor.offset;
}

void StackedView::ScrollToSequence(uint32_t sequence) {
  if (std::find(m_listed.begin(), m_listed.end(), sequence) == m_listed.end()) return;
  m_anchor_sequence = sequence;
  m_anchor_line = 0;
  m_anchor_offset = 0;
  ApplyAnchor();
}

std::optional<uint32_t> StackedView::TopSequence() const {
  if (m_listed.empty()) return std::nullopt;
  if (!m_anchor_sequence) return m_listed.front();
  // A list refreshed since the blocks were built may be shorter than they are.
  const size_t block = AnchorOfScroll(m_blocks, m_scroll_px, m_geometry.LinePitch(), kPadding).block;
  return m_listed[std::min(block, m_listed.size() - 1)];
}

void StackedView::ApplyAnchor() {
  const auto found = m_anchor_sequence ? std::find(m_listed.begin(), m_listed.end(), *m_anchor_sequence)
                                       : m_listed.end();
  if (found == m_listed.end()) {
    ScrollTo(0);  // at the top, or the sequence there was filtered out: the top of the list
    return;
  }
  const StackedAnchor anchor{static_cast<size_t>(found - m_listed.begin()), m_anchor_line, m_anchor_offset};
  m_scroll_px = std::clamp<int64_t>(ScrollOfAnchor(m_blocks, anchor, m_geometry.LinePitch(), kPadding), 0,
                                    MaxScroll());
}

const std::vector<float>& StackedView::OverviewRows(size_t rows, Reduction reduction) {
  const std::pair overview_of{m_blocks_revision, reduction};
  if (m_overview_rows.size() != rows || m_overview_of != overview_of) {
    m_overview_rows = StackedOverviewRows(m_blocks, m_listed, m_summaries, rows, reduction);
    m_overview_of = overview_of;
  }
  return m_overview_rows;
}

std::optional<StackedView::Hit> StackedView::HitTest(double x, double y) const {
  if (y < 0) return std::nullopt;
  const auto row = static_cast<size_t>(y / m_geometry.LinePitch());
  if (row >= m_visible.row_sequence.size()) return std::nullopt;
  Hit hit;
  hit.sequence = m_visible.row_sequence[row];
  hit.header = m_visible.row_line[row] < kBlockHeaderLines;
  if (!hit.header) {
    hit.instance = th::HitTest(m_visible.layout, m_geometry, x, y);
    if (hit.instance && m_visible.layout.tokens[*hit.instance] == kHeaderToken) hit.instance.reset();
  }
  return hit;
}

}  // namespace th
