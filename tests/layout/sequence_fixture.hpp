#pragma once
// A sequence made of the given token texts, for layout tests.

#include <string>
#include <vector>

#include "core/document.hpp"

namespace th {

inline Sequence MakeSequence(const std::vector<std::string>& tokens) {
  Sequence sequence;
  for (const std::string& token : tokens) sequence.AppendToken(token);
  return sequence;
}

}  // namespace th
