#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/palette_registry.hpp"
#include "palette_reference.hpp"

namespace th {
namespace {

using test::AllowedLevels;
using test::kReferencePoints;
using test::MatplotlibReference;

Rgb8 FromHex(uint32_t rgb) {
  return {static_cast<uint8_t>(rgb >> 16), static_cast<uint8_t>(rgb >> 8), static_cast<uint8_t>(rgb)};
}

int LevelsApart(Rgb8 a, Rgb8 b) { return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)}); }

TEST(PaletteReference, EveryMatplotlibPaletteAndItsReverseAt1024Points) {
  for (const std::string& name : BuiltinPaletteNames()) {
    if (name == "gltr") continue;  // GLTR's colours, not matplotlib's
    const std::vector<Rgb8> reference = MatplotlibReference(name);
    ASSERT_EQ(reference.size(), kReferencePoints) << name;
    const Palette palette = *FindPalette(name);
    const Palette reversed = *FindPalette(name + "_r");
    int worst = 0, worst_reversed = 0;
    for (size_t k = 0; k < kReferencePoints; ++k) {
      const float t = static_cast<float>(k) / (kReferencePoints - 1);
      worst = std::max(worst, LevelsApart(palette.At(t), reference[k]));
      // matplotlib's NAME_r at t is NAME at 1 - t at these points (the generator checks it).
      worst_reversed = std::max(worst_reversed, LevelsApart(reversed.At(t), reference[kReferencePoints - 1 - k]));
    }
    EXPECT_LE(worst, AllowedLevels(name)) << name;
    EXPECT_LE(worst_reversed, AllowedLevels(name)) << name << "_r";
  }
}

// The table the GPU samples is matplotlib's own: every entry exactly where matplotlib uses it.
TEST(PaletteReference, TableIsMatplotlibsLookupTable) {
  for (const std::string& name : BuiltinPaletteNames()) {
    const Palette palette = *FindPalette(name);
    if (palette.kind == PaletteKind::kCategorical) continue;
    const std::vector<Rgb8> reference = MatplotlibReference(name);
    ASSERT_EQ(reference.size(), kReferencePoints) << name;
    const auto table = palette.Table();
    constexpr auto kEntries = static_cast<size_t>(Palette::kTableSize);
    for (size_t k = 0; k < kReferencePoints; ++k) {
      // matplotlib's lookup: entry floor(t * 256), the last one for t = 1.
      const size_t entry = std::min(k * kEntries / (kReferencePoints - 1), kEntries - 1);
      ASSERT_EQ(table[entry], reference[k]) << name << " entry " << entry;
    }
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
