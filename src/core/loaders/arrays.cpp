#include "core/loaders/arrays.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <utility>

#include "core/attention.hpp"
#include "core/feature_dictionary.hpp"
#include "core/feature_index.hpp"
#include "core/halves_in_parallel.hpp"
#include "core/utf8.hpp"

namespace th {

namespace {

// [SECTION] .npy header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }

class HeaderParser {
 public:
  HeaderParser(std::string_view text, const LoadContext& context, std::string place)
      : m_text(text), m_context(context), m_place(std::move(place)) {}

  void Parse(ArrayData& array) {
    std::optional<std::string> descr;
    std::optional<bool> fortran;
    std::optional<std::vector<uint64_t>> shape;
    Expect('{');
    while (Peek() != '}') {
      const std::string key = String();
      Expect(':');
      if (key == "descr") {
        if (Peek() != '\'' && Peek() != '"')
          Fail("structured dtypes are not supported (save each field as its own array)");
        descr = String();
      } else if (key == "fortran_order") {
        fortran = Bool();
      } else if (key == "shape") {
        shape = Tuple();
      } else {
        Fail("unexpected key '" + Shortened(key) + "' in the header");
      }
      if (Peek() == ',') ++m_pos;
    }
    if (!descr || !fortran || !shape) Fail("the header lacks descr, fortran_order or shape");
    SetDType(array, *descr);
    array.fortran_order = *fortran;
    array.shape = *shape;
  }

 private:
  [[noreturn]] void Fail(const std::string& message) const { m_context.Fail(m_place, message); }

  char Peek() {
    while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n')) ++m_pos;
    if (m_pos >= m_text.size()) Fail("the header ends early");
    return m_text[m_pos];
  }

  void Expect(char c) {
    if (Peek() != c) Fail(std::string("malformed header: expected '") + c + "' at header byte " + std::to_string(m_pos));
    ++m_pos;
  }

  std::string String() {
    const char quote = Peek();
    if (quote != '\'' && quote != '"') Fail("malformed header at header byte " + std::to_string(m_pos));
    const size_t end = m_text.find(quote, m_pos + 1);
    if (end == std::string_view::npos) Fail("malformed header: unterminated string");
    std::string text(m_text.substr(m_pos + 1, end - m_pos - 1));
    m_pos = end + 1;
    return text;
  }

  bool Bool() {
    Peek();
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}})
      if (m_text.substr(m_pos).starts_with(word)) {
        m_pos += std::strlen(word);
        return value;
      }
    Fail("malformed header: fortran_order is not True or False");
  }

  std::vector<uint64_t> Tuple() {
    Expect('(');
    std::vector<uint64_t> shape;
    while (Peek() != ')') {
      if (shape.size() == kMaxDimensions)
        Fail("the shape has more than " + std::to_string(kMaxDimensions) + " dimensions");
      const size_t end = std::min(m_text.find_first_of(",) \n", m_pos), m_text.size());
      const std::string_view number = m_text.substr(m_pos, end - m_pos);
      uint64_t value = 0;
      for (const char digit : number) {
        if (digit < '0' || digit > '9') Fail("the shape's " + Shortened(number) + " is not a whole number");
        if (value > (std::numeric_limits<uint64_t>::max() - 9) / 10) Fail("a dimension is too large");
        value = value * 10 + static_cast<uint64_t>(digit - '0');
      }
      if (number.empty()) Fail("malformed header: bad shape");
      m_pos = end;
      shape.push_back(value);
      if (Peek() == ',') ++m_pos;
    }
    ++m_pos;
    return shape;
  }

  void SetDType(ArrayData& array, const std::string& descr) {
    if (descr.size() < 2) Fail("unsupported dtype '" + Shortened(descr) + "'");
    const char order = descr[0];
    const char kind = descr[1];
    if (kind == 'O')
      Fail("object arrays need pickle, which tokenheat never runs; save token strings as a unicode "
           "array instead: np.array(tokens, dtype=str)");
    size_t size = 0;
    for (size_t i = 2; i < descr.size(); ++i) {
      if (descr[i] < '0' || descr[i] > '9' || size > (1u << 20)) Fail("unsupported dtype '" + Shortened(descr) + "'");
      size = size * 10 + static_cast<size_t>(descr[i] - '0');
    }
    const bool numeric_size = (kind == 'f' && (size == 2 || size == 4 || size == 8)) ||
                              ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) ||
                              (kind == 'b' && size == 1);
    if (!(numeric_size || ((kind == 'U' || kind == 'S') && size > 0)) || (order != '<' && order != '>' && order != '|' && order != '='))
      Fail("unsupported dtype '" + Shortened(descr) + "' (floats, integers, bools and unicode strings are)");
    array.kind = kind;
    array.item_size = kind == 'U' ? size * 4 : size;
    array.big_endian = order == '>';
  }

  std::string_view m_text;
  const LoadContext& m_context;
  std::string m_place;
  size_t m_pos = 0;
};

// [SECTION] .npy layout: magic "\x93NUMPY", version, header length, the header dict, the elements

std::string NpyPlace(const std::string& name) { return name.empty() ? std::string("header") : ArrayPlace(name); }

struct NpyPreamble {
  size_t header_begin = 0;
  uint32_t header_length = 0;
  size_t DataOffset() const { return header_begin + header_length; }
};

NpyPreamble ReadNpyPreamble(const LoadContext& context, std::string_view bytes, const std::string& place) {
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY")) context.Fail(place, "not a .npy array (bad magic)");
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) context.Fail(place, "unsupported .npy version " + std::to_string(major));
  const size_t length_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + length_bytes) context.Fail(place, "truncated .npy header");
  NpyPreamble preamble;
  preamble.header_begin = 8 + length_bytes;
  for (size_t i = 0; i < length_bytes; ++i)
    preamble.header_length |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
  return preamble;
}

// The array's name, dtype and shape from the header dict (bytes reach at least its end).
ArrayData ParseNpyHeader(const LoadContext& context, std::string_view bytes, const NpyPreamble& preamble,
                         std::string name, const std::string& place) {
  ArrayData array;
  array.name = name.empty() ? "values" : std::move(name);
  HeaderParser(bytes.substr(preamble.header_begin, preamble.header_length), context, place).Parse(array);
  return array;
}

// [SECTION] Reading elements

template <typename T>
T Load(const char* p, bool swap) {
  T value;
  std::memcpy(&value, p, sizeof value);
  if (swap && sizeof(T) > 1) {
    auto bytes = std::bit_cast<std::array<unsigned char, sizeof(T)>>(value);
    std::reverse(bytes.begin(), bytes.end());
    value = std::bit_cast<T>(bytes);
  }
  return value;
}

// float8 e4m3fn (PyTorch's float8_e4m3fn, safetensors' F8_E4M3): bias 7, no infinities, S.1111.111
// is NaN.
float Float8E4M3ToFloat(uint8_t byte) {
  const bool negative = (byte & 0x80) != 0;
  const int exponent = (byte >> 3) & 0xF;
  const int mantissa = byte & 0x7;
  float magnitude;
  if (exponent == 0xF && mantissa == 0x7) magnitude = std::numeric_limits<float>::quiet_NaN();
  else if (exponent == 0) magnitude = std::ldexp(static_cast<float>(mantissa), -9);  // subnormal: m/8 * 2^-6
  else magnitude = std::ldexp(static_cast<float>(8 + mantissa), exponent - 10);      // 1.m * 2^(e-7)
  return negative ? -magnitude : magnitude;
}

}  // namespace

int64_t IntegerAt(const ArrayData& array, uint64_t element) {
  const char* p = array.bytes.data() + element * array.item_size;
  const bool swap = array.big_endian;
  const bool is_signed = array.kind == 'i';
  // Each branch widened on its own: int32_t beside uint32_t in one ?: would make -1 4294967295.
  switch (array.item_size) {
    case 1: return is_signed ? int64_t{Load<int8_t>(p, swap)} : int64_t{Load<uint8_t>(p, swap)};
    case 2: return is_signed ? int64_t{Load<int16_t>(p, swap)} : int64_t{Load<uint16_t>(p, swap)};
    case 4: return is_signed ? int64_t{Load<int32_t>(p, swap)} : int64_t{Load<uint32_t>(p, swap)};
    default: return Load<int64_t>(p, swap);
  }
}

void AppendTextAt(std::string& out, const ArrayData& array, uint64_t element) {
  const char* p = array.bytes.data() + element * array.item_size;
  if (array.kind == 'S') {
    size_t length = array.item_size;
    while (length > 0 && p[length - 1] == '\0') --length;  // numpy pads with NULs
    out.append(p, length);
    return;
  }
  size_t units = array.item_size / 4;
  while (units > 0 && Load<uint32_t>(p + (units - 1) * 4, array.big_endian) == 0) --units;
  for (size_t i = 0; i < units; ++i) {
    const char32_t cp = Load<uint32_t>(p + i * 4, array.big_endian);
    AppendUtf8(out, cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? kReplacementChar : cp);
  }
}

namespace {

// [SECTION] The token grid: S sequences of T tokens

struct Grid {
  uint64_t sequences = 1;
  uint64_t tokens = 0;
};

enum class Fit { kNone, kExact, kChannels };

// How an array lines up with the grid: [T] or [S, T] exactly, or with a trailing channel axis.
Fit FitOf(const ArrayData& array, const Grid& grid) {
  const auto& shape = array.shape;
  if (grid.sequences == 1 && shape.size() == 1 && shape[0] == grid.tokens) return Fit::kExact;
  if (shape.size() == 2 && shape[0] == grid.sequences && shape[1] == grid.tokens) return Fit::kExact;
  if (grid.sequences == 1 && shape.size() == 2 && shape[0] == grid.tokens) return Fit::kChannels;
  if (shape.size() == 3 && shape[0] == grid.sequences && shape[1] == grid.tokens) return Fit::kChannels;
  return Fit::kNone;
}

// Element index of (s, t, c) for an array that fits the grid, in either memory order.
uint64_t ElementIndex(const ArrayData& array, const Grid& grid, uint64_t s, uint64_t t, uint64_t c) {
  const bool has_sequence_axis = array.shape.size() == 3 || (array.shape.size() == 2 && FitOf(array, grid) == Fit::kExact);
  const uint64_t channels = FitOf(array, grid) == Fit::kChannels ? array.shape.back() : 1;
  const uint64_t sequences = has_sequence_axis ? grid.sequences : 1;
  const uint64_t s_index = has_sequence_axis ? s : 0;
  if (array.fortran_order) return s_index + t * sequences + c * sequences * grid.tokens;
  return (s_index * grid.tokens + t) * channels + c;
}

// Where channel c of sequence s lies in an array that fits the grid, and whether its elements
// are already in T's in-memory form (float32 or int32, little-endian). Every column of an array
// has the same strides, and its elements' offsets are multiples of their size, so whether a column
// can be borrowed (native, contiguous, aligned) is the same for all of them.
template <typename T>
struct ColumnLayout {
  uint64_t first = 0;  // element index of token 0
  bool contiguous = false;
  bool native = false;
  const char* begin = nullptr;
  bool Borrowable() const { return native && contiguous && reinterpret_cast<uintptr_t>(begin) % alignof(T) == 0; }
};

template <typename T>
ColumnLayout<T> LayoutOf(const ArrayData& array, const Grid& grid, uint64_t s, uint64_t c) {
  ColumnLayout<T> layout;
  layout.first = ElementIndex(array, grid, s, 0, c);
  layout.contiguous = grid.tokens < 2 || ElementIndex(array, grid, s, 1, c) == layout.first + 1;
  const char native_kind = std::is_floating_point_v<T> ? 'f' : 'i';
  layout.native = array.kind == native_kind && array.item_size == sizeof(T) && !array.big_endian;
  layout.begin = array.bytes.data() + layout.first * array.item_size;
  return layout;
}

// Channel c of sequence s as a column of T. Elements already in T's in-memory form (float32 or
// int32, little-endian, contiguous in C order, aligned) are borrowed from the file's mapping; when
// only the alignment is wrong (np.savez does not align its members) their bytes are copied; any
// other dtype or order is converted by convert(element index, token index). A contiguous copy
// hands the mapped pages it read back as it goes, so the array is not resident twice.
template <typename T, typename Convert>
Column<T> GridColumn(const LoadContext& context, const ArrayData& array, const Grid& grid, uint64_t s, uint64_t c,
                     const Convert& convert) {
  const ColumnLayout<T> layout = LayoutOf<T>(array, grid, s, c);
  const auto [first, contiguous, native, begin] = layout;
  if (layout.Borrowable()) return Column<T>::Borrow({reinterpret_cast<const T*>(begin), grid.tokens}, array.owner);
  std::vector<T> values(grid.tokens);
  constexpr uint64_t kChunk = uint64_t{1} << 18;
  for (uint64_t chunk = 0; chunk < grid.tokens; chunk += kChunk) {
    const uint64_t end = std::min(grid.tokens, chunk + kChunk);
    if (native && contiguous) {
      std::memcpy(values.data() + chunk, begin + chunk * sizeof(T), (end - chunk) * sizeof(T));
    } else {
      for (uint64_t t = chunk; t < end; ++t)
        values[t] = convert(contiguous ? first + t : ElementIndex(array, grid, s, t, c), t);
    }
    if (contiguous) context.File()->Release({begin + chunk * array.item_size, (end - chunk) * array.item_size});
    if (LoadProgress* progress = context.Progress()) {
      // The file's own bytes count; an inflated member's were counted as they were inflated.
      const std::string_view read(begin + chunk * array.item_size, (end - chunk) * array.item_size);
      if (contiguous && context.File()->Contains(read)) progress->Add(read.size());
      progress->ThrowIfCancelled();
    }
  }
  return values;
}

ValueColumn ChannelValues(const LoadContext& context, const ArrayData& array, const Grid& grid, uint64_t s,
                          uint64_t c) {
  return GridColumn<float>(context, array, grid, s, c,
                           [&](uint64_t element, uint64_t) { return NumberAt(array, element); });
}

// [SECTION] Element types of attention and features

std::string DTypeName(const ArrayData& array) {
  const std::string bits = std::to_string(array.item_size * 8);
  switch (array.kind) {
    case 'f': return "float" + bits;
    case 'B': return "bfloat16";
    case 'e': return "float8_e4m3fn";
    case 'E': return "float8_e5m2";
    case 'i': return "int" + bits;
    case 'u': return "uint" + bits;
    case 'b': return "bool";
    default: return "text";
  }
}

// The array's elements as attention and dense features read them in place, or nullopt for a type
// they would have to convert whole.
std::optional<StoredElements::Type> StoredType(const ArrayData& array) {
  if (array.kind == 'f' && array.item_size == 4) return StoredElements::Type::kFloat32;
  if (array.kind == 'f' && array.item_size == 2) return StoredElements::Type::kFloat16;
  if (array.kind == 'B') return StoredElements::Type::kBFloat16;
  return std::nullopt;
}

// "[2, 5]": an element's position in an array, for messages.
std::string Position(std::initializer_list<uint64_t> indices) {
  std::string text = "[";
  for (const uint64_t index : indices) text += (text.size() > 1 ? ", " : "") + std::to_string(index);
  return text + "]";
}

class DocumentBuilder {
 public:
  DocumentBuilder(const LoadContext& context, std::vector<ArrayData> arrays,
                  std::vector<std::vector<std::string>> extra_tokens)
      : m_context(context), m_arrays(std::move(arrays)), m_extra_tokens(std::move(extra_tokens)) {}

  Document Build() {
    const ArrayData* tokens = Find({"tokens"});
    const ArrayData* ids = Find({"token_ids", "input_ids"});
    const ArrayData* values = Find({"values"});
    if (tokens && !tokens->IsText())
      m_context.Fail(ArrayPlace(tokens->name), "tokens must be a unicode array (dtype <U), not numbers");
    if (ids && (ids->kind != 'i' && ids->kind != 'u'))
      m_context.Fail(ArrayPlace(ids->name), "token ids must be integers");
    ChooseGrid(tokens ? tokens : ids ? ids : values);
    if (tokens) RequireFit(*tokens, false);
    if (ids) RequireFit(*ids, false);
    FindAttention();
    const std::vector<ChannelSource> channels = ChannelSources(values);
    RequireMemory(m_context, MemoryNeeded(tokens, ids, channels));

    Document document;
    document.source = m_context.Source();
    document.sequences.resize(m_grid.sequences);
    FillTokens(document, tokens, ids);
    for (const ChannelSource& channel : channels) AddArrayChannels(document, channel);
    Names(document);
    RemovePadding(document);
    AttachAttention(document);
    AttachFeatures(document);
    if (std::all_of(document.sequences.begin(), document.sequences.end(), [](const Sequence& sequence) {
          return sequence.channels.empty() && !sequence.Attention() && !sequence.Features();
        }))
      FailNoChannels(document.warnings.empty() ? "" : document.warnings.front());
    // Arrays that are neither read nor reserved are said, never dropped silently.
    for (const ArrayData& array : m_arrays)
      if (!Reserved(array.name) && (!array.IsNumeric() || FitOf(array, m_grid) == Fit::kNone))
        document.warnings.push_back(ArrayPlace(array.name) + " has " + (array.IsNumeric() ? "" : "text of ") + "shape " +
                                    ShapeText(array.shape) + ", not the tokens' " +
                                    ShapeText({m_grid.sequences, m_grid.tokens}) + ": not read");
    return document;
  }

 private:
  const ArrayData* Find(std::initializer_list<std::string_view> names) const {
    for (const std::string_view name : names)
      for (const ArrayData& array : m_arrays)
        if (array.name == name) return &array;
    return nullptr;
  }

  // An array that becomes channels: count of them in each sequence.
  struct ChannelSource {
    const ArrayData* array;
    uint64_t count;
  };

  // Arrays that are not channels: the tokens, names and masks, attention and features (which say
  // themselves what they do not read).
  bool Reserved(std::string_view name) const {
    for (const std::string_view reserved : {"tokens", "token_ids", "input_ids", "values", "names", "channel_names",
                                            "mask", "attention_mask"})
      if (name == reserved) return true;
    return IsAttentionName(name) || IsFeatureName(name);
  }

  // The grid comes from the tokens (or ids), else from the sidecar/metadata tokens, else from the
  // first value array: [T] is one sequence, [S, T] and [S, T, C] are S sequences.
  void ChooseGrid(const ArrayData* primary) {
    if (!primary && m_extra_tokens.empty())
      for (const ArrayData& array : m_arrays)
        if (array.IsNumeric() && !Reserved(array.name)) {
          primary = &array;
          break;
        }
    if (primary) {
      const auto& shape = primary->shape;
      const bool text_grid = primary->name == "tokens" || primary->name == "token_ids" || primary->name == "input_ids";
      if (shape.empty() || shape.size() > (text_grid ? 2u : 3u))
        m_context.Fail(ArrayPlace(primary->name), "has shape " + ShapeText(shape) + "; expected [tokens], "
                       "[sequences, tokens]" + (text_grid ? "" : " or [sequences, tokens, channels]"));
      m_grid = shape.size() == 1 ? Grid{1, shape[0]} : Grid{shape[0], shape[1]};
    } else if (!m_extra_tokens.empty()) {
      m_grid = {m_extra_tokens.size(), m_extra_tokens[0].size()};
      for (size_t s = 0; s < m_extra_tokens.size(); ++s)
        if (m_extra_tokens[s].size() != m_grid.tokens)
          m_context.Fail("tokens[" + std::to_string(s) + "]", "has " + std::to_string(m_extra_tokens[s].size()) +
                         " tokens but tokens[0] has " + std::to_string(m_grid.tokens) + " (pad shorter sequences)");
    } else {
      m_context.Fail("arrays", "no numeric array to show (expected 'values' or float arrays)");
    }
    // An empty axis would make a document of nothing, yet the other axes can name billions of
    // sequences or channels (a (3000000, 0) array fits in 128 bytes): refused before any of it.
    if (primary) RequireElements(*primary);
    else if (m_grid.tokens == 0) m_context.Fail("tokens", "are empty lists: there are no tokens to show");
  }

  void RequireElements(const ArrayData& array) const {
    if (array.ElementCount() == 0)
      m_context.Fail(ArrayPlace(array.name), "has shape " + ShapeText(array.shape) + ": an axis of length 0 "
                     "leaves nothing to show");
  }

  void RequireFit(const ArrayData& array, bool allow_channels) const {
    const Fit fit = FitOf(array, m_grid);
    if (fit == Fit::kExact || (allow_channels && fit == Fit::kChannels)) return;
    const std::vector<uint64_t> grid_shape = m_grid.sequences == 1 && array.shape.size() == 1
                                                 ? std::vector<uint64_t>{m_grid.tokens}
                                                 : std::vector<uint64_t>{m_grid.sequences, m_grid.tokens};
    m_context.Fail(ArrayPlace(array.name), "has shape " + ShapeText(array.shape) + " but the tokens have shape " +
                   ShapeText(grid_shape));
  }

  // The smallest and largest id, in eight independent lanes (no chain of dependent compares).
  static std::pair<int32_t, int32_t> IdRange(std::span<const int32_t> ids) {
    constexpr size_t kLanes = 8;
    int32_t lows[kLanes], highs[kLanes];
    std::fill(lows, lows + kLanes, std::numeric_limits<int32_t>::max());
    std::fill(highs, highs + kLanes, std::numeric_limits<int32_t>::min());
    size_t i = 0;
    for (; i + kLanes <= ids.size(); i += kLanes)
      for (size_t lane = 0; lane < kLanes; ++lane) {
        lows[lane] = std::min(lows[lane], ids[i + lane]);
        highs[lane] = std::max(highs[lane], ids[i + lane]);
      }
    for (size_t lane = 0; i < ids.size(); ++i, ++lane) {
      lows[lane] = std::min(lows[lane], ids[i]);
      highs[lane] = std::max(highs[lane], ids[i]);
    }
    return {*std::min_element(lows, lows + kLanes), *std::max_element(highs, highs + kLanes)};
  }

  static bool AllInVocabulary(const Vocabulary& vocabulary, std::span<const int32_t> ids) {
    if (ids.empty()) return true;
    // A billion ids (4 GB) on two threads: half the time to the first frame.
    std::pair<int32_t, int32_t> range, second;
    if (ids.size() >= kHalvesInParallel) {
      RunHalvesInParallel(ids, [&](int half, std::span<const int32_t> part) { (half ? second : range) = IdRange(part); });
      range = {std::min(range.first, second.first), std::max(range.second, second.second)};
    } else {
      range = IdRange(ids);
    }
    const auto [lo, hi] = range;
    if (lo < 0 || static_cast<int64_t>(hi) - lo > (int64_t{1} << 24)) return false;
    for (int64_t id = lo; id <= hi; ++id)
      if (!vocabulary.Contains(id)) return false;
    return true;
  }

  void FillTokens(Document& document, const ArrayData* tokens, const ArrayData* ids) {
    if (!tokens && !ids && !m_extra_tokens.empty() &&
        (m_extra_tokens.size() != m_grid.sequences || m_extra_tokens[0].size() != m_grid.tokens))
      m_context.Fail("tokens", "have shape (" + std::to_string(m_extra_tokens.size()) + ", " +
                     std::to_string(m_extra_tokens[0].size()) + ") but the values have (" +
                     std::to_string(m_grid.sequences) + ", " + std::to_string(m_grid.tokens) + ")");
    const Vocabulary* vocabulary = !tokens && ids ? &m_context.RequireVocabulary(ArrayPlace(ids->name)) : nullptr;
    std::string text;
    for (uint64_t s = 0; s < m_grid.sequences; ++s) {
      Sequence& sequence = document.sequences[s];
      const auto fail_id = [&](uint64_t t, int64_t id, const std::string& why) {
        m_context.Fail(ArrayPlace(ids->name) + "[" + std::to_string(s) + ", " + std::to_string(t) + "]",
                       "id " + std::to_string(id) + why);
      };
      IdColumn sequence_ids;
      if (ids) {
        sequence_ids = GridColumn<int32_t>(m_context, *ids, m_grid, s, 0, [&](uint64_t element, uint64_t t) {
          const int64_t id = IntegerAt(*ids, element);
          if (id < std::numeric_limits<int32_t>::min() || id > std::numeric_limits<int32_t>::max())
            fail_id(t, id, vocabulary ? " is not in the vocabulary " + vocabulary->Path()
                                                            : " is out of range for a token id");
          return static_cast<int32_t>(id);
        });
      }
      if (vocabulary) {
        // Tokens as ids into the vocabulary's table: no string per token. The ids' range first (a
        // pass the compiler vectorises: a billion ids in a fraction of a second); one by one only
        // when an id in that range is missing from the vocabulary.
        if (!AllInVocabulary(*vocabulary, sequence_ids))
          for (uint64_t t = 0; t < m_grid.tokens; ++t)
            if (!vocabulary->Contains(sequence_ids[t]))
              fail_id(t, sequence_ids[t], " is not in the vocabulary " + vocabulary->Path());
        sequence.SetTableTokens(std::move(sequence_ids), vocabulary->Table());
        continue;
      }
      sequence.ReserveTokens(m_grid.tokens, m_grid.tokens * 4);
      // Token text read once, front to back (C order, one string per token): its mapped pages are
      // handed back as the conversion goes, so the text is not resident twice (UTF-32 in the file,
      // UTF-8 in the document: a 10M-token array of 7-character words is 280 MB of the former).
      const bool release = tokens && !tokens->fortran_order && tokens->ElementCount() == m_grid.sequences * m_grid.tokens;
      constexpr uint64_t kReleaseChunk = uint64_t{1} << 16;
      for (uint64_t t = 0; t < m_grid.tokens; ++t) {
        text.clear();
        if (tokens) AppendTextAt(text, *tokens, ElementIndex(*tokens, m_grid, s, t, 0));
        else if (!m_extra_tokens.empty()) text = m_extra_tokens[s][t];
        else text = std::to_string(t);  // no token strings at all: show positions
        sequence.AppendToken(text);
        if (release && ((t + 1) % kReleaseChunk == 0 || t + 1 == m_grid.tokens)) {
          const uint64_t chunk = t / kReleaseChunk * kReleaseChunk;
          m_context.File()->Release(tokens->bytes.substr(ElementIndex(*tokens, m_grid, s, chunk, 0) * tokens->item_size,
                                                         (t + 1 - chunk) * tokens->item_size));
        }
      }
      if (ids) sequence.SetTokenIds(std::move(sequence_ids));
    }
  }

  std::vector<std::string> ChannelNames(uint64_t count) const {
    std::vector<std::string> names;
    if (const ArrayData* given = Find({"channel_names"})) {
      if (!given->IsText() || given->shape.size() != 1 || given->shape[0] != count)
        m_context.Fail(ArrayPlace("channel_names"), "must be a unicode array of " + std::to_string(count) +
                       " names, one per channel (it has shape " + ShapeText(given->shape) + ")");
      for (uint64_t c = 0; c < count; ++c) AppendTextAt(names.emplace_back(), *given, c);
      return names;
    }
    for (uint64_t c = 0; c < count; ++c) names.push_back("channel " + std::to_string(c));
    return names;
  }

  // 'values' first, then every other numeric array shaped like the tokens.
  std::vector<ChannelSource> ChannelSources(const ArrayData* values) const {
    std::vector<ChannelSource> sources;
    const auto add = [&](const ArrayData& array) {
      sources.push_back({&array, FitOf(array, m_grid) == Fit::kChannels ? array.shape.back() : 1});
    };
    if (values) {
      if (!values->IsNumeric()) m_context.Fail(ArrayPlace("values"), "values must be numbers");
      RequireFit(*values, true);
      RequireElements(*values);
      add(*values);
    }
    for (const ArrayData& array : m_arrays)
      if (array.IsNumeric() && !Reserved(array.name) && FitOf(array, m_grid) != Fit::kNone) add(array);
    // Attention or features alone are something to show (the document is then checked again once
    // they are attached).
    const bool extras = m_attention.has_value() ||
                        Find({"features", "feature_activations", "feature_indices", "feature_tokens"}) != nullptr;
    if (!extras &&
        std::all_of(sources.begin(), sources.end(), [](const ChannelSource& source) { return source.count == 0; }))
      FailNoChannels();
    return sources;
  }

  // why: what became of the attention or features, when they were all there was.
  [[noreturn]] void FailNoChannels(std::string_view why = "") const {
    m_context.Fail("arrays", "no numeric array has the tokens' shape (" + std::to_string(m_grid.sequences) + ", " +
                   std::to_string(m_grid.tokens) + ")" + (why.empty() ? "" : " (" + std::string(why) + ")"));
  }

  // What the document will take in memory, counted before any of it is allocated: a few bytes of
  // file can name millions of sequences or channels (a (3000000, 1) array of bytes), each of which
  // costs a Sequence or a Channel and heap blocks. Token texts count one byte each, and
  // columns borrowed from the file nothing, so this is what the document needs at least.
  uint64_t MemoryNeeded(const ArrayData* tokens, const ArrayData* ids, const std::vector<ChannelSource>& channels) const {
    constexpr uint64_t kHeapBlock = 32;  // what an allocation costs beyond its bytes, about
    const uint64_t token_count = m_grid.tokens;
    uint64_t per_sequence = sizeof(Sequence) + kHeapBlock;  // and its name
    if (ids && !LayoutOf<int32_t>(*ids, m_grid, 0, 0).Borrowable())
      per_sequence += token_count * sizeof(int32_t) + kHeapBlock;
    // Token strings: a StringTable's end offsets and text, a byte each at least; with neither
    // strings nor ids the tokens are positions, as many digits as the count has at most.
    const uint64_t text_bytes = tokens ? 1 : std::to_string(token_count).size();
    if (tokens || !ids) per_sequence += token_count * (sizeof(uint64_t) + text_bytes) + 2 * kHeapBlock;
    for (const ChannelSource& channel : channels) {
      const bool borrowed = LayoutOf<float>(*channel.array, m_grid, 0, 0).Borrowable();
      per_sequence += channel.count * (sizeof(Channel) + kHeapBlock + (borrowed ? 0 : token_count * sizeof(float)));
    }
    // The arrays' elements bound the sequences, tokens and channels by the input's size, so this
    // product stays far from overflowing.
    return m_grid.sequences * per_sequence;
  }

  void AddArrayChannels(Document& document, const ChannelSource& channel) {
    const ArrayData& array = *channel.array;
    std::vector<std::string> names;
    if (FitOf(array, m_grid) == Fit::kExact) names.emplace_back(array.name == "values" ? "value" : array.name);
    else if (array.name == "values") names = ChannelNames(channel.count);
    else for (uint64_t c = 0; c < channel.count; ++c) names.push_back(array.name + "[" + std::to_string(c) + "]");
    for (uint64_t s = 0; s < m_grid.sequences; ++s)
      for (uint64_t c = 0; c < channel.count; ++c)
        document.sequences[s].channels.push_back({names[c], ChannelValues(m_context, array, m_grid, s, c)});
  }

  void Names(Document& document) const {
    const ArrayData* names = Find({"names"});
    if (names && (!names->IsText() || names->shape.size() != 1 || names->shape[0] != m_grid.sequences))
      m_context.Fail(ArrayPlace("names"), "must be a unicode array of " + std::to_string(m_grid.sequences) +
                     " sequence names (it has shape " + ShapeText(names->shape) + ")");
    for (uint64_t s = 0; s < m_grid.sequences; ++s) {
      if (names) AppendTextAt(document.sequences[s].name, *names, s);
      else document.sequences[s].name = "sequence " + std::to_string(s);
    }
  }

  // Padding of shorter sequences: mask == 0, or (without a mask, in a batch) a trailing run of
  // tokens whose values are NaN in every channel. Each sequence's keep flags stay in m_keep for
  // the attention and features, which are laid out over the padded tokens.
  void RemovePadding(Document& document) {
    m_keep.assign(m_grid.sequences, {});
    const ArrayData* mask = Find({"mask", "attention_mask"});
    if (mask) {
      if (!mask->IsNumeric()) m_context.Fail(ArrayPlace(mask->name), "mask must be numbers or bools");
      RequireFit(*mask, false);
    } else if (m_grid.sequences < 2) {
      return;
    }
    for (uint64_t s = 0; s < m_grid.sequences; ++s) {
      Sequence& sequence = document.sequences[s];
      if (!mask && sequence.channels.empty()) continue;  // no values: nothing says what is padding
      std::vector<bool> keep(m_grid.tokens, true);
      if (mask) {
        for (uint64_t t = 0; t < m_grid.tokens; ++t)
          keep[t] = NumberAt(*mask, ElementIndex(*mask, m_grid, s, t, 0)) != 0.0f;
      } else {
        for (uint64_t t = m_grid.tokens; t-- > 0;) {
          const bool all_nan = std::all_of(sequence.channels.begin(), sequence.channels.end(),
                                           [&](const Channel& channel) { return std::isnan(channel.values[t]); });
          if (!all_nan) break;
          keep[t] = false;
        }
      }
      if (std::find(keep.begin(), keep.end(), false) != keep.end()) {
        sequence.KeepTokens(keep);
        m_keep[s] = std::move(keep);
      }
    }
  }

  // [SECTION] Attention and features over the padded tokens

  // The first padded token that sequence s kept, when it kept one run of them (padding removed at
  // either end, or none); nullopt when padding was removed from inside it.
  std::optional<uint64_t> FirstKept(uint64_t s) const {
    const std::vector<bool>& keep = m_keep[s];
    const auto first = std::find(keep.begin(), keep.end(), true);
    const auto last = std::find(keep.rbegin(), keep.rend(), true).base();
    if (first < last && std::find(first, last, false) != last) return std::nullopt;
    return first < last ? static_cast<uint64_t>(first - keep.begin()) : 0;
  }
  bool Kept(uint64_t s, uint64_t t) const { return m_keep[s].empty() || m_keep[s][t]; }
  void InnerPadding(Document& document, const std::string& place, uint64_t s, const char* what) const {
    document.warnings.push_back(place + ": sequence " + std::to_string(s) + " lost padding from inside its tokens "
                                "(mask), so the " + what + "' rows no longer line up with them: not read for it");
  }

  void ThrowIfCancelled() const {
    if (LoadProgress* progress = m_context.Progress()) progress->ThrowIfCancelled();
  }

  // [SECTION] Attention

  bool IsAttentionName(std::string_view name) const {
    const std::string& asked = m_context.Options().attention_array;
    return name == "attention" || name == "attn" || (!asked.empty() && name == asked);
  }

  // Where the attention is: the array asked for (else attention, else attn), or NAME.0.npy,
  // NAME.1.npy... beside the input, one file a layer. Asked for and in neither: a LoadError.
  void FindAttention() {
    const std::string& asked = m_context.Options().attention_array;
    const std::vector<std::string_view> names = asked.empty() ? std::vector<std::string_view>{"attention", "attn"}
                                                              : std::vector<std::string_view>{asked};
    for (const std::string_view name : names)
      if (const ArrayData* array = Find({name})) {
        m_attention = AttentionSource{ArrayPlace(name), {array}, false};
        return;
      }
    const std::string file_name = asked.empty() ? std::string("attention") : asked;
    LoadLayerFiles(file_name);
    if (!m_layer_files.empty()) {
      AttentionSource source{"attention files " + m_layer_files.front().name + ".." + m_layer_files.back().name, {}, true};
      for (const ArrayData& file : m_layer_files) source.arrays.push_back(&file);
      m_attention = std::move(source);
      return;
    }
    if (!asked.empty())
      m_context.Fail(ArrayPlace(asked), "not in the file, and no " + Shortened(asked) + ".0.npy beside it");
  }

  // NAME.0.npy, NAME.1.npy... beside the input, until the first number missing: each memory-mapped,
  // all of one shape, dtype and order (a LoadError naming the first file that differs).
  void LoadLayerFiles(const std::string& name) {
    namespace fs = std::filesystem;
    const fs::path input(m_context.Source());
    const std::string prefix = name + ".";
    // A layer file opened as the input is not the attention of its own values.
    const std::string input_name = input.filename().string();
    if (input_name.starts_with(prefix) && input_name.ends_with(".npy")) return;
    for (uint64_t layer = 0;; ++layer) {
      const fs::path path = input.parent_path() / (prefix + std::to_string(layer) + ".npy");
      std::error_code error;
      if (!fs::is_regular_file(path, error)) return;
      const std::shared_ptr<const MappedFile> file = MappedFile::Open(path.string());
      const LoadContext context(file, m_context.Options());
      ArrayData array = ParseNpy(context, file->Bytes(), "", file);
      array.name = path.filename().string();
      if (array.fortran_order)
        context.Fail("header", "is in Fortran order: attention is read in place, a row at a time, from C order only "
                               "(save np.ascontiguousarray(pattern))");
      if (!m_layer_files.empty()) {
        const ArrayData& first = m_layer_files.front();
        if (array.shape != first.shape || DTypeName(array) != DTypeName(first) || array.big_endian != first.big_endian)
          context.Fail("header", "has shape " + ShapeText(array.shape) + " and dtype " + DTypeName(array) + " but " +
                                 first.name + " has " + ShapeText(first.shape) + " and " + DTypeName(first) +
                                 ": per-layer attention files share one shape and dtype");
      }
      m_layer_files.push_back(std::move(array));
      m_layer_mappings.push_back(file);
    }
  }

  // The attention as blocks of [heads, queries, keys], one a layer, for each sequence it fits:
  // [queries, keys], [heads, queries, keys] or [layers, heads, queries, keys] for the one sequence
  // whose tokens they are (queries == keys == its token count), [sequences, layers, heads, queries,
  // keys] for every sequence of the batch. What fits nothing is said in a warning.
  void AttachAttention(Document& document) {
    if (!m_attention) return;
    const AttentionSource& source = *m_attention;
    const ArrayData& first = *source.arrays.front();
    for (const ArrayData& array : m_arrays)
      if (IsAttentionName(array.name) && &array != &first)
        document.warnings.push_back(ArrayPlace(array.name) + ": not read (the attention is " + source.place + ")");
    const auto unread = [&](const std::string& why) { document.warnings.push_back(source.place + " " + why + ": not read"); };
    const std::optional<StoredElements::Type> type = StoredType(first);
    if (!type) return unread("is " + DTypeName(first) + ", and attention is read in place as float32, float16 or bfloat16");
    if (first.fortran_order)
      m_context.Fail(source.place, "is in Fortran order: attention is read in place, a row at a time, from C order "
                                   "only (save np.ascontiguousarray(attention))");
    // [slices, layers, heads, queries, keys]: the shape with the axes it leaves out.
    std::vector<uint64_t> shape = first.shape;
    if (source.per_layer_files) {
      if (shape.size() == 2) shape.insert(shape.begin(), 1);
      if (shape.size() != 3)
        return unread("have shape " + ShapeText(first.shape) + " each, not [heads, queries, keys]");
      shape.insert(shape.begin(), source.arrays.size());
    }
    if (shape.size() < 2 || shape.size() > 5)
      return unread("has shape " + ShapeText(shape) + ", not [layers, heads, queries, keys] (or [queries, keys], "
                    "[heads, queries, keys], [sequences, layers, heads, queries, keys])");
    const bool per_sequence = shape.size() == 5;
    while (shape.size() < 5) shape.insert(shape.begin(), 1);
    const auto [slices, layers, heads, queries, keys] = std::array{shape[0], shape[1], shape[2], shape[3], shape[4]};
    if (std::find(shape.begin(), shape.end(), 0) != shape.end())
      return unread("has shape " + ShapeText(first.shape) + ": an axis of length 0 leaves no pattern");
    if (heads > std::numeric_limits<uint32_t>::max() || layers > std::numeric_limits<uint32_t>::max())
      return unread("has shape " + ShapeText(first.shape) + ": more than 2^32 - 1 layers or heads");

    // Where each sequence's patterns are: (sequence, slice, its token 0's query and key).
    struct Target {
      uint64_t sequence;
      uint64_t slice;
      uint64_t first;
    };
    std::vector<Target> targets;
    const std::string shape_text = "shape " + ShapeText(source.per_layer_files ? shape : first.shape);
    if (per_sequence) {
      if (slices != m_grid.sequences || queries != m_grid.tokens || keys != m_grid.tokens)
        return unread("has " + shape_text + ", not [sequences, layers, heads, queries, keys] over the tokens' " +
                      ShapeText({m_grid.sequences, m_grid.tokens}));
      for (uint64_t s = 0; s < m_grid.sequences; ++s) {
        if (const std::optional<uint64_t> kept = FirstKept(s)) targets.push_back({s, s, *kept});
        else InnerPadding(document, source.place, s, "patterns");
      }
    } else {
      // The sequences of exactly these tokens, else those that had them before their padding was
      // removed (a run of the patterns' rows and columns is then theirs).
      std::vector<uint64_t> exact;
      std::vector<uint64_t> padded;
      std::vector<uint64_t> lost;
      for (uint64_t s = 0; s < m_grid.sequences && queries == keys; ++s) {
        if (document.sequences[s].TokenCount() == queries) exact.push_back(s);
        else if (queries == m_grid.tokens && !m_keep[s].empty()) (FirstKept(s) ? padded : lost).push_back(s);
      }
      const std::vector<uint64_t>& matches = exact.empty() ? padded : exact;
      if (matches.empty()) {
        if (!lost.empty()) return InnerPadding(document, source.place, lost.front(), "patterns");
        if (queries != keys)
          return unread("has " + shape_text + ": its " + std::to_string(queries) + " queries and " +
                        std::to_string(keys) + " keys are not one sequence's tokens");
        return unread("has " + shape_text + ", which matches no sequence of " + std::to_string(queries) + " tokens");
      }
      if (matches.size() > 1)
        document.warnings.push_back(source.place + " has " + shape_text + ", which matches " +
                                    std::to_string(matches.size()) + " sequences of " + std::to_string(queries) +
                                    " tokens: attached to the first, sequence " + std::to_string(matches.front()));
      targets.push_back({matches.front(), 0, exact.empty() ? *FirstKept(matches.front()) : 0});
    }

    RequireMemory(m_context, targets.size() * (sizeof(AttentionPatterns) + layers * sizeof(StoredElements)));
    const uint64_t block_bytes = heads * queries * keys * first.item_size;
    for (const auto& [s, slice, first_token] : targets) {
      std::vector<StoredElements> blocks;
      blocks.reserve(layers);
      for (uint64_t layer = 0; layer < layers; ++layer) {
        const ArrayData& array = source.per_layer_files ? *source.arrays[layer] : first;
        const std::string_view bytes =
            source.per_layer_files ? array.bytes : array.bytes.substr((slice * layers + layer) * block_bytes, block_bytes);
        blocks.push_back({*type, array.big_endian, bytes, array.owner});
      }
      // The mask is read from the sequence's own rows, not from its left padding's.
      auto patterns = std::make_shared<AttentionPatterns>(
          AttentionPatterns(std::move(blocks), static_cast<uint32_t>(heads), queries, keys).Skipping(first_token));
      patterns->DetectCausalMask();
      document.sequences[s].SetAttention(std::move(patterns));
      ThrowIfCancelled();
    }
    // The rows read to detect the mask, like every borrowed column, are the files' own only if no
    // file was cut short meanwhile (the input's own is checked by LoadDocumentFile).
    for (const std::shared_ptr<const MappedFile>& file : m_layer_mappings) file->ThrowIfChanged();
  }

  // [SECTION] Features

  bool IsFeatureName(std::string_view name) const {
    for (const std::string_view feature :
         {"features", "feature_activations", "feature_indices", "feature_values", "feature_tokens", "feature_names"})
      if (name == feature) return true;
    return false;
  }

  // Dense activations (features or feature_activations, [tokens, F] or [sequences, tokens, F], read
  // in place), else sparse ones: each token's top k (feature_indices and feature_values, [tokens, k]
  // or [sequences, tokens, k], a negative index for no entry) or COO triples (feature_tokens,
  // feature_indices, feature_values, 1-D); with optional feature_names [F].
  void AttachFeatures(Document& document) {
    const ArrayData* dense = Find({"features", "feature_activations"});
    const ArrayData* indices = Find({"feature_indices"});
    const ArrayData* values = Find({"feature_values"});
    const ArrayData* coo_tokens = Find({"feature_tokens"});
    const ArrayData* names = Find({"feature_names"});
    const auto unread = [&](const ArrayData* array, const std::string& why) {
      if (array) document.warnings.push_back(ArrayPlace(array->name) + ": not read (" + why + ")");
    };
    if (dense) {
      AttachDenseFeatures(document, *dense, names);
      const std::string why = "the features are " + ArrayPlace(dense->name);
      if (const ArrayData* other = Find({"feature_activations"}); other != dense) unread(other, why);
      for (const ArrayData* sparse : {indices, values, coo_tokens}) unread(sparse, why);
    } else if (indices || values || coo_tokens) {
      AttachSparseFeatures(document, indices, values, coo_tokens, names);
    } else {
      unread(names, "no features to name");
    }
  }

  // feature_names as strings, or none without it; checked against count when it is known.
  std::vector<std::string> FeatureNames(const ArrayData* names, std::optional<uint64_t> count) const {
    std::vector<std::string> result;
    if (!names) return result;
    if (!names->IsText() || names->shape.size() != 1)
      m_context.Fail(ArrayPlace(names->name), "must be a unicode array of feature names [features] (it has " +
                                                  std::string(names->IsText() ? "" : "numbers of ") + "shape " +
                                                  ShapeText(names->shape) + ")");
    if (count && names->shape[0] != *count)
      m_context.Fail(ArrayPlace(names->name), "has " + std::to_string(names->shape[0]) + " names but there are " +
                                                  std::to_string(*count) + " features");
    // Each sequence's dictionary holds its own copy of the names.
    RequireMemory(m_context, m_grid.sequences * names->shape[0] * (sizeof(std::string) + names->item_size));
    for (uint64_t f = 0; f < names->shape[0]; ++f) AppendTextAt(result.emplace_back(), *names, f);
    return result;
  }

  void AttachDenseFeatures(Document& document, const ArrayData& array, const ArrayData* names_array) {
    const std::string place = ArrayPlace(array.name);
    const std::optional<StoredElements::Type> type = StoredType(array);
    if (!type) {
      document.warnings.push_back(place + " is " + DTypeName(array) +
                                  ", and dense features are read in place as float32, float16 or bfloat16: not read");
      return;
    }
    if (array.fortran_order)
      m_context.Fail(place, "is in Fortran order: features are read in place from C order only (save "
                            "np.ascontiguousarray(features))");
    const auto& shape = array.shape;
    const bool fits = (m_grid.sequences == 1 && shape.size() == 2 && shape[0] == m_grid.tokens) ||
                      (shape.size() == 3 && shape[0] == m_grid.sequences && shape[1] == m_grid.tokens);
    if (!fits) {
      document.warnings.push_back(place + " has shape " + ShapeText(shape) + ", not [tokens, features] over the tokens' " +
                                  ShapeText({m_grid.sequences, m_grid.tokens}) + ": not read");
      return;
    }
    const uint64_t features = shape.back();
    if (features >= std::numeric_limits<uint32_t>::max())
      m_context.Fail(place, "has " + std::to_string(features) + " features, more than 2^32 - 2");
    const std::vector<std::string> names = FeatureNames(names_array, features);
    const uint64_t sequence_bytes = m_grid.tokens * features * array.item_size;
    for (uint64_t s = 0; s < m_grid.sequences; ++s) {
      FeatureDictionary all = FeatureDictionary::Dense({*type, array.big_endian, array.bytes.substr(s * sequence_bytes,
                                                       sequence_bytes), array.owner}, m_grid.tokens,
                                                       static_cast<uint32_t>(features));
      all.names = names;
      // The rows of the tokens kept: a run of them, still a block of the mapping.
      std::optional<FeatureDictionary> kept = m_keep[s].empty() ? std::move(all) : all.KeepTokens(m_keep[s]);
      if (kept) document.sequences[s].SetFeatures(std::make_shared<FeatureDictionary>(std::move(*kept)));
      else InnerPadding(document, place, s, "features");
    }
  }

  void AttachSparseFeatures(Document& document, const ArrayData* indices, const ArrayData* values,
                            const ArrayData* coo_tokens, const ArrayData* names_array) {
    if (!indices || !values)
      m_context.Fail(ArrayPlace(indices ? indices->name : values ? values->name : coo_tokens->name),
                     "sparse features need both feature_indices and feature_values");
    if (indices->kind != 'i' && indices->kind != 'u')
      m_context.Fail(ArrayPlace(indices->name), "feature indices must be integers (it is " + DTypeName(*indices) + ")");
    if (!values->IsNumeric()) m_context.Fail(ArrayPlace(values->name), "feature values must be numbers");
    if (values->shape != indices->shape)
      m_context.Fail(ArrayPlace(values->name), "has shape " + ShapeText(values->shape) + " but '" + indices->name +
                                                   "' has " + ShapeText(indices->shape));
    if (coo_tokens) {
      if (coo_tokens->kind != 'i' && coo_tokens->kind != 'u')
        m_context.Fail(ArrayPlace(coo_tokens->name), "token indices must be integers (it is " + DTypeName(*coo_tokens) + ")");
      if (coo_tokens->shape.size() != 1 || indices->shape.size() != 1 || coo_tokens->shape != indices->shape)
        m_context.Fail(ArrayPlace(coo_tokens->name), "COO features are three 1-D arrays of one length: feature_tokens " +
                                                         ShapeText(coo_tokens->shape) + ", feature_indices " +
                                                         ShapeText(indices->shape));
      if (m_grid.sequences != 1) {
        document.warnings.push_back(ArrayPlace(coo_tokens->name) + ": COO features are for a document of one sequence, "
                                    "this one has " + std::to_string(m_grid.sequences) + ": not read");
        return;
      }
    } else {
      const auto& shape = indices->shape;
      const bool fits = (m_grid.sequences == 1 && shape.size() == 2 && shape[0] == m_grid.tokens) ||
                        (shape.size() == 3 && shape[0] == m_grid.sequences && shape[1] == m_grid.tokens);
      if (!fits) {
        document.warnings.push_back(ArrayPlace(indices->name) + " has shape " + ShapeText(shape) +
                                    ", not [tokens, k] over the tokens' " +
                                    ShapeText({m_grid.sequences, m_grid.tokens}) + ": not read");
        return;
      }
    }
    const uint64_t count = indices->ElementCount();
    const uint64_t k = coo_tokens ? 1 : indices->shape.back();
    // (s, t, j) of element i in reading order, for messages; its index in the arrays' storage.
    const auto position = [&](uint64_t i) {
      if (coo_tokens) return Position({i});
      const uint64_t j = i % k;
      const uint64_t t = i / k % m_grid.tokens;
      return indices->shape.size() == 3 ? Position({i / k / m_grid.tokens, t, j}) : Position({t, j});
    };
    const auto element = [&](const ArrayData& array, uint64_t i) {
      return coo_tokens ? i : ElementIndex(array, m_grid, i / k / m_grid.tokens, i / k % m_grid.tokens, i % k);
    };
    // The feature count: the names', else the largest index + 1.
    std::vector<std::string> names = FeatureNames(names_array, std::nullopt);
    int64_t largest = -1;
    for (uint64_t i = 0; i < count; ++i) {
      const int64_t index = IntegerAt(*indices, element(*indices, i));
      if (names_array && index >= static_cast<int64_t>(names.size()))
        m_context.Fail(ArrayPlace(indices->name) + position(i), "feature " + std::to_string(index) + " is not below the " +
                                                                    std::to_string(names.size()) + " names of '" +
                                                                    names_array->name + "'");
      // A uint64 index from 2^63 up reads as negative: beyond too, not "no entry".
      if (index >= std::numeric_limits<uint32_t>::max() - 1 || (index < 0 && indices->kind == 'u'))
        m_context.Fail(ArrayPlace(indices->name) + position(i),
                       "feature " + (index < 0 ? std::to_string(static_cast<uint64_t>(index)) : std::to_string(index)) +
                           " is beyond 2^32 - 3");
      largest = std::max(largest, index);
      if (i % (uint64_t{1} << 16) == 0) ThrowIfCancelled();
    }
    const auto features = static_cast<uint32_t>(names_array ? names.size() : static_cast<uint64_t>(largest + 1));
    RequireMemory(m_context, count * sizeof(FeatureActivation) + m_grid.sequences * m_grid.tokens * sizeof(uint64_t));

    if (coo_tokens) {
      // Grouped by token (a counting sort), the tokens that padding removed left out.
      std::vector<uint64_t> kept_index(m_grid.tokens);
      uint64_t kept = 0;
      for (uint64_t t = 0; t < m_grid.tokens; ++t) kept_index[t] = Kept(0, t) ? kept++ : kept;
      std::vector<uint64_t> ends(kept, 0);
      for (uint64_t i = 0; i < count; ++i) {
        const int64_t t = IntegerAt(*coo_tokens, i);
        if (t < 0 || static_cast<uint64_t>(t) >= m_grid.tokens)
          m_context.Fail(ArrayPlace(coo_tokens->name) + position(i), "token " + std::to_string(t) + " is not one of the " +
                                                                         std::to_string(m_grid.tokens) + " tokens");
        if (IntegerAt(*indices, i) >= 0 && Kept(0, static_cast<uint64_t>(t))) ++ends[kept_index[static_cast<uint64_t>(t)]];
      }
      for (uint64_t t = 1; t < kept; ++t) ends[t] += ends[t - 1];
      std::vector<FeatureActivation> entries(kept == 0 ? 0 : ends.back());
      std::vector<uint64_t> next(kept, 0);
      for (uint64_t t = 1; t < kept; ++t) next[t] = ends[t - 1];
      for (uint64_t i = 0; i < count; ++i) {
        const auto t = static_cast<uint64_t>(IntegerAt(*coo_tokens, i));
        const int64_t feature = IntegerAt(*indices, i);
        if (feature < 0 || !Kept(0, t)) continue;
        entries[next[kept_index[t]]++] = {static_cast<uint32_t>(feature), NumberAt(*values, i)};
      }
      SetSparseFeatures(document.sequences[0], std::move(ends), std::move(entries), features, std::move(names));
      return;
    }
    for (uint64_t s = 0; s < m_grid.sequences; ++s) {
      std::vector<uint64_t> ends;
      std::vector<FeatureActivation> entries;
      for (uint64_t t = 0; t < m_grid.tokens; ++t) {
        if (!Kept(s, t)) continue;
        for (uint64_t j = 0; j < k; ++j) {
          const int64_t feature = IntegerAt(*indices, ElementIndex(*indices, m_grid, s, t, j));
          if (feature >= 0)
            entries.push_back({static_cast<uint32_t>(feature), NumberAt(*values, ElementIndex(*values, m_grid, s, t, j))});
        }
        ends.push_back(entries.size());
      }
      SetSparseFeatures(document.sequences[s], std::move(ends), std::move(entries), features,
                        s + 1 == m_grid.sequences ? std::move(names) : names);
      ThrowIfCancelled();
    }
  }

  static void SetSparseFeatures(Sequence& sequence, std::vector<uint64_t> ends, std::vector<FeatureActivation> entries,
                                uint32_t features, std::vector<std::string> names) {
    auto dictionary =
        std::make_shared<FeatureDictionary>(FeatureDictionary::Sparse(std::move(ends), std::move(entries), features));
    dictionary->names = std::move(names);
    sequence.SetFeatures(std::move(dictionary));
  }

  // Where the attention comes from: one array, or one .npy file a layer beside the input.
  struct AttentionSource {
    std::string place;                     // for messages: "array 'attention'"
    std::vector<const ArrayData*> arrays;  // the array, or the files in layer order
    bool per_layer_files = false;
  };

  const LoadContext& m_context;
  std::vector<ArrayData> m_arrays;
  std::vector<std::vector<std::string>> m_extra_tokens;
  Grid m_grid;
  std::vector<std::vector<bool>> m_keep;  // by sequence: the tokens RemovePadding kept; empty when all
  std::vector<ArrayData> m_layer_files;   // per-layer attention files, and their mappings
  std::vector<std::shared_ptr<const MappedFile>> m_layer_mappings;
  std::optional<AttentionSource> m_attention;
};

}  // namespace

float NumberAt(const ArrayData& array, uint64_t element) {
  const char* p = array.bytes.data() + element * array.item_size;
  const bool swap = array.big_endian;
  switch (array.kind) {
    case 'f':
      if (array.item_size == 2) return HalfToFloat(Load<uint16_t>(p, swap));
      if (array.item_size == 4) return Load<float>(p, swap);
      return static_cast<float>(Load<double>(p, swap));
    case 'B':
      return std::bit_cast<float>(static_cast<uint32_t>(Load<uint16_t>(p, swap)) << 16);
    case 'e':
      return Float8E4M3ToFloat(static_cast<uint8_t>(*p));
    case 'E':  // float8 e5m2 is the top byte of a half
      return HalfToFloat(static_cast<uint16_t>(static_cast<uint8_t>(*p) << 8));
    case 'b':
      return *p ? 1.0f : 0.0f;
    case 'i':
      if (array.item_size == 1) return static_cast<float>(Load<int8_t>(p, swap));
      if (array.item_size == 2) return static_cast<float>(Load<int16_t>(p, swap));
      if (array.item_size == 4) return static_cast<float>(Load<int32_t>(p, swap));
      return static_cast<float>(Load<int64_t>(p, swap));
    default:
      if (array.item_size == 1) return static_cast<float>(Load<uint8_t>(p, swap));
      if (array.item_size == 2) return static_cast<float>(Load<uint16_t>(p, swap));
      if (array.item_size == 4) return static_cast<float>(Load<uint32_t>(p, swap));
      return static_cast<float>(Load<uint64_t>(p, swap));
  }
}

uint64_t ArrayData::ElementCount() const {
  uint64_t count = 1;
  for (const uint64_t dimension : shape) {
    if (dimension != 0 && count > std::numeric_limits<uint64_t>::max() / dimension / item_size)
      return std::numeric_limits<uint64_t>::max();
    count *= dimension;
  }
  return count;
}

ArrayData ParseNpy(const LoadContext& context, std::string_view bytes, std::string name,
                   std::shared_ptr<const void> owner) {
  const std::string place = NpyPlace(name);
  const NpyPreamble preamble = ReadNpyPreamble(context, bytes, place);
  const size_t data_offset = preamble.DataOffset();
  if (data_offset > bytes.size())
    context.Fail(place, "header length " + std::to_string(preamble.header_length) +
                 " runs past the end of the data (" + std::to_string(bytes.size()) + " bytes)");
  ArrayData array = ParseNpyHeader(context, bytes, preamble, std::move(name), place);
  const uint64_t count = array.ElementCount();
  const uint64_t available = bytes.size() - data_offset;
  if (count == std::numeric_limits<uint64_t>::max() || count * array.item_size > available)
    context.Fail(place, "the header says shape " + ShapeText(array.shape) + " (" +
                 (count == std::numeric_limits<uint64_t>::max() ? std::string("too many")
                                                                 : std::to_string(count * array.item_size)) +
                 " bytes) but only " + std::to_string(available) + " bytes follow it at byte " +
                 std::to_string(data_offset) + " (truncated file?)");
  array.bytes = bytes.substr(data_offset, count * array.item_size);
  array.owner = std::move(owner);
  return array;
}

std::optional<uint64_t> NpyByteSize(const LoadContext& context, std::string_view first_bytes, const std::string& name) {
  const std::string place = NpyPlace(name);
  const NpyPreamble preamble = ReadNpyPreamble(context, first_bytes, place);
  const size_t data_offset = preamble.DataOffset();
  if (first_bytes.size() < data_offset) return std::nullopt;
  const ArrayData array = ParseNpyHeader(context, first_bytes, preamble, name, place);
  const uint64_t count = array.ElementCount();
  // ElementCount() keeps count * item_size in range, or says max.
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (count == kMax || count * array.item_size > kMax - data_offset)
    context.Fail(place, "the header says shape " + ShapeText(array.shape) + ", more bytes than any file holds");
  return data_offset + count * array.item_size;
}

uint64_t MemoryAvailable() {
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t limit = static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) * page;
  struct rlimit address_space {};
  if (::getrlimit(RLIMIT_AS, &address_space) == 0 && address_space.rlim_cur != RLIM_INFINITY) {
    // What the process has mapped already (inflated members, the file) counts against the limit.
    uint64_t mapped_pages = 0;
    if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(statm, "%" SCNu64, &mapped_pages) != 1) mapped_pages = 0;
      std::fclose(statm);
    }
    const uint64_t used = mapped_pages * page;
    limit = std::min<uint64_t>(limit, address_space.rlim_cur > used ? address_space.rlim_cur - used : 0);
  }
  return limit;
}

void RequireMemory(const LoadContext& context, uint64_t bytes) {
  const uint64_t limit = MemoryAvailable();
  if (bytes <= limit) return;
  char needed[32];
  std::snprintf(needed, sizeof needed, "%.1f", static_cast<double>(bytes) / 1e9);
  throw LoadError(context.Source() + ": does not fit in memory (needs " + needed + " GB)");
}

// "(2, 3)", or "(1, 1, 1, ... 64 dimensions)" when that would be long.
std::string ShapeText(const std::vector<uint64_t>& shape) {
  constexpr size_t kShown = 60;
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    const std::string dimension = std::to_string(shape[i]);
    if (text.size() + dimension.size() > kShown) return text + "... " + std::to_string(shape.size()) + " dimensions)";
    text += dimension + (i + 1 < shape.size() ? ", " : "");
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::string ArrayPlace(std::string_view name) { return "array '" + Shortened(name) + "'"; }

std::string Shortened(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  return std::string(CutAtCharacter(text, limit - 3)) + "...";
}

Document BuildDocumentFromArrays(const LoadContext& context, std::vector<ArrayData> arrays,
                                 std::vector<std::vector<std::string>> extra_tokens) {
  // A feature index (docs/feature-index.md) opens on its first feature.
  for (const ArrayData& array : arrays)
    if (array.name == "format" && array.IsText() && array.ElementCount() == 1) {
      std::string format;
      AppendTextAt(format, array, 0);
      if (format == kFeatureIndexFormat) {
        std::shared_ptr<const FeatureIndex> index = FeatureIndex::FromArrays(context, arrays);
        if (index->Features() == 0) context.Fail("array 'feature_ids'", "the index has no feature");
        return DocumentOfIndexFeature(std::move(index), 0, context.Source());
      }
    }
  return DocumentBuilder(context, std::move(arrays), std::move(extra_tokens)).Build();
}

}  // namespace th
