#include "core/loaders/embedded_arrays.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <memory>

#include "core/json_parse.hpp"
#include "core/loaders/arrays.hpp"

namespace th {

namespace {

[[noreturn]] void Fail(const std::string& message) { throw EmbeddedArrayError(message); }

// The elements of raw bytes as floats, checked against the shape.
DenseArray ToDense(char kind, size_t item_size, std::vector<uint64_t> shape, std::string_view bytes) {
  ArrayData array;
  array.kind = kind;
  array.item_size = item_size;
  array.shape = std::move(shape);
  const uint64_t count = array.ElementCount();
  if (count == UINT64_MAX || count * item_size != bytes.size())
    Fail("shape " + ShapeAsList(array.shape) + " needs " +
         (count == UINT64_MAX ? std::string("too many") : std::to_string(count * item_size)) + " bytes but " +
         std::to_string(bytes.size()) + " are given");
  array.bytes = bytes;
  DenseArray dense;
  dense.values.resize(count);
  for (uint64_t i = 0; i < count; ++i) dense.values[i] = NumberAt(array, i);
  dense.shape = std::move(array.shape);
  return dense;
}

}  // namespace

std::string ShapeAsList(const std::vector<uint64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

uint64_t ElementCountOf(const std::vector<uint64_t>& shape) {
  uint64_t count = 1;
  for (const uint64_t dimension : shape) {
    if (dimension != 0 && count > UINT64_MAX / dimension) return UINT64_MAX;
    count *= dimension;
  }
  return count;
}

std::string DecodeBase64(std::string_view text) {
  static constexpr std::array<int8_t, 256> kValues = [] {
    std::array<int8_t, 256> values{};
    values.fill(-1);
    constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < kAlphabet.size(); ++i) values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
    return values;
  }();
  std::string bytes;
  bytes.reserve(text.size() / 4 * 3);
  uint32_t bits = 0;
  int pending = 0;  // bits held
  size_t padding = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=') {
      ++padding;
      continue;
    }
    if (c == '\n' || c == '\r' || c == ' ') continue;
    const int value = kValues[static_cast<unsigned char>(c)];
    if (value < 0 || padding > 0) Fail("base64 text holds an invalid character at " + std::to_string(i));
    bits = (bits << 6) | static_cast<uint32_t>(value);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      bytes.push_back(static_cast<char>((bits >> pending) & 0xFF));
    }
  }
  if (padding > 2 || pending >= 6) Fail("base64 text is cut short");
  return bytes;
}

std::string InflateGzip(std::string_view compressed, uint64_t max_bytes) {
  z_stream stream{};
  // 16 + MAX_WBITS: a gzip wrapper, not zlib's.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) Fail("zlib failed to start");
  const std::unique_ptr<z_stream, int (*)(z_stream*)> stream_end(&stream, inflateEnd);
  std::string out;
  std::array<char, 1 << 16> chunk;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  size_t left = compressed.size();  // not yet handed to zlib, whose counts are 32-bit
  const auto refill = [&] {
    if (stream.avail_in > 0 || left == 0) return;
    stream.avail_in = static_cast<uInt>(std::min<size_t>(left, 1u << 30));
    left -= stream.avail_in;
  };
  while (true) {
    refill();
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = chunk.size();
    const int status = inflate(&stream, Z_NO_FLUSH);
    if (status == Z_NEED_DICT || status == Z_DATA_ERROR || status == Z_MEM_ERROR || status == Z_STREAM_ERROR)
      Fail("gzip data is damaged (" + std::string(stream.msg ? stream.msg : "zlib error") + ")");
    const size_t produced = chunk.size() - stream.avail_out;
    if (out.size() + produced > max_bytes) Fail("gzip data inflates to more than " + std::to_string(max_bytes) + " bytes");
    out.append(chunk.data(), produced);
    if (status == Z_STREAM_END) {
      // Concatenated members (gzip -c a b > ab.gz) go on; the end of the data or zero padding ends it.
      refill();
      if (stream.avail_in == 0 || stream.next_in[0] == 0) return out;
      inflateReset(&stream);
    } else if (status == Z_BUF_ERROR && stream.avail_in == 0 && left == 0) {
      break;  // no input left and the stream has not ended
    }
  }
  Fail("gzip data is cut short");
}

DenseArray DecodeSafetensorsBase64(std::string_view base64) {
  const std::string bytes = DecodeBase64(base64);
  if (bytes.size() < 8) Fail("base64 safetensors data is shorter than its 8-byte header length");
  const uint64_t length = SafetensorsHeaderLength(bytes);
  if (length > bytes.size() - 8) Fail("base64 safetensors header runs past the data");
  nlohmann::ordered_json header;
  try {
    header = ParseJson(std::string_view(bytes).substr(8, length), "base64 safetensors header");
  } catch (const LoadError& error) {
    Fail(error.what());
  }
  if (!header.is_object()) Fail("base64 safetensors header is not a JSON object");
  const nlohmann::ordered_json* tensor = nullptr;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") continue;
    if (tensor) Fail("base64 safetensors data holds more than one tensor");
    tensor = &info;
  }
  if (!tensor || !tensor->is_object()) Fail("base64 safetensors data holds no tensor");
  const auto field = [&](const char* key) -> const nlohmann::ordered_json& {
    const auto found = tensor->find(key);
    if (found == tensor->end()) Fail(std::string("base64 safetensors tensor has no ") + key);
    return *found;
  };
  const nlohmann::ordered_json& dtype = field("dtype");
  // inseq writes float32, float16 or float8 (scores_precision); any float type is taken.
  const SafetensorsDType* type = dtype.is_string() ? FindSafetensorsDType(dtype.get_ref<const std::string&>()) : nullptr;
  if (!type || (type->kind != 'f' && type->kind != 'B' && type->kind != 'e' && type->kind != 'E'))
    Fail("base64 safetensors tensor has dtype " + dtype.dump() + ", not a float type");
  const auto whole_numbers = [&](const char* key) {
    const nlohmann::ordered_json& list = field(key);
    if (!list.is_array() || list.size() > kMaxDimensions) Fail(std::string("base64 safetensors ") + key + " is not a list");
    std::vector<uint64_t> numbers;
    for (const auto& number : list) {
      if (!number.is_number_unsigned()) Fail(std::string("base64 safetensors ") + key + " holds " + number.dump());
      numbers.push_back(number.get<uint64_t>());
    }
    return numbers;
  };
  std::vector<uint64_t> shape = whole_numbers("shape");
  const std::vector<uint64_t> offsets = whole_numbers("data_offsets");
  const std::string_view data = std::string_view(bytes).substr(8 + length);
  if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data.size())
    Fail("base64 safetensors data_offsets lie outside its " + std::to_string(data.size()) + " data bytes");
  return ToDense(type->kind, type->size, std::move(shape), data.substr(offsets[0], offsets[1] - offsets[0]));
}

DenseArray DecodeJsonTricksCompact(std::string_view data, std::string_view dtype, const std::vector<uint64_t>& shape) {
  std::string bytes;
  if (data.starts_with("b64.gz:")) {
    // The exact size is known from the shape: inflating never goes past it.
    const uint64_t count = ElementCountOf(shape);
    if (count > UINT64_MAX / 8) Fail("shape " + ShapeAsList(shape) + " is too large");
    bytes = InflateGzip(DecodeBase64(data.substr(7)), count * 8);
  } else if (data.starts_with("b64:")) {
    bytes = DecodeBase64(data.substr(4));
  } else {
    Fail("array text starts with neither \"b64:\" nor \"b64.gz:\"");
  }
  struct Type {
    std::string_view name;
    char kind;
    size_t size;
  };
  static constexpr Type kTypes[] = {{"float32", 'f', 4}, {"float16", 'f', 2}, {"float64", 'f', 8},
                                    {"int8", 'i', 1},    {"int16", 'i', 2},   {"int32", 'i', 4},
                                    {"int64", 'i', 8},   {"uint8", 'u', 1},   {"bool", 'b', 1}};
  const Type* type = std::find_if(std::begin(kTypes), std::end(kTypes), [&](const Type& t) { return t.name == dtype; });
  if (type == std::end(kTypes)) Fail("dtype \"" + std::string(dtype.substr(0, 40)) + "\" is not a number type");
  return ToDense(type->kind, type->size, shape, bytes);
}

}  // namespace th
