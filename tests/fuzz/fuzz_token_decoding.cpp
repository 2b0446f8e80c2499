// Token decoding: the first byte picks the encoding (or detection), the rest is split into tokens
// at '\n'. The tokens are decoded as strings and, as with a vocabulary, as ids into a shared table;
// both must give the same texts, raw strings and flags, or the target aborts.
#include <map>
#include <memory>
#include <string_view>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  th::TokenizerHints hints;
  hints.encoding = static_cast<th::TokenEncoding>(data[0] % 5);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  th::Document strings;
  th::Document table_backed;
  auto table = std::make_shared<th::TokenTable>();
  std::vector<int32_t> ids;
  std::map<std::string_view, int32_t> entries;  // equal tokens share an entry, as in a vocabulary
  for (size_t pos = 0; pos <= text.size();) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view token = text.substr(pos, end - pos);
    strings.sequences.resize(1);
    strings.sequences[0].AppendToken(token);
    const auto [entry, added] = entries.try_emplace(token, static_cast<int32_t>(table->text.Size()));
    if (added) table->text.Append(token);
    ids.push_back(entry->second);
    pos = end + 1;
  }
  table_backed.sequences.resize(1);
  table_backed.sequences[0].SetTableTokens(std::move(ids), std::move(table));
  th::DecodeDocumentTokens(strings, hints);
  th::DecodeDocumentTokens(table_backed, hints);
  const th::Sequence& expected = strings.sequences[0];
  const th::Sequence& actual = table_backed.sequences[0];
  if (actual.TokenCount() != expected.TokenCount()) std::abort();
  for (size_t i = 0; i < expected.TokenCount(); ++i)
    if (actual.Token(i) != expected.Token(i) || actual.RawToken(i) != expected.RawToken(i) ||
        actual.Flags(i) != expected.Flags(i))
      std::abort();
  return 0;
}
