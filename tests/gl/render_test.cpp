// The real GL pipeline, headless (EGL on Mesa's llvmpipe here, the driver on a GPU machine):
// render small documents and check the pixels of every token box.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "headless_gl_test.hpp"
#include "app/headless_render.hpp"
#include "core/load_document.hpp"
#include "core/palette_registry.hpp"
#include "core/value_stats.hpp"
#include "gfx/egl_context.hpp"
#include "app/heatmap_view.hpp"

namespace th {
namespace {

class GlTest : public HeadlessGlTest {};

const Palette kBlueToRed{"blue-red", {{0, 0, 255}, {255, 0, 0}}, PaletteKind::kSequential};

struct Pixel {
  int r, g, b;
};

Pixel At(const app::RenderedImage& image, int x, int y) {
  const size_t i = (static_cast<size_t>(y) * image.width + x) * 4;
  return {image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]};
}

bool Near(Pixel p, Rgb8 c, int tolerance) {
  return std::abs(p.r - c.r) <= tolerance && std::abs(p.g - c.g) <= tolerance && std::abs(p.b - c.b) <= tolerance;
}

struct Box {
  int x, y, w, h;
};

Box BoxOf(const app::RenderedImage& image, size_t instance) {
  const TokenInstance& t = image.layout.instances[instance];
  const GridGeometry& g = image.geometry;
  return {image.padding + t.column * g.cell_width, image.padding + t.row * g.LinePitch(), g.BoxWidth(t.cells),
          g.cell_height};
}

Session MakeSession(const Sequence& sequence, float low, float high, const Palette& palette) {
  Document document;
  document.sequences.push_back(sequence);
  Session session(std::move(document));
  session.SetPalette(palette);
  session.SetManualRange(low, high);
  return session;
}

app::RenderedImage Render(const Session& session) {
  app::RenderRequest request;
  request.session = &session;
  request.width = 400;
  return app::RenderSequenceImage(request);
}

app::RenderedImage Render(const Sequence& sequence, float low, float high, const Palette& palette) {
  return Render(MakeSession(sequence, low, high, palette));
}

Sequence MakeSequence(const std::vector<std::string>& tokens, const std::vector<float>& values) {
  Sequence sequence;
  for (const std::string& token : tokens) sequence.AppendToken(token);
  sequence.channels.push_back({"value", values});
  return sequence;
}

// Every pixel of the box's top and bottom rows (the atlas's padding rows, never touched by
// glyphs) is the expected background, but for the corners where a clipped value's notch goes,
// and the box has glyph pixels in the contrasting colour.
constexpr int kNotch = 5;

void ExpectTokenBox(const app::RenderedImage& image, size_t instance, Rgb8 background, bool expect_glyphs) {
  const Box box = BoxOf(image, instance);
  SCOPED_TRACE("instance " + std::to_string(instance));
  for (int x = box.x; x < box.x + box.w; ++x) {
    for (const int y : {box.y, box.y + box.h - 1}) {
      if ((y == box.y && x >= box.x + box.w - kNotch) || (y != box.y && x < box.x + kNotch)) continue;
      const Pixel p = At(image, x, y);
      ASSERT_TRUE(Near(p, background, 2)) << "at " << x << "," << y << ": " << p.r << "," << p.g << "," << p.b
                                          << " expected " << int(background.r) << "," << int(background.g) << ","
                                          << int(background.b);
    }
  }
  const Rgb8 text = ContrastingTextColour(background);
  int glyph_pixels = 0;
  for (int y = box.y; y < box.y + box.h; ++y)
    for (int x = box.x; x < box.x + box.w; ++x) glyph_pixels += Near(At(image, x, y), text, 40) ? 1 : 0;
  if (expect_glyphs)
    EXPECT_GT(glyph_pixels, 8) << "no glyph pixels in the contrasting text colour";
  else
    EXPECT_EQ(glyph_pixels, 0);
}

TEST_F(GlTest, ContextIsAtLeastGl33Core) {
  const std::string description = Context()->Description();
  EXPECT_FALSE(description.empty());
  GLint major = 0, minor = 0, profile = 0;
  glGetIntegerv(GL_MAJOR_VERSION, &major);
  glGetIntegerv(GL_MINOR_VERSION, &minor);
  glGetIntegerv(GL_CONTEXT_PROFILE_MASK, &profile);
  EXPECT_GE(major * 10 + minor, 33) << description;
  EXPECT_TRUE(profile & GL_CONTEXT_CORE_PROFILE_BIT) << description;
}

TEST_F(GlTest, EachTokenBackgroundIsThePaletteColourAtItsNormalisedValue) {
  const Sequence sequence = MakeSequence({"low", " quarter", " mid", " high", " over"}, {0.0f, 2.5f, 5.0f, 10.0f, 99.0f});
  const app::RenderedImage image = Render(sequence, 0.0f, 10.0f, kBlueToRed);
  ASSERT_EQ(image.layout.instances.size(), 5u);
  const float norms[] = {0.0f, 0.25f, 0.5f, 1.0f, 1.0f};  // 99 is clamped to the top
  for (size_t i = 0; i < 5; ++i) ExpectTokenBox(image, i, kBlueToRed.At(norms[i]), true);
  // Blue (dark) gets white text, red gets black text under the WCAG rule.
  EXPECT_EQ(ContrastingTextColour(kBlueToRed.At(0.0f)), (Rgb8{255, 255, 255}));
  EXPECT_EQ(ContrastingTextColour(kBlueToRed.At(1.0f)), (Rgb8{0, 0, 0}));
}

TEST_F(GlTest, EqualMinAndMaxDrawThePalettesMiddle) {
  const Sequence sequence = MakeSequence({"same", " same"}, {3.0f, 3.0f});
  const ValueStats stats = ComputeStats(sequence.channels[0].values);
  const app::RenderedImage image = Render(sequence, stats.min, stats.max, kBlueToRed);
  for (size_t i = 0; i < 2; ++i) ExpectTokenBox(image, i, kBlueToRed.At(0.5f), true);
}

TEST_F(GlTest, NonFiniteValuesAreHatchedNotPaletteColours) {
  const Sequence sequence = MakeSequence({"ok", " nan", " inf"}, {1.0f, NAN, -INFINITY});
  const app::RenderedImage image = Render(sequence, 0.0f, 1.0f, kBlueToRed);
  ExpectTokenBox(image, 0, kBlueToRed.At(1.0f), true);
  for (size_t i = 1; i < 3; ++i) {
    const Box box = BoxOf(image, i);
    int light = 0, dark = 0;
    for (int x = box.x; x < box.x + box.w; ++x) {
      const Pixel p = At(image, x, box.y);
      light += Near(p, {204, 204, 204}, 2);
      dark += Near(p, {158, 158, 158}, 2);
    }
    EXPECT_GT(light, 0);
    EXPECT_GT(dark, 0);
    EXPECT_EQ(light + dark, box.w) << "the hatching has only its two greys";
  }
}

TEST_F(GlTest, WhitespaceOnlyTokensHaveBoxesWithoutGlyphs) {
  const Sequence sequence = MakeSequence({"a", "   ", "b"}, {0.0f, 0.5f, 1.0f});
  const app::RenderedImage image = Render(sequence, 0.0f, 1.0f, kBlueToRed);
  ExpectTokenBox(image, 1, kBlueToRed.At(0.5f), false);
}

// Plain text measures words only: its whitespace has no value by design, and is drawn on the
// canvas, neither in a palette colour nor hatched as a missing value.
TEST_F(GlTest, PlainTextWhitespaceIsDrawnOnTheCanvas) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("tokenheat_plain_" + std::to_string(::getpid()) + ".txt");
  std::ofstream(path) << "ab  cd\nefg h\n";
  Session session(LoadDocumentFile(path.string()));
  std::filesystem::remove(path);
  session.SetPalette(*FindPalette("viridis"));
  const app::RenderedImage image = Render(session);
  const Sequence& sequence = session.CurrentSequence();
  size_t spaces = 0;
  for (size_t i = 0; i < image.layout.instances.size(); ++i) {
    const uint64_t token = image.layout.tokens[i];
    const std::string_view text = sequence.Token(token);
    if (text.find_first_not_of(" \n") != std::string_view::npos) {
      const auto mapped = MapValue(session.Mapping(), image.layout.instances[i].value);
      ASSERT_TRUE(mapped) << "word " << text;
      ExpectTokenBox(image, i, session.CurrentPalette().At(mapped->t), true);
    } else {
      ++spaces;
      ExpectTokenBox(image, i, Rgb8{255, 255, 255}, false);
    }
  }
  EXPECT_EQ(spaces, 4u);
}

TEST_F(GlTest, RangeAndPaletteChangesUploadNoPerTokenDataAndShowAtOnce) {
  std::vector<std::string> tokens;
  std::vector<float> values;
  for (int i = 0; i < 400; ++i) tokens.push_back(" tok"), values.push_back(static_cast<float>(i % 2));
  Session session = MakeSession(MakeSequence(tokens, values), 0.0f, 1.0f, kBlueToRed);
  app::HeatmapView view("monospace", 16);
  const auto first_pixel = [&] {
    view.Render(session, 300, 200);
    const std::vector<uint8_t> pixels = view.ReadPixels();
    const size_t i = (static_cast<size_t>(Session::kPadding) * 300 + Session::kPadding) * 4;
    return Pixel{pixels[i], pixels[i + 1], pixels[i + 2]};  // the first token's top-left corner
  };
  EXPECT_TRUE(Near(first_pixel(), kBlueToRed.At(0.0f), 2));
  const size_t uploaded = view.UploadedBytesTotal();

  session.SetManualRange(-1.0f, 1.0f);  // a range drag: the very next frame has the new colour
  EXPECT_TRUE(Near(first_pixel(), kBlueToRed.At(0.5f), 2));
  EXPECT_EQ(view.UploadedBytesTotal(), uploaded) << "a range change uploaded data";

  session.SetPalette(*FindPalette("Greys"));  // a palette change: 256 texels, nothing per token
  EXPECT_TRUE(Near(first_pixel(), FindPalette("Greys")->At(0.5f), 2));
  EXPECT_EQ(view.UploadedBytesTotal(), uploaded + Palette::kTableSize * sizeof(Rgb8));
}

TEST_F(GlTest, LayoutJsonDescribesEveryDrawnBoxInImagePixels) {
  const Sequence sequence =
      MakeSequence({"Hello", " world", "\n", "a-very-long-token-that-wraps-across-lines", " ok"},
                   {1.0f, 2.0f, 0.0f, 3.0f, NAN});
  const Session session = MakeSession(sequence, 0.0f, 3.0f, kBlueToRed);
  const app::RenderedImage image = Render(session);
  const nlohmann::json layout = nlohmann::json::parse(app::LayoutJson(image, session));
  EXPECT_EQ(layout["width"], image.width);
  EXPECT_EQ(layout["height"], image.height);
  std::string text;
  size_t index_boxes_of_long_token = 0;
  for (const auto& token : layout["tokens"]) {
    text += token["text"].get<std::string>();
    EXPECT_GE(token["x"].get<int>(), 0);
    EXPECT_LE(token["x"].get<int>() + token["w"].get<int>(), image.width);
    EXPECT_LE(token["y"].get<int>() + token["h"].get<int>(), image.height);
    if (token["index"] == 3) ++index_boxes_of_long_token;
  }
  EXPECT_EQ(text, "Hello world\na-very-long-token-that-wraps-across-lines ok");
  EXPECT_GE(index_boxes_of_long_token, 2u) << "a token wider than the image is split into boxes";
  const auto& world = layout["tokens"][1];
  EXPECT_EQ(world["value"], 2.0);
  EXPECT_NEAR(world["norm"].get<double>(), 2.0 / 3.0, 1e-6);
  EXPECT_TRUE(layout["tokens"].back()["value"].is_null());
  EXPECT_TRUE(layout["tokens"].back()["norm"].is_null());
  // The box it names is drawn where it says: its background is the palette colour.
  const Pixel p = At(image, world["x"].get<int>() + 1, world["y"].get<int>());
  EXPECT_TRUE(Near(p, kBlueToRed.At(2.0f / 3.0f), 2));
}

TEST_F(GlTest, LayoutJsonTextsKeepMalformedBytesAsSurrogateEscapes) {
  const Sequence sequence = MakeSequence({"caf", "\xC3", " ok\x9F"}, {1.0f, 2.0f, 3.0f});
  const Session session = MakeSession(sequence, 0.0f, 3.0f, kBlueToRed);
  const app::RenderedImage image = Render(session);
  const std::string layout = app::LayoutJson(image, session);
  EXPECT_NE(layout.find(R"("text":"\udcc3")"), std::string::npos) << layout;
  EXPECT_NE(layout.find(R"("text":" ok\udc9f")"), std::string::npos) << layout;
  // Everything else reads as before: the escapes are the only difference from valid UTF-8 text.
  std::string readable = layout;
  for (const char* escape : {R"(\udcc3)", R"(\udc9f)"}) readable.replace(readable.find(escape), 6, "?");
  const nlohmann::json parsed = nlohmann::json::parse(readable);
  ASSERT_EQ(parsed["tokens"].size(), 3u);
  EXPECT_EQ(parsed["tokens"][2]["index"], 2);
  EXPECT_EQ(parsed["tokens"][2]["value"], 3.0);
  EXPECT_EQ(parsed["width"], image.width);
}

TEST_F(GlTest, TallDocumentsAreStitchedFromBands) {
  std::vector<std::string> tokens;
  std::vector<float> values;
  for (int i = 0; i < 300; ++i) {
    tokens.push_back("line\n");
    values.push_back(static_cast<float>(i % 2));
  }
  const Sequence sequence = MakeSequence(tokens, values);
  const app::RenderedImage image = Render(sequence, 0.0f, 1.0f, kBlueToRed);
  ASSERT_EQ(image.layout.instances.size(), 300u);
  ASSERT_GT(image.height, 4096) << "the test must cross a band boundary";
  for (size_t i = 0; i < 300; i += 37) ExpectTokenBox(image, i, kBlueToRed.At(static_cast<float>(i % 2)), true);
}

}  // namespace
}  // namespace th
