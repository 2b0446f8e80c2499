#include "core/document.hpp"

namespace th {

void Sequence::AppendToken(std::string_view text) {
  m_text.append(text);
  m_ends.push_back(m_text.size());
}

void Sequence::ReserveTokens(size_t count, size_t bytes) {
  m_ends.reserve(count);
  m_text.reserve(bytes);
}

std::string_view Sequence::Token(size_t index) const {
  const uint64_t begin = index == 0 ? 0 : m_ends[index - 1];
  return std::string_view(m_text).substr(begin, m_ends[index] - begin);
}

int Sequence::FindChannel(std::string_view channel_name) const {
  for (size_t i = 0; i < channels.size(); ++i)
    if (channels[i].name == channel_name) return static_cast<int>(i);
  return -1;
}

}  // namespace th
