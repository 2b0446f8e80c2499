#pragma once
// matplotlib's colormaps at 1,024 points, as scripts/make_palette_tables.py wrote them to
// tests/data/palette_reference: what the palettes are held to on the CPU and on the GPU.
#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

#include "core/palette.hpp"

namespace th::test {

inline constexpr size_t kReferencePoints = 1024;

// NAME at t = k / 1023, k = 0..1023 (cmap(np.linspace(0, 1, 1024)), each channel
// floor(v * 255 + 0.5)): 3 bytes a colour. Empty when the file cannot be read.
inline std::vector<Rgb8> MatplotlibReference(const std::string& name) {
  std::ifstream in(std::string(TH_TEST_DATA_DIR) + "/palette_reference/" + name + ".rgb", std::ios::binary);
  std::vector<Rgb8> colours(kReferencePoints);
  in.read(reinterpret_cast<char*>(colours.data()), static_cast<std::streamsize>(colours.size() * sizeof(Rgb8)));
  if (!in) colours.clear();
  return colours;
}

// Where matplotlib steps from one table entry to the next, Palette::At (and the GPU) blends them,
// so they lie at most half of matplotlib's largest step apart: turbo's entries differ by up to 8
// levels, every other palette's by up to 5.
inline int AllowedLevels(const std::string& name) { return name == "turbo" ? 4 : 2; }

}  // namespace th::test
