#include "core/json_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/json_parse.hpp"
#include "core/json_reading.hpp"
#include "core/loaders/loaders.hpp"

namespace th {

// [SECTION] Error messages

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
  std::string text = std::to_string(count) + " " + std::string(noun);
  if (count == 1) return text;
  if (noun.ends_with('y')) return text.substr(0, text.size() - 1) + "ies";  // entry, entries
  return text + "s";
}

std::string KindOf(const Json& value) {
  const std::string name = value.type_name();
  if (value.is_null()) return name;
  return (name[0] == 'a' || name[0] == 'o' ? "an " : "a ") + name;
}

// ASCII-escaped, so that the value stays on one line and is never cut inside a UTF-8 sequence.
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

namespace {

std::string_view StripBomAndCheckEmpty(std::string_view text, const std::string& source) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    throw LoadError(source + ": file is empty");
  return text;
}

}  // namespace

// [SECTION] Structure

float ValueOf(const Json& value, const Origin& origin, std::string_view channel_path,
              size_t index) {
  if (value.is_number()) return static_cast<float>(value.get<double>());
  if (value.is_null()) return std::numeric_limits<float>::quiet_NaN();
  if (value.is_string()) {
    // Tools that quote them write "NaN" and "Infinity"; numpy's str() writes nan and inf. (Bare
    // NaN and Infinity, Python json.dump's default, arrive as numbers: ParseJson reads them.)
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

namespace {

// Token ids: kept as the tokens' ids, and the token strings when the object has no "tokens".
void ReadTokenIds(const Json& ids, Sequence& sequence, bool need_strings, const Origin& origin,
                  std::string_view path) {
  Expect(ids.is_array(), ids, "an array", origin, path);
  if (need_strings && !origin.context)
    Fail(origin, path, "token ids without \"tokens\" need a vocabulary file");
  const Vocabulary* vocabulary = need_strings ? &origin.context->RequireVocabulary(path) : nullptr;
  std::vector<int32_t> values;
  values.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    // Whole numbers only (1e300 and 0.5 are refused, never cast), and in int32 range; an
    // unsigned beyond int64 is out of range rather than wrapped to a negative id.
    if (!ids[i].is_number_integer()) Fail(origin, Element(path, i), Quote(ids[i]) + " is not a token id");
    if ((ids[i].is_number_unsigned() && ids[i].get<uint64_t>() > uint64_t{INT32_MAX}) ||
        ids[i].get<int64_t>() < std::numeric_limits<int32_t>::min() || ids[i].get<int64_t>() > std::numeric_limits<int32_t>::max())
      Fail(origin, Element(path, i), "id " + Quote(ids[i]) + " is out of range for a token id");
    const int64_t id = ids[i].get<int64_t>();
    if (vocabulary && !vocabulary->Contains(id))
      Fail(origin, Element(path, i), "id " + std::to_string(id) + " is not in the vocabulary " + vocabulary->Path());
    values.push_back(static_cast<int32_t>(id));
  }
  // With a vocabulary the tokens are ids into its table: no string per token.
  if (vocabulary) sequence.SetTableTokens(std::move(values), vocabulary->Table());
  else sequence.SetTokenIds(std::move(values));
}

}  // namespace

void ReadTopK(const Json& top_k, Sequence& sequence, const Origin& origin, std::string_view path,
              size_t first_token) {
  Expect(top_k.is_array(), top_k, "an array", origin, path);
  const size_t predicted = sequence.TokenCount() - std::min(first_token, sequence.TokenCount());
  if (top_k.size() != predicted)
    Fail(origin, path, "has " + CountOf(top_k.size(), "entry") +
                           (first_token == 0 ? " but the sequence has " + CountOf(predicted, "token")
                                             : " but " + CountOf(predicted, "token") + " follow the start token"));
  for (size_t i = 0; i < first_token && i < sequence.TokenCount(); ++i) sequence.AppendTopK({});
  std::vector<TopKEntry> entries;
  for (size_t i = 0; i < top_k.size(); ++i) {
    entries.clear();
    const std::string element = Element(path, i);
    Expect(top_k[i].is_array(), top_k[i], "an array of [token, probability] pairs", origin, element);
    for (const Json& pair : top_k[i]) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_number())
        Fail(origin, element, Quote(pair) + " is not a [token, probability] pair");
      entries.push_back({pair[0].get_ref<const std::string&>(), pair[1].get<float>()});
    }
    sequence.AppendTopK(entries);
  }
}

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
  const auto ids = object.find("token_ids");
  if (tokens == object.end() && ids == object.end()) Fail(origin, path, "\"tokens\" is missing");
  if (ids != object.end()) ReadTokenIds(*ids, sequence, tokens == object.end(), origin, Member(path, "token_ids"));
  if (tokens != object.end()) ReadTokens(*tokens, sequence, origin, Member(path, "tokens"));
  if (const auto top_k = object.find("top_k"); top_k != object.end())
    ReadTopK(*top_k, sequence, origin, Member(path, "top_k"));

  // "activations" is OpenAI neuron-viewer's name for the values of an ActivationRecord. Beside
  // "channels", the values are one more channel, named like that of a lone "values".
  auto values = object.find("values");
  std::string values_key = "values";
  std::string values_name = "value";
  if (values == object.end() && (values = object.find("activations")) != object.end())
    values_key = "activations", values_name = "activation";
  const size_t token_count = sequence.TokenCount();
  if (values != object.end())
    sequence.channels.push_back(ReadChannel(values_name, *values, token_count, origin, Member(path, values_key)));
  if (const auto channels = object.find("channels"); channels != object.end()) {
    const std::string channels_path = Member(path, "channels");
    Expect(channels->is_object(), *channels, "an object", origin, channels_path);
    for (const auto& [name, channel_values] : channels->items()) {
      if (values != object.end() && name == values_name)
        Fail(origin, Member(channels_path, name), "a channel named \"" + values_name + "\" beside \"" + values_key +
                                                      "\", which is read as that channel");
      sequence.channels.push_back(ReadChannel(name, channel_values, token_count, origin, Member(channels_path, name)));
    }
  }
  if (sequence.channels.empty()) Fail(origin, path, "no channels");
  return sequence;
}

namespace {

// tokenheat's own form: {"tokens", ...} (one sequence) or {"sequences": [...]}.
void ReadOwnDocument(const Json& root, Document& document, const Origin& origin) {
  const auto sequences = root.find("sequences");
  const bool has_tokens = root.contains("tokens") || root.contains("token_ids");
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
}

// [SECTION] Documents

Document ReadDocument(const Json& root, const Origin& origin) {
  Expect(root.is_object(), root, "an object at the top level", origin, "");
  Document document;
  document.source = origin.source;
  if (!ReadPeerDocument(root, document, origin)) ReadOwnDocument(root, document, origin);
  if (document.sequences.empty()) Fail(origin, "", "no sequences");
  return document;
}

}  // namespace

std::string_view NextLine(std::string_view text, size_t& pos) {
  const size_t end = std::min(text.find('\n', pos), text.size());
  const std::string_view line = text.substr(pos, end - pos);
  pos = end + 1;
  return line;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Checking only the first two lines (not every line) lets a damaged later line be reported at its
// own line by the JSONL reader instead of as "unexpected '{'" at line 2 by the JSON parser.
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

namespace {

Document ParseJsonl(std::string_view text, const std::string& source_name, const LoadContext* context) {
  Document document;
  document.source = source_name;
  int line_number = 0;
  // After the fast path gave up: only what goes past the progress it showed counts.
  LoadProgress* progress = context ? context->Progress() : nullptr;
  ProgressTicker ticker(progress, progress ? progress->Done() : 0);
  for (size_t pos = 0; pos < text.size();) {
    ticker.At(pos);
    const std::string_view line = NextLine(text, pos);
    ++line_number;
    if (IsBlank(line)) continue;
    const Origin origin{source_name, line_number, context};
    document.sequences.push_back(ReadSequence(ParseJson(line, source_name, line_number),
                                              "line " + std::to_string(line_number), origin,
                                              ""));
  }
  // Not empty: the text is not blank, so some line either became a sequence or threw.
  return document;
}

// The fast path first; the complete reader when it gives up.
Document ParseEither(std::string_view text, const std::string& source, const LoadContext* context, JsonForm form) {
  text = StripBomAndCheckEmpty(text, source);
  if (auto document = ParseJsonFast(text, source, context, form)) return std::move(*document);
  return ParseJsonComplete(text, source, context, form);
}

}  // namespace

Document ParseJsonComplete(std::string_view text, const std::string& source, const LoadContext* context,
                           JsonForm form) {
  if (form == JsonForm::kJsonl) return ParseJsonl(text, source, context);
  try {
    return ReadDocument(ParseJson(text, source, 1), Origin{source, 0, context});
  } catch (const JsonSyntaxError&) {
    if (form == JsonForm::kJson || !LooksLikeJsonl(text)) throw;
  }
  return ParseJsonl(text, source, context);
}

Document ParseJsonDocument(std::string_view text, const std::string& source_name) {
  return ParseEither(text, source_name, nullptr, JsonForm::kJson);
}

Document ParseJsonlDocument(std::string_view text, const std::string& source_name) {
  return ParseEither(text, source_name, nullptr, JsonForm::kJsonl);
}

Document LoadJsonText(const LoadContext& context, std::string_view text) {
  return ParseEither(text, context.Source(), &context, JsonForm::kEither);
}

}  // namespace th
