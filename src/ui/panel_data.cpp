// The data panel: open a file, pick a sequence (name and token count) and a channel.

#include "core/palette_registry.hpp"
#include "imgui.h"
#include "ui/panels.hpp"

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
  if (ImGui::BeginCombo("underline", underline.empty() ? "(none)" : underline.c_str())) {
    if (ImGui::Selectable("(none)", underline.empty())) session.SetUnderline(std::nullopt);
    for (const Channel& channel : sequence.channels)
      if (ImGui::Selectable(channel.name.c_str(), channel.name == underline)) session.SetUnderline(channel.name);
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

}  // namespace

void DrawDataPanel(Session& session, FrameContext& context) {
  const Document& document = session.Doc();
  ImGui::TextDisabled("%s", document.source.c_str());

  static char path[1024] = "";
  ImGui::SetNextItemWidth(-ScaledPx(70.0f));
  const bool submitted = ImGui::InputTextWithHint("##path", "file.json / file.jsonl", path, sizeof path,
                                                  ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Open") || submitted) OpenFile(session, context, path);
  if (!context.open_error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.2f, 0.2f, 1.0f));
    ImGui::TextWrapped("%s", context.open_error.c_str());
    ImGui::PopStyleColor();
  }

  ImGui::Spacing();
  ImGui::TextUnformatted("Sequence");
  const int count = static_cast<int>(document.sequences.size());
  const float rows = static_cast<float>(count < 8 ? count : 8);
  if (ImGui::BeginListBox("##sequences", ImVec2(-1.0f, rows * ImGui::GetTextLineHeightWithSpacing() + 6.0f))) {
    ImGuiListClipper clipper;
    clipper.Begin(count);
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const Sequence& sequence = document.sequences[i];
        ImGui::PushID(i);
        if (ImGui::Selectable(sequence.name.c_str(), i == session.Settings().sequence))
          session.SelectSequence(i);
        ImGui::SameLine(ImGui::GetContentRegionAvail().x - 60.0f);
        ImGui::TextDisabled("%8zu", sequence.TokenCount());
        ImGui::PopID();
      }
    }
    ImGui::EndListBox();
  }

  ImGui::TextUnformatted("Channel");
  const Sequence& sequence = session.CurrentSequence();
  const Channel* current = session.CurrentChannel();
  ImGui::SetNextItemWidth(-1.0f);
  if (ImGui::BeginCombo("##channel", current ? current->name.c_str() : "(none)")) {
    for (int i = 0; i < static_cast<int>(sequence.channels.size()); ++i)
      if (ImGui::Selectable(sequence.channels[i].name.c_str(), i == session.Settings().channel))
        session.SelectChannel(i);
    ImGui::EndCombo();
  }
  // Decoded text by default; the raw tokenizer strings ("Ġworld", "▁the", "##ing") on demand.
  if (sequence.HasRawTokens()) {
    bool raw = session.Settings().token_text == TokenText::kRaw;
    if (ImGui::Checkbox("Raw tokens", &raw)) session.SetTokenText(raw ? TokenText::kRaw : TokenText::kDecoded);
  }
  DrawChannelTools(session);
}

}  // namespace th::ui
