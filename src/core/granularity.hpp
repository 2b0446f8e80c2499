#pragma once
// Values per word, line or sentence instead of per token: tokens are grouped, each group gets one
// value (sum, mean, max or max-abs of its tokens' values) and is drawn as one box. Computed when
// the granularity changes, never per frame.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/document.hpp"

namespace th {

enum class Granularity { kToken, kWord, kLine, kSentence };
enum class Aggregate { kSum, kMean, kMax, kMaxAbs };

// Group index of every token (non-decreasing from 0). A word starts at a token that begins with
// whitespace or follows one that ends with it; a line ends after a newline; a sentence ends
// after a token ending in '.', '!' or '?' (before any trailing whitespace) or at a newline.
std::vector<uint32_t> GroupTokens(const Sequence& sequence, Granularity granularity);

// Each token's group aggregate, so the result lines up with the tokens. Values without a value
// (NaN, +-Inf) are left out; a group with none has none.
std::vector<float> AggregateByGroup(std::span<const float> values, std::span<const uint32_t> groups,
                                    Aggregate aggregate);

// "token", "word", "line", "sentence" / "sum", "mean", "max", "max-abs"; throw
// std::invalid_argument with a one-line reason.
Granularity ParseGranularity(const std::string& text);
Aggregate ParseAggregate(const std::string& text);
std::string GranularityName(Granularity granularity);
std::string AggregateName(Aggregate aggregate);

}  // namespace th
