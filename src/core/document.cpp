#include "core/document.hpp"

namespace th {

void StringTable::Reserve(size_t count, size_t bytes) {
  m_ends.reserve(count);
  m_text.reserve(bytes);
}

std::string_view Sequence::Token(size_t index, TokenText which) const {
  return which == TokenText::kRaw ? RawToken(index) : Token(index);
}

bool Sequence::HasRawTokens() const {
  return m_table ? !m_table->raw.Empty() || !m_overrides.indices.empty() : !m_raw.Empty();
}

std::string_view Sequence::RawToken(size_t index) const {
  if (m_table) return m_table->Raw(static_cast<size_t>(m_ids[index]));
  return m_raw.Empty() ? m_tokens.At(index) : m_raw.At(index);
}

uint8_t Sequence::Flags(size_t index) const {
  if (m_table) return m_table->Flags(static_cast<size_t>(m_ids[index]));
  return index < m_flags.size() ? m_flags[index] : 0;
}

std::string_view Sequence::OverriddenToken(size_t index) const {
  const auto found = std::lower_bound(m_overrides.indices.begin(), m_overrides.indices.end(), index);
  if (found != m_overrides.indices.end() && *found == index)
    return m_overrides.texts.At(static_cast<size_t>(found - m_overrides.indices.begin()));
  return m_table->text.At(static_cast<size_t>(m_ids[index]));
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

void Sequence::SetTableTokens(IdColumn ids, std::shared_ptr<const TokenTable> table) {
  m_ids = std::move(ids);
  m_table = std::move(table);
  m_overrides = {};
}

void Sequence::SetDecodedTable(std::shared_ptr<const TokenTable> table, TokenOverrides overrides) {
  m_table = std::move(table);
  m_overrides = std::move(overrides);
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
  const auto kept_elements = [&](const auto& all) {
    std::vector<std::remove_cvref_t<decltype(all[0])>> kept;
    for (size_t i = 0; i < count; ++i)
      if (keeps(i)) kept.push_back(all[i]);
    return kept;
  };
  // Padding is usually one run at the start or the end: slicing keeps borrowed columns borrowed.
  const auto filter_column = [&](auto& column) {
    if (column.empty()) return;
    if (contiguous) column = column.Slice(std::min(begin, end), end);
    else column = kept_elements(column);
  };
  for (Channel& channel : channels) filter_column(channel.values);
  const auto filter_table = [&](StringTable& table) {
    if (table.Empty()) return;
    StringTable kept;
    for (size_t i = 0; i < count; ++i)
      if (keeps(i)) kept.Append(table.At(i));
    table = std::move(kept);
  };
  filter_table(m_tokens);
  filter_table(m_raw);
  if (!m_flags.empty()) m_flags = kept_elements(m_flags);
  filter_column(m_ids);
  if (!m_overrides.indices.empty()) {
    TokenOverrides kept;
    size_t kept_before = 0;  // kept tokens before index i
    size_t next = 0;         // the first override at or after index i
    for (size_t i = 0; i < count && next < m_overrides.indices.size(); ++i) {
      if (m_overrides.indices[next] == i) {
        if (keeps(i)) {
          kept.indices.push_back(kept_before);
          kept.texts.Append(m_overrides.texts.At(next));
        }
        ++next;
      }
      kept_before += keeps(i);
    }
    m_overrides = std::move(kept);
  }
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
