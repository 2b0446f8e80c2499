#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/palette_registry.hpp"

namespace th {
namespace {

Rgb8 FromHex(uint32_t rgb) {
  return {static_cast<uint8_t>(rgb >> 16), static_cast<uint8_t>(rgb >> 8), static_cast<uint8_t>(rgb)};
}

::testing::AssertionResult Near(Rgb8 actual, Rgb8 expected, int tolerance) {
  const int worst = std::max({std::abs(actual.r - expected.r), std::abs(actual.g - expected.g),
                              std::abs(actual.b - expected.b)});
  if (worst <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got (" << +actual.r << ", " << +actual.g << ", " << +actual.b
                                       << "), expected (" << +expected.r << ", " << +expected.g << ", "
                                       << +expected.b << "), off by " << worst;
}

// matplotlib's 256-entry colormap tables at entry round(t * 255) for t = 0, 0.25, 0.5, 0.75, 1 (entries
// 0, 64, 128, 191, 255), each channel rounded to 8 bits. coolwarm and RdBu are matplotlib's tables
// interpolated from their segment data and the 11 ColorBrewer colours.
struct Reference {
  const char* name;
  std::array<uint32_t, 5> colours;
};
constexpr float kReferenceT[] = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f};
constexpr Reference kReferences[] = {
    {"viridis", {0x440154, 0x3b528b, 0x21918c, 0x5cc863, 0xfde725}},
    {"magma", {0x000004, 0x51127c, 0xb73779, 0xfb8761, 0xfcfdbf}},
    {"inferno", {0x000004, 0x57106e, 0xbc3754, 0xf98c0a, 0xfcffa4}},
    {"plasma", {0x0d0887, 0x7e03a8, 0xcc4778, 0xf89441, 0xf0f921}},
    {"cividis", {0x00224e, 0x434e6c, 0x7d7c78, 0xbbad6d, 0xfee838}},
    {"turbo", {0x30123b, 0x28bceb, 0xa4fc3c, 0xfb8122, 0x7a0403}},
    {"coolwarm", {0x3b4cc0, 0x8db0fe, 0xdddcdc, 0xf49a7b, 0xb40426}},
    {"RdBu", {0x67001f, 0xe58368, 0xf6f7f7, 0x6bacd1, 0x053061}},
};

TEST(PaletteReference, MatchesMatplotlibWithinTwoLevels) {
  for (const Reference& reference : kReferences) {
    const std::optional<Palette> palette = FindPalette(reference.name);
    ASSERT_TRUE(palette) << reference.name;
    for (size_t i = 0; i < reference.colours.size(); ++i)
      EXPECT_TRUE(Near(palette->At(kReferenceT[i]), FromHex(reference.colours[i]), 2))
          << reference.name << " at t = " << kReferenceT[i];
  }
}

TEST(PaletteReference, ReversedVariantRunsBackwards) {
  const Palette viridis = *FindPalette("viridis");
  const std::optional<Palette> reversed = FindPalette("viridis_r");
  ASSERT_TRUE(reversed);
  EXPECT_EQ(reversed->name, "viridis_r");
  EXPECT_EQ(reversed->At(0.0f), viridis.At(1.0f));
  EXPECT_EQ(reversed->At(1.0f), viridis.At(0.0f));
}

TEST(PaletteReference, CategoricalPalettesReturnTheirStopsExactly) {
  for (const std::string& name : BuiltinPaletteNames()) {
    const Palette palette = *FindPalette(name);
    if (palette.kind != PaletteKind::kCategorical) continue;
    const size_t n = palette.stops.size();
    for (size_t i = 0; i < n; ++i)
      EXPECT_EQ(palette.At((static_cast<float>(i) + 0.5f) / static_cast<float>(n)), palette.stops[i])
          << name << " colour " << i;
  }
}

TEST(PaletteReference, GltrUsesGltrColours) {
  const Palette gltr = *FindPalette("gltr");
  const std::vector<Rgb8> expected = {FromHex(0xadff80), FromHex(0xffea80), FromHex(0xff9280),
                                      FromHex(0xe5b0ff)};
  EXPECT_EQ(gltr.stops, expected);
}

TEST(PaletteReference, EveryBuiltinResolvesForwardAndReversed) {
  for (const std::string& name : BuiltinPaletteNames()) {
    const std::optional<Palette> palette = FindPalette(name);
    ASSERT_TRUE(palette) << name;
    EXPECT_EQ(palette->name, name);
    EXPECT_GE(palette->stops.size(), 2u) << name;
    const std::optional<Palette> reversed = FindPalette(name + "_r");
    ASSERT_TRUE(reversed) << name << "_r";
    EXPECT_EQ(reversed->name, name + "_r");
    EXPECT_TRUE(std::equal(reversed->stops.begin(), reversed->stops.end(), palette->stops.rbegin(),
                           palette->stops.rend()))
        << name;
  }
}

TEST(PaletteReference, MenuOrderKindsAndColourVisionSafety) {
  struct Expected {
    const char* name;
    PaletteKind kind;
    bool cvd_safe;
  };
  constexpr PaletteKind kSeq = PaletteKind::kSequential;
  constexpr PaletteKind kDiv = PaletteKind::kDiverging;
  constexpr PaletteKind kCat = PaletteKind::kCategorical;
  const std::vector<Expected> expected = {
      {"Reds", kSeq, true},      {"Blues", kSeq, true},     {"Greens", kSeq, true},  {"Purples", kSeq, true},
      {"Greys", kSeq, true},     {"viridis", kSeq, true},   {"magma", kSeq, true},   {"inferno", kSeq, true},
      {"plasma", kSeq, true},    {"cividis", kSeq, true},   {"turbo", kSeq, false},  {"RdBu", kDiv, true},
      {"coolwarm", kDiv, false}, {"PiYG", kDiv, true},      {"BrBG", kDiv, true},    {"tab10", kCat, false},
      {"Set2", kCat, true},      {"gltr", kCat, false},
  };
  ASSERT_EQ(BuiltinPaletteNames().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(BuiltinPaletteNames()[i], expected[i].name);
    const Palette palette = *FindPalette(expected[i].name);
    EXPECT_EQ(palette.kind, expected[i].kind) << expected[i].name;
    EXPECT_EQ(palette.cvd_safe, expected[i].cvd_safe) << expected[i].name;
  }
}

}  // namespace
}  // namespace th
