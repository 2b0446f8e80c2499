#include "core/loaders/vocabulary.hpp"

#include <nlohmann/json.hpp>

#include "core/load_error.hpp"
#include "core/loaders/mapped_file.hpp"

namespace th {

namespace {

using Json = nlohmann::json;

// tokenizer.json names its decoder; a Sequence of decoders is searched for the one that matters.
TokenEncoding EncodingOfDecoder(const Json& decoder) {
  if (!decoder.is_object()) return TokenEncoding::kAuto;
  const std::string type = decoder.value("type", "");
  if (type == "ByteLevel") return TokenEncoding::kByteLevel;
  if (type == "Metaspace" || type == "ByteFallback") return TokenEncoding::kSentencePiece;
  if (type == "WordPiece") return TokenEncoding::kWordPiece;
  if (type == "Sequence" && decoder.contains("decoders") && decoder["decoders"].is_array())
    for (const Json& part : decoder["decoders"])
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
  std::vector<std::string> tokens;  // by id
  const auto set = [&](int64_t id, std::string token) {
    if (id < 0 || id >= kMaxTokenId)
      throw LoadError(path + ": token id " + std::to_string(id) + " is out of range (0.." +
                      std::to_string(kMaxTokenId - 1) + ")");
    const auto index = static_cast<size_t>(id);
    if (index >= tokens.size()) {
      tokens.resize(index + 1);
      vocabulary.m_present.resize(index + 1);
    }
    tokens[index] = std::move(token);
    vocabulary.m_present[index] = true;
  };
  const auto finish = [&] {
    auto table = std::make_shared<TokenTable>();
    size_t bytes = 0;
    for (const std::string& token : tokens) bytes += token.size();
    table->text.Reserve(tokens.size(), bytes);
    for (const std::string& token : tokens) table->text.Append(token);
    vocabulary.m_table = std::move(table);
    return std::move(vocabulary);
  };
  if (text.find_first_not_of(" \t\r\n") != std::string_view::npos &&
      text[text.find_first_not_of(" \t\r\n")] == '{') {
    Json root;
    try {
      root = Json::parse(text.begin(), text.end());
    } catch (const Json::exception& error) {
      throw LoadError(path + ": not a tokenizer.json (" + error.what() + ")");
    }
    const Json* vocab = root.contains("model") && root["model"].is_object() && root["model"].contains("vocab")
                            ? &root["model"]["vocab"]
                            : nullptr;
    if (!vocab) throw LoadError(path + ": model.vocab is missing (not a tokenizer.json)");
    try {
      if (vocab->is_object()) {
        for (const auto& [token, id] : vocab->items()) set(id.get<int64_t>(), token);
      } else if (vocab->is_array()) {  // Unigram: [[piece, score], ...]
        for (size_t i = 0; i < vocab->size(); ++i) set(static_cast<int64_t>(i), (*vocab)[i].at(0).get<std::string>());
      }
      if (root.contains("added_tokens") && root["added_tokens"].is_array())
        for (const Json& added : root["added_tokens"]) {
          const std::string content = added.at("content").get<std::string>();
          set(added.at("id").get<int64_t>(), content);
          if (added.value("special", false)) vocabulary.m_special.insert(content);
        }
    } catch (const Json::exception& error) {
      throw LoadError(path + ": model.vocab: " + error.what());
    }
    vocabulary.m_encoding = EncodingOfDecoder(root.value("decoder", Json()));
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
