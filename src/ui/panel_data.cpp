// The data panel: open a file; the view (one sequence as running text, or all stacked); the
// sequence list, filtered by name and sorted, with token counts; a channel; the overview's reduction.

#include "core/palette_registry.hpp"
#include "imgui.h"
#include "ui/panels.hpp"
#include "ui/visual_order.hpp"

namespace th::ui {

namespace {

constexpr Granularity kGranularities[] = {Granularity::kToken, Granularity::kWord, Granularity::kLine,
                                          Granularity::kSentence};
constexpr Aggregate kAggregates[] = {Aggregate::kSum, Aggregate::kMean, Aggregate::kMax, Aggregate::kMaxAbs};

// Derived channels, the underline channel, and values per word/line/sentence.
void DrawChannelTools(Session& session) {
  static char expression[128] = "";
  static bool failed = false;
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  const bool entered = ImGui::InputTextWithHint("##derive", "A-B, A/B, z(A)-z(B)", expression, sizeof expression,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Derive") || entered) {
    failed = !session.AddDerivedChannel(expression);
  }
  if (failed) ImGui::TextColored(ImVec4(0.85f, 0.2f, 0.2f, 1.0f), "needs two channels of this sequence");

  const Sequence& sequence = session.CurrentSequence();
  const std::string underline = session.Settings().underline.value_or("");
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  if (ImGui::BeginCombo("underline", underline.empty() ? "(none)" : VisualOrder(underline).c_str())) {
    if (ImGui::Selectable("(none)", underline.empty())) session.SetUnderline(std::nullopt);
    for (const Channel& channel : sequence.channels)
      if (ImGui::Selectable(VisualOrder(channel.name).c_str(), channel.name == underline)) session.SetUnderline(channel.name);
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
        if (ImGui::Selectable(VisualOrder(document.sequences[i].name).c_str(), static_cast<int>(i) == session.Settings().sequence)) {
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

}  // namespace

void DrawDataPanel(Session& session, FrameContext& context) {
  const Document& document = session.Doc();
  ImGui::TextDisabled("%s", document.source.c_str());

  static char path[1024] = "";
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  const bool submitted = ImGui::InputTextWithHint("##path", "file.json / file.jsonl", path, sizeof path,
                                                  ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Open") || submitted) RequestOpen(context, path);
  if (!context.open_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.2f, 0.2f, 1.0f));
    ImGui::TextWrapped("%s", context.open_error.c_str());
    ImGui::PopStyleColor();
  }
  if (!context.open_note.empty()) ImGui::TextDisabled("%s", context.open_note.c_str());
  // What the file holds that was not read (an array of another shape...): said, not hidden.
  for (const std::string& warning : document.warnings) ImGui::TextWrapped("not read: %s", warning.c_str());

  ImGui::Spacing();
  DrawSequenceList(session);

  ImGui::TextUnformatted("Channel");
  const Sequence& sequence = session.CurrentSequence();
  const Channel* current = session.CurrentChannel();
  ImGui::SetNextItemWidth(-1.0f);
  if (ImGui::BeginCombo("##channel", current ? VisualOrder(current->name).c_str() : "(none)")) {
    for (int i = 0; i < static_cast<int>(sequence.channels.size()); ++i) {
      ImGui::PushID(i);  // the label is the name as shown, which two names may share
      if (ImGui::Selectable(VisualOrder(sequence.channels[i].name).c_str(), i == session.Settings().channel))
        session.SelectChannel(i);
      ImGui::PopID();
    }
    ImGui::EndCombo();
  }
  // Decoded text by default; the raw tokenizer strings ("Ġworld", "▁the", "##ing") on demand.
  if (sequence.HasRawTokens()) {
    bool raw = session.Settings().token_text == TokenText::kRaw;
    if (ImGui::Checkbox("Raw tokens", &raw)) session.SetTokenText(raw ? TokenText::kRaw : TokenText::kDecoded);
  }
  DrawChannelTools(session);
  DrawOverviewReduction(session);
}

}  // namespace th::ui
