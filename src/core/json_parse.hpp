#pragma once
// The one way tokenheat parses JSON with nlohmann (documents, tokenizer.json, safetensors headers,
// settings): nesting is bounded before the parser sees the text, and every failure is a LoadError
// "SOURCE:LINE:COL: message" instead of a library exception. Includes nlohmann, so only for
// targets that link it (th_core's loaders, the app's settings).
//
// Why bound the depth: nlohmann parses iteratively, but copying, dumping or walking a value
// recurses once per level, so a few hundred kilobytes of '[' would overflow the stack later.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/load_error.hpp"

namespace th {

// Deeper than any document, tokenizer or header a tool writes (they nest fewer than 10 levels).
inline constexpr int kMaxJsonDepth = 256;

// Thrown for text that is not one JSON value (as opposed to a value of the wrong shape): the
// document reader falls back to JSONL only on these.
class JsonSyntaxError : public LoadError {
 public:
  using LoadError::LoadError;
};

// "SOURCE:LINE:COL: " of a byte offset into text (line and column 1-based, the column in bytes);
// first_line is the file line where text starts.
std::string TextPlace(std::string_view text, size_t offset, const std::string& source, int first_line = 1);

// Parses one JSON value (objects keep their keys' order). Throws JsonSyntaxError naming the line
// and column: "nested deeper than 256 levels" at the bracket that opens level 257 (brackets inside
// strings do not count), and for bare words that people write by mistake (None, True, nan, inf,
// single quotes) what to write instead. Python's bare NaN, Infinity and -Infinity (json.dump's
// default) are read as those numbers.
nlohmann::ordered_json ParseJson(std::string_view text, const std::string& source, int first_line = 1);

}  // namespace th
