#pragma once
// N-dimensional arrays from .npy, .npz and safetensors, and the one path that turns a set of
// named arrays into a document (shared by all three formats).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.hpp"
#include "core/loaders/loaders.hpp"

namespace th {

struct ArrayData {
  std::string name;
  // 'f' float, 'i' signed, 'u' unsigned, 'b' bool, 'U' UCS-4 text, 'S' bytes, 'B' bfloat16,
  // 'e' float8 e4m3fn, 'E' float8 e5m2
  char kind = 'f';
  size_t item_size = 4;   // bytes per element
  bool big_endian = false;
  bool fortran_order = false;
  std::vector<uint64_t> shape;
  std::string_view bytes;               // the elements, exactly ElementCount() * item_size
  std::shared_ptr<const void> owner;    // keeps bytes alive
  uint64_t ElementCount() const;
  bool IsNumeric() const { return !IsText(); }
  bool IsText() const { return kind == 'U' || kind == 'S'; }
};

// Element `element` (in storage order) as a float; the array is numeric.
float NumberAt(const ArrayData& array, uint64_t element);
// Element `element` of an integer array ('i', 'u', 'b') as an int64 (a uint64 from 2^63 reads negative).
int64_t IntegerAt(const ArrayData& array, uint64_t element);
// Appends element `element` of a text array ('U', 'S') as UTF-8 (NumPy's padding NULs left out).
void AppendTextAt(std::string& out, const ArrayData& array, uint64_t element);

// NumPy's own limit on an array's dimensions (NPY_MAXDIMS in NumPy 2); safetensors has none, and
// gets the same.
inline constexpr size_t kMaxDimensions = 64;

// Parses a .npy file's bytes. name names the array in messages ("" for a lone .npy).
ArrayData ParseNpy(const LoadContext& context, std::string_view bytes, std::string name,
                   std::shared_ptr<const void> owner);

// The size of the whole .npy (header and elements) whose first bytes are given, as its header
// tells it; nullopt while first_bytes end inside the header. Throws LoadError as ParseNpy does for
// a bad header. first_bytes holds at least kNpyPreamble bytes.
inline constexpr size_t kNpyPreamble = 12;  // magic, version and header length, in any version
std::optional<uint64_t> NpyByteSize(const LoadContext& context, std::string_view first_bytes, const std::string& name);

// Throws LoadError "PATH: does not fit in memory (needs N GB)" when bytes exceed the machine's
// physical memory or the process's address-space limit (RLIMIT_AS): called with what a file's
// headers say it will take, before allocating it, so the load fails with the size instead of
// std::bad_alloc (or the kernel's OOM killer) halfway through.
void RequireMemory(const LoadContext& context, uint64_t bytes);
// Bytes this process may still allocate: physical memory, or what RLIMIT_AS leaves after what
// is mapped already, whichever is less.
uint64_t MemoryAvailable();

// A shape as NumPy writes it, "(2, 3)" or "(5,)", or "(1, 1, 1, ... 64 dimensions)" when that
// would be long.
std::string ShapeText(const std::vector<uint64_t>& shape);
// "array 'NAME'" (the name shortened): where an array's problem is, in a LoadError.
std::string ArrayPlace(std::string_view name);

// text cut to at most limit bytes, at a character boundary, ending in "..." when cut: names,
// dtypes and numbers from a file go into one-line messages whatever their length.
std::string Shortened(std::string_view text, size_t limit = 80);

// safetensors' element types ("F32", "BF16", "F8_E4M3"...) as ArrayData kinds and sizes; null for
// a name it does not have (safetensors.cpp).
struct SafetensorsDType {
  std::string_view name;
  char kind;
  size_t size;
};
const SafetensorsDType* FindSafetensorsDType(std::string_view name);
// The 8-byte little-endian length of the JSON header that a safetensors file starts with; bytes
// holds at least 8.
uint64_t SafetensorsHeaderLength(std::string_view bytes);

// Arrays -> document:
//   tokens        text, [T] or [S, T]            (or token_ids / input_ids with a vocabulary)
//   values        numeric, [T], [S, T] or [S, T, C] (channel_names names the C channels)
//   names         text, [S]: sequence names
//   mask / attention_mask: numeric, like tokens; 0 marks padding, which is not drawn
//   any other numeric array shaped like the tokens ([S, T] or [S, T, C]) is a channel named after it.
// Without a mask, a trailing run of tokens with no value in any channel is padding too.
//   attention / attn (or options.attention_array), float32, float16 or bfloat16, read in place:
//                 [Q, K], [H, Q, K] or [L, H, Q, K] for the sequence of Q == K tokens, or
//                 [S, L, H, T, T] for each sequence; else NAME.0.npy, NAME.1.npy... beside the input,
//                 [H, Q, K] each, one a layer. Big-endian is converted as it is read, Fortran order
//                 is a LoadError. Padding stays in the patterns (AttentionPatterns::FirstToken) when
//                 the tokens kept are one run; removed from inside it, it leaves them out.
//   features / feature_activations: dense [T, F] or [S, T, F], read in place (the rows of the kept
//                 tokens); feature_indices + feature_values: each token's top k, [T, k] or [S, T, k],
//                 negative for no entry; with feature_tokens, COO triples (1-D) of one sequence;
//                 feature_names: text [F] (the count of sparse features; else the largest index + 1).
// Attention and features that fit no sequence, and any other array not read, are Document::warnings.
Document BuildDocumentFromArrays(const LoadContext& context, std::vector<ArrayData> arrays,
                                 std::vector<std::vector<std::string>> extra_tokens = {});

}  // namespace th
