#pragma once
// A token-id -> string table: a Hugging Face tokenizer.json (model.vocab, added_tokens) or a
// plain list with one token per line (line N is id N).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/token_decoding.hpp"

namespace th {

class Vocabulary {
 public:
  // Throws LoadError naming the file and the place.
  static Vocabulary Load(const std::string& path);

  const std::string& Path() const { return m_path; }
  std::optional<std::string_view> Token(int64_t id) const;
  const std::unordered_set<std::string>& SpecialTokens() const { return m_special; }
  TokenizerHints Hints() const { return {m_encoding, &m_special}; }

 private:
  std::string m_path;
  std::vector<std::string> m_tokens;  // by id
  std::vector<bool> m_present;
  std::unordered_set<std::string> m_special;
  TokenEncoding m_encoding = TokenEncoding::kAuto;
};

}  // namespace th
