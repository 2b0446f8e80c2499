#pragma once
// Text for ImGui, which draws characters left to right in the order they come and never joins
// letters: right-to-left runs (Hebrew, Arabic) come out in the order UAX #9 displays them in a
// left-to-right line, and Arabic letters in their joined presentation forms (FriBidi), so that a
// tooltip reads as the heatmap shows the token.

#include <string>
#include <string_view>

namespace th::ui {

// utf8 in display order, each line on its own; text without a right-to-left character comes back
// unchanged.
std::string VisualOrder(std::string_view utf8);

}  // namespace th::ui
