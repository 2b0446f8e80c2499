#include "core/palette_registry.hpp"

#include <initializer_list>

namespace th {

namespace {

struct BuiltinPalette {
  const char* name;
  bool diverging;
  std::initializer_list<uint32_t> stops;  // 0xRRGGBB, evenly spaced
};

// ColorBrewer 9-class sequential and 11-class diverging schemes (as matplotlib uses them);
// viridis, magma, inferno, plasma and cividis sampled at 10 evenly spaced points of
// matplotlib's published 256-entry tables.
const BuiltinPalette kBuiltins[] = {
    {"Reds", false,
     {0xfff5f0, 0xfee0d2, 0xfcbba1, 0xfc9272, 0xfb6a4a, 0xef3b2c, 0xcb181d, 0xa50f15, 0x67000d}},
    {"Blues", false,
     {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b}},
    {"Greens", false,
     {0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476, 0x41ab5d, 0x238b45, 0x006d2c, 0x00441b}},
    {"Purples", false,
     {0xfcfbfd, 0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8, 0x807dba, 0x6a51a3, 0x54278f, 0x3f007d}},
    {"Greys", false,
     {0xffffff, 0xf0f0f0, 0xd9d9d9, 0xbdbdbd, 0x969696, 0x737373, 0x525252, 0x252525, 0x000000}},
    {"viridis", false,
     {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b,
      0xfde725}},
    {"magma", false,
     {0x000004, 0x180f3e, 0x451077, 0x721f81, 0x9f2f7f, 0xcd4071, 0xf1605d, 0xfd9567, 0xfec98d,
      0xfcfdbf}},
    {"inferno", false,
     {0x000004, 0x1b0c42, 0x4b0c6b, 0x781c6d, 0xa52c60, 0xcf4446, 0xed6925, 0xfb9a06, 0xf7d03c,
      0xfcffa4}},
    {"plasma", false,
     {0x0d0887, 0x47039f, 0x7301a8, 0x9c179e, 0xbd3786, 0xd8576b, 0xed7953, 0xfa9e3b, 0xfdc926,
      0xf0f921}},
    {"cividis", false,
     {0x00204d, 0x00336f, 0x39486b, 0x575c6d, 0x707173, 0x8a8779, 0xa69d75, 0xc4b56c, 0xe4cf5b,
      0xffea46}},
    {"RdBu", true,
     {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7, 0xd1e5f0, 0x92c5de, 0x4393c3,
      0x2166ac, 0x053061}},
    {"PiYG", true,
     {0x8e0152, 0xc51b7d, 0xde77ae, 0xf1b6da, 0xfde0ef, 0xf7f7f7, 0xe6f5d0, 0xb8e186, 0x7fbc41,
      0x4d9221, 0x276419}},
    {"BrBG", true,
     {0x543005, 0x8c510a, 0xbf812d, 0xdfc27d, 0xf6e8c3, 0xf5f5f5, 0xc7eae5, 0x80cdc1, 0x35978f,
      0x01665e, 0x003c30}},
};

Palette MakePalette(const BuiltinPalette& builtin) {
  Palette palette{builtin.name, {}, builtin.diverging};
  for (const uint32_t rgb : builtin.stops)
    palette.stops.push_back({static_cast<uint8_t>(rgb >> 16), static_cast<uint8_t>(rgb >> 8),
                             static_cast<uint8_t>(rgb)});
  return palette;
}

}  // namespace

const std::vector<std::string>& BuiltinPaletteNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> result;
    for (const BuiltinPalette& builtin : kBuiltins) result.emplace_back(builtin.name);
    return result;
  }();
  return names;
}

std::optional<Palette> FindPalette(std::string_view name) {
  const bool reversed = name.ends_with("_r");
  const std::string_view base = reversed ? name.substr(0, name.size() - 2) : name;
  for (const BuiltinPalette& builtin : kBuiltins)
    if (base == builtin.name) return reversed ? MakePalette(builtin).Reversed() : MakePalette(builtin);
  return std::nullopt;
}

}  // namespace th
