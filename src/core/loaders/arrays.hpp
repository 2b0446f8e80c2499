#pragma once
// N-dimensional arrays from .npy, .npz and safetensors, and the one path that turns a set of
// named arrays into a document (shared by all three formats).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.hpp"
#include "core/loaders/loaders.hpp"

namespace th {

struct ArrayData {
  std::string name;
  char kind = 'f';        // 'f' float, 'i' signed, 'u' unsigned, 'b' bool, 'U' UCS-4 text, 'S' bytes, 'B' bfloat16
  size_t item_size = 4;   // bytes per element
  bool big_endian = false;
  bool fortran_order = false;
  std::vector<uint64_t> shape;
  std::string_view bytes;               // the elements, exactly ElementCount() * item_size
  std::shared_ptr<const void> owner;    // keeps bytes alive
  uint64_t ElementCount() const;
  bool IsNumeric() const { return kind == 'f' || kind == 'i' || kind == 'u' || kind == 'b' || kind == 'B'; }
  bool IsText() const { return kind == 'U' || kind == 'S'; }
};

// Parses a .npy file's bytes. place names the array in messages ("" for a lone .npy).
ArrayData ParseNpy(const LoadContext& context, std::string_view bytes, std::string name,
                   std::shared_ptr<const void> owner);

// Arrays -> document:
//   tokens        text, [T] or [S, T]            (or token_ids / input_ids with a vocabulary)
//   values        numeric, [T], [S, T] or [S, T, C] (channel_names names the C channels)
//   names         text, [S]: sequence names
//   mask / attention_mask: numeric, like tokens; 0 marks padding, which is not drawn
//   any other numeric array shaped like the tokens ([S, T] or [S, T, C]) is a channel named after it.
// Without a mask, a trailing run of tokens with no value in any channel is padding too.
Document BuildDocumentFromArrays(const LoadContext& context, std::vector<ArrayData> arrays,
                                 std::vector<std::vector<std::string>> extra_tokens = {});

}  // namespace th
