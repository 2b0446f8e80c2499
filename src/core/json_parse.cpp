#include "core/json_parse.hpp"

#include <algorithm>

namespace th {

std::string TextPlace(std::string_view text, size_t offset, const std::string& source, int first_line) {
  const std::string_view before = text.substr(0, std::min(offset, text.size()));
  const size_t line = first_line + std::count(before.begin(), before.end(), '\n');
  const size_t line_start = before.rfind('\n');
  const size_t column = before.size() - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

void RequireJsonDepth(std::string_view text, const std::string& source, int first_line) {
  int depth = 0;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  for (const char* p = begin; p < end; ++p) {
    switch (*p) {
      case '"':
        // Skip the string: to the next quote that no backslash escapes. An unterminated string
        // ends the scan; the parser reports it.
        for (++p; p < end && *p != '"'; ++p)
          if (*p == '\\') ++p;
        break;
      case '[':
      case '{':
        if (++depth > kMaxJsonDepth)
          throw JsonSyntaxError(TextPlace(text, static_cast<size_t>(p - begin), source, first_line) +
                                "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        break;
      case ']':
      case '}':
        --depth;
        break;
      default:
        break;
    }
  }
}

nlohmann::ordered_json ParseJson(std::string_view text, const std::string& source, int first_line) {
  RequireJsonDepth(text, source, first_line);
  try {
    return nlohmann::ordered_json::parse(text.begin(), text.end());
  } catch (const nlohmann::ordered_json::parse_error& error) {
    // error.byte counts from 1 and points past the end on "unexpected end of input".
    const size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    // what() is "[json.exception.parse_error.101] parse error at line 1, column 5: message";
    // our own SOURCE:LINE:COL replaces everything up to the message.
    std::string message = error.what();
    if (const size_t colon = message.find(": "); colon != std::string::npos) message.erase(0, colon + 2);
    constexpr size_t kMaxMessage = 160;  // the parser quotes the offending token whole
    if (message.size() > kMaxMessage) {
      size_t cut = kMaxMessage - 3;
      while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
      message = message.substr(0, cut) + "...";
    }
    throw JsonSyntaxError(TextPlace(text, offset, source, first_line) + message);
  } catch (const nlohmann::ordered_json::out_of_range& error) {
    // A number too large for a double, which nlohmann reports without a place:
    // what() is "[json.exception.out_of_range.406] number overflow parsing '1e999'".
    const std::string message = error.what();
    const size_t open = message.find('\'');
    const size_t close = message.rfind('\'');
    const std::string number = open < close ? message.substr(open + 1, close - open - 1) : std::string();
    const size_t offset = number.empty() ? std::string_view::npos : text.find(number);
    constexpr size_t kShown = 24;
    const std::string shown = number.size() > kShown ? number.substr(0, kShown) + "..." : number;
    throw JsonSyntaxError((offset == std::string_view::npos ? source + ": " : TextPlace(text, offset, source, first_line)) +
                          "number out of range: " + shown);
  }
}

}  // namespace th
