#include "core/loaders/vocabulary.hpp"

#include "core/json_parse.hpp"
#include "core/load_error.hpp"
#include "core/loaders/mapped_file.hpp"

namespace th {

namespace {

using Json = nlohmann::ordered_json;

// tokenizer.json names its decoder; a Sequence of decoders is searched for the one that matters.
TokenEncoding EncodingOfDecoder(const Json& decoder) {
  if (!decoder.is_object()) return TokenEncoding::kAuto;
  const auto type_field = decoder.find("type");
  if (type_field == decoder.end() || !type_field->is_string()) return TokenEncoding::kAuto;
  const std::string& type = type_field->get_ref<const std::string&>();
  if (type == "ByteLevel") return TokenEncoding::kByteLevel;
  if (type == "Metaspace" || type == "ByteFallback") return TokenEncoding::kSentencePiece;
  if (type == "WordPiece") return TokenEncoding::kWordPiece;
  if (const auto parts = decoder.find("decoders"); type == "Sequence" && parts != decoder.end() && parts->is_array())
    for (const Json& part : *parts)
      if (const TokenEncoding encoding = EncodingOfDecoder(part); encoding != TokenEncoding::kAuto)
        return encoding;
  return TokenEncoding::kAuto;
}

}  // namespace

Vocabulary Vocabulary::Load(const std::string& path) {
  Vocabulary vocabulary;
  vocabulary.m_path = path;
  const auto file = MappedFile::Open(path);
  const std::string_view text = file->Bytes();
  // Entries as read, placed by id at the end: a tiny file naming id 16,777,215 then costs 8 bytes
  // an id for the table's offsets, not a std::string each.
  std::vector<std::pair<int64_t, std::string>> entries;
  const auto set = [&](int64_t id, std::string token) {
    if (id < 0 || id >= kMaxTokenId)
      throw LoadError(path + ": token id " + std::to_string(id) + " is out of range (0.." +
                      std::to_string(kMaxTokenId - 1) + ")");
    entries.emplace_back(id, std::move(token));
  };
  const auto finish = [&] {
    // A later entry for the same id wins (added_tokens over model.vocab).
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const size_t count = entries.empty() ? 0 : static_cast<size_t>(entries.back().first) + 1;
    auto table = std::make_shared<TokenTable>();
    size_t bytes = 0;
    for (const auto& entry : entries) bytes += entry.second.size();
    table->text.Reserve(count, bytes);
    vocabulary.m_present.assign(count, false);
    size_t next = 0;  // the id the table appends next
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i + 1 < entries.size() && entries[i + 1].first == entries[i].first) continue;
      const auto id = static_cast<size_t>(entries[i].first);
      for (; next < id; ++next) table->text.Append({});
      table->text.Append(entries[i].second);
      vocabulary.m_present[id] = true;
      next = id + 1;
    }
    vocabulary.m_table = std::move(table);
    return std::move(vocabulary);
  };
  if (text.find_first_not_of(" \t\r\n") != std::string_view::npos &&
      text[text.find_first_not_of(" \t\r\n")] == '{') {
    const Json root = ParseJson(text, path);
    const Json* vocab = nullptr;
    if (const auto model = root.find("model"); model != root.end() && model->is_object())
      if (const auto found = model->find("vocab"); found != model->end()) vocab = &*found;
    if (!vocab)
      throw LoadError(path + ": model.vocab is missing (not a tokenizer.json)");
    // Ids must be whole numbers: a float such as 1e300 or 0.5 is refused, never cast.
    const auto id_of = [&](const Json& id, const std::string& place) {
      if (!id.is_number_integer()) throw LoadError(path + ": " + place + ": expected a token id (a whole number)");
      return id.is_number_unsigned() && id.get<uint64_t>() > uint64_t{INT64_MAX} ? int64_t{-1} : id.get<int64_t>();
    };
    if (vocab->is_object()) {
      for (const auto& [token, id] : vocab->items()) set(id_of(id, "model.vocab"), token);
    } else if (vocab->is_array()) {  // Unigram: [[piece, score], ...]
      for (size_t i = 0; i < vocab->size(); ++i) {
        const Json& entry = (*vocab)[i];
        if (!entry.is_array() || entry.empty() || !entry[0].is_string())
          throw LoadError(path + ": model.vocab[" + std::to_string(i) + "]: expected [piece, score]");
        set(static_cast<int64_t>(i), entry[0].get<std::string>());
      }
    } else {
      throw LoadError(path + ": model.vocab: expected an object or an array");
    }
    if (const auto added = root.find("added_tokens"); added != root.end() && added->is_array())
      for (size_t i = 0; i < added->size(); ++i) {
        const Json& entry = (*added)[i];
        const std::string place = "added_tokens[" + std::to_string(i) + "]";
        const auto content = entry.is_object() ? entry.find("content") : entry.end();
        const auto id = entry.is_object() ? entry.find("id") : entry.end();
        if (content == entry.end() || id == entry.end() || !content->is_string())
          throw LoadError(path + ": " + place + ": expected {\"content\": string, \"id\": number}");
        set(id_of(*id, place), content->get<std::string>());
        const auto special = entry.find("special");
        if (special != entry.end() && special->is_boolean() && special->get<bool>())
          vocabulary.m_special.insert(content->get<std::string>());
      }
    if (const auto decoder = root.find("decoder"); decoder != root.end()) vocabulary.m_encoding = EncodingOfDecoder(*decoder);
    return finish();
  }
  int64_t id = 0;
  for (size_t pos = 0; pos < text.size(); ++id) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    set(id, std::string(line));
    pos = end + 1;
  }
  return finish();
}

std::optional<std::string_view> Vocabulary::Token(int64_t id) const {
  if (!Contains(id)) return std::nullopt;
  return m_table->text.At(static_cast<size_t>(id));
}

}  // namespace th
