// Vocabularies: a tokenizer.json (model.vocab as an object or Unigram list, added_tokens, the
// decoder) or one token per line; then every entry is read back.
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const th::FuzzFile file(data, size);
  try {
    const th::Vocabulary vocabulary = th::Vocabulary::Load(file.Path());
    size_t checksum = vocabulary.SpecialTokens().size() + static_cast<size_t>(vocabulary.Hints().encoding);
    for (size_t id = 0; id < vocabulary.Table()->text.Size(); ++id)
      if (const auto token = vocabulary.Token(static_cast<int64_t>(id))) checksum += token->size();
    volatile size_t sink = checksum;
    (void)sink;
  } catch (const th::LoadError&) {
  }
  return 0;
}
