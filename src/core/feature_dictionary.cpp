#include "core/feature_dictionary.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/utf8.hpp"

namespace th {

namespace {

// Largest values first, ties by index (what TopFeatures promises).
bool Stronger(const FeatureActivation& a, const FeatureActivation& b) {
  return a.value != b.value ? a.value > b.value : a.feature < b.feature;
}

}  // namespace

FeatureDictionary FeatureDictionary::Dense(StoredElements values, uint64_t tokens, uint32_t features) {
  if (features != 0 && tokens > std::numeric_limits<uint64_t>::max() / features / values.ItemSize())
    throw std::invalid_argument("dense features: too many elements");
  if (values.bytes.size() != tokens * features * values.ItemSize())
    throw std::invalid_argument("dense features: the bytes are not [tokens, features] elements");
  FeatureDictionary dictionary;
  dictionary.m_tokens = tokens;
  dictionary.m_features = features;
  dictionary.m_is_dense = true;
  dictionary.m_dense = std::move(values);
  return dictionary;
}

FeatureDictionary FeatureDictionary::Sparse(std::vector<uint64_t> ends, std::vector<FeatureActivation> entries,
                                            uint32_t features) {
  if (!std::is_sorted(ends.begin(), ends.end()) || (ends.empty() ? !entries.empty() : ends.back() != entries.size()))
    throw std::invalid_argument("sparse features: token ends do not rise to the entry count");
  for (const FeatureActivation& entry : entries)
    if (entry.feature >= features) throw std::invalid_argument("sparse features: a feature beyond the count");
  // Each token's entries sorted by feature, a feature listed twice merged into one: ReadFeature
  // finds a token's entry by binary search, TopFeatures lists each feature once.
  uint64_t kept = 0;
  uint64_t begin = 0;
  for (uint64_t& end : ends) {
    const auto first = entries.begin() + static_cast<ptrdiff_t>(begin);
    std::sort(first, entries.begin() + static_cast<ptrdiff_t>(end),
              [](const FeatureActivation& a, const FeatureActivation& b) { return a.feature < b.feature; });
    const uint64_t token_begin = kept;
    for (uint64_t i = begin; i < end; ++i) {
      if (kept > token_begin && entries[kept - 1].feature == entries[i].feature) entries[kept - 1].value += entries[i].value;
      else entries[kept++] = entries[i];
    }
    begin = end;
    end = kept;
  }
  entries.resize(kept);
  FeatureDictionary dictionary;
  dictionary.m_tokens = ends.size();
  dictionary.m_features = features;
  dictionary.m_ends = std::move(ends);
  dictionary.m_entries = std::move(entries);
  return dictionary;
}

std::optional<FeatureDictionary> FeatureDictionary::KeepTokens(const std::vector<bool>& keep) const {
  const auto kept = [&](uint64_t t) { return t < keep.size() && keep[t]; };
  if (!IsDense()) {
    std::vector<uint64_t> ends;
    std::vector<FeatureActivation> entries;
    for (uint64_t t = 0; t < m_tokens; ++t) {
      if (!kept(t)) continue;
      entries.insert(entries.end(), m_entries.begin() + static_cast<ptrdiff_t>(t == 0 ? 0 : m_ends[t - 1]),
                     m_entries.begin() + static_cast<ptrdiff_t>(m_ends[t]));
      ends.push_back(entries.size());
    }
    FeatureDictionary dictionary = Sparse(std::move(ends), std::move(entries), m_features);
    dictionary.names = names;
    return dictionary;
  }
  uint64_t begin = 0;
  while (begin < m_tokens && !kept(begin)) ++begin;
  uint64_t end = begin;
  while (end < m_tokens && kept(end)) ++end;
  for (uint64_t t = end; t < m_tokens; ++t)
    if (kept(t)) return std::nullopt;
  const uint64_t row_bytes = uint64_t{m_features} * m_dense.ItemSize();
  StoredElements rows = m_dense;
  rows.bytes = m_dense.bytes.substr(begin * row_bytes, (end - begin) * row_bytes);
  FeatureDictionary dictionary = Dense(std::move(rows), end - begin, m_features);
  dictionary.names = names;
  return dictionary;
}

void FeatureDictionary::ReadFeature(uint32_t feature, std::span<float> out) const {
  if (feature >= m_features || out.size() > m_tokens)
    throw std::out_of_range("feature " + std::to_string(feature) + " at " + std::to_string(out.size()) +
                            " tokens beyond the " + std::to_string(m_tokens) + "x" + std::to_string(m_features));
  if (IsDense()) {
    for (uint64_t t = 0; t < out.size(); ++t) out[t] = m_dense.At(t * m_features + feature);
    return;
  }
  for (uint64_t t = 0; t < out.size(); ++t) {
    const auto first = m_entries.begin() + static_cast<ptrdiff_t>(t == 0 ? 0 : m_ends[t - 1]);
    const auto last = m_entries.begin() + static_cast<ptrdiff_t>(m_ends[t]);
    const auto found = std::lower_bound(first, last, feature,
                                        [](const FeatureActivation& entry, uint32_t f) { return entry.feature < f; });
    out[t] = found != last && found->feature == feature ? found->value : 0.0f;
  }
}

std::vector<FeatureActivation> FeatureDictionary::TopFeatures(uint64_t token, size_t k) const {
  if (token >= m_tokens)
    throw std::out_of_range("token " + std::to_string(token) + " beyond the " + std::to_string(m_tokens));
  std::vector<FeatureActivation> active;
  const auto add = [&](uint32_t feature, float value) {
    if (value != 0.0f && !std::isnan(value)) active.push_back({feature, value});
  };
  if (IsDense()) {
    std::vector<float> row(m_features);
    m_dense.Read(token * m_features, row);
    for (uint32_t f = 0; f < m_features; ++f) add(f, row[f]);
  } else {
    for (uint64_t i = token == 0 ? 0 : m_ends[token - 1]; i < m_ends[token]; ++i)
      add(m_entries[i].feature, m_entries[i].value);
  }
  const size_t shown = std::min(k, active.size());
  std::partial_sort(active.begin(), active.begin() + static_cast<ptrdiff_t>(shown), active.end(), Stronger);
  active.resize(shown);
  return active;
}

std::string_view FeatureDictionary::Name(uint32_t feature) const {
  return feature < names.size() ? std::string_view(names[feature]) : std::string_view();
}

std::optional<uint32_t> FeatureDictionary::Find(std::string_view text) const {
  if (text.empty()) return std::nullopt;
  for (size_t f = 0; f < names.size() && f < m_features; ++f)
    if (names[f] == text) return static_cast<uint32_t>(f);
  // An index before a part of a name: "3" is feature 3, not the first feature whose name has a 3.
  uint32_t index = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (error == std::errc() && end == text.data() + text.size() && index < m_features) return index;
  for (size_t f = 0; f < names.size() && f < m_features; ++f)
    if (ContainsIgnoringAsciiCase(names[f], text)) return static_cast<uint32_t>(f);
  return std::nullopt;
}

}  // namespace th
