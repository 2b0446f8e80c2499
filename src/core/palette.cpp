#include "core/palette.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string_view>

#include "core/load_error.hpp"

namespace th {

// [SECTION] Interpolation

namespace {

Rgb8 Mix(Rgb8 a, Rgb8 b, float f) {
  const auto mix = [f](uint8_t x, uint8_t y) {
    return static_cast<uint8_t>(std::lround(x + (static_cast<float>(y) - x) * f));
  };
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

}  // namespace

Rgb8 Palette::Entry(int i) const {
  const size_t n = stops.size();
  if (kind == PaletteKind::kCategorical)
    return stops[std::min(static_cast<size_t>((i + 0.5f) / kTableSize * static_cast<float>(n)), n - 1)];
  const float position = static_cast<float>(i) / (kTableSize - 1) * static_cast<float>(n - 1);
  const size_t below = std::min(static_cast<size_t>(position), n - 2);
  return Mix(stops[below], stops[below + 1], position - static_cast<float>(below));
}

Rgb8 Palette::At(float t) const {
  t = std::clamp(std::isfinite(t) ? t : 0.0f, 0.0f, 1.0f);
  if (kind == PaletteKind::kCategorical)
    return stops[std::min(static_cast<size_t>(t * static_cast<float>(stops.size())), stops.size() - 1)];
  // Texture coordinate t with linear filtering and clamping at the edges: entry centres at
  // (i + 0.5) / 256.
  const float position = std::clamp(t * kTableSize - 0.5f, 0.0f, kTableSize - 1.0f);
  const int below = std::min(static_cast<int>(position), kTableSize - 2);
  return Mix(Entry(below), Entry(below + 1), position - static_cast<float>(below));
}

std::array<Rgb8, Palette::kTableSize> Palette::Table() const {
  std::array<Rgb8, kTableSize> table;
  for (int i = 0; i < kTableSize; ++i) table[i] = Entry(i);
  return table;
}

Palette Palette::Reversed() const {
  Palette reversed = *this;
  reversed.name = name.ends_with("_r") ? name.substr(0, name.size() - 2) : name + "_r";
  std::reverse(reversed.stops.begin(), reversed.stops.end());
  return reversed;
}

// [SECTION] Palette files

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

bool ParseHexColour(std::string_view text, Rgb8& out) {
  if (text.size() != 7 || text[0] != '#') return false;
  int digits[6];
  for (int i = 0; i < 6; ++i)
    if ((digits[i] = HexDigit(text[1 + i])) < 0) return false;
  out = {static_cast<uint8_t>(digits[0] * 16 + digits[1]),
         static_cast<uint8_t>(digits[2] * 16 + digits[3]),
         static_cast<uint8_t>(digits[4] * 16 + digits[5])};
  return true;
}

}  // namespace

Palette LoadPaletteFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw LoadError(path + ": cannot open palette file (" + std::strerror(errno) + ")");
  Palette palette;
  palette.name = path;
  std::string line;
  for (int line_number = 1; std::getline(in, line); ++line_number) {
    const std::string_view text = Trim(line);
    // A '#' followed by a space (or a lone '#') is a comment; "#rrggbb" is a colour.
    if (text.empty() || text == "#" || text.starts_with("# ")) continue;
    Rgb8 colour;
    if (!ParseHexColour(text, colour))
      throw LoadError(path + ":" + std::to_string(line_number) + ": expected a colour like #a50f15, got \"" +
                      std::string(text) + "\"");
    palette.stops.push_back(colour);
  }
  if (palette.stops.size() < 2)
    throw LoadError(path + ": a palette needs at least two colours, found " +
                    std::to_string(palette.stops.size()));
  return palette;
}

// [SECTION] Contrast

float RelativeLuminance(Rgb8 c) {
  const auto linear = [](uint8_t v) {
    const float s = static_cast<float>(v) / 255.0f;
    return s <= 0.04045f ? s / 12.92f : std::pow((s + 0.055f) / 1.055f, 2.4f);
  };
  return 0.2126f * linear(c.r) + 0.7152f * linear(c.g) + 0.0722f * linear(c.b);
}

Rgb8 ContrastingTextColour(Rgb8 background) {
  // Contrast ratio (L1 + 0.05) / (L2 + 0.05) against white (L = 1) and black (L = 0).
  const float l = RelativeLuminance(background);
  const float against_white = 1.05f / (l + 0.05f);
  const float against_black = (l + 0.05f) / 0.05f;
  return against_black >= against_white ? Rgb8{0, 0, 0} : Rgb8{255, 255, 255};
}

}  // namespace th
