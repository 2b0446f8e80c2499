#pragma once
// A token-id -> string table: a Hugging Face tokenizer.json (model.vocab, added_tokens) or a
// plain list with one token per line (line N is id N).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/token_decoding.hpp"

namespace th {

// Ids are dense indices into a table, so a stray huge id must not size it: real vocabularies have
// at most a few hundred thousand entries.
inline constexpr int64_t kMaxTokenId = int64_t{1} << 24;

class Vocabulary {
 public:
  // Throws LoadError naming the file and the place.
  static Vocabulary Load(const std::string& path);

  const std::string& Path() const { return m_path; }
  bool Contains(int64_t id) const {
    return id >= 0 && static_cast<uint64_t>(id) < m_present.size() && m_present[static_cast<size_t>(id)];
  }
  std::optional<std::string_view> Token(int64_t id) const;
  // The strings by id, shared by the sequences that store their tokens as ids into it.
  const std::shared_ptr<const TokenTable>& Table() const { return m_table; }
  const TokenSet& SpecialTokens() const { return m_special; }
  TokenizerHints Hints() const { return {m_encoding, &m_special}; }

 private:
  std::string m_path;
  std::shared_ptr<const TokenTable> m_table;
  std::vector<bool> m_present;  // by id: ids missing from a tokenizer.json are empty in the table
  TokenSet m_special;
  TokenEncoding m_encoding = TokenEncoding::kAuto;
};

}  // namespace th
