#include "core/json_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

namespace th {

namespace {

// Ordered so that channels keep the order they have in the file.
using Json = nlohmann::ordered_json;

// [SECTION] Error messages

// A syntax error, as opposed to a structure error: LoadDocumentFile falls back to JSONL only
// when the text is not one JSON value.
class JsonSyntaxError : public LoadError {
 public:
  using LoadError::LoadError;
};

// Where the value being read came from: the file, and for JSONL the line (0 for JSON).
struct Origin {
  const std::string& source;
  int line = 0;
};

[[noreturn]] void Fail(const Origin& origin, std::string_view key_path, std::string_view message) {
  std::string text = origin.source;
  if (origin.line > 0) text += ":" + std::to_string(origin.line);
  text += ": ";
  if (!key_path.empty()) {
    text += key_path;
    text += ": ";
  }
  text += message;
  throw LoadError(text);
}

// Key paths are built only when something fails, so reading stays free of string work.
std::string Member(std::string_view path, std::string_view key) {
  // Keys such as channel names may hold dots, spaces or newlines; quoting keeps the path
  // unambiguous and the message on one line.
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  const std::string shown = plain ? std::string(key) : Json(key).dump(-1, ' ', true);
  return path.empty() ? shown : std::string(path) + "." + shown;
}

std::string Element(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

std::string CountOf(size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

// "a string", "an object", "null".
std::string KindOf(const Json& value) {
  const std::string name = value.type_name();
  if (value.is_null()) return name;
  return (name[0] == 'a' || name[0] == 'o' ? "an " : "a ") + name;
}

// The value as JSON, ASCII-escaped (so it stays on one line and never splits a UTF-8
// sequence when cut) and shortened.
std::string Quote(const Json& value) {
  constexpr size_t kMaxLength = 40;
  std::string text = value.dump(-1, ' ', true, Json::error_handler_t::replace);
  if (text.size() > kMaxLength) text = text.substr(0, kMaxLength - 3) + "...";
  return text;
}

void Expect(bool ok, const Json& value, std::string_view expected, const Origin& origin,
            std::string_view key_path) {
  if (!ok) Fail(origin, key_path, "expected " + std::string(expected) + ", found " + KindOf(value));
}

// [SECTION] Text

std::string_view StripBomAndCheckEmpty(std::string_view text, const std::string& source) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw LoadError(source + ": file is empty");
  return text;
}

// Returns the line starting at pos (without its '\n') and moves pos to the next line.
std::string_view NextLine(std::string_view text, size_t& pos) {
  const size_t end = std::min(text.find('\n', pos), text.size());
  const std::string_view line = text.substr(pos, end - pos);
  pos = end + 1;
  return line;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// JSONL is recognised by its first two non-blank lines both opening an object. Checking only
// those (not every line) lets a damaged later line be reported at its own line by the JSONL
// reader instead of as "unexpected '{'" at line 2 by the JSON parser.
bool LooksLikeJsonl(std::string_view text) {
  int objects = 0;
  for (size_t pos = 0; pos < text.size() && objects < 2;) {
    const std::string_view line = NextLine(text, pos);
    if (IsBlank(line)) continue;
    if (line[line.find_first_not_of(" \t")] != '{') return false;
    ++objects;
  }
  return objects == 2;
}

// Parses one JSON value. Syntax errors name the line and column (in bytes, 1-based) computed
// from nlohmann's byte offset; first_line is the file line where text starts.
Json ParseJson(std::string_view text, const std::string& source, int first_line) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& error) {
    // error.byte counts from 1 and points past the end on "unexpected end of input".
    const size_t offset = std::min<size_t>(error.byte > 0 ? error.byte - 1 : 0, text.size());
    const std::string_view before = text.substr(0, offset);
    const size_t line = first_line + std::count(before.begin(), before.end(), '\n');
    const size_t line_start = before.rfind('\n');
    const size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    // what() is "[json.exception.parse_error.101] parse error at line 1, column 5: message";
    // our own PATH:LINE:COL replaces everything up to the message.
    std::string message = error.what();
    if (const size_t colon = message.find(": "); colon != std::string::npos)
      message.erase(0, colon + 2);
    throw JsonSyntaxError(source + ":" + std::to_string(line) + ":" + std::to_string(column) +
                          ": " + message);
  }
}

// [SECTION] Structure

float ValueOf(const Json& value, const Origin& origin, std::string_view channel_path,
              size_t index) {
  if (value.is_number()) return static_cast<float>(value.get<double>());
  if (value.is_null()) return std::numeric_limits<float>::quiet_NaN();
  if (value.is_string()) {
    // Python's json.dumps writes NaN and Infinity; numpy's str() writes nan and inf.
    const std::string& text = value.get_ref<const std::string&>();
    if (text == "NaN" || text == "nan") return std::numeric_limits<float>::quiet_NaN();
    if (text == "Infinity" || text == "inf") return std::numeric_limits<float>::infinity();
    if (text == "-Infinity" || text == "-inf") return -std::numeric_limits<float>::infinity();
  }
  Fail(origin, Element(channel_path, index), Quote(value) + " is not a number");
}

Channel ReadChannel(std::string name, const Json& values, size_t token_count,
                    const Origin& origin, std::string_view path) {
  Expect(values.is_array(), values, "an array", origin, path);
  const Json::array_t& items = values.get_ref<const Json::array_t&>();
  if (items.size() != token_count)
    Fail(origin, path, "has " + CountOf(items.size(), "value") + " but the sequence has " +
                           CountOf(token_count, "token"));
  Channel channel{std::move(name), {}};
  channel.values.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i)
    channel.values.push_back(ValueOf(items[i], origin, path, i));
  return channel;
}

void ReadTokens(const Json& tokens, Sequence& sequence, const Origin& origin,
                std::string_view path) {
  Expect(tokens.is_array(), tokens, "an array", origin, path);
  const Json::array_t& items = tokens.get_ref<const Json::array_t&>();
  size_t bytes = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string())
      Fail(origin, Element(path, i), "token is not a string (found " + KindOf(items[i]) + ")");
    bytes += items[i].get_ref<const std::string&>().size();
  }
  sequence.ReserveTokens(items.size(), bytes);
  for (const Json& token : items) sequence.AppendToken(token.get_ref<const std::string&>());
}

// Reads {"name", "tokens", "channels"} or {"name", "tokens", "values"}; path is the object's
// key path ("" for a top-level or JSONL object).
Sequence ReadSequence(const Json& object, std::string default_name, const Origin& origin,
                      std::string_view path) {
  Expect(object.is_object(), object, "an object", origin, path);
  Sequence sequence;
  sequence.name = std::move(default_name);
  if (const auto name = object.find("name"); name != object.end()) {
    Expect(name->is_string(), *name, "a string", origin, Member(path, "name"));
    sequence.name = name->get<std::string>();
  }

  const auto tokens = object.find("tokens");
  if (tokens == object.end()) Fail(origin, path, "\"tokens\" is missing");
  ReadTokens(*tokens, sequence, origin, Member(path, "tokens"));

  const auto values = object.find("values");
  const auto channels = object.find("channels");
  if (values != object.end() && channels != object.end())
    Fail(origin, path, "both \"values\" and \"channels\" found");
  const size_t token_count = sequence.TokenCount();
  if (values != object.end()) {
    sequence.channels.push_back(
        ReadChannel("value", *values, token_count, origin, Member(path, "values")));
  } else if (channels != object.end()) {
    const std::string channels_path = Member(path, "channels");
    Expect(channels->is_object(), *channels, "an object", origin, channels_path);
    for (const auto& [name, channel_values] : channels->items())
      sequence.channels.push_back(ReadChannel(name, channel_values, token_count, origin,
                                              Member(channels_path, name)));
  }
  if (sequence.channels.empty()) Fail(origin, path, "no channels");
  return sequence;
}

Document ReadDocument(const Json& root, const std::string& source) {
  const Origin origin{source};
  Expect(root.is_object(), root, "an object at the top level", origin, "");
  Document document;
  document.source = source;
  const auto sequences = root.find("sequences");
  const bool has_tokens = root.contains("tokens");
  if (sequences != root.end() && has_tokens)
    Fail(origin, "", "both \"tokens\" and \"sequences\" found at the top level");
  if (sequences != root.end()) {
    Expect(sequences->is_array(), *sequences, "an array", origin, "sequences");
    const Json::array_t& items = sequences->get_ref<const Json::array_t&>();
    document.sequences.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i)
      document.sequences.push_back(ReadSequence(items[i], "sequence " + std::to_string(i),
                                                origin, Element("sequences", i)));
  } else if (has_tokens) {
    document.sequences.push_back(ReadSequence(root, "sequence 0", origin, ""));
  } else {
    Fail(origin, "", "neither \"tokens\" nor \"sequences\" found at the top level");
  }
  if (document.sequences.empty()) Fail(origin, "", "no sequences");
  return document;
}

std::string ReadFile(const std::string& path) {
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  const std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw LoadError(path + ": cannot open file (" + std::strerror(errno) + ")");
  std::string text;
  std::error_code size_error;
  const auto size = std::filesystem::file_size(path, size_error);
  if (!size_error) text.reserve(size);
  char buffer[1 << 16];
  while (const size_t count = std::fread(buffer, 1, sizeof buffer, file.get()))
    text.append(buffer, count);
  if (std::ferror(file.get()))
    throw LoadError(path + ": cannot read file (" + std::strerror(errno) + ")");
  return text;
}

}  // namespace

Document ParseJsonDocument(std::string_view text, const std::string& source_name) {
  text = StripBomAndCheckEmpty(text, source_name);
  return ReadDocument(ParseJson(text, source_name, 1), source_name);
}

Document ParseJsonlDocument(std::string_view text, const std::string& source_name) {
  text = StripBomAndCheckEmpty(text, source_name);
  Document document;
  document.source = source_name;
  int line_number = 0;
  for (size_t pos = 0; pos < text.size();) {
    const std::string_view line = NextLine(text, pos);
    ++line_number;
    if (IsBlank(line)) continue;
    const Origin origin{source_name, line_number};
    document.sequences.push_back(ReadSequence(ParseJson(line, source_name, line_number),
                                              "line " + std::to_string(line_number), origin,
                                              ""));
  }
  // Not empty: StripBomAndCheckEmpty guarantees a non-blank line, which either becomes a
  // sequence or throws.
  return document;
}

Document LoadDocumentFile(const std::string& path) {
  const std::string content = ReadFile(path);
  const std::string_view text = StripBomAndCheckEmpty(content, path);
  try {
    return ParseJsonDocument(text, path);
  } catch (const JsonSyntaxError&) {
    if (!LooksLikeJsonl(text)) throw;
  }
  return ParseJsonlDocument(text, path);
}

}  // namespace th
