#include "core/feature_index.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/loaders/arrays.hpp"
#include "core/loaders/loaders.hpp"
#include "core/token_decoding.hpp"
#include "core/utf8.hpp"

namespace th {

// [SECTION] The arrays, checked once

struct FeatureIndex::Arrays {
  ArrayData feature_ids, labels, max, density, fires, histogram_edges, histogram_counts, band_edges;
  ArrayData group, rank, position, shard, tokens, values, peak;
  bool has_labels = false;
};

FeatureIndex::FeatureIndex() : m_arrays(std::make_unique<Arrays>()) {}
FeatureIndex::~FeatureIndex() = default;

namespace {

std::string Number(float value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", static_cast<double>(value));
  return text;
}

}  // namespace

std::shared_ptr<const FeatureIndex> FeatureIndex::FromArrays(const LoadContext& context,
                                                            const std::vector<ArrayData>& arrays) {
  const auto find = [&](std::string_view name) -> const ArrayData* {
    for (const ArrayData& array : arrays)
      if (array.name == name) return &array;
    return nullptr;
  };
  // Each array by name, with its kind ('f' float, 'i' integer, 'U' text) and shape; a dimension
  // of 0 in `shape` is one the first array of that size fixes.
  const auto require = [&](std::string_view name, char kind, std::vector<uint64_t> shape) -> const ArrayData& {
    const ArrayData* array = find(name);
    if (!array) context.Fail(ArrayPlace(name), "missing: a tokenheat feature index has it (docs/feature-index.md)");
    const bool kind_ok = kind == 'i' ? (array->kind == 'i' || array->kind == 'u') : kind == 'U' ? array->IsText()
                                                                                               : array->kind == 'f';
    if (!kind_ok)
      context.Fail(ArrayPlace(name), std::string("is not ") + (kind == 'i' ? "integers" : kind == 'U' ? "text" : "floating point"));
    if (array->shape != shape) context.Fail(ArrayPlace(name), "has shape " + ShapeText(array->shape) + ", not " + ShapeText(shape));
    if (array->fortran_order) context.Fail(ArrayPlace(name), "is in Fortran order; write it in C order");
    return *array;
  };
  auto index = std::shared_ptr<FeatureIndex>(new FeatureIndex());
  Arrays& a = *index->m_arrays;
  const ArrayData* ids = find("feature_ids");
  if (!ids || ids->shape.size() != 1) context.Fail(ArrayPlace("feature_ids"), "missing, or not one number a feature");
  const uint64_t features = ids->shape[0];
  const ArrayData* edges = find("band_edges");
  const ArrayData* histogram = find("histogram_counts");
  const ArrayData* tokens = find("context_tokens");
  if (!edges || edges->shape.size() != 2 || edges->shape[1] < 2) context.Fail(ArrayPlace("band_edges"), "missing, or not [features, bands + 1]");
  if (!histogram || histogram->shape.size() != 2) context.Fail(ArrayPlace("histogram_counts"), "missing, or not [features, bins]");
  if (!tokens || tokens->shape.size() != 3) context.Fail(ArrayPlace("context_tokens"), "missing, or not [features, contexts, window]");
  const uint64_t bands = edges->shape[1] - 1, bins = histogram->shape[1];
  const uint64_t slots = tokens->shape[1], window = tokens->shape[2];
  a.feature_ids = require("feature_ids", 'i', {features});
  a.max = require("max", 'f', {features});
  a.density = require("density", 'f', {features});
  a.fires = require("fires", 'i', {features});
  a.histogram_edges = require("histogram_edges", 'f', {features, bins + 1});
  a.histogram_counts = require("histogram_counts", 'i', {features, bins});
  a.band_edges = require("band_edges", 'f', {features, bands + 1});
  a.group = require("context_group", 'i', {features, slots});
  a.rank = require("context_rank", 'i', {features, slots});
  a.position = require("context_position", 'i', {features, slots});
  a.shard = require("context_shard", 'i', {features, slots});
  a.tokens = require("context_tokens", 'i', {features, slots, window});
  a.values = require("context_values", 'f', {features, slots, window});
  a.peak = require("context_peak", 'i', {features, slots});
  if (find("feature_labels")) {
    a.labels = require("feature_labels", 'U', {features});
    a.has_labels = true;
  }
  const ArrayData& vocabulary = [&]() -> const ArrayData& {
    const ArrayData* v = find("vocabulary");
    if (!v || !v->IsText() || v->shape.size() != 1) context.Fail(ArrayPlace("vocabulary"), "missing, or not one string a token id");
    return *v;
  }();
  if (const ArrayData* shards = find("shards"); shards && shards->IsText() && shards->shape.size() == 1)
    for (uint64_t s = 0; s < shards->shape[0]; ++s) AppendTextAt(index->m_shards.emplace_back(), *shards, s);
  if (const ArrayData* total = find("tokens_total"); total && total->IsNumeric() && total->ElementCount() == 1)
    index->m_tokens_total = static_cast<uint64_t>(std::max<int64_t>(IntegerAt(*total, 0), 0));
  // Every id in the vocabulary (or -1, outside the shard), every group known: drawing reads them
  // without checks.
  const uint64_t entries = vocabulary.shape[0];
  for (uint64_t i = 0, count = a.tokens.ElementCount(); i < count; ++i) {
    const int64_t id = IntegerAt(a.tokens, i);
    if (id < -1 || (id >= 0 && static_cast<uint64_t>(id) >= entries))
      context.Fail(ArrayPlace("context_tokens"), "id " + std::to_string(id) + " is not in the vocabulary's " +
                                                std::to_string(entries) + " entries");
  }
  for (uint64_t i = 0, count = a.group.ElementCount(); i < count; ++i) {
    const int64_t group = IntegerAt(a.group, i);
    if (group < -1 || group > static_cast<int64_t>(bands) + 1)
      context.Fail(ArrayPlace("context_group"), "group " + std::to_string(group) + " is not -1, 0 (top), 1.." +
                                               std::to_string(bands) + " (bands) or " + std::to_string(bands + 1) + " (random)");
    const int64_t peak = IntegerAt(a.peak, i);
    if (group >= 0 && (peak < 0 || static_cast<uint64_t>(peak) >= window))
      context.Fail(ArrayPlace("context_peak"), "peak " + std::to_string(peak) + " is outside the window of " + std::to_string(window));
  }
  index->m_features = features;
  index->m_bands = static_cast<uint32_t>(bands);
  index->m_slots = static_cast<uint32_t>(slots);
  index->m_window = static_cast<uint32_t>(window);

  // The vocabulary decoded once, as a file's token table is (byte-level BPE, SentencePiece...).
  auto table = std::make_shared<TokenTable>();
  for (uint64_t id = 0; id < entries; ++id) {
    std::string entry;
    AppendTextAt(entry, vocabulary, id);
    table->text.Append(entry);
  }
  Document decoding;
  std::vector<int32_t> all_ids(entries);
  for (uint64_t id = 0; id < entries; ++id) all_ids[id] = static_cast<int32_t>(id);
  decoding.sequences.emplace_back().SetTableTokens(IdColumn(std::move(all_ids)), std::move(table));
  DecodeDocumentTokens(decoding, context.Hints());
  index->m_vocabulary = decoding.sequences[0].Table();
  return index;
}

// [SECTION] Statistics

int64_t FeatureIndex::FeatureId(size_t row) const { return IntegerAt(m_arrays->feature_ids, row); }

std::string FeatureIndex::Label(size_t row) const {
  std::string label;
  if (m_arrays->has_labels) AppendTextAt(label, m_arrays->labels, row);
  return label;
}

float FeatureIndex::Max(size_t row) const { return NumberAt(m_arrays->max, row); }
double FeatureIndex::Density(size_t row) const { return NumberAt(m_arrays->density, row); }
int64_t FeatureIndex::Fires(size_t row) const { return IntegerAt(m_arrays->fires, row); }

std::vector<float> FeatureIndex::HistogramEdges(size_t row) const {
  const uint64_t count = m_arrays->histogram_edges.shape[1];
  std::vector<float> edges(count);
  for (uint64_t i = 0; i < count; ++i) edges[i] = NumberAt(m_arrays->histogram_edges, row * count + i);
  return edges;
}

std::vector<int64_t> FeatureIndex::HistogramCounts(size_t row) const {
  const uint64_t count = m_arrays->histogram_counts.shape[1];
  std::vector<int64_t> counts(count);
  for (uint64_t i = 0; i < count; ++i) counts[i] = IntegerAt(m_arrays->histogram_counts, row * count + i);
  return counts;
}

std::vector<float> FeatureIndex::BandEdges(size_t row) const {
  std::vector<float> edges(m_bands + 1);
  for (uint32_t i = 0; i <= m_bands; ++i) edges[i] = NumberAt(m_arrays->band_edges, row * (m_bands + 1) + i);
  return edges;
}

std::optional<size_t> FeatureIndex::Find(std::string_view text) const {
  if (text.empty()) return std::nullopt;
  int64_t id = 0;
  if (const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
      error == std::errc() && end == text.data() + text.size())
    for (size_t row = 0; row < m_features; ++row)
      if (FeatureId(row) == id) return row;
  for (size_t row = 0; row < m_features && m_arrays->has_labels; ++row)
    if (ContainsIgnoringAsciiCase(Label(row), text)) return row;
  return std::nullopt;
}

std::string FeatureIndex::GroupName(int group) const {
  if (group == kTop) return "top";
  if (group == Random()) return "random";
  return "band " + std::to_string(group);
}

std::string FeatureIndex::ChannelName(size_t row) const {
  const std::string label = Label(row);
  return "feature " + std::to_string(FeatureId(row)) + (label.empty() ? "" : ": " + label);
}

// [SECTION] Contexts

std::vector<Sequence> FeatureIndex::Contexts(size_t row) const {
  const Arrays& a = *m_arrays;
  struct Slot {
    int group;
    int64_t rank;
    uint32_t slot;
  };
  std::vector<Slot> slots;
  for (uint32_t slot = 0; slot < m_slots; ++slot) {
    const auto group = static_cast<int>(IntegerAt(a.group, row * m_slots + slot));
    if (group >= 0) slots.push_back({group, IntegerAt(a.rank, row * m_slots + slot), slot});
  }
  // Top, the bands from the highest down (what the feature does most first), random last.
  const auto order = [&](int group) { return group == kTop ? 0 : group == Random() ? 2 * static_cast<int>(m_bands) + 2 : 2 * static_cast<int>(m_bands) - group; };
  std::sort(slots.begin(), slots.end(), [&](const Slot& x, const Slot& y) {
    return order(x.group) != order(y.group) ? order(x.group) < order(y.group) : x.rank < y.rank;
  });
  const std::vector<float> bands = BandEdges(row);
  const std::string channel = ChannelName(row);
  std::vector<Sequence> contexts;
  contexts.reserve(slots.size());
  for (const Slot& s : slots) {
    const uint64_t at = row * m_slots + s.slot;
    Sequence& sequence = contexts.emplace_back();
    std::string group = GroupName(s.group);
    if (s.group != kTop && s.group != Random())
      group += " (" + Number(bands[static_cast<size_t>(s.group - 1)]) + ".." + Number(bands[static_cast<size_t>(s.group)]) + ")";
    const int64_t shard = IntegerAt(a.shard, at);
    sequence.name = group + " #" + std::to_string(s.rank + 1) + " · corpus token " +
                    GroupThousands(static_cast<uint64_t>(std::max<int64_t>(IntegerAt(a.position, at), 0))) +
                    (shard >= 0 && static_cast<size_t>(shard) < m_shards.size() ? " (" + m_shards[static_cast<size_t>(shard)] + ")" : "");
    const int64_t peak = IntegerAt(a.peak, at);
    Channel& values = sequence.channels.emplace_back();
    values.name = channel;
    for (uint32_t w = 0; w < m_window; ++w) {
      const int64_t id = IntegerAt(a.tokens, at * m_window + w);
      if (id < 0) continue;  // outside the shard
      const auto entry = static_cast<size_t>(id);
      const std::string_view text = m_vocabulary->text.At(entry), raw = m_vocabulary->Raw(entry);
      const uint8_t flags = static_cast<uint8_t>(m_vocabulary->Flags(entry) | (w == peak ? kTokenMarked : 0));
      sequence.AppendStreamedToken(text, raw == text ? std::string_view() : raw, flags);
      values.values.push_back(NumberAt(a.values, at * m_window + w));
    }
  }
  return contexts;
}

Document DocumentOfIndexFeature(std::shared_ptr<const FeatureIndex> index, size_t row, std::string source) {
  Document document;
  document.source = std::move(source);
  document.sequences = index->Contexts(row);
  const float max = index->Max(row);
  document.file_range = FileRange{0.0f, max > 0.0f ? max : 1.0f,
                                  "0 .. the corpus max of feature " + std::to_string(index->FeatureId(row))};
  document.index_row = row;
  document.feature_index = std::move(index);
  return document;
}

}  // namespace th
