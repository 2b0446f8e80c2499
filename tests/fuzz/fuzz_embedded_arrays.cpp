// Arrays embedded in JSON as text (base64, base64 of gzip, base64 of safetensors), and gzip: the
// first byte picks the decoder, the rest is its input.
#include <cstdint>
#include <string_view>

#include "core/loaders/embedded_arrays.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 4) {
      case 0:
        th::DecodeSafetensorsBase64(input);
        break;
      case 1:
        th::DecodeJsonTricksCompact(input, "float32", {2, 3});
        break;
      case 2:
        th::DecodeJsonTricksCompact(input, "float16", {4});
        break;
      default:
        th::InflateGzip(input, 1 << 20);
        break;
    }
  } catch (const th::EmbeddedArrayError&) {
  }
  return 0;
}
