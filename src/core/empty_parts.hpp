#pragma once
// The parts of a document that would draw an empty picture: a sequence without tokens, or a
// channel none of whose values is finite (all NaN or +-Inf, "no value"). `render` refuses to
// draw them unless asked (--allow-empty), `info` warns of them, and the viewer puts a banner over
// the heatmap, so that an empty picture is never taken for data.
// Standard library only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/document.hpp"

namespace th {

// Whether any value is finite: stops at the first one, so data with values costs next to nothing
// and only an empty channel is read to its end.
bool HasFiniteValue(std::span<const float> values);

struct EmptyPart {
  enum class Kind {
    kNoTokens,       // the sequence has no tokens at all
    kNoSuchChannel,  // the sequence lacks the channel asked for (a stacked view draws it blank), or any
    kNoFiniteValue,  // the channel has tokens, but no finite value among them
    kNoSourceValue,  // the values shown instead of a channel (attention, a feature; `channel` holds
                     // their label) have no finite value in the sequence, or the sequence has none
  };
  Kind kind = Kind::kNoTokens;
  uint32_t sequence = 0;  // index into document.sequences
  std::string channel;    // kNoSuchChannel, kNoFiniteValue: the channel's name; kNoSourceValue: the label
};

struct EmptyParts {
  std::vector<EmptyPart> listed;  // the first `limit` found, in document order
  uint64_t count = 0;             // all of them: listed.size() plus those past the limit
};

struct EmptyPartsQuery {
  // The sequences to look at (document indices); nullopt: every sequence.
  std::optional<std::span<const uint32_t>> sequences;
  // The one channel to look at in each sequence, by name; nullopt: every channel of each.
  std::optional<std::string> channel;
  // Instead of a channel, the values drawn in its place (an attention row, a feature), which the
  // caller makes for a sequence: kNoSourceValue under their label when it has no finite one.
  struct Drawn {
    std::string label;
    std::function<bool(const Sequence&)> has_finite_value;
  };
  std::optional<Drawn> drawn;
  // How many to list; the count goes on past it (a document of millions of empty sequences is
  // still one pass over them, but not millions of entries).
  size_t limit = SIZE_MAX;
};

// The empty parts the query covers. A sequence without tokens is one part (its channels are not
// listed as well); so is a sequence without the channel asked for. One pass over the values at
// most, stopping in each channel at its first finite value.
EmptyParts FindEmptyParts(const Document& document, const EmptyPartsQuery& query);

// One line for people, `sequence 3 "name": channel "act" has no finite value (its 12 values are all
// NaN or Inf)`, names cut to a readable length and control characters escaped; messages put the
// file before it.
std::string DescribeEmptyPart(const Document& document, const EmptyPart& part);

}  // namespace th
