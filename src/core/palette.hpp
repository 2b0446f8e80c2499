#pragma once
// Palettes are data (ImPlot-style): a name and evenly spaced colour stops. Like a matplotlib
// colormap, a palette is a 256-entry table made from them, and entry i stands for the slice
// [i/256, (i+1)/256) of [0, 1]; the GPU samples the table as a 1D texture.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace th {

struct Rgb8 {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb8&) const = default;
};

enum class PaletteKind { kSequential, kDiverging, kCategorical };

struct Palette {
  std::string name;
  std::vector<Rgb8> stops;  // at least 2, evenly spaced over [0, 1]
  PaletteKind kind = PaletteKind::kSequential;
  bool cvd_safe = false;    // readable with the common colour-vision deficiencies

  // Colour at t in [0, 1] (clamped), rounded to 8 bits, as the GPU samples the table: the entry
  // whose slice holds t exactly at the slice's centre, linear between neighbouring centres (where
  // matplotlib steps from one entry to the next: at most half of such a step apart). A
  // categorical palette: the stop whose equal share of [0, 1] holds t.
  Rgb8 At(float t) const;
  // The table the renderer uploads as a 1D texture: entry i is the stops interpolated linearly
  // at i / 255 (matplotlib's LinearSegmentedColormap; 256 stops are the table itself), or for a
  // categorical palette the stop that holds the entry's slice.
  static constexpr int kTableSize = 256;
  std::array<Rgb8, kTableSize> Table() const;
  Palette Reversed() const;

 private:
  Rgb8 Entry(int i) const;  // Table()[i]
};

// Reads a palette file: one "#rrggbb" per line (blank lines and lines starting with '#'
// followed by a space are ignored). Throws LoadError naming file:line on a bad line or on
// fewer than two colours.
Palette LoadPaletteFile(const std::string& path);

// WCAG relative luminance of an sRGB colour, and the text colour (black or white) whose
// contrast ratio against it is higher. The fragment shader mirrors this choice.
float RelativeLuminance(Rgb8 c);
Rgb8 ContrastingTextColour(Rgb8 background);

}  // namespace th
