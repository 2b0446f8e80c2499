#include "core/granularity.hpp"

#include <cmath>
#include <stdexcept>

namespace th {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool EndsSentence(std::string_view token) {
  size_t end = token.size();
  while (end > 0 && IsSpace(token[end - 1])) --end;
  return end > 0 && (token[end - 1] == '.' || token[end - 1] == '!' || token[end - 1] == '?');
}

// Whether a new group starts at `token`, given the previous token.
bool StartsGroup(Granularity granularity, std::string_view previous, std::string_view token) {
  const bool after_newline = previous.find('\n') != std::string_view::npos;
  switch (granularity) {
    case Granularity::kToken: return true;
    case Granularity::kWord:
      return after_newline || (!token.empty() && IsSpace(token.front())) || (!previous.empty() && IsSpace(previous.back()));
    case Granularity::kLine: return after_newline;
    case Granularity::kSentence: return after_newline || EndsSentence(previous);
  }
  return true;
}

}  // namespace

std::vector<uint32_t> GroupTokens(const Sequence& sequence, Granularity granularity) {
  std::vector<uint32_t> groups(sequence.TokenCount());
  uint32_t group = 0;
  for (size_t i = 1; i < groups.size(); ++i) {
    if (StartsGroup(granularity, sequence.Token(i - 1), sequence.Token(i))) ++group;
    groups[i] = group;
  }
  return groups;
}

std::vector<float> AggregateByGroup(std::span<const float> values, std::span<const uint32_t> groups,
                                    Aggregate aggregate) {
  std::vector<float> result(values.size(), NAN);
  for (size_t begin = 0; begin < values.size();) {
    size_t end = begin;
    double sum = 0.0, extreme = 0.0;
    size_t count = 0;
    for (; end < values.size() && groups[end] == groups[begin]; ++end) {
      const float v = values[end];
      if (!std::isfinite(v)) continue;
      const double candidate = aggregate == Aggregate::kMaxAbs ? std::fabs(v) : v;
      if (count == 0 || candidate > (aggregate == Aggregate::kMaxAbs ? std::fabs(extreme) : extreme)) extreme = v;
      sum += v;
      ++count;
    }
    if (count > 0) {
      float value = static_cast<float>(extreme);
      if (aggregate == Aggregate::kSum) value = static_cast<float>(sum);
      if (aggregate == Aggregate::kMean) value = static_cast<float>(sum / static_cast<double>(count));
      std::fill(result.begin() + static_cast<ptrdiff_t>(begin), result.begin() + static_cast<ptrdiff_t>(end), value);
    }
    begin = end;
  }
  return result;
}

Granularity ParseGranularity(const std::string& text) {
  if (text == "token") return Granularity::kToken;
  if (text == "word") return Granularity::kWord;
  if (text == "line") return Granularity::kLine;
  if (text == "sentence") return Granularity::kSentence;
  throw std::invalid_argument("--granularity " + text + ": expected token, word, line or sentence");
}

Aggregate ParseAggregate(const std::string& text) {
  if (text == "sum") return Aggregate::kSum;
  if (text == "mean") return Aggregate::kMean;
  if (text == "max") return Aggregate::kMax;
  if (text == "max-abs") return Aggregate::kMaxAbs;
  throw std::invalid_argument("--merge " + text + ": expected sum, mean, max or max-abs");
}

std::string GranularityName(Granularity granularity) {
  switch (granularity) {
    case Granularity::kToken: return "token";
    case Granularity::kWord: return "word";
    case Granularity::kLine: return "line";
    case Granularity::kSentence: return "sentence";
  }
  return "?";
}

std::string AggregateName(Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::kSum: return "sum";
    case Aggregate::kMean: return "mean";
    case Aggregate::kMax: return "max";
    case Aggregate::kMaxAbs: return "max-abs";
  }
  return "?";
}

}  // namespace th
