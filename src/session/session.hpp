#pragma once
// The viewer's session: the open document, what the user picked (sequence, value source, range,
// palette, font size, scroll), and what is derived from those (statistics, line index, visible
// layout). The values drawn come from a pipeline of value sources (value_source.hpp): a channel,
// an attention row or column or a feature, wrapped by shuffling and grouping. What is derived is
// stamped with the revisions it was made from (document, values, wrapping) and remade when they
// move on, so a reload that maps new data at an old address never shows stale values.
// GL-free and ImGui-free, so panels, `render` and tests share it; the app reads the revision
// counters to know what to upload.

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <span>
#include <string>
#include <vector>

#include "core/background_task.hpp"
#include "core/document.hpp"
#include "core/palette.hpp"
#include "core/granularity.hpp"
#include "core/value_mapping.hpp"
#include "layout/line_index.hpp"
#include "layout/value_pyramid.hpp"
#include "layout/visible_layout.hpp"
#include "session/stacked_view.hpp"
#include "session/text_search.hpp"
#include "session/value_source.hpp"
#include "session/viewport.hpp"

namespace th {

struct ViewSettings {
  int sequence = 0;
  int channel = 0;  // the channel shown while source.kind is kChannel (source.channel is its name)
  ValueSourceSpec source;
  MappingSpec mapping;
  std::optional<uint64_t> shuffle_seed;  // set: values are shown permuted among the tokens
  bool side_by_side = false;             // with a seed: the real values beside the shuffled ones
  std::optional<std::string> underline;  // a second channel drawn as an underline, by name
  Granularity granularity = Granularity::kToken;
  Aggregate aggregate = Aggregate::kMean;
  int font_size = 16;
  TokenText token_text = TokenText::kDecoded;  // decoded text, or the tokenizer's raw strings
  bool stacked = false;  // every listed sequence under its header, instead of one as running text
  Reduction overview = Reduction::kMaxAbs;  // how the overview strip (and a zoomed-out block) reduces its tokens
};

class Session {
 public:
  static constexpr int kPadding = Viewport::kPadding;  // pixels around the text, in the window and in PNGs

  explicit Session(Document document);

  // Replaces the document, keeping the palette, mapping and font size.
  void ReplaceDocument(Document document);
  // [Streams] Changes the document in place. The view keeps its sequence, source and scroll
  // position; what is derived is made again from the new document revision. For a live stream:
  //   kAppend  edit only appends (sequences, tokens, channels), never changing a token's text, a
  //            value or anything before the sequence shown: the wrapping goes on with the new
  //            tokens alone, and while a channel is shown as it is (no shuffle, grouping or
  //            underline; scope sequence or manual) its statistics and the overview's pyramid are
  //            extended by the new values, so a frame costs about what arrived.
  //   kValues  as kAppend, and values of earlier tokens replaced: statistics are made again.
  enum class Edit { kAppend, kValues, kAny };
  void EditDocument(const std::function<void(Document&)>& edit, Edit kind = Edit::kAny);
  const Document& Doc() const { return m_document; }

  const ViewSettings& Settings() const { return m_settings; }
  // Zoomed out (below kMinGlyphFontSize) the running text is folded into blocks without glyphs;
  // the stacked view keeps its headers readable at the smallest glyph size.
  bool Folded() const { return m_settings.font_size < kMinGlyphFontSize && !m_settings.stacked; }
  void SelectSequence(int index);
  // Shows the channel (the value source becomes that channel).
  void SelectChannel(int index);
  // [Value source] Attention rows or columns, or a feature, instead of a channel: every token is
  // coloured by the attention from (to) the source token or by the feature's activation. Returns
  // "" or, when the current sequence cannot show it, the reason (WhyNoSource), the view unchanged.
  std::string SetSource(const ValueSourceSpec& spec);
  // The source token of an attention source (a click, arrow keys): the same layers and heads.
  std::string SelectSourceToken(uint64_t token);
  const ValueSourceSpec& Source() const { return m_settings.source; }
  // The spec as it applies to the current sequence (a channel source names the channel shown):
  // what the stacked view and the global scope take from every sequence.
  ValueSourceSpec CurrentSourceSpec() const;
  // What the values drawn are ("logprob", "attention L1 H2 from token 12"): legends and captions.
  std::string ValueLabel() const;
  // The token outlined as the attention source, when one is.
  std::optional<uint64_t> OutlinedToken() const;
  // [Head grid] Every layer's and head's attention from (to) the source token, whatever layer and
  // head are shown: rows[layer * Heads() + head] holds one value per token (masked: NaN). Read
  // when first asked for after the source token, direction or sequence changed (one row per head),
  // then kept; empty when the source is not attention.
  struct HeadRows {
    uint32_t layers = 0;
    uint32_t heads = 0;
    uint64_t tokens = 0;
    std::vector<float> values;  // [layers * heads][tokens]
    float At(uint32_t layer, uint32_t head, uint64_t token) const {
      return values[(static_cast<uint64_t>(layer) * heads + head) * tokens + token];
    }
  };
  const HeadRows& AttentionByHead();
  // Each head's row reduced to `buckets` columns (the largest weight of each run of tokens), for
  // the head grid's thumbnails: [layers * heads][buckets]; cached like AttentionByHead.
  const std::vector<float>& HeadGrid(size_t buckets);
  void SetFontSize(int pixels);
  // Draws the decoded tokens or the raw tokenizer strings; the token boxes stay the same tokens.
  void SetTokenText(TokenText text);

  // [Mapping] What the user chose, the scope's statistics and the numbers the shader gets.
  const MappingSpec& Spec() const { return m_settings.mapping; }
  void SetSpec(const MappingSpec& spec);
  void SetManualRange(float low, float high);  // switches the scope to manual
  // For a long scope, ScopeSummary::Bounds until the sorted summary arrives from the background
  // (StatisticsPending()); percentile mappings use the whole range meanwhile.
  const ScopeSummary& Summary() const { return m_summary; }
  // The summary's histogram over [Min(), Max()], kHistogramBins bins, cached with the summary.
  static constexpr size_t kHistogramBins = 64;
  const std::vector<size_t>& Histogram() const { return m_histogram; }
  const ValueMapping& Mapping() const { return m_mapping; }
  float Low() const { return m_mapping.low; }
  float High() const { return m_mapping.high; }
  // Chooses the mapping and palette from the data: min-max on Reds when no value is negative,
  // symmetric about zero on RdBu_r when values have both signs. keep_palette leaves a palette
  // the user named alone. Returns the reason, which the legend shows.
  std::string ApplyDataDefaults(bool keep_palette);
  // The colour range the document asks for (Document::file_range), as the manual range; false
  // when it asks for none. ApplyDataDefaults applies it after choosing the mapping.
  bool ApplyFileRange();
  // The manual range is still the one the file asked for (the legend says so).
  bool ManualRangeIsFromFile() const;
  const std::string& DefaultReason() const { return m_default_reason; }

  // [Shuffle] The same values permuted at random among the tokens that have one (seeded), to
  // show what chance looks like. Nothing changes for tokens without a value.
  void SetShuffle(std::optional<uint64_t> seed);
  // Shows the real values and, beside them, the shuffled ones (same layout, same mapping).
  void SetSideBySide(bool on);
  // The shuffled twin of Visible() while side by side is on, else nullptr.
  const VisibleLayout* VisibleTwin() const { return m_twin ? &m_visible_twin : nullptr; }

  // [Granularity] Values per word, line or sentence (aggregated), each group drawn as one box.
  void SetGranularity(Granularity granularity, Aggregate aggregate);

  // [Underline] A second channel beneath the background: thickness and colour from its own
  // min..max over the sequence and its own palette. nullopt, or a name the sequence lacks, draws
  // none.
  void SetUnderline(std::optional<std::string> channel);
  const Palette& UnderlinePalette() const { return m_underline_palette; }
  void SetUnderlinePalette(Palette palette);
  uint64_t UnderlinePaletteRevision() const { return m_underline_palette_revision; }
  // The underline's linear range, when one is drawn.
  std::optional<ValueMapping> UnderlineMapping() const;

  // [Derived channels] Adds "A-B", "A/B" or "z(A)-z(B)" to every sequence that has A and B and
  // selects it, with its default mapping on a diverging palette (symmetric about 0 for
  // differences, a log scale centred at 1 for ratios); false when the current sequence cannot
  // compute it. An existing channel's name just selects it.
  bool AddDerivedChannel(const std::string& expression);

  const Palette& CurrentPalette() const { return m_palette; }
  uint64_t PaletteRevision() const { return m_palette_revision; }
  void SetPalette(Palette palette);

  const Sequence& CurrentSequence() const;
  // The channel shown; nullptr when the sequence has no channels or the source is not a channel.
  const Channel* CurrentChannel() const;
  // The values drawn: the source's, shuffled and grouped as chosen.
  std::span<const float> CurrentValues() const;
  // Bumped whenever CurrentValues() changes: what is derived from them compares it.
  uint64_t ValuesRevision() const { return m_values_revision; }
  uint64_t DocumentRevision() const { return m_document_revision; }

  // [Background work] A sequence of kBackgroundTokens or more gets its sorted statistics and its
  // wrapping past the first screen from background threads, so its first frame waits for
  // neither; UpdateLayout picks up what they finished.
  static constexpr size_t kBackgroundTokens = Viewport::kBackgroundTokens;
  bool StatisticsPending() const { return m_summary_task.Running(); }
  // The overview's pyramid of a sequence of kBackgroundTokens or more is built in the background
  // too: OverviewRows is empty until it arrives (a jump by value waits for it).
  bool OverviewPending() const { return m_pyramid_task.Running(); }
  // Whether any value drawn is finite, without waiting for background work.
  bool HasFiniteValue();
  bool WrappingPending() const { return m_viewport.WrappingPending(); }
  // The share of the sequence the wrapping in progress has reached, in [0, 1].
  double WrappedShare() const { return m_viewport.WrappedShare(CurrentSequence().TokenCount()); }
  // Takes what finished (at most one block of lines) without waiting.
  void PollBackgroundWork();
  // Waits for all of it: for `render`, exports and the benchmark, which need the whole.
  void FinishBackgroundWork();

  // [Layout] Called once per frame with the heatmap's size; rebuilds only what changed.
  void UpdateLayout(int viewport_width, int viewport_height, GridGeometry geometry);
  const GridGeometry& Geometry() const { return m_viewport.Geometry(); }
  const LineIndex& Lines() const { return m_viewport.Lines(); }
  const VisibleLayout& Visible() const { return m_viewport.Visible(); }
  uint64_t LayoutRevision() const { return m_viewport.LayoutRevision(); }
  // Lines [first_line, first_line + line_count) of the current sequence wrapped by `lines`, laid
  // out as the view lays out its visible lines (exports and `render` draw with it).
  // twin: with the shuffled values of side by side (VisibleTwin's values) instead.
  // fold_cells > 0: zoomed out, folded into blocks of buckets that many cells wide
  // (LayoutFoldedLines), each reduced as the overview strip reduces (Settings().overview).
  VisibleLayout LayoutRange(const LineIndex& lines, size_t first_line, size_t line_count, bool twin = false,
                            int fold_cells = 0) const;
  // Pixel position of the visible layout's row 0 inside the viewport.
  float LayoutOriginY() const { return m_viewport.LayoutOriginY(); }

  // [Scrolling] The viewport's (viewport.hpp): an integer pixel position in the content, exact at
  // any document length.
  int64_t ScrollPixels() const { return m_viewport.ScrollPixels(); }
  int64_t ContentHeight() const { return m_viewport.ContentHeight(); }
  int64_t MaxScroll() const { return m_viewport.MaxScroll(); }
  void ScrollTo(int64_t pixels) { m_viewport.ScrollTo(pixels); }
  void ScrollBy(int64_t pixels) { ScrollTo(ScrollPixels() + pixels); }
  void ScrollToToken(uint64_t token) { m_viewport.ScrollToToken(token); }
  void ShowToken(uint64_t token) { m_viewport.ShowToken(token); }
  int ViewportHeight() const { return m_viewport.ViewportHeight(); }
  uint64_t TopToken() const { return m_viewport.TopToken(); }

  // [Jumps by value] What the Go to panel, the script steps `top`, `bottom` and `next-above` and
  // the viewer's --goto-top, --goto-bottom and --goto-above do, over the values drawn
  // (CurrentValues()). Each brings the token's line to the top of the view (ScrollToToken) and
  // returns the token; nullopt, the view unchanged, when there is none.
  // The token of the rank-th highest (or lowest) value: rank 1 is the extreme itself
  // (RankedToken).
  std::optional<uint64_t> GoToRanked(uint64_t rank, bool highest);
  // The first token after JumpOrigin() with a value above the threshold.
  std::optional<uint64_t> GoToNextAbove(float threshold);
  // Where the next jump starts: the token the last jump went to while its line is still the top
  // line of the view (it need not start that line, and going on from the line's first token would
  // find it again), else the top token.
  uint64_t JumpOrigin() const;

  // [Overview and jumps] Reductions of CurrentValues() over token ranges, for the overview strip
  // and threshold jumps: built on first use after the values change (O(n)), never per frame; for
  // a long sequence on a background thread from the change on (this waits for it).
  const ValuePyramid& Pyramid();
  // The sequence as `rows` values for the overview strip (ValuePyramid::Rows with the chosen
  // reduction, max-abs by default), cached until the values, the reduction or the row count change.
  // Empty while the pyramid is built in the background (OverviewPending).
  const std::vector<float>& OverviewRows(size_t rows);
  void SetOverviewReduction(Reduction reduction);

  // [Search] The Go to panel's text search over the current sequence (text_search.hpp): it
  // searches again when the sequence or its text changes, and PollBackgroundWork polls it.
  TextSearch& Search() { return m_search; }
  const TextSearch& Search() const { return m_search; }

  // [Sequence list and stacked view] The list filtered and sorted, and every listed sequence as
  // a block under its header (stacked_view.hpp), coloured by the current channel's name with
  // the session's mapping and palette; token values as stored (no shuffle or granularity).
  StackedView& Stacked() { return m_stacked; }
  const StackedView& Stacked() const { return m_stacked; }
  // The listed sequences (filter and order applied) for the current channel.
  const std::vector<uint32_t>& ListedSequences();
  // On: a range of scope `sequence` becomes `global`, one range for every block, so that colours
  // compare across blocks; off: it returns to `sequence` (unless the scope was changed meanwhile).
  void SetStacked(bool on);
  // The scope as the user chose it: `sequence` while the stacked view makes it `global`.
  RangeScope ChosenScope() const;
  // UpdateLayout's counterpart for the stacked view.
  void UpdateStackedLayout(int viewport_width, int viewport_height, GridGeometry geometry);

 private:
  void ValuesChanged();        // source, sequence or shuffle: new values, same wrapping
  // Whether the values drawn only grow when tokens are appended (and their statistics with them).
  bool ValuesExtendOnAppend() const;
  void ValuesGrew(size_t before);  // kAppend: values [before, end) are new, the earlier ones as they were
  void RecomputeSummary();     // the scope's statistics, then the mapping
  void SummaryChanged();  // histogram and mapping of a new summary
  void TakeBackgroundWork(bool wait);  // what finished, or with wait, the next of each
  // Stops what reads the document before it changes, and starts the view over.
  void StopBackgroundWork();
  // Stops the background tasks that read the values (the statistics, the overview's pyramid).
  void StopValueTasks();

  Document m_document;
  ViewSettings m_settings;
  Palette m_palette;
  uint64_t m_palette_revision = 1;
  uint64_t m_document_revision = 1;
  uint64_t m_text_revision = 1;  // bumped with the document's except by appends: what wrapping keys on
  uint64_t m_values_revision = 1;
  // What the visible layout shows besides its lines: bumped with the values and with how folded
  // blocks reduce (Viewport::ContentRevision).
  Viewport::ContentRevision m_content_revision = 1;
  std::shared_ptr<const ValueSource> m_base;    // the source as chosen, before shuffle and grouping
  std::shared_ptr<const ValueSource> m_values;  // what is drawn (null: no values)
  std::shared_ptr<const ValueSource> m_twin;    // side by side: the shuffled values beside the real ones
  std::vector<uint32_t> m_groups;  // granularity groups of the current sequence
  VisibleLayout m_visible_twin;
  std::vector<float> m_underline;  // per-token underline values (empty: no underline)
  ValueMapping m_underline_mapping;
  Palette m_underline_palette;
  uint64_t m_underline_palette_revision = 1;
  ScopeSummary m_summary;
  std::vector<size_t> m_histogram;
  ValueMapping m_mapping;
  std::string m_default_reason;
  std::optional<std::pair<float, float>> m_file_range;  // as ApplyFileRange resolved it

  Viewport m_viewport;
  BackgroundTask<ScopeSummary> m_summary_task;
  std::optional<uint64_t> m_last_jump;     // the token the last jump by value went to
  // The layout stamp's values revision and reduction of the overview rows.
  struct OverviewStamp {
    uint64_t values_revision = 0;
    Reduction reduction = Reduction::kMaxAbs;
    friend bool operator==(const OverviewStamp&, const OverviewStamp&) = default;
  };
  ValuePyramid m_pyramid;
  uint64_t m_pyramid_revision = 0;         // the values revision m_pyramid reduces
  BackgroundTask<ValuePyramid> m_pyramid_task;  // the pyramid of the current values, being built
  void TakePyramid();                      // the task's pyramid as m_pyramid
  // The statistics and the pyramid of a long sequence start once the view has been laid out
  // after they were asked for, so that the frame in front is not slowed by passes over the whole
  // sequence on the same cores; waiting for them (FinishBackgroundWork, Pyramid) opens it at once.
  std::shared_ptr<StartGate> m_gate;
  bool m_gate_after_layout = false;  // UpdateLayout ran since m_gate was made: the next poll opens it
  std::shared_ptr<StartGate> Gate();  // the gate background work started now waits at
  void OpenGate();
  std::vector<float> m_overview_rows;
  OverviewStamp m_overview_stamp;
  StackedView m_stacked;
  HeadRows m_head_rows;
  std::optional<std::pair<uint64_t, ValueSourceSpec>> m_head_rows_of;  // document revision and spec read
  std::vector<float> m_head_grid;
  size_t m_head_grid_buckets = 0;
  bool m_scope_made_global = false;  // SetStacked(true) turned a sequence scope into global
  TextSearch m_search;  // declared last: its search stops before the document goes
};

}  // namespace th
