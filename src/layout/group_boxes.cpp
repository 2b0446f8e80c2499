#include <algorithm>
#include <string>

#include "layout/visible_layout.hpp"

namespace th {

void MergeGroupBoxes(VisibleLayout& layout, std::span<const uint32_t> groups) {
  VisibleLayout merged;
  merged.first_line = layout.first_line;
  merged.line_count = layout.line_count;
  merged.cells = std::move(layout.cells);
  for (size_t i = 0; i < layout.instances.size(); ++i) {
    const TokenInstance& piece = layout.instances[i];
    const uint64_t token = layout.tokens[i];
    if (!merged.instances.empty()) {
      TokenInstance& box = merged.instances.back();
      const uint64_t last = merged.tokens.back() + merged.merged_tokens.back();
      // Pieces on a row are consecutive in the cell array, so a box grows by its cell count.
      if (box.row == piece.row && token == last + 1 && groups[token] == groups[last]) {
        box.cells = static_cast<uint16_t>(box.cells + piece.cells);
        merged.byte_end.back() = layout.byte_end[i];
        ++merged.merged_tokens.back();
        continue;
      }
    }
    merged.instances.push_back(piece);
    merged.tokens.push_back(token);
    merged.byte_begin.push_back(layout.byte_begin[i]);
    merged.byte_end.push_back(layout.byte_end[i]);
    merged.merged_tokens.push_back(0);
  }
  layout = std::move(merged);
}

std::string BoxText(const Sequence& sequence, const VisibleLayout& layout, size_t instance) {
  const uint64_t first = layout.tokens[instance];
  const uint64_t last = first + (layout.merged_tokens.empty() ? 0 : layout.merged_tokens[instance]);
  std::string text;
  for (uint64_t t = first; t <= last; ++t) {
    const std::string_view token = sequence.Token(t);
    const size_t begin = t == first ? layout.byte_begin[instance] : 0;
    const size_t end = t == last ? layout.byte_end[instance] : token.size();
    text.append(token.substr(begin, end - begin));
  }
  return text;
}

}  // namespace th
