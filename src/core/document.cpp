#include "core/document.hpp"

namespace th {

ValueColumn ValueColumn::Borrow(std::span<const float> values, std::shared_ptr<const void> owner) {
  ValueColumn column;
  column.m_borrowed = values;
  column.m_owner = std::move(owner);
  return column;
}

ValueColumn ValueColumn::Slice(size_t begin, size_t end) const {
  const std::span<const float> part = std::span<const float>(*this).subspan(begin, end - begin);
  if (IsBorrowed()) return Borrow(part, m_owner);
  return std::vector<float>(part.begin(), part.end());
}

void StringTable::Append(std::string_view text) {
  m_text.append(text);
  m_ends.push_back(m_text.size());
}

void StringTable::Reserve(size_t count, size_t bytes) {
  m_ends.reserve(count);
  m_text.reserve(bytes);
}

std::string_view StringTable::At(size_t index) const {
  const uint64_t begin = index == 0 ? 0 : m_ends[index - 1];
  return std::string_view(m_text).substr(begin, m_ends[index] - begin);
}

std::string_view Sequence::Token(size_t index, TokenText which) const {
  return which == TokenText::kRaw ? RawToken(index) : Token(index);
}

int Sequence::FindChannel(std::string_view channel_name) const {
  for (size_t i = 0; i < channels.size(); ++i)
    if (channels[i].name == channel_name) return static_cast<int>(i);
  return -1;
}

void Sequence::SetDecodedTokens(StringTable decoded) {
  if (!HasRawTokens()) m_raw = std::move(m_tokens);
  m_tokens = std::move(decoded);
}

std::vector<TopKEntry> Sequence::TopK(size_t index) const {
  std::vector<TopKEntry> entries;
  if (index >= m_top_k_ends.size()) return entries;
  for (uint64_t i = index == 0 ? 0 : m_top_k_ends[index - 1]; i < m_top_k_ends[index]; ++i)
    entries.push_back({m_top_k_tokens.At(i), m_top_k_probabilities[i]});
  return entries;
}

void Sequence::AppendTopK(std::span<const TopKEntry> entries) {
  for (const TopKEntry& entry : entries) {
    m_top_k_tokens.Append(entry.token);
    m_top_k_probabilities.push_back(entry.probability);
  }
  m_top_k_ends.push_back(m_top_k_probabilities.size());
}

void Sequence::KeepTokens(const std::vector<bool>& keep) {
  const size_t count = TokenCount();
  const auto first = std::find(keep.begin(), keep.end(), true);
  const size_t begin = static_cast<size_t>(first - keep.begin());
  const size_t end = count - static_cast<size_t>(std::find(keep.rbegin(), keep.rend(), true) - keep.rbegin());
  const bool contiguous = begin >= end || std::all_of(first, keep.begin() + static_cast<ptrdiff_t>(end),
                                                      [](bool k) { return k; });
  const auto keeps = [&](size_t i) { return i < keep.size() && keep[i]; };
  // Padding is usually one run at the start or the end: slicing keeps borrowed values borrowed.
  for (Channel& channel : channels) {
    if (contiguous) {
      channel.values = channel.values.Slice(std::min(begin, end), end);
      continue;
    }
    std::vector<float> kept;
    for (size_t i = 0; i < count; ++i)
      if (keeps(i)) kept.push_back(channel.values[i]);
    channel.values = std::move(kept);
  }
  const auto filter_table = [&](StringTable& table) {
    if (table.Empty()) return;
    StringTable kept;
    for (size_t i = 0; i < count; ++i)
      if (keeps(i)) kept.Append(table.At(i));
    table = std::move(kept);
  };
  const auto filter_vector = [&](auto& values) {
    if (values.empty()) return;
    std::remove_reference_t<decltype(values)> kept;
    for (size_t i = 0; i < count; ++i)
      if (keeps(i)) kept.push_back(values[i]);
    values = std::move(kept);
  };
  filter_table(m_tokens);
  filter_table(m_raw);
  filter_vector(m_flags);
  filter_vector(m_ids);
  if (HasTopK()) {
    Sequence all;
    std::swap(all.m_top_k_ends, m_top_k_ends);
    std::swap(all.m_top_k_tokens, m_top_k_tokens);
    std::swap(all.m_top_k_probabilities, m_top_k_probabilities);
    for (size_t i = 0; i < count; ++i)
      if (keeps(i)) AppendTopK(all.TopK(i));
  }
}

}  // namespace th
