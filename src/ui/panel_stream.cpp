// The stream panel (--listen): where clients connect, how many are connected, and what happened to
// them: who connected, who left, and why a connection was dropped (a malformed frame, a cut in the
// middle of one), the latest in red when it was an error.
#include "imgui.h"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"

namespace th::ui {

void DrawStreamPanel(const FrameContext::Stream& stream) {
  ImGui::TextWrapped("listening on %s", PanelText(stream.path).c_str());
  ImGui::TextDisabled("%zu client%s connected; tokenheat.connect() in Python", stream.connections,
                      stream.connections == 1 ? "" : "s");
  for (size_t i = 0; i < stream.messages.size(); ++i) {
    const bool error = stream.last_message_error && i + 1 == stream.messages.size();
    if (error) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.85f, 0.2f, 0.2f, 1.0f));
    ImGui::TextWrapped("%s", PanelText(stream.messages[i]).c_str());
    if (error) ImGui::PopStyleColor();
  }
}

}  // namespace th::ui
