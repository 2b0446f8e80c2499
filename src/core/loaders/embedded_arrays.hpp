#pragma once
// Arrays that other tools write inside JSON as text, and gzip:
//   - inseq >= 0.7: base64 of a whole safetensors file holding one tensor, "attribution" (F32, F16
//     or F8_E4M3 by save()'s scores_precision); inseq/utils/torch_utils.py convert_to_safetensor.
//   - json_tricks' compact ndarrays (inseq 0.4-0.6, whose inseq/utils/serialization.py follows
//     json_tricks): {"__ndarray__": "b64:..." or "b64.gz:...", "dtype", "shape"}, the elements in
//     C order, native (little-endian) byte order; inseq/utils/misc.py ndarray_to_bin_str.
// Errors are EmbeddedArrayError with a message that needs only the caller's place before it.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace th {

class EmbeddedArrayError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An array of numbers in C order, as floats.
struct DenseArray {
  std::vector<uint64_t> shape;
  std::vector<float> values;
};

// "[2, 3]": a shape as these tools write it (JSON lists), for messages.
std::string ShapeAsList(const std::vector<uint64_t>& shape);
// The number of elements a shape names; UINT64_MAX when it overflows.
uint64_t ElementCountOf(const std::vector<uint64_t>& shape);

// Standard base64 (RFC 4648, '=' padding, no line breaks; whitespace is skipped as Python's
// b64decode does not, but a tool's pretty-printer might add none).
std::string DecodeBase64(std::string_view text);

// Inflates gzip data (one or more members) into at most max_bytes; more is an error naming the
// limit, so a small file cannot claim all memory.
std::string InflateGzip(std::string_view compressed, uint64_t max_bytes);

// inseq >= 0.7's tensors.
DenseArray DecodeSafetensorsBase64(std::string_view base64);

// json_tricks' compact form: data is "b64:..." or "b64.gz:...", dtype NumPy's name ("float32").
DenseArray DecodeJsonTricksCompact(std::string_view data, std::string_view dtype, const std::vector<uint64_t>& shape);

}  // namespace th
