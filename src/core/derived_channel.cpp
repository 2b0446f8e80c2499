#include "core/derived_channel.hpp"

#include <cmath>

#include "core/value_mapping.hpp"

namespace th {

std::optional<ChannelExpression> ParseChannelExpression(const Sequence& sequence, const std::string& expression) {
  const auto has = [&](const std::string& name) { return sequence.FindChannel(name) >= 0; };
  // z(A)-z(B): split at each ")-z(" and keep the split whose sides are both channels.
  if (expression.starts_with("z(") && expression.ends_with(")")) {
    for (size_t at = expression.find(")-z("); at != std::string::npos; at = expression.find(")-z(", at + 1)) {
      std::string a = expression.substr(2, at - 2);
      std::string b = expression.substr(at + 4, expression.size() - at - 5);
      if (has(a) && has(b)) return ChannelExpression{ChannelExpression::Op::kZScoreDifference, a, b};
    }
  }
  for (size_t at = 1; at + 1 < expression.size(); ++at) {
    const char c = expression[at];
    if (c != '-' && c != '/') continue;
    std::string a = expression.substr(0, at);
    std::string b = expression.substr(at + 1);
    if (has(a) && has(b))
      return ChannelExpression{c == '-' ? ChannelExpression::Op::kDifference : ChannelExpression::Op::kRatio, a, b};
  }
  return std::nullopt;
}

std::vector<float> EvaluateChannelExpression(const Sequence& sequence, const ChannelExpression& expression) {
  const ValueColumn& a = sequence.channels[sequence.FindChannel(expression.a)].values;
  const ValueColumn& b = sequence.channels[sequence.FindChannel(expression.b)].values;
  std::vector<float> result(a.size(), NAN);
  if (expression.op == ChannelExpression::Op::kZScoreDifference) {
    const ScopeSummary sa(a), sb(b);
    const double sd_a = sa.StdDev() > 0 ? sa.StdDev() : 1.0, sd_b = sb.StdDev() > 0 ? sb.StdDev() : 1.0;
    for (size_t i = 0; i < result.size(); ++i)
      result[i] = static_cast<float>((a[i] - sa.Mean()) / sd_a - (b[i] - sb.Mean()) / sd_b);
  } else {
    for (size_t i = 0; i < result.size(); ++i)
      result[i] = expression.op == ChannelExpression::Op::kDifference ? a[i] - b[i] : a[i] / b[i];
  }
  // Anything that touched a missing value stays without one (NaN and Inf propagate as such), and
  // so does a ratio at or below 0 (B is 0, or A and B differ in sign): it has no place on the log
  // scale a ratio is drawn on.
  const bool ratio = expression.op == ChannelExpression::Op::kRatio;
  for (float& v : result)
    if (!std::isfinite(v) || (ratio && !(v > 0.0f))) v = NAN;
  return result;
}

bool AddDerivedChannel(Document& document, const std::string& expression) {
  bool added = false;
  for (Sequence& sequence : document.sequences) {
    if (sequence.FindChannel(expression) >= 0) {
      added = true;
      continue;
    }
    const auto parsed = ParseChannelExpression(sequence, expression);
    if (!parsed) continue;
    sequence.channels.push_back({expression, EvaluateChannelExpression(sequence, *parsed)});
    added = true;
  }
  return added;
}

}  // namespace th
