#include "core/json_parse.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace th {

namespace {

using Json = nlohmann::ordered_json;

// Python's json.dump writes NaN, Infinity and -Infinity bare (allow_nan defaults to True), and so
// do inseq, CircuitsVis and every tool built on it; nlohmann refuses them. Before parsing they are
// rewritten into strings that only this rewrite makes (a noncharacter, U+FDD0, then the literal),
// and after parsing those strings become the numbers. Rewriting makes the text longer, so each
// rewrite's place is kept to map a parse error back to where it is in the file.
constexpr std::string_view kNonFiniteMark = "\\uFDD0";        // as written into the text
constexpr std::string_view kNonFiniteMarkUtf8 = "\xEF\xB7\x90";  // as the parser hands it back

struct NonFiniteLiteral {
  size_t offset;  // in the original text
  std::string_view word;
};

// Bare words that JSON does not have, with what to write instead.
std::string_view FixFor(std::string_view word) {
  if (word == "None") return "Python's None is not JSON: write null";
  if (word == "True" || word == "False") return "JSON writes true and false in lower case";
  if (word == "nan" || word == "NAN") return "write NaN (as Python's json does) or null";
  if (word == "inf" || word == "-inf" || word == "Inf" || word == "-Inf" || word == "infinity" || word == "-infinity")
    return "write Infinity or -Infinity (as Python's json does)";
  if (word == "undefined") return "JavaScript's undefined is not JSON: write null";
  return {};
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// One pass outside strings: the nesting depth (JsonSyntaxError at level 257), the bare non-finite
// literals, and a suggestion for the bare words and quotes that people write by mistake.
std::vector<NonFiniteLiteral> ScanJson(std::string_view text, const std::string& source, int first_line) {
  std::vector<NonFiniteLiteral> literals;
  int depth = 0;
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const auto place = [&](const char* at) { return TextPlace(text, static_cast<size_t>(at - begin), source, first_line); };
  for (const char* p = begin; p < end; ++p) {
    switch (*p) {
      case '"':
        // Skip the string: to the next quote that no backslash escapes. An unterminated string
        // ends the scan; the parser reports it.
        for (++p; p < end && *p != '"'; ++p)
          if (*p == '\\') ++p;
        break;
      case '\'':
        throw JsonSyntaxError(place(p) + "strings take double quotes in JSON, not single quotes");
      case '[':
      case '{':
        if (++depth > kMaxJsonDepth)
          throw JsonSyntaxError(place(p) + "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        break;
      case ']':
      case '}':
        --depth;
        break;
      default: {
        // Numbers (1e5 holds a letter) are skipped whole; words start with a letter, or '-' and one.
        if ((*p >= '0' && *p <= '9') || (*p == '-' && p + 1 < end && p[1] >= '0' && p[1] <= '9')) {
          while (p + 1 < end && (IsWordChar(p[1]) || p[1] == '.' || p[1] == '+' || p[1] == '-')) ++p;
          break;
        }
        const bool minus = *p == '-';
        if (!IsWordChar(minus && p + 1 < end ? p[1] : *p)) break;
        const char* word_end = p + (minus ? 1 : 0);
        while (word_end < end && IsWordChar(*word_end)) ++word_end;
        const std::string_view word(p, static_cast<size_t>(word_end - p));
        if (word == "NaN" || word == "Infinity" || word == "-Infinity") {
          literals.push_back({static_cast<size_t>(p - begin), word});
        } else if (const std::string_view fix = FixFor(word); !fix.empty()) {
          throw JsonSyntaxError(place(p) + "invalid literal '" + std::string(word) + "': " + std::string(fix));
        }
        p = word_end - 1;
        break;
      }
    }
  }
  return literals;
}

// The text with every literal written as a marked string, e.g. NaN -> "\uFDD0NaN".
std::string MarkNonFinite(std::string_view text, const std::vector<NonFiniteLiteral>& literals) {
  std::string marked;
  marked.reserve(text.size() + literals.size() * (kNonFiniteMark.size() + 2));
  size_t copied = 0;
  for (const NonFiniteLiteral& literal : literals) {
    marked.append(text.substr(copied, literal.offset - copied));
    marked += '"';
    marked += kNonFiniteMark;
    marked += literal.word;
    marked += '"';
    copied = literal.offset + literal.word.size();
  }
  marked.append(text.substr(copied));
  return marked;
}

// Where an offset into the marked text was in the original text.
size_t OriginalOffset(size_t marked_offset, const std::vector<NonFiniteLiteral>& literals) {
  const size_t added = kNonFiniteMark.size() + 2;  // the quotes and the mark
  size_t shift = 0;
  for (const NonFiniteLiteral& literal : literals) {
    const size_t marked_start = literal.offset + shift;
    if (marked_offset < marked_start) break;
    if (marked_offset < marked_start + literal.word.size() + added) return literal.offset;
    shift += added;
  }
  return marked_offset - shift;
}

// Marked strings back to numbers, iteratively (documents may be 256 levels deep and wide).
void UnmarkNonFinite(Json& root) {
  std::vector<Json*> pending{&root};
  while (!pending.empty()) {
    Json& value = *pending.back();
    pending.pop_back();
    if (value.is_structured()) {
      for (Json& child : value) pending.push_back(&child);
    } else if (value.is_string()) {
      const std::string& text = value.get_ref<const std::string&>();
      if (!text.starts_with(kNonFiniteMarkUtf8)) continue;
      const std::string_view word = std::string_view(text).substr(kNonFiniteMarkUtf8.size());
      if (word == "NaN") value = std::numeric_limits<double>::quiet_NaN();
      else if (word == "Infinity") value = std::numeric_limits<double>::infinity();
      else if (word == "-Infinity") value = -std::numeric_limits<double>::infinity();
    }
  }
}

// nlohmann's message after its "[json.exception...] parse error at line 1, column 5: " prefix,
// cut to a line's length (the parser quotes the offending token whole).
std::string ParserMessage(const std::exception& error) {
  std::string message = error.what();
  if (const size_t colon = message.find(": "); colon != std::string::npos) message.erase(0, colon + 2);
  constexpr size_t kMaxMessage = 160;
  if (message.size() > kMaxMessage) {
    size_t cut = kMaxMessage - 3;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    message = message.substr(0, cut) + "...";
  }
  return message;
}

}  // namespace

std::string TextPlace(std::string_view text, size_t offset, const std::string& source, int first_line) {
  const std::string_view before = text.substr(0, std::min(offset, text.size()));
  const size_t line = first_line + std::count(before.begin(), before.end(), '\n');
  const size_t line_start = before.rfind('\n');
  const size_t column = before.size() - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

nlohmann::ordered_json ParseJson(std::string_view text, const std::string& source, int first_line) {
  const std::vector<NonFiniteLiteral> literals = ScanJson(text, source, first_line);
  const std::string marked = literals.empty() ? std::string() : MarkNonFinite(text, literals);
  const std::string_view parsed = literals.empty() ? text : std::string_view(marked);
  try {
    Json root = Json::parse(parsed.begin(), parsed.end());
    if (!literals.empty()) UnmarkNonFinite(root);
    return root;
  } catch (const Json::parse_error& error) {
    // error.byte counts from 1 and points past the end on "unexpected end of input".
    const size_t offset = OriginalOffset(error.byte > 0 ? error.byte - 1 : 0, literals);
    throw JsonSyntaxError(TextPlace(text, offset, source, first_line) + ParserMessage(error));
  } catch (const Json::out_of_range& error) {
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
