// Every mapping, scope and palette kind through the real shader, against the CPU reference
// (MapValue + Palette::At): the pixels of each token's box must match within 2 levels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "headless_gl_test.hpp"
#include "../core/palette_reference.hpp"
#include "app/headless_render.hpp"
#include "core/palette_registry.hpp"
#include "core/value_mapping.hpp"
#include "gfx/egl_context.hpp"

namespace th {
namespace {

class MappingTest : public HeadlessGlTest {};

constexpr int kNotch = 5;

// Two sequences of the channel "v"; the first is drawn.
Document MakeDocument(const std::vector<float>& first, const std::vector<float>& second) {
  Document document;
  for (const auto* values : {&first, &second}) {
    Sequence& sequence = document.sequences.emplace_back();
    for (size_t i = 0; i < values->size(); ++i) sequence.AppendToken(i == 0 ? "w" : " w");
    sequence.channels.push_back({"v", *values});
  }
  return document;
}

struct Pixel {
  int r, g, b;
};

// Checks every token's background (top row, outside the notch corner) against the reference,
// and the notch of clipped tokens.
void ExpectMatchesReference(const Session& session) {
  app::RenderRequest request;
  request.session = &session;
  request.width = 600;
  const app::RenderedImage image = app::RenderSequenceImage(request);
  const Palette& palette = session.CurrentPalette();
  const bool categorical = palette.kind == PaletteKind::kCategorical;
  const auto pixel = [&](int x, int y) {
    const size_t i = (static_cast<size_t>(y) * image.width + x) * 4;
    return Pixel{image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]};
  };
  ASSERT_EQ(image.layout.instances.size(), session.CurrentSequence().TokenCount());
  for (size_t i = 0; i < image.layout.instances.size(); ++i) {
    const TokenInstance& instance = image.layout.instances[i];
    const auto mapped = MapValue(session.Mapping(), instance.value, palette.stops.size(), categorical);
    ASSERT_TRUE(mapped.has_value());
    const Rgb8 expected = palette.At(mapped->t);
    const int x0 = image.padding + instance.column * image.geometry.cell_width;
    const int y0 = image.padding + instance.row * image.geometry.LinePitch();
    const int width = image.geometry.BoxWidth(instance.cells);
    for (int x = x0; x < x0 + width - kNotch; ++x) {
      const Pixel p = pixel(x, y0);
      ASSERT_LE(std::abs(p.r - expected.r), 2) << "token " << i << " value " << instance.value << " t " << mapped->t;
      ASSERT_LE(std::abs(p.g - expected.g), 2) << "token " << i;
      ASSERT_LE(std::abs(p.b - expected.b), 2) << "token " << i;
    }
    // A clipped value has its notch in the text colour; an unclipped one has none.
    const Rgb8 text = ContrastingTextColour(expected);
    const Pixel corner = mapped->clipped > 0 ? pixel(x0 + width - 1, y0) : pixel(x0, y0 + image.geometry.cell_height - 1);
    const bool notch = std::abs(corner.r - text.r) < 40 && std::abs(corner.g - text.g) < 40 && std::abs(corner.b - text.b) < 40;
    EXPECT_EQ(notch, mapped->clipped != 0) << "token " << i << " clipped " << mapped->clipped;
  }
}

Session MakeSession(const std::vector<float>& first, const std::vector<float>& second, const std::string& norm,
                    const char* palette, RangeScope scope = RangeScope::kSequence) {
  Session session(MakeDocument(first, second));
  MappingSpec spec;
  ParseNormSpec(norm, spec);
  spec.scope = scope;
  session.SetSpec(spec);
  session.SetPalette(*FindPalette(palette));
  return session;
}

const std::vector<float> kSigned = {-4.0f, -1.0f, 0.0f, 0.5f, 2.0f, 3.0f};
const std::vector<float> kPositive = {0.01f, 0.1f, 1.0f, 10.0f, 100.0f, 1000.0f};
const std::vector<float> kOther = {-10.0f, 50.0f};

TEST_F(MappingTest, MinMax) { ExpectMatchesReference(MakeSession(kSigned, kOther, "minmax", "viridis")); }

TEST_F(MappingTest, ZeroMaxClipsNegativesBelow) {
  const Session session = MakeSession(kSigned, kOther, "zero-max", "Reds");
  EXPECT_EQ(session.Low(), 0.0f);
  EXPECT_EQ(session.High(), 3.0f);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, SymmetricPutsZeroInTheMiddle) {
  const Session session = MakeSession(kSigned, kOther, "symmetric", "RdBu_r");
  EXPECT_EQ(session.Low(), -4.0f);
  EXPECT_EQ(session.High(), 4.0f);
  EXPECT_FLOAT_EQ(MapValue(session.Mapping(), 0.0f)->t, 0.5f);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, SymmetricPercentileClipsTheOutlierAndKeepsZeroInTheMiddle) {
  const Session session = MakeSession(kSigned, kOther, "symmetric:60", "RdBu_r");
  EXPECT_EQ(session.High(), -session.Low());
  EXPECT_LT(session.High(), 4.0f);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, PercentileClipsBothEnds) {
  const Session session = MakeSession(kSigned, kOther, "percentile:10:90", "magma");
  EXPECT_GT(session.Low(), -4.0f);
  EXPECT_LT(session.High(), 3.0f);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, LogSpreadsDecades) {
  const Session session = MakeSession(kPositive, kOther, "log", "viridis");
  EXPECT_NEAR(MapValue(session.Mapping(), 1.0f)->t, 0.4f, 1e-5f);  // 1 is 2 of 5 decades above 0.01
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, LogClipsNonPositiveValuesBelow) {
  ExpectMatchesReference(MakeSession(kSigned, kOther, "log", "plasma"));
}

TEST_F(MappingTest, GammaBendsTheScale) {
  Session session = MakeSession(kSigned, kOther, "minmax", "Greys");
  MappingSpec spec = session.Spec();
  spec.gamma = 2.2f;
  session.SetSpec(spec);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, BucketsOnACategoricalPalette) {
  const std::vector<float> ranks = {1.0f, 9.0f, 10.0f, 99.0f, 500.0f, 5000.0f};
  const Session session = MakeSession(ranks, kOther, "buckets:10,100,1000", "gltr");
  const Palette& gltr = session.CurrentPalette();
  EXPECT_EQ(gltr.At(MapValue(session.Mapping(), 9.0f, 4, true)->t), gltr.stops[0]);
  EXPECT_EQ(gltr.At(MapValue(session.Mapping(), 10.0f, 4, true)->t), gltr.stops[1]);
  EXPECT_EQ(gltr.At(MapValue(session.Mapping(), 5000.0f, 4, true)->t), gltr.stops[3]);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, BucketsOnASequentialPalette) {
  ExpectMatchesReference(MakeSession({1.0f, 50.0f, 500.0f, 5000.0f}, kOther, "buckets:10,100,1000", "Blues"));
}

TEST_F(MappingTest, GlobalScopeUsesEverySequence) {
  const Session session = MakeSession(kSigned, kOther, "minmax", "viridis", RangeScope::kGlobal);
  EXPECT_EQ(session.Low(), -10.0f);
  EXPECT_EQ(session.High(), 50.0f);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, ManualScopeUsesTypedNumbers) {
  Session session = MakeSession(kSigned, kOther, "minmax", "cividis");
  session.SetManualRange(-1.0f, 1.0f);
  EXPECT_EQ(session.Spec().scope, RangeScope::kManual);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, VisibleScopeFollowsTheTokensInView) {
  // The visible scope is resolved from the laid-out window; here every line is in view.
  Session session = MakeSession(kSigned, kOther, "minmax", "inferno", RangeScope::kVisible);
  session.UpdateLayout(600, 400, GridGeometry::ForCell(10, 21));
  EXPECT_EQ(session.Low(), -4.0f);
  EXPECT_EQ(session.High(), 3.0f);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, ShuffledValuesKeepTheirSetButMoveBetweenTokens) {
  std::vector<float> values;
  for (int i = 0; i < 40; ++i) values.push_back(static_cast<float>(i));
  Session session = MakeSession(values, kOther, "minmax", "viridis");
  session.SetShuffle(7);
  std::vector<float> shown(session.CurrentValues().begin(), session.CurrentValues().end());
  EXPECT_NE(shown, values);
  std::sort(shown.begin(), shown.end());
  EXPECT_EQ(shown, values);
  ExpectMatchesReference(session);
}

TEST_F(MappingTest, EveryBuiltinPaletteMatchesItsReference) {
  for (const std::string& name : BuiltinPaletteNames()) {
    SCOPED_TRACE(name);
    ExpectMatchesReference(MakeSession(kSigned, kOther, "minmax", name.c_str()));
  }
}

// The colour of token i's box, at its top row clear of any notch.
Pixel BoxColour(const app::RenderedImage& image, size_t i) {
  const TokenInstance& instance = image.layout.instances[i];
  const int x = image.padding + instance.column * image.geometry.cell_width + 1;
  const int y = image.padding + instance.row * image.geometry.LinePitch();
  const size_t at = (static_cast<size_t>(y) * image.width + x) * 4;
  return Pixel{image.pixels[at], image.pixels[at + 1], image.pixels[at + 2]};
}

int LevelsApart(Pixel p, Rgb8 c) { return std::max({std::abs(p.r - c.r), std::abs(p.g - c.g), std::abs(p.b - c.b)}); }

// A ratio is not a magnitude: A/B = 1 takes the diverging palette's middle, and x and 1/x are
// equally strong on either side of it.
TEST_F(MappingTest, RatioCentresOneInTheMiddleOfADivergingPalette) {
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  for (int i = 0; i < 5; ++i) sequence.AppendToken(i == 0 ? "w" : " w");
  sequence.channels.push_back({"a", std::vector<float>{1.0f, 2.0f, 3.0f, 2.0f, 1.0f}});
  sequence.channels.push_back({"b", std::vector<float>{4.0f, 1.0f, 3.0f, 4.0f, 0.25f}});  // 1/4, 2, 1, 1/2, 4
  Session session(std::move(document));
  ASSERT_TRUE(session.AddDerivedChannel("a/b"));
  EXPECT_EQ(session.CurrentPalette().name, "RdBu_r");
  EXPECT_FLOAT_EQ(session.Low(), 0.25f);
  EXPECT_FLOAT_EQ(session.High(), 4.0f);
  ExpectMatchesReference(session);
  app::RenderRequest request;
  request.session = &session;
  request.width = 600;
  const app::RenderedImage image = app::RenderSequenceImage(request);
  const Palette& palette = session.CurrentPalette();
  EXPECT_LE(LevelsApart(BoxColour(image, 2), palette.At(0.5f)), 2) << "1 is the palette's middle";
  EXPECT_LE(LevelsApart(BoxColour(image, 4), palette.At(1.0f)), 2);
  EXPECT_LE(LevelsApart(BoxColour(image, 0), palette.At(0.0f)), 2);
  EXPECT_LE(LevelsApart(BoxColour(image, 1), palette.At(0.75f)), 2) << "2 lies halfway to 4";
  EXPECT_LE(LevelsApart(BoxColour(image, 3), palette.At(0.25f)), 2) << "1/2 lies halfway to 1/4";
}

// What the GPU draws at t = k / 1023 is matplotlib's colour there, as the CPU's Palette::At is
// (tests/core/palette_reference_test.cpp), within a level of the GPU's filtering.
TEST_F(MappingTest, PalettesDrawMatplotlibsColours) {
  std::vector<float> values(test::kReferencePoints);
  for (size_t k = 0; k < values.size(); ++k) values[k] = static_cast<float>(k) / (test::kReferencePoints - 1);
  for (const char* name : {"turbo", "inferno", "coolwarm_r"}) {
    SCOPED_TRACE(name);
    Session session = MakeSession(values, kOther, "minmax", name);
    session.SetManualRange(0.0f, 1.0f);
    app::RenderRequest request;
    request.session = &session;
    request.width = 1200;
    const app::RenderedImage image = app::RenderSequenceImage(request);
    const std::string base = std::string(name).substr(0, std::string(name).find("_r"));
    const std::vector<Rgb8> reference = test::MatplotlibReference(base);
    ASSERT_EQ(reference.size(), test::kReferencePoints);
    ASSERT_EQ(image.layout.instances.size(), values.size());
    const bool reversed = base != name;
    int worst = 0;
    for (size_t k = 0; k < values.size(); ++k)
      worst = std::max(worst, LevelsApart(BoxColour(image, k), reference[reversed ? values.size() - 1 - k : k]));
    EXPECT_LE(worst, test::AllowedLevels(base) + 1);
  }
}

}  // namespace
}  // namespace th
