// The data panel: open a file; the view (one sequence as running text, or all stacked); the
// sequence list, filtered by name and sorted, with token counts; what the values are (a channel,
// an attention row or column, a feature); the overview's reduction.

#include <algorithm>
#include <cstdio>

#include "core/attention.hpp"
#include "core/feature_dictionary.hpp"
#include "core/palette_registry.hpp"
#include "imgui.h"
#include "layout/display_cells.hpp"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"
#include "ui/source_view.hpp"

namespace th::ui {

namespace {

constexpr Granularity kGranularities[] = {Granularity::kToken, Granularity::kWord, Granularity::kLine,
                                          Granularity::kSentence};
constexpr Aggregate kAggregates[] = {Aggregate::kSum, Aggregate::kMean, Aggregate::kMax, Aggregate::kMaxAbs};

// Derived channels, the underline channel, and values per word/line/sentence.
void DrawChannelTools(Session& session, DataPanelState& state) {
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  const bool entered = ImGui::InputTextWithHint("##derive", "A-B, A/B, z(A)-z(B)", state.expression,
                                                sizeof state.expression, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Derive") || entered) {
    state.derive_failed = !session.AddDerivedChannel(state.expression);
  }
  if (state.derive_failed) ImGui::TextColored(ImVec4(0.85f, 0.2f, 0.2f, 1.0f), "needs two channels of this sequence");

  const Sequence& sequence = session.CurrentSequence();
  const std::string underline = session.Settings().underline.value_or("");
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  if (ImGui::BeginCombo("underline", underline.empty() ? "(none)" : PanelText(underline).c_str())) {
    if (ImGui::Selectable("(none)", underline.empty())) session.SetUnderline(std::nullopt);
    for (const Channel& channel : sequence.channels)
      if (ImGui::Selectable(PanelText(channel.name).c_str(), channel.name == underline)) session.SetUnderline(channel.name);
    ImGui::EndCombo();
  }

  Granularity granularity = session.Settings().granularity;
  Aggregate aggregate = session.Settings().aggregate;
  ImGui::SetNextItemWidth(ScaledPx(90.0f));
  if (ImGui::BeginCombo("##granularity", ("per " + GranularityName(granularity)).c_str())) {
    for (const Granularity option : kGranularities)
      if (ImGui::Selectable(("per " + GranularityName(option)).c_str(), option == granularity)) granularity = option;
    ImGui::EndCombo();
  }
  if (granularity != Granularity::kToken) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ScaledPx(90.0f));
    if (ImGui::BeginCombo("##aggregate", AggregateName(aggregate).c_str())) {
      for (const Aggregate option : kAggregates)
        if (ImGui::Selectable(AggregateName(option).c_str(), option == aggregate)) aggregate = option;
      ImGui::EndCombo();
    }
  }
  session.SetGranularity(granularity, aggregate);
}

// The view (key V), the filter and the order, then the listed sequences: clicking one shows it as
// running text, or in the stacked view scrolls to its block.
void DrawSequenceList(Session& session) {
  bool stacked = session.Settings().stacked;
  if (ImGui::RadioButton("running text", !stacked)) stacked = false;
  ImGui::SameLine();
  if (ImGui::RadioButton("stacked (V)", stacked)) stacked = true;
  if (stacked != session.Settings().stacked) session.SetStacked(stacked);
  if (stacked)
    ImGui::TextDisabled("range over %s", ScopeName(session.Spec().scope).c_str());

  StackedView& list = session.Stacked();
  // The box shows the list's filter, so one given with --filter or by a script is what is edited.
  char filter[256];
  std::snprintf(filter, sizeof filter, "%s", list.Filter().c_str());
  ImGui::SetNextItemWidth(-ScaledPx(110.0f));
  if (ImGui::InputTextWithHint("##filter", "filter by name", filter, sizeof filter)) list.SetFilter(filter);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-ScaledPx(1.0f));
  if (ImGui::BeginCombo("##order", ("by " + SequenceOrderName(list.Order())).c_str())) {
    for (const SequenceOrder order : kSequenceOrders)
      if (ImGui::Selectable(("by " + SequenceOrderName(order)).c_str(), order == list.Order())) list.SetOrder(order);
    ImGui::EndCombo();
  }

  const Document& document = session.Doc();
  const std::vector<uint32_t>& listed = session.ListedSequences();
  ImGui::Text("Sequences: %zu of %zu", listed.size(), document.sequences.size());
  const int count = static_cast<int>(listed.size());
  const float rows = static_cast<float>(count < 8 ? count : 8);
  // The column beside the name: what the list is sorted by (the token count in file order).
  const SequenceOrder order = list.Order();
  if (ImGui::BeginListBox("##sequences", ImVec2(-1.0f, rows * ImGui::GetTextLineHeightWithSpacing() + 6.0f))) {
    ImGuiListClipper clipper;
    clipper.Begin(count);
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const uint32_t i = listed[static_cast<size_t>(row)];
        const SequenceSummary& summary = list.Summaries()[i];
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::Selectable(PanelText(document.sequences[i].name).c_str(), static_cast<int>(i) == session.Settings().sequence)) {
          session.SelectSequence(static_cast<int>(i));
          if (stacked) list.ScrollToSequence(i);
        }
        ImGui::SameLine(ImGui::GetContentRegionAvail().x - ScaledPx(60.0f));
        if (order == SequenceOrder::kMax || order == SequenceOrder::kMean)
          ImGui::TextDisabled("%8.4g", static_cast<double>(order == SequenceOrder::kMax ? summary.Max() : summary.Mean()));
        else
          ImGui::TextDisabled("%8llu", static_cast<unsigned long long>(summary.tokens));
        ImGui::PopID();
      }
    }
    ImGui::EndListBox();
  }
}

// How the overview strip reduces the tokens of one pixel row.
void DrawOverviewReduction(Session& session) {
  const Reduction current = session.Settings().overview;
  ImGui::SetNextItemWidth(ScaledPx(90.0f));
  if (ImGui::BeginCombo("overview", ReductionName(current).c_str())) {
    for (const Reduction reduction : kReductions)
      if (ImGui::Selectable(ReductionName(reduction).c_str(), reduction == current))
        session.SetOverviewReduction(reduction);
    ImGui::EndCombo();
  }
}

// [SECTION] What the values are: a channel, an attention row or column, or a feature.

using Kind = ValueSourceSpec::Kind;
const ImVec4 kErrorColour(0.85f, 0.2f, 0.2f, 1.0f);

// After a switch to another kind of source, that kind's defaults (ShowSource).
void KindChanged(Session& session, Kind before) {
  if (session.Source().kind != before) session.ApplyDataDefaults(false);
}

void DrawChannelPicker(Session& session, DataPanelState& state) {
  const Sequence& sequence = session.CurrentSequence();
  const Channel* current = session.CurrentChannel();
  ImGui::SetNextItemWidth(-1.0f);
  if (ImGui::BeginCombo("##channel", current ? PanelText(current->name).c_str() : "(none)")) {
    for (int i = 0; i < static_cast<int>(sequence.channels.size()); ++i) {
      ImGui::PushID(i);  // the label is the name as shown, which two names may share
      if (ImGui::Selectable(PanelText(sequence.channels[i].name).c_str(), current && i == session.Settings().channel)) {
        const Kind before = session.Source().kind;
        session.SelectChannel(i);
        KindChanged(session, before);
        state.source_error.clear();
      }
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
}

// A layer's or head's combo: each index (named by `label`), then the mean and the max over all.
template <typename Label>
bool IndexOrReductionCombo(const char* id, const char* what, IndexOrReduction& choice, uint32_t count, Label label) {
  const std::string preview = choice.kind == IndexOrReduction::Kind::kIndex
                                  ? label(choice.index)
                                  : ToString(choice) + " of " + what + "s";
  bool changed = false;
  if (ImGui::BeginCombo(id, PanelText(preview).c_str())) {
    for (uint32_t i = 0; i < count; ++i) {
      ImGui::PushID(static_cast<int>(i));
      const bool selected = choice.kind == IndexOrReduction::Kind::kIndex && choice.index == i;
      if (ImGui::Selectable(PanelText(label(i)).c_str(), selected)) choice = {IndexOrReduction::Kind::kIndex, i}, changed = true;
      ImGui::PopID();
    }
    for (const IndexOrReduction reduction : {IndexOrReduction::Mean(), IndexOrReduction::Max()}) {
      const std::string item = ToString(reduction) + " of " + what + "s";
      if (ImGui::Selectable(item.c_str(), choice == reduction)) choice = reduction, changed = true;
    }
    ImGui::EndCombo();
  }
  return changed;
}

// Layer, head, direction and source token of the attention shown.
void DrawAttentionPicker(Session& session, DataPanelState& state) {
  const Sequence& sequence = session.CurrentSequence();
  const AttentionPatterns& patterns = *sequence.Attention();
  ValueSourceSpec spec = session.Source();
  bool changed = false;
  const float half = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
  ImGui::SetNextItemWidth(half);
  changed |= IndexOrReductionCombo("##layer", "layer", spec.layer, patterns.Layers(),
                                   [](uint32_t layer) { return "layer " + std::to_string(layer); });
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1.0f);
  // Heads are named within the layer shown (head_labels are per layer and head).
  const IndexOrReduction layer = spec.layer;
  changed |= IndexOrReductionCombo("##head", "head", spec.head, patterns.Heads(), [&](uint32_t head) {
    const std::string name = "head " + std::to_string(head);
    if (layer.kind != IndexOrReduction::Kind::kIndex || layer.index >= patterns.Layers()) return name;
    const std::string label = HeadLabel(patterns, layer.index, head);
    return label == "L" + std::to_string(layer.index) + "H" + std::to_string(head) ? name : name + " (" + label + ")";
  });
  bool to = spec.direction == AttentionDirection::kTo;
  if (ImGui::RadioButton("from", !to)) to = false;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("what the source token attends to (its row)");
  ImGui::SameLine();
  if (ImGui::RadioButton("to", to)) to = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("what attends to the source token (its column)");
  const AttentionDirection direction = to ? AttentionDirection::kTo : AttentionDirection::kFrom;
  changed |= direction != spec.direction;
  spec.direction = direction;
  ImGui::SameLine();
  ImGui::TextUnformatted("token");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1.0f);
  uint64_t token = spec.source_token;
  const uint64_t step = 1;
  if (ImGui::InputScalar("##source_token", ImGuiDataType_U64, &token, &step, nullptr, "%llu")) {
    spec.source_token = StepSourceToken(token, 0, sequence.TokenCount());
    changed = true;
  }
  if (spec.source_token < sequence.TokenCount()) {
    const std::string text = PanelText(VisibleWhitespace(sequence.Token(spec.source_token).substr(0, 60)));
    ImGui::TextDisabled("source \"%s\": click a token, or Left/Right", text.c_str());
  }
  if (changed) ShowSource(session, state, spec);
}

// The feature shown: its index, or one found by name.
void DrawFeaturePicker(Session& session, DataPanelState& state) {
  const FeatureDictionary& dictionary = *session.CurrentSequence().Features();
  ValueSourceSpec spec = session.Source();
  uint32_t feature = spec.feature;
  const uint32_t step = 1;
  ImGui::SetNextItemWidth(ScaledPx(130.0f));
  if (ImGui::InputScalar("##feature", ImGuiDataType_U32, &feature, &step, nullptr, "%u")) {
    spec.feature = std::min(feature, dictionary.Features() - 1);
    ShowSource(session, state, spec);
  }
  ImGui::SameLine();
  ImGui::TextDisabled("of %u", dictionary.Features());
  if (const std::string_view name = dictionary.Name(spec.feature); !name.empty()) {
    const std::string shown = PanelText(name);
    ImGui::TextWrapped("%s", shown.c_str());
  }
  ImGui::SetNextItemWidth(-1.0f);
  const bool entered = ImGui::InputTextWithHint("##feature_search", dictionary.names.empty() ? "index, Enter" : "find by name or index",
                                                state.feature_search, sizeof state.feature_search,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  if (entered) {
    if (const std::optional<uint32_t> found = dictionary.Find(state.feature_search)) {
      spec.feature = *found;
      ShowSource(session, state, spec);
    } else {
      state.source_error = std::string("no feature named or numbered \"") + state.feature_search + "\"";
    }
  }
  constexpr size_t kListed = 200;
  const std::vector<uint32_t> matches = FeatureMatches(dictionary, state.feature_search, kListed);
  if (matches.empty()) return;
  const float rows = static_cast<float>(std::min<size_t>(matches.size(), 6));
  if (ImGui::BeginListBox("##feature_matches", ImVec2(-1.0f, rows * ImGui::GetTextLineHeightWithSpacing() + 6.0f))) {
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(matches.size()));
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const uint32_t match = matches[static_cast<size_t>(row)];
        const std::string item = std::to_string(match) + "  " + PanelText(dictionary.Name(match));
        ImGui::PushID(static_cast<int>(match));
        if (ImGui::Selectable(item.c_str(), match == spec.feature)) {
          spec.feature = match;
          ShowSource(session, state, spec);
        }
        ImGui::PopID();
      }
    }
    ImGui::EndListBox();
  }
  if (matches.size() == kListed) ImGui::TextDisabled("the first %zu matches", kListed);
}

// Channel, attention or feature (the latter two when the sequence has them), then its picker.
void DrawValueSource(Session& session, DataPanelState& state) {
  const Sequence& sequence = session.CurrentSequence();
  const bool attention = sequence.Attention() != nullptr && sequence.TokenCount() > 0;
  const bool features = sequence.Features() != nullptr && sequence.Features()->Features() > 0;
  const Kind kind = session.Source().kind;
  ImGui::TextUnformatted("Values");
  if (attention || features) {
    Kind chosen = kind;
    ImGui::SameLine();
    ImGui::BeginDisabled(sequence.channels.empty());
    if (ImGui::RadioButton("channel", kind == Kind::kChannel)) chosen = Kind::kChannel;
    ImGui::EndDisabled();
    if (attention) {
      ImGui::SameLine();
      if (ImGui::RadioButton("attention", kind == Kind::kAttention)) chosen = Kind::kAttention;
    }
    if (features) {
      ImGui::SameLine();
      if (ImGui::RadioButton("feature", kind == Kind::kFeature)) chosen = Kind::kFeature;
    }
    if (chosen != kind) {
      ValueSourceSpec spec;
      spec.kind = chosen;
      if (chosen == Kind::kChannel) {
        spec.channel = sequence.channels[static_cast<size_t>(session.Settings().channel)].name;
      } else if (chosen == Kind::kAttention) {
        // The attention last shown here, or the last token's row of the first head: a causal
        // model's last token attends to every token.
        spec.source_token = sequence.TokenCount() - 1;
        if (state.attention && WhyNoSource(sequence, *state.attention).empty()) spec = *state.attention;
      } else {
        spec.feature = state.feature.value_or(0);
        if (!WhyNoSource(sequence, spec).empty()) spec.feature = 0;
      }
      ShowSource(session, state, spec);
    }
  }
  switch (session.Source().kind) {
    case Kind::kChannel: DrawChannelPicker(session, state); break;
    case Kind::kAttention: DrawAttentionPicker(session, state); break;
    case Kind::kFeature: DrawFeaturePicker(session, state); break;
  }
  if (!state.source_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, kErrorColour);
    ImGui::TextWrapped("%s", PanelText(state.source_error).c_str());
    ImGui::PopStyleColor();
  }
}

}  // namespace

std::string ShowSource(Session& session, DataPanelState& state, const ValueSourceSpec& spec) {
  const Kind before = session.Source().kind;
  state.source_error = session.SetSource(spec);
  if (!state.source_error.empty()) return state.source_error;
  if (spec.kind == Kind::kAttention) state.attention = session.Source();
  if (spec.kind == Kind::kFeature) state.feature = spec.feature;
  KindChanged(session, before);
  return {};
}

void DrawDataPanel(Session& session, FrameContext& context) {
  const Document& document = session.Doc();
  ImGui::TextDisabled("%s", PanelText(document.source).c_str());

  DataPanelState& state = context.data;
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  const bool submitted = ImGui::InputTextWithHint("##path", "file.json / file.jsonl", state.path, sizeof state.path,
                                                  ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Open") || submitted) RequestOpen(context, state.path);
  if (!context.open_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.2f, 0.2f, 1.0f));
    ImGui::TextWrapped("%s", PanelText(context.open_error).c_str());
    ImGui::PopStyleColor();
  }
  if (!context.open_note.empty()) ImGui::TextDisabled("%s", context.open_note.c_str());
  // What the file holds that was not read (an array of another shape...): said, not hidden.
  for (const std::string& warning : document.warnings) ImGui::TextWrapped("not read: %s", PanelText(warning).c_str());

  ImGui::Spacing();
  DrawSequenceList(session);

  const Sequence& sequence = session.CurrentSequence();
  DrawValueSource(session, state);
  // Decoded text by default; the raw tokenizer strings ("Ġworld", "▁the", "##ing") on demand.
  if (sequence.HasRawTokens()) {
    bool raw = session.Settings().token_text == TokenText::kRaw;
    if (ImGui::Checkbox("Raw tokens", &raw)) session.SetTokenText(raw ? TokenText::kRaw : TokenText::kDecoded);
  }
  DrawChannelTools(session, state);
  DrawOverviewReduction(session);
}

}  // namespace th::ui
