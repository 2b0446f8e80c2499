#pragma once
// Channel arithmetic: a channel computed from two others, per token.
//   "A-B"        difference
//   "A/B"        ratio (no value where it is not above 0: B is 0, or A and B differ in sign)
//   "z(A)-z(B)"  difference of z-scores (each channel standardised over its sequence)
// A and B are channel names. Differences are signed comparisons, drawn by default on a diverging
// scale anchored at 0; ratios on a diverging log scale centred at 1 (Session::AddDerivedChannel).

#include <optional>
#include <string>
#include <vector>

#include "core/document.hpp"

namespace th {

struct ChannelExpression {
  enum class Op { kDifference, kRatio, kZScoreDifference };
  Op op = Op::kDifference;
  std::string a, b;
};

// Parses expression against the sequence's channel names (so names may contain '-' or '/');
// nullopt when it is not an expression over two of its channels.
std::optional<ChannelExpression> ParseChannelExpression(const Sequence& sequence, const std::string& expression);

std::vector<float> EvaluateChannelExpression(const Sequence& sequence, const ChannelExpression& expression);

// Adds the channel named `expression` to every sequence that has both operands and returns
// true, or returns false when no sequence has them (nothing is changed). Existing channels of
// that name are left alone.
bool AddDerivedChannel(Document& document, const std::string& expression);

}  // namespace th
