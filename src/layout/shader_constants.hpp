#pragma once
// The numbers the shaders (shaders/*.vert, *.frag, value_colour.glsl) share with C++, each defined
// once in C++. kShaderConstants names them for GLSL: BuildProgram (gfx/shader_program.cpp) declares every
// row as a GLSL const in the prefix of every shader, after its #version line, so the shaders
// declare none of them by hand. A new shared constant: define it in C++ (here, or next to the
// code that uses it) and add one row to kShaderConstants; the shaders then see it by that name.
// GL-free: the CPU side (layout, exports) uses the same definitions.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <variant>

#include "core/value_mapping.hpp"
#include "layout/display_cells.hpp"
#include "layout/folded_layout.hpp"
#include "layout/visible_layout.hpp"

namespace th {

// Display cells reach the fragment shader as an R32UI texture this many cells wide (a power of
// two: the shader splits an index into column and row with a mask).
inline constexpr int kCellsTextureWidth = 4096;

// How the vertex shader maps a value (uniform uMode), as th::MapValue does.
enum class ShaderMappingMode : int32_t { kLinear, kLog, kBuckets };
inline ShaderMappingMode ShaderMappingModeOf(const ValueMapping& mapping) {
  if (mapping.Bucketed()) return ShaderMappingMode::kBuckets;
  return mapping.Logarithmic() ? ShaderMappingMode::kLog : ShaderMappingMode::kLinear;
}

// The clip notch's legs in pixels: the shader draws it at a corner of a clipped value's box in the
// text colour, the SVG and HTML exports the same triangle.
inline constexpr int kNotchPixels = 5;
// Whitespace and control markers are drawn at this share of the text's ink (the exports' opacity).
inline constexpr float kMarkerCoverage = 0.45f;

// One GLSL constant: its name in the shaders and its value, whose C++ type gives its GLSL type
// (uint32_t: uint, int32_t: int, float: float).
struct ShaderConstant {
  std::string_view name;
  std::variant<uint32_t, int32_t, float> value;
};

inline constexpr std::array kShaderConstants{
    // TokenInstance::flags (visible_layout.hpp)
    ShaderConstant{"kNoValueFlag", uint32_t{kNoValueFlag}},
    ShaderConstant{"kSpecialTokenFlag", uint32_t{kSpecialTokenFlag}},
    ShaderConstant{"kPlainTextFlag", uint32_t{kPlainTextFlag}},
    ShaderConstant{"kPaletteRampFlag", uint32_t{kPaletteRampFlag}},
    ShaderConstant{"kFoldedBlockFlag", uint32_t{kFoldedBlockFlag}},
    ShaderConstant{"kUnmeasuredFlag", uint32_t{kUnmeasuredFlag}},
    ShaderConstant{"kSourceTokenFlag", uint32_t{kSourceTokenFlag}},
    ShaderConstant{"kSourceFrame", static_cast<float>(kSourceFramePixels)},
    // A display cell's marker bit (display_cells.hpp), which the renderer keeps on atlas slots.
    ShaderConstant{"kMarkerBit", kMarkerBit},
    ShaderConstant{"kCellsTextureWidth", int32_t{kCellsTextureWidth}},
    // uMode's values, and the size of the uThresholds array.
    ShaderConstant{"kLinear", static_cast<int32_t>(ShaderMappingMode::kLinear)},
    ShaderConstant{"kLog", static_cast<int32_t>(ShaderMappingMode::kLog)},
    ShaderConstant{"kBuckets", static_cast<int32_t>(ShaderMappingMode::kBuckets)},
    ShaderConstant{"kMaxThresholds", static_cast<int32_t>(kMaxThresholds)},
    ShaderConstant{"kNotch", static_cast<float>(kNotchPixels)},
    ShaderConstant{"kMarkerCoverage", kMarkerCoverage},
    // The folded grid's canvas texel (folded_layout.hpp), +Inf, whose bits are also the exponent mask.
    ShaderConstant{"kFoldedCanvasBits", kFoldedCanvasBits},
};

namespace shader_constants_detail {
// holds_alternative and get, not get_if: under -fsanitize=undefined GCC 12 cannot compare the
// address get_if takes with null in a constant expression.
constexpr bool NamesUnique() {
  for (size_t i = 0; i < kShaderConstants.size(); ++i)
    for (size_t j = i + 1; j < kShaderConstants.size(); ++j)
      if (kShaderConstants[i].name == kShaderConstants[j].name) return false;
  return true;
}
constexpr bool FloatsFinite() {
  for (const ShaderConstant& constant : kShaderConstants)
    if (std::holds_alternative<float>(constant.value)) {
      const float value = std::get<float>(constant.value);
      if (!(value >= -std::numeric_limits<float>::max() && value <= std::numeric_limits<float>::max())) return false;
    }
  return true;
}
// The rows named ...Flag are TokenInstance::flags bits, which the shaders test one by one.
constexpr bool FlagsAreBitsOfTheirOwn() {
  uint32_t seen = 0;
  for (const ShaderConstant& constant : kShaderConstants) {
    if (!constant.name.ends_with("Flag")) continue;
    if (!std::holds_alternative<uint32_t>(constant.value)) return false;
    const uint32_t flag = std::get<uint32_t>(constant.value);
    if (!std::has_single_bit(flag) || (seen & flag) != 0 || flag > std::numeric_limits<decltype(TokenInstance::flags)>::max())
      return false;
    seen |= flag;
  }
  return true;
}
}  // namespace shader_constants_detail
static_assert(shader_constants_detail::NamesUnique(), "a GLSL constant is declared twice");
static_assert(shader_constants_detail::FloatsFinite(), "GLSL has no literal for NaN or infinity");
static_assert(kCellsTextureWidth > 0 && (kCellsTextureWidth & (kCellsTextureWidth - 1)) == 0,
              "token.frag masks a cell index with kCellsTextureWidth - 1");
static_assert(kMaxThresholds >= 1 && kMaxThresholds <= 64, "uThresholds[kMaxThresholds] is a uniform array");
static_assert(shader_constants_detail::FlagsAreBitsOfTheirOwn(),
              "each ...Flag row is one bit of TokenInstance::flags that no other flag uses");

}  // namespace th
