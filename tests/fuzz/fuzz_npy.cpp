// .npy: the header's dict literal, dtypes, shapes, byte orders and the array -> document path.
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  th::FuzzLoad(data, size, [](const th::LoadContext& context) { return th::LoadNpy(context); });
  return 0;
}
