#include "session/session.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/attention.hpp"

#include "core/derived_channel.hpp"
#include "core/palette_registry.hpp"
#include "layout/folded_layout.hpp"
#include "layout/navigation.hpp"

namespace th {

Session::Session(Document document)
    : m_document(std::move(document)), m_palette(*FindPalette("Reds")), m_underline_palette(*FindPalette("Greys")) {
  ValuesChanged();
}

void Session::ReplaceDocument(Document document) {
  StopBackgroundWork();
  m_document = std::move(document);
  ++m_document_revision;
  ++m_text_revision;
  m_stacked.DocumentReplaced();
  m_settings.sequence = 0;
  m_settings.channel = 0;
  m_viewport.ScrollHome();
  ValuesChanged();
}

void Session::EditDocument(const std::function<void(Document&)>& edit, Edit kind) {
  // What reads the document stops before it changes.
  m_search.Stop();
  StopValueTasks();
  if (kind == Edit::kAny) {
    m_viewport.Reset();
    ++m_text_revision;
  } else {
    m_viewport.SequenceGrowing();
  }
  const size_t values_before = CurrentValues().size();
  edit(m_document);
  ++m_document_revision;
  if (kind == Edit::kAppend && ValuesExtendOnAppend())
    ValuesGrew(values_before);
  else
    ValuesChanged();
}

bool Session::ValuesExtendOnAppend() const {
  const RangeScope scope = m_settings.mapping.scope;
  return m_settings.source.kind == ValueSourceSpec::Kind::kChannel && !m_settings.shuffle_seed &&
         m_settings.granularity == Granularity::kToken && !m_settings.underline &&
         (scope == RangeScope::kSequence || scope == RangeScope::kManual);
}

void Session::ValuesGrew(size_t before) {
  const uint64_t previous_values = m_values_revision;
  ++m_values_revision;
  ++m_content_revision;
  m_base = MakeSource(CurrentSequence(), CurrentSourceSpec());
  m_values = m_base;
  m_twin = nullptr;
  const std::span<const float> values = CurrentValues();
  if (values.size() < before) {
    ValuesChanged();
    return;
  }
  // Statistics in order are extended by the new values alone; without order yet (a long sequence
  // whose sort runs in the background) they are made again as for any change.
  if (m_summary.Exact() && values.size() < ScopeSummary::kExactValues) {
    m_summary = ScopeSummary::Extended(std::move(m_summary), values.subspan(before));
    SummaryChanged();
  } else {
    RecomputeSummary();
  }
  if (m_pyramid_revision == previous_values) {
    m_pyramid.Extend(values);
    m_pyramid_revision = m_values_revision;
  }
}

void Session::SelectSequence(int index) {
  if (index < 0 || index >= static_cast<int>(m_document.sequences.size()) || index == m_settings.sequence)
    return;
  // Keep the channel by name when the new sequence has it.
  const Channel* previous = CurrentChannel();
  const std::string channel_name = previous ? previous->name : std::string();
  StopBackgroundWork();
  m_settings.sequence = index;
  m_settings.channel = std::max(CurrentSequence().FindChannel(channel_name), 0);
  m_viewport.ScrollHome();
  ValuesChanged();
}

void Session::SelectChannel(int index) {
  if (index < 0 || index >= static_cast<int>(CurrentSequence().channels.size())) return;
  m_settings.channel = index;
  m_settings.source.kind = ValueSourceSpec::Kind::kChannel;
  ValuesChanged();
}

std::string Session::SetSource(const ValueSourceSpec& spec) {
  if (spec.kind == ValueSourceSpec::Kind::kChannel) {
    const int index = CurrentSequence().FindChannel(spec.channel);
    if (index < 0) return WhyNoSource(CurrentSequence(), spec);
    SelectChannel(index);
    return "";
  }
  std::string why = WhyNoSource(CurrentSequence(), spec);
  if (!why.empty()) return why;
  if (spec == m_settings.source) return "";
  m_settings.source = spec;
  ValuesChanged();
  return "";
}

std::string Session::SelectSourceToken(uint64_t token) {
  ValueSourceSpec spec = m_settings.source;
  spec.source_token = token;
  return SetSource(spec);
}

ValueSourceSpec Session::CurrentSourceSpec() const {
  ValueSourceSpec spec = m_settings.source;
  if (spec.kind == ValueSourceSpec::Kind::kChannel) {
    const Sequence& sequence = CurrentSequence();
    spec.channel = sequence.channels.empty() ? std::string() : sequence.channels[m_settings.channel].name;
  }
  return spec;
}

std::string Session::ValueLabel() const {
  if (m_values) return m_values->Label();
  return "no values";
}

const Session::HeadRows& Session::AttentionByHead() {
  ValueSourceSpec spec = m_settings.source;
  const bool attention = spec.kind == ValueSourceSpec::Kind::kAttention && m_values;
  // Every head is read whatever the one shown: only the source, direction and sequence matter.
  spec.layer = {};
  spec.head = {};
  const auto key = std::make_pair(m_document_revision * 1'000'003u + static_cast<uint64_t>(m_settings.sequence), spec);
  if (m_head_rows_of == key) return m_head_rows;
  m_head_rows_of = key;
  m_head_rows = {};
  m_head_grid_buckets = 0;
  if (!attention) return m_head_rows;
  const Sequence& sequence = CurrentSequence();
  const AttentionPatterns& patterns = *sequence.Attention();
  m_head_rows.layers = patterns.Layers();
  m_head_rows.heads = patterns.Heads();
  m_head_rows.tokens = sequence.TokenCount();
  m_head_rows.values.reserve(static_cast<size_t>(m_head_rows.layers) * m_head_rows.heads * m_head_rows.tokens);
  for (uint32_t layer = 0; layer < m_head_rows.layers; ++layer) {
    for (uint32_t head = 0; head < m_head_rows.heads; ++head) {
      spec.layer.index = layer;
      spec.head.index = head;
      const std::shared_ptr<const ValueSource> source = MakeSource(sequence, spec);
      const std::span<const float> row = source->Values();
      m_head_rows.values.insert(m_head_rows.values.end(), row.begin(), row.end());
    }
  }
  return m_head_rows;
}

const std::vector<float>& Session::HeadGrid(size_t buckets) {
  const HeadRows& rows = AttentionByHead();
  if (m_head_grid_buckets == buckets) return m_head_grid;
  m_head_grid_buckets = buckets;
  const size_t count = static_cast<size_t>(rows.layers) * rows.heads;
  m_head_grid.assign(count * buckets, std::numeric_limits<float>::quiet_NaN());
  if (rows.tokens == 0 || buckets == 0) return m_head_grid;
  // Bucket b covers tokens [b * T / B, (b + 1) * T / B), at least one: fewer tokens than buckets
  // repeat each token over its buckets.
  for (size_t row = 0; row < count; ++row) {
    const float* values = rows.values.data() + row * rows.tokens;
    for (size_t bucket = 0; bucket < buckets; ++bucket) {
      const uint64_t begin = bucket * rows.tokens / buckets;
      const uint64_t end = std::max((bucket + 1) * rows.tokens / buckets, begin + 1);
      float& cell = m_head_grid[row * buckets + bucket];
      for (uint64_t token = begin; token < end; ++token)
        if (!std::isnan(values[token]) && !(cell >= values[token])) cell = values[token];  // NaN cells take any value
    }
  }
  return m_head_grid;
}

std::optional<uint64_t> Session::OutlinedToken() const {
  if (m_settings.source.kind != ValueSourceSpec::Kind::kAttention || !m_values) return std::nullopt;
  return m_settings.source.source_token;
}

void Session::SetFontSize(int pixels) { m_settings.font_size = std::clamp(pixels, kMinFontSize, kMaxFontSize); }

void Session::SetTokenText(TokenText text) {
  if (text == m_settings.token_text) return;
  m_settings.token_text = text;  // raw and decoded texts wrap differently: the wrap stamp moves on
}

void Session::SetPalette(Palette palette) {
  m_palette = std::move(palette);
  ++m_palette_revision;
}

void Session::SetSpec(const MappingSpec& spec) {
  const bool scope_changed = spec.scope != m_settings.mapping.scope;
  if (spec.kind != m_settings.mapping.kind) m_default_reason.clear();  // no longer the default
  m_settings.mapping = spec;
  if (scope_changed)
    RecomputeSummary();
  else
    m_mapping = ResolveMapping(m_settings.mapping, m_summary);
}

void Session::SetManualRange(float low, float high) {
  MappingSpec spec = m_settings.mapping;
  spec.scope = RangeScope::kManual;
  spec.manual_low = low;
  spec.manual_high = high;
  SetSpec(spec);
}

std::string Session::ApplyDataDefaults(bool keep_palette) {
  const bool sequence_scope = m_settings.mapping.scope == RangeScope::kSequence;
  const ScopeSummary summary = sequence_scope ? m_summary : ScopeSummary::Bounds(CurrentValues());
  SourceDefaults defaults = m_values ? m_values->Defaults(summary) : DefaultsFromSigns(summary);
  // A range the file asks for from 0 up (a feature index's 0..corpus max) is a scale of
  // magnitudes: a sequential palette, whatever the signs of the values below it (a GELU neuron's
  // small negatives are clipped at 0, with the notch).
  if (const std::optional<FileRange>& range = m_document.file_range; range && range->low && range->high &&
                                                                      *range->low >= 0.0f && *range->high > *range->low) {
    const std::array<float, 2> ends{*range->low, *range->high};
    defaults = DefaultsFromSigns(ScopeSummary::Bounds(ends));
    defaults.reason = "the file's range starts at 0";
  }
  MappingSpec spec = m_settings.mapping;
  spec.kind = defaults.kind;
  SetSpec(spec);
  if (!keep_palette) SetPalette(*FindPalette(defaults.palette));
  m_default_reason = defaults.reason;
  ApplyFileRange();
  return m_default_reason;
}

bool Session::ApplyFileRange() {
  m_file_range.reset();
  if (!m_document.file_range) return false;
  // An end the file leaves out is the values' own, as in the tool that wrote it.
  const ScopeSummary bounds = ScopeSummary::Bounds(CurrentValues());
  const float low = m_document.file_range->low.value_or(bounds.Min());
  const float high = m_document.file_range->high.value_or(bounds.Max());
  if (!(low <= high)) return false;  // no values, and one end only: nothing to range over
  SetManualRange(low, high);
  m_file_range = std::make_pair(low, high);
  return true;
}

bool Session::ManualRangeIsFromFile() const {
  return m_file_range && m_settings.mapping.scope == RangeScope::kManual &&
         m_settings.mapping.manual_low == m_file_range->first && m_settings.mapping.manual_high == m_file_range->second;
}

void Session::SetShuffle(std::optional<uint64_t> seed) {
  if (seed == m_settings.shuffle_seed) return;
  m_settings.shuffle_seed = seed;
  ValuesChanged();
}

void Session::SetGranularity(Granularity granularity, Aggregate aggregate) {
  if (granularity == m_settings.granularity && aggregate == m_settings.aggregate) return;
  m_settings.granularity = granularity;
  m_settings.aggregate = aggregate;
  ValuesChanged();
}

bool Session::AddDerivedChannel(const std::string& expression) {
  const int existing = CurrentSequence().FindChannel(expression);
  if (existing >= 0) {
    SelectChannel(existing);
    return true;
  }
  const auto parsed = ParseChannelExpression(CurrentSequence(), expression);
  if (!parsed) return false;
  StopValueTasks();  // they may read a channel of the vector that grows (the wrapping reads no channel)
  th::AddDerivedChannel(m_document, expression);
  SelectChannel(CurrentSequence().FindChannel(expression));
  // Differences are signed comparisons: zero in the middle of a diverging palette. A ratio is
  // not a magnitude: 1 in the middle, on a log scale so that x and 1/x look equally strong.
  const bool ratio = parsed->op == ChannelExpression::Op::kRatio;
  MappingSpec spec = m_settings.mapping;
  spec.kind = ratio ? NormKind::kLogRatio : NormKind::kSymmetric;
  spec.symmetric_percentile = 100.0f;
  SetSpec(spec);
  if (m_palette.kind != PaletteKind::kDiverging) SetPalette(*FindPalette(DefaultPaletteName(spec.kind)));
  m_default_reason = ratio ? "a ratio of two channels: log scale centred at 1" : "a difference: symmetric about 0";
  return true;
}

void Session::SetUnderline(std::optional<std::string> channel) {
  m_settings.underline = std::move(channel);
  ValuesChanged();
}

void Session::SetUnderlinePalette(Palette palette) {
  m_underline_palette = std::move(palette);
  ++m_underline_palette_revision;
}

std::optional<ValueMapping> Session::UnderlineMapping() const {
  if (m_underline.empty()) return std::nullopt;
  return m_underline_mapping;
}

const Sequence& Session::CurrentSequence() const { return m_document.sequences[m_settings.sequence]; }

const Channel* Session::CurrentChannel() const {
  const Sequence& sequence = CurrentSequence();
  if (sequence.channels.empty() || m_settings.source.kind != ValueSourceSpec::Kind::kChannel) return nullptr;
  return &sequence.channels[m_settings.channel];
}

std::span<const float> Session::CurrentValues() const {
  return m_values ? m_values->Values() : std::span<const float>();
}

void Session::SetSideBySide(bool on) {
  if (on == m_settings.side_by_side) return;
  m_settings.side_by_side = on;
  ValuesChanged();
}

void Session::ValuesChanged() {
  StopValueTasks();  // they read the values about to change
  m_default_reason.clear();  // it described the previous values
  m_last_jump.reset();       // a token of the previous values
  ++m_values_revision;
  ++m_content_revision;
  const Sequence& sequence = CurrentSequence();
  // Another sequence (or document) may lack the attention or feature shown: its channel instead.
  if (m_settings.source.kind != ValueSourceSpec::Kind::kChannel && !WhyNoSource(sequence, CurrentSourceSpec()).empty())
    m_settings.source.kind = ValueSourceSpec::Kind::kChannel;
  m_base = MakeSource(sequence, CurrentSourceSpec());
  m_groups.clear();
  if (m_settings.granularity != Granularity::kToken) m_groups = GroupTokens(sequence, m_settings.granularity);
  const auto grouped = [&](std::shared_ptr<const ValueSource> source) {
    return m_groups.empty() ? source : Grouped(std::move(source), m_groups, m_settings.aggregate);
  };
  // Shuffle first, then group: shuffled groups are made of shuffled token values. Side by side,
  // the real values are drawn and the shuffled ones go to the twin.
  m_values = nullptr;
  m_twin = nullptr;
  if (m_base) {
    const auto shuffled = m_settings.shuffle_seed ? Shuffled(m_base, *m_settings.shuffle_seed) : nullptr;
    const bool twin = shuffled && m_settings.side_by_side;
    m_values = grouped(shuffled && !twin ? shuffled : m_base);
    if (twin) m_twin = grouped(shuffled);
  }
  m_underline.clear();
  const int underline = m_settings.underline ? sequence.FindChannel(*m_settings.underline) : -1;
  if (underline >= 0) {
    const ValueColumn& column = sequence.channels[underline].values;
    m_underline = m_groups.empty() ? std::vector<float>(column.begin(), column.end())
                                   : AggregateByGroup(column, m_groups, m_settings.aggregate);
    const ScopeSummary summary = ScopeSummary::Bounds(m_underline);
    m_underline_mapping.low = summary.Min();
    m_underline_mapping.high = summary.Max();
  }
  RecomputeSummary();
  if (const std::span<const float> values = CurrentValues(); values.size() >= kBackgroundTokens) {
    // The span stays valid while the task runs: the values change only after this function (or
    // what else replaces them) has stopped it.
    m_pyramid_task = BackgroundTask<ValuePyramid>([values, gate = Gate()](std::stop_token stop) {
      if (!gate->Wait(stop)) return ValuePyramid();
      return ValuePyramid(values, stop);
    });
  }
}

void Session::RecomputeSummary() {
  m_summary_task = {};
  m_summary = ScopeSummary();  // frees the old sorted copy before the new one is made
  std::span<const float> values = CurrentValues();
  std::vector<float> gathered;  // the scope's values when they are not one sequence's
  switch (m_settings.mapping.scope) {
    case RangeScope::kSequence:
    case RangeScope::kManual:  // manual ranges still show the sequence's statistics
      break;
    case RangeScope::kGlobal: {
      // The same source (the channel of the same name, the same feature...) in every sequence,
      // grouped as each sequence is drawn: colours comparable across sequences.
      const ValueSourceSpec spec = CurrentSourceSpec();
      for (const Sequence& sequence : m_document.sequences) {
        const std::shared_ptr<const ValueSource> source = MakeSource(sequence, spec);
        if (!source) continue;
        const std::span<const float> own = source->Values();
        if (m_settings.granularity == Granularity::kToken) {
          gathered.insert(gathered.end(), own.begin(), own.end());
        } else {
          const std::vector<float> merged =
              AggregateByGroup(own, GroupTokens(sequence, m_settings.granularity), m_settings.aggregate);
          gathered.insert(gathered.end(), merged.begin(), merged.end());
        }
      }
      values = gathered;
      break;
    }
    case RangeScope::kVisible: {
      // Each token (or merged group) in view once, however many line pieces it has. Before the
      // first layout (and in `render`, which draws everything) the whole sequence is in view.
      const VisibleLayout& visible = m_viewport.Visible();
      if (visible.instances.empty()) break;
      gathered.reserve(visible.instances.size());
      for (size_t i = 0; i < visible.instances.size(); ++i)
        if (i == 0 || visible.tokens[i] != visible.tokens[i - 1]) gathered.push_back(visible.instances[i].value);
      values = gathered;
      break;
    }
  }
  if (values.size() < kBackgroundTokens) {
    m_summary = ScopeSummary(values);
  } else {
    // The span stays valid while the task runs: the values change only after ValuesChanged (or
    // this function) has stopped it, and gathered values move with the task.
    m_summary = ScopeSummary::Bounds(values);
    m_summary_task = BackgroundTask<ScopeSummary>(
        [values, owned = std::move(gathered), bounds = m_summary, gate = Gate()](std::stop_token stop) {
          if (!gate->Wait(stop)) return ScopeSummary();
          const std::span<const float> scope = owned.empty() ? values : std::span<const float>(owned);
          // A huge scope's streamed summary starts from the bounds just found.
          return scope.size() >= ScopeSummary::kExactValues ? ScopeSummary::Streamed(scope, stop, &bounds)
                                                            : ScopeSummary(scope, stop);
        });
  }
  SummaryChanged();
}

void Session::SummaryChanged() {
  m_histogram = m_summary.Histogram(m_summary.Min(), m_summary.Max(), kHistogramBins);
  m_mapping = ResolveMapping(m_settings.mapping, m_summary);
}

void Session::StopBackgroundWork() {
  m_search.Stop();
  StopValueTasks();
  m_viewport.Reset();
}

void Session::StopValueTasks() {
  m_summary_task = {};
  m_pyramid_task = {};
}

std::shared_ptr<StartGate> Session::Gate() {
  if (!m_gate) {
    m_gate = std::make_shared<StartGate>();
    m_gate_after_layout = false;
  }
  return m_gate;
}

void Session::OpenGate() {
  if (!m_gate) return;
  m_gate->Open();
  m_gate.reset();
}

void Session::PollBackgroundWork() {
  if (m_gate_after_layout) OpenGate();
  TakeBackgroundWork(false);
  if (const auto token = m_search.Poll(CurrentSequence(), m_settings.sequence, m_settings.token_text)) ShowToken(*token);
}

void Session::FinishBackgroundWork() {
  OpenGate();
  while (m_summary_task.Running() || m_pyramid_task.Running() || m_viewport.WrappingPending())
    TakeBackgroundWork(true);
}

void Session::TakeBackgroundWork(bool wait) {
  if (m_summary_task.Running() && (wait || m_summary_task.Ready())) {
    m_summary = m_summary_task.Take();
    SummaryChanged();
  }
  if (m_pyramid_task.Running() && (wait || m_pyramid_task.Ready())) TakePyramid();
  m_viewport.TakeWrapping(wait);
}

void Session::UpdateLayout(int viewport_width, int viewport_height, GridGeometry geometry) {
  PollBackgroundWork();
  const Viewport::WrapStamp wrap{m_text_revision, m_settings.sequence, m_settings.token_text};
  const bool laid_out = m_viewport.Update(
      CurrentSequence(), wrap, viewport_width, viewport_height, geometry, m_content_revision,
      [this](const LineIndex& lines, size_t first_line, size_t line_count, int fold_cells) {
        if (m_twin) {
          m_visible_twin = LayoutRange(lines, first_line, line_count, true, fold_cells);
          m_visible_twin.line_count = line_count;
        }
        return LayoutRange(lines, first_line, line_count, false, fold_cells);
      });
  if (laid_out && m_settings.mapping.scope == RangeScope::kVisible) RecomputeSummary();
  if (m_gate) m_gate_after_layout = true;
}

VisibleLayout Session::LayoutRange(const LineIndex& lines, size_t first_line, size_t line_count, bool twin,
                                   int fold_cells) const {
  const std::span<const float> values = twin && m_twin ? m_twin->Values() : CurrentValues();
  if (fold_cells > 0)
    return LayoutFoldedLines(CurrentSequence(), lines, values, first_line, line_count, fold_cells,
                             m_settings.overview, m_settings.token_text);
  VisibleLayout layout = LayoutLines(CurrentSequence(), lines, values, first_line, line_count, m_settings.token_text);
  if (!m_groups.empty()) MergeGroupBoxes(layout, m_groups);
  if (!m_underline.empty())
    for (size_t i = 0; i < layout.instances.size(); ++i) layout.instances[i].underline = m_underline[layout.tokens[i]];
  if (const std::optional<uint64_t> source = OutlinedToken())
    for (size_t i = 0; i < layout.instances.size(); ++i)
      if (layout.tokens[i] == *source) layout.instances[i].flags |= kSourceTokenFlag;
  return layout;
}

std::optional<uint64_t> Session::GoToRanked(uint64_t rank, bool highest) {
  const std::optional<uint64_t> token = RankedToken(CurrentValues(), rank, highest);
  if (token) {
    ScrollToToken(*token);
    m_last_jump = token;
  }
  return token;
}

std::optional<uint64_t> Session::GoToNextAbove(float threshold) {
  const std::optional<uint64_t> token = Pyramid().NextAbove(JumpOrigin(), threshold);
  if (token) {
    ScrollToToken(*token);
    m_last_jump = token;
  }
  return token;
}

uint64_t Session::JumpOrigin() const {
  const uint64_t top = TopToken();
  const LineIndex& lines = m_viewport.Lines();
  if (m_last_jump && *m_last_jump >= top && *m_last_jump < lines.KnownTokens() &&
      lines.LineOfToken(*m_last_jump) == lines.LineOfToken(top))
    return *m_last_jump;
  return top;
}

void Session::TakePyramid() {
  m_pyramid = ValuePyramid();  // the old one goes before the new one is moved in
  m_pyramid = m_pyramid_task.Take();
  m_pyramid_revision = m_values_revision;
}

const ValuePyramid& Session::Pyramid() {
  if (m_pyramid_task.Running()) {  // started for the current values
    OpenGate();
    TakePyramid();
  }
  if (m_pyramid_revision != m_values_revision) {
    m_pyramid = ValuePyramid();
    m_pyramid = ValuePyramid(CurrentValues());
    m_pyramid_revision = m_values_revision;
  }
  return m_pyramid;
}

bool Session::HasFiniteValue() {
  const RangeScope scope = m_settings.mapping.scope;
  // The summary is of the values drawn in these scopes; its count needs no order.
  if (scope == RangeScope::kSequence || scope == RangeScope::kManual) return m_summary.Count() > 0;
  if (CurrentValues().empty()) return false;
  // A long sequence's pyramid is still being built: not known yet, and the panel asking each
  // frame must not wait for it (Pyramid() would).
  if (OverviewPending()) return true;
  const ValuePyramid& pyramid = Pyramid();
  return !std::isnan(pyramid.Reduce(0, pyramid.Size(), Reduction::kMax));
}

const std::vector<float>& Session::OverviewRows(size_t rows) {
  static const std::vector<float> kNone;
  if (m_pyramid_task.Running() && !m_pyramid_task.Ready()) return kNone;
  const OverviewStamp stamp{m_values_revision, m_settings.overview};
  if (m_overview_rows.size() != rows || m_overview_stamp != stamp) {
    m_overview_rows = Pyramid().Rows(rows, m_settings.overview);
    m_overview_stamp = stamp;
  }
  return m_overview_rows;
}

void Session::SetOverviewReduction(Reduction reduction) {
  if (reduction == m_settings.overview) return;
  m_settings.overview = reduction;
  ++m_content_revision;  // folded blocks are reduced the same way
}

const std::vector<uint32_t>& Session::ListedSequences() {
  m_stacked.Refresh(m_document, m_document_revision, CurrentSourceSpec());
  return m_stacked.Listed();
}

void Session::SetStacked(bool on) {
  if (on == m_settings.stacked) return;
  m_settings.stacked = on;
  MappingSpec spec = m_settings.mapping;
  if (on && spec.scope == RangeScope::kSequence) {
    spec.scope = RangeScope::kGlobal;
    m_scope_made_global = true;
  } else if (!on && m_scope_made_global && spec.scope == RangeScope::kGlobal) {
    spec.scope = RangeScope::kSequence;
  }
  if (!on) m_scope_made_global = false;
  SetSpec(spec);
}

RangeScope Session::ChosenScope() const {
  return m_scope_made_global && m_settings.mapping.scope == RangeScope::kGlobal ? RangeScope::kSequence
                                                                                : m_settings.mapping.scope;
}

void Session::UpdateStackedLayout(int viewport_width, int viewport_height, GridGeometry geometry) {
  m_stacked.UpdateLayout(m_document, m_document_revision, CurrentSourceSpec(),
                         m_settings.token_text, viewport_width, viewport_height, geometry);
}

}  // namespace th
