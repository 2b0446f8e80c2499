// Plain text: words and whitespace, each word's value its number of characters.
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  th::FuzzLoad(data, size, [](const th::LoadContext& context) {
    return th::LoadPlainText(context, context.File()->Bytes());
  });
  return 0;
}
