// JSON and JSONL: the simdjson fast path and, whenever it gives up, the complete nlohmann reader.
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  th::FuzzLoad(data, size, [](const th::LoadContext& context) {
    return th::LoadJsonText(context, context.File()->Bytes());
  });
  return 0;
}
