#include "core/document.hpp"

#include <utility>

#include "core/attention.hpp"
#include "core/feature_dictionary.hpp"

namespace th {

void StringTable::Reserve(size_t count, size_t bytes) {
  m_ends.reserve(count);
  m_text.reserve(bytes);
}

Sequence::Sequence(const Sequence& other)
    : name(other.name),
      channels(other.channels),
      m_tokens(other.m_tokens),
      m_ids(other.m_ids),
      m_table(other.m_table),
      m_extras(other.m_extras ? std::make_unique<SequenceExtras>(*other.m_extras) : nullptr) {}

Sequence& Sequence::operator=(const Sequence& other) {
  if (this != &other) *this = Sequence(other);
  return *this;
}

const SequenceExtras& Sequence::Extras() const {
  static const SequenceExtras kNone;
  return m_extras ? *m_extras : kNone;
}

SequenceExtras& Sequence::MutableExtras() {
  if (!m_extras) m_extras = std::make_unique<SequenceExtras>();
  return *m_extras;
}

std::string_view Sequence::Token(size_t index, TokenText which) const {
  return which == TokenText::kRaw ? RawToken(index) : Token(index);
}

bool Sequence::HasRawTokens() const {
  return m_table ? !m_table->raw.Empty() || !Extras().overrides.indices.empty() : !Extras().raw.Empty();
}

std::string_view Sequence::RawToken(size_t index) const {
  if (m_table) return m_table->Raw(static_cast<size_t>(m_ids[index]));
  const StringTable& raw = Extras().raw;
  return raw.Empty() ? m_tokens.At(index) : raw.At(index);
}

uint8_t Sequence::Flags(size_t index) const {
  if (m_table) return m_table->Flags(static_cast<size_t>(m_ids[index]));
  const std::vector<uint8_t>& flags = Extras().flags;
  return index < flags.size() ? flags[index] : 0;
}

std::string_view Sequence::OverriddenToken(size_t index) const {
  const TokenOverrides& overrides = m_extras->overrides;
  const auto found = std::lower_bound(overrides.indices.begin(), overrides.indices.end(), index);
  if (found != overrides.indices.end() && *found == index)
    return overrides.texts.At(static_cast<size_t>(found - overrides.indices.begin()));
  return m_table->text.At(static_cast<size_t>(m_ids[index]));
}

int Sequence::FindChannel(std::string_view channel_name) const {
  for (size_t i = 0; i < channels.size(); ++i)
    if (channels[i].name == channel_name) return static_cast<int>(i);
  return -1;
}

void Sequence::AppendStreamedToken(std::string_view text, std::string_view raw, uint8_t flags) {
  const size_t index = m_tokens.Size();
  if (!raw.empty() || HasRawTokens()) {
    StringTable& raws = MutableExtras().raw;
    // The first token whose raw string differs: the earlier ones' raw strings are their texts.
    if (raws.Empty())
      for (size_t earlier = 0; earlier < index; ++earlier) raws.Append(m_tokens.At(earlier));
    raws.Append(raw.empty() ? text : raw);
  }
  m_tokens.Append(text);
  if (flags != 0) {
    std::vector<uint8_t>& all = MutableExtras().flags;
    all.resize(index + 1, 0);
    all[index] = flags;
  }
}

void Sequence::SetDecodedTokens(StringTable decoded) {
  if (!HasRawTokens()) MutableExtras().raw = std::move(m_tokens);
  m_tokens = std::move(decoded);
}

void Sequence::SetTableTokens(IdColumn ids, std::shared_ptr<const TokenTable> table) {
  m_ids = std::move(ids);
  m_table = std::move(table);
  if (m_extras) m_extras->overrides = {};
}

void Sequence::SetDecodedTable(std::shared_ptr<const TokenTable> table, TokenOverrides overrides) {
  m_table = std::move(table);
  if (m_extras || !overrides.indices.empty()) MutableExtras().overrides = std::move(overrides);
}

std::vector<TopKEntry> Sequence::TopK(size_t index, TokenText text) const {
  std::vector<TopKEntry> entries;
  const SequenceExtras& extras = Extras();
  if (index >= extras.top_k_ends.size()) return entries;
  const StringTable& tokens = text == TokenText::kRaw && !extras.top_k_raw.Empty() ? extras.top_k_raw : extras.top_k_tokens;
  for (uint64_t i = index == 0 ? 0 : extras.top_k_ends[index - 1]; i < extras.top_k_ends[index]; ++i)
    entries.push_back({tokens.At(i), extras.top_k_probabilities[i]});
  return entries;
}

void Sequence::SetDecodedTopK(StringTable decoded) {
  SequenceExtras& extras = MutableExtras();
  extras.top_k_raw = std::exchange(extras.top_k_tokens, std::move(decoded));
}

void Sequence::AppendTopK(std::span<const TopKEntry> entries) {
  SequenceExtras& extras = MutableExtras();
  for (const TopKEntry& entry : entries) {
    extras.top_k_tokens.Append(entry.token);
    extras.top_k_probabilities.push_back(entry.probability);
  }
  extras.top_k_ends.push_back(extras.top_k_probabilities.size());
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
  filter_column(m_ids);
  if (!m_extras) return;
  SequenceExtras& extras = *m_extras;
  filter_table(extras.raw);
  if (!extras.flags.empty()) extras.flags = kept_elements(extras.flags);
  if (!extras.overrides.indices.empty()) {
    TokenOverrides kept;
    size_t kept_before = 0;  // kept tokens before index i
    size_t next = 0;         // the first override at or after index i
    for (size_t i = 0; i < count && next < extras.overrides.indices.size(); ++i) {
      if (extras.overrides.indices[next] == i) {
        if (keeps(i)) {
          kept.indices.push_back(kept_before);
          kept.texts.Append(extras.overrides.texts.At(next));
        }
        ++next;
      }
      kept_before += keeps(i);
    }
    extras.overrides = std::move(kept);
  }
  // Attention and features stay the tokens': a run kept is a first token further in the patterns
  // and a run of dense rows; tokens removed from inside a run leave no patterns (nor dense features)
  // rather than rows that are other tokens'.
  if (extras.attention && contiguous)
    extras.attention = std::make_shared<const AttentionPatterns>(extras.attention->Skipping(begin < end ? begin : 0));
  else if (extras.attention)
    extras.attention = nullptr;
  if (extras.features) {
    std::optional<FeatureDictionary> kept = extras.features->KeepTokens(keep);
    extras.features = kept ? std::make_shared<const FeatureDictionary>(std::move(*kept)) : nullptr;
  }
  if (HasTopK()) {
    Sequence all;
    all.m_extras = std::make_unique<SequenceExtras>();
    std::swap(all.m_extras->top_k_ends, extras.top_k_ends);
    std::swap(all.m_extras->top_k_tokens, extras.top_k_tokens);
    std::swap(all.m_extras->top_k_probabilities, extras.top_k_probabilities);
    for (size_t i = 0; i < count; ++i)
      if (keeps(i)) AppendTopK(all.TopK(i));
  }
}

}  // namespace th
