// Differential: whenever the simdjson fast path accepts a JSON or JSONL text, the complete
// nlohmann reader must accept it too and read the same document (names, tokens, ids, channels,
// values bit for bit, NaN as NaN). A difference aborts, and libFuzzer keeps the input.
#include <cmath>
#include <cstring>

#include "fuzz_input.hpp"

namespace {

bool SameValue(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

bool SameSequence(const th::Sequence& a, const th::Sequence& b) {
  if (a.name != b.name || a.TokenCount() != b.TokenCount() || a.channels.size() != b.channels.size()) return false;
  for (size_t i = 0; i < a.TokenCount(); ++i)
    if (a.Token(i) != b.Token(i)) return false;
  const auto ids_a = a.TokenIds();
  const auto ids_b = b.TokenIds();
  if (!std::equal(ids_a.begin(), ids_a.end(), ids_b.begin(), ids_b.end())) return false;
  for (size_t c = 0; c < a.channels.size(); ++c) {
    const th::Channel& x = a.channels[c];
    const th::Channel& y = b.channels[c];
    if (x.name != y.name || x.values.size() != y.values.size()) return false;
    for (size_t i = 0; i < x.values.size(); ++i)
      if (!SameValue(x.values[i], y.values[i])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const th::LoadOptions options;
  const th::FuzzFile file(data, size);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return 0;
  try {
    const th::LoadContext context(th::MappedFile::Open(file.Path()), options);
    const std::optional<th::Document> fast = th::ParseJsonFast(text, "fuzz", &context, th::JsonForm::kEither);
    if (!fast) return 0;
    th::Document complete;
    try {
      complete = th::ParseJsonComplete(text, "fuzz", &context, th::JsonForm::kEither);
    } catch (const th::LoadError&) {
      std::abort();  // the fast path accepted what the complete reader refuses
    }
    if (fast->sequences.size() != complete.sequences.size()) std::abort();
    for (size_t s = 0; s < fast->sequences.size(); ++s)
      if (!SameSequence(fast->sequences[s], complete.sequences[s])) std::abort();
  } catch (const th::LoadError&) {
  }
  return 0;
}
