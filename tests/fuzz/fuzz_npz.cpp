// .npz: the zip central directory (zip64 too), stored and deflated members, then each .npy.
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  th::FuzzLoad(data, size, [](const th::LoadContext& context) { return th::LoadNpz(context); });
  return 0;
}
