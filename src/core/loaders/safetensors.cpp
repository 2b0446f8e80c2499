// safetensors: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
// shape and byte range, then the data. Tensors become channels (through the shared array path);
// token strings come from __metadata__.tokens (a JSON list, stored as a string since metadata
// values are strings) or from the sidecar PATH.tokens.json.
#include <cmath>

#include "core/json_parse.hpp"
#include "core/loaders/arrays.hpp"

namespace th {

namespace {

using Json = nlohmann::ordered_json;

constexpr SafetensorsDType kDTypes[] = {{"F16", 'f', 2}, {"BF16", 'B', 2}, {"F32", 'f', 4}, {"F64", 'f', 8},
                             {"I8", 'i', 1},  {"I16", 'i', 2},  {"I32", 'i', 4}, {"I64", 'i', 8},
                             {"U8", 'u', 1},  {"U16", 'u', 2},  {"U32", 'u', 4}, {"U64", 'u', 8},
                             {"BOOL", 'b', 1}, {"F8_E4M3", 'e', 1}, {"F8_E5M2", 'E', 1}};

// A count or a byte offset from the header: JSON numbers have no integer type, so 1e300, 0.5 or -1
// arrive here too, and are refused before any conversion (which would be undefined for them).
// Whole numbers written with a fraction or an exponent (4.0, 1e3) are taken as they are.
uint64_t WholeNumber(const Json& value, const LoadContext& context, const std::string& place, const std::string& what) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_float()) {
    const double number = value.get<double>();
    constexpr double kTwoTo64 = 18446744073709551616.0;
    if (number >= 0 && number < kTwoTo64 && std::floor(number) == number) return static_cast<uint64_t>(number);
  }
  context.Fail(place, what + " is " + (value.is_number() ? Shortened(value.dump()) : std::string("a ") + value.type_name()) +
                          ", not a whole number from 0 to 2^64-1");
}

// The header's list of whole numbers named key (shape, data_offsets).
std::vector<uint64_t> WholeNumbers(const Json& info, const char* key, size_t most, const LoadContext& context,
                                   const std::string& place) {
  const auto list = info.find(key);
  if (list == info.end() || !list->is_array()) context.Fail(place, std::string("needs a list '") + key + "'");
  if (list->size() > most)
    context.Fail(place, std::string(key) + " has " + std::to_string(list->size()) + " entries (at most " +
                        std::to_string(most) + ")");
  std::vector<uint64_t> numbers;
  for (const Json& number : *list)
    numbers.push_back(WholeNumber(number, context, place, std::string(key) + "[" + std::to_string(numbers.size()) + "]"));
  return numbers;
}

// Token strings as [...] (one sequence) or [[...], ...].
std::vector<std::vector<std::string>> TokenLists(const Json& value, const LoadContext& context,
                                                 const std::string& place) {
  const auto strings = [&](const Json& list) {
    if (!list.is_array()) context.Fail(place, "expected a list of token strings");
    std::vector<std::string> tokens;
    for (const Json& token : list) {
      if (!token.is_string()) context.Fail(place, "expected a list of token strings");
      tokens.push_back(token.get<std::string>());
    }
    return tokens;
  };
  if (value.is_array() && !value.empty() && value[0].is_array()) {
    std::vector<std::vector<std::string>> lists;
    for (const Json& list : value) lists.push_back(strings(list));
    return lists;
  }
  return {strings(value)};
}

}  // namespace

const SafetensorsDType* FindSafetensorsDType(std::string_view name) {
  const auto* type = std::find_if(std::begin(kDTypes), std::end(kDTypes), [&](const SafetensorsDType& t) { return t.name == name; });
  return type == std::end(kDTypes) ? nullptr : type;
}

uint64_t SafetensorsHeaderLength(std::string_view bytes) {
  uint64_t length = 0;
  for (size_t i = 0; i < 8; ++i) length |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  return length;
}

bool LooksLikeSafetensors(std::string_view bytes) {
  if (bytes.size() < 10) return false;
  const uint64_t length = SafetensorsHeaderLength(bytes);
  return length >= 2 && bytes[8] == '{' && length <= bytes.size() - 8;
}

std::vector<std::vector<std::string>> ParseTokenListJson(std::string_view text, const LoadContext& context,
                                                         const std::string& place) {
  return TokenLists(ParseJson(text, context.Source() + ": " + place), context, place);
}

Document LoadSafetensors(const LoadContext& context) {
  const std::string_view bytes = context.File()->Bytes();
  const uint64_t length = SafetensorsHeaderLength(bytes);
  const std::string_view data = bytes.substr(8 + length);
  const Json header = ParseJson(bytes.substr(8, length), context.Source() + ": header");
  if (!header.is_object()) context.Fail("header", "expected a JSON object");
  std::vector<ArrayData> arrays;
  std::vector<std::vector<std::string>> tokens;
  for (const auto& [name, info] : header.items()) {
    const std::string place = "tensor '" + Shortened(name) + "'";
    if (name == "__metadata__") {
      if (const auto value = info.is_object() ? info.find("tokens") : info.end(); value != info.end())
        tokens = value->is_string() ? ParseTokenListJson(value->get_ref<const std::string&>(), context,
                                                         "__metadata__.tokens")
                                    : TokenLists(*value, context, "__metadata__.tokens");
      continue;
    }
    if (!info.is_object()) context.Fail(place, "expected an object with dtype, shape and data_offsets");
    const auto dtype = info.find("dtype");
    if (dtype == info.end() || !dtype->is_string()) context.Fail(place, "needs a dtype string");
    const SafetensorsDType* type = FindSafetensorsDType(dtype->get_ref<const std::string&>());
    if (!type) context.Fail(place, "unsupported dtype " + Shortened(dtype->get_ref<const std::string&>()));
    ArrayData array;
    array.name = name;
    array.kind = type->kind;
    array.item_size = type->size;
    array.shape = WholeNumbers(info, "shape", kMaxDimensions, context, place);
    const std::vector<uint64_t> offsets = WholeNumbers(info, "data_offsets", 2, context, place);
    if (offsets.size() != 2) context.Fail(place, "data_offsets must be [begin, end]");
    if (offsets[0] > offsets[1] || offsets[1] > data.size())
      context.Fail(place, "data_offsets lie outside the file's " + std::to_string(data.size()) +
                              " data bytes (truncated file?)");
    const uint64_t count = array.ElementCount();
    if (count == std::numeric_limits<uint64_t>::max() || count * array.item_size != offsets[1] - offsets[0])
      context.Fail(place, "shape and dtype need a different byte count than data_offsets give");
    array.bytes = data.substr(offsets[0], offsets[1] - offsets[0]);
    array.owner = context.File();
    arrays.push_back(std::move(array));
  }
  if (tokens.empty())
    if (auto sidecar = context.SidecarTokens()) tokens = std::move(*sidecar);
  return BuildDocumentFromArrays(context, std::move(arrays), std::move(tokens));
}

}  // namespace th
