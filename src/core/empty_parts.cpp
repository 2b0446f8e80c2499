#include "core/empty_parts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace th {

namespace {

// A name from a file, fit for a one-line message: control characters (a newline in a JSON name)
// written as \xNN, and cut at a character boundary after kMaxNameBytes with "...".
std::string ShownName(std::string_view name) {
  constexpr size_t kMaxNameBytes = 60;
  size_t end = std::min(name.size(), kMaxNameBytes);
  while (end < name.size() && end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) --end;
  std::string shown;
  for (const char c : name.substr(0, end)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      shown += escaped;
    } else {
      shown += c;
    }
  }
  return end < name.size() ? shown + "..." : shown;
}

}  // namespace

bool HasFiniteValue(std::span<const float> values) {
  return std::any_of(values.begin(), values.end(), [](float value) { return std::isfinite(value); });
}

EmptyParts FindEmptyParts(const Document& document, const EmptyPartsQuery& query) {
  EmptyParts parts;
  const auto add = [&](EmptyPart part) {
    if (parts.listed.size() < query.limit) parts.listed.push_back(std::move(part));
    ++parts.count;
  };
  const auto look_at = [&](uint32_t index) {
    const Sequence& sequence = document.sequences[index];
    if (sequence.TokenCount() == 0) return add({EmptyPart::Kind::kNoTokens, index, {}});
    if (query.drawn) {
      if (!query.drawn->has_finite_value(sequence)) add({EmptyPart::Kind::kNoSourceValue, index, query.drawn->label});
      return;
    }
    if (query.channel) {
      const int channel = sequence.FindChannel(*query.channel);
      if (channel < 0) return add({EmptyPart::Kind::kNoSuchChannel, index, *query.channel});
      if (!HasFiniteValue(sequence.channels[static_cast<size_t>(channel)].values))
        add({EmptyPart::Kind::kNoFiniteValue, index, *query.channel});
      return;
    }
    for (const Channel& channel : sequence.channels)
      if (!HasFiniteValue(channel.values)) add({EmptyPart::Kind::kNoFiniteValue, index, channel.name});
  };
  if (query.sequences) {
    for (const uint32_t index : *query.sequences) look_at(index);
  } else {
    for (size_t index = 0; index < document.sequences.size(); ++index) look_at(static_cast<uint32_t>(index));
  }
  return parts;
}

std::string DescribeEmptyPart(const Document& document, const EmptyPart& part) {
  const Sequence& sequence = document.sequences[part.sequence];
  const std::string line = "sequence " + std::to_string(part.sequence) + " \"" + ShownName(sequence.name) + "\": ";
  switch (part.kind) {
    case EmptyPart::Kind::kNoTokens:
      return line + "has no tokens";
    case EmptyPart::Kind::kNoSuchChannel:  // without a name: the sequence has no channel at all
      return line + "has no channel" + (part.channel.empty() ? "" : " \"" + ShownName(part.channel) + "\"");
    case EmptyPart::Kind::kNoFiniteValue: {
      const size_t tokens = sequence.TokenCount();
      return line + "channel \"" + ShownName(part.channel) + "\" has no finite value (" +
             (tokens == 1 ? std::string("its one value is NaN or Inf")
                          : "its " + std::to_string(tokens) + " values are all NaN or Inf") +
             ")";
    }
    case EmptyPart::Kind::kNoSourceValue:
      return line + "no finite value of " + ShownName(part.channel);
  }
  return line;
}

}  // namespace th
