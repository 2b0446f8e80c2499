// safetensors: the length-prefixed JSON header, tensor byte ranges and metadata tokens. The
// dispatcher only hands over files that LooksLikeSafetensors accepts, so the target does the same.
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  th::FuzzLoad(data, size, [](const th::LoadContext& context) {
    if (!th::LooksLikeSafetensors(context.File()->Bytes())) throw th::LoadError("not safetensors");
    return th::LoadSafetensors(context);
  });
  return 0;
}
