#include "ui/visual_order.hpp"

#include <fribidi.h>

#include <algorithm>
#include <vector>

#include "core/utf8.hpp"

namespace th::ui {

namespace {

std::string LineInVisualOrder(std::string_view utf8) {
  std::vector<FriBidiChar> logical;
  ForEachCodePoint(utf8, [&](char32_t cp) { logical.push_back(cp); });
  if (std::none_of(logical.begin(), logical.end(),
                   [](FriBidiChar cp) { return FRIBIDI_IS_RTL(fribidi_get_bidi_type(cp)); }))
    return std::string(utf8);
  std::vector<FriBidiChar> visual(logical.size());
  FriBidiParType direction = FRIBIDI_PAR_LTR;  // the tooltip's line reads left to right
  if (!fribidi_log2vis(logical.data(), static_cast<FriBidiStrIndex>(logical.size()), &direction, visual.data(),
                       nullptr, nullptr, nullptr))
    return std::string(utf8);
  std::string shown;
  for (const FriBidiChar cp : visual)
    if (cp != FRIBIDI_CHAR_FILL) AppendUtf8(shown, cp);  // FILL: the second letter of a ligature
  return shown;
}

}  // namespace

std::string VisualOrder(std::string_view utf8) {
  // A newline ends a paragraph (UAX #9): each line is ordered on its own, and lines keep their order.
  std::string shown;
  for (size_t begin = 0;;) {
    const size_t end = std::min(utf8.find('\n', begin), utf8.size());
    shown += LineInVisualOrder(utf8.substr(begin, end - begin));
    if (end == utf8.size()) return shown;
    shown += '\n';
    begin = end + 1;
  }
}

}  // namespace th::ui
