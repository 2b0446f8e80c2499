// Every script through the real pipeline (headless EGL): no character falls back to the
// missing-glyph box, every token's box has glyph pixels, wide characters take two cells, and a
// document of 20,000 distinct CJK characters renders with the glyph atlas inside its bound.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "headless_gl_test.hpp"
#include "uniform_render.hpp"
#include "app/headless_render.hpp"
#include "core/utf8.hpp"
#include "gfx/egl_context.hpp"
#include "text/glyph_atlas.hpp"
#include "session/session.hpp"

namespace th {
namespace {

class ScriptsTest : public HeadlessGlTest {};

// Every box the palette's middle colour (uniform_render.hpp).
app::RenderedImage Render(const std::vector<std::string>& tokens, int width = 600) {
  return RenderUniformTokens(tokens, width);
}

// Pixels inside the instance's box that differ from its background (read at its top-left corner,
// a padding row no glyph touches).
int GlyphPixels(const app::RenderedImage& image, size_t instance) {
  const TokenInstance& t = image.layout.instances[instance];
  const GridGeometry& g = image.geometry;
  const int x0 = image.padding + t.column * g.cell_width;
  const int y0 = image.padding + t.row * g.LinePitch();
  const auto at = [&](int x, int y) { return &image.pixels[(static_cast<size_t>(y) * image.width + x) * 4]; };
  const uint8_t* background = at(x0, y0);
  int count = 0;
  for (int y = y0; y < y0 + g.cell_height; ++y) {
    for (int x = x0; x < x0 + g.BoxWidth(t.cells); ++x) {
      const uint8_t* p = at(x, y);
      count += std::abs(p[0] - background[0]) + std::abs(p[1] - background[1]) + std::abs(p[2] - background[2]) > 60;
    }
  }
  return count;
}

void ExpectEveryTokenHasGlyphs(const app::RenderedImage& image) {
  for (size_t i = 0; i < image.layout.instances.size(); ++i)
    EXPECT_GT(GlyphPixels(image, i), 6) << "token " << image.layout.tokens[i] << " has no glyph pixels";
}

struct Script {
  const char* name;
  std::vector<std::string> tokens;
};

TEST_F(ScriptsTest, EveryScriptRendersWithoutMissingGlyphs) {
  const std::vector<Script> scripts = {
      {"Vietnamese", {"Tiếng", " Việt", " ả", " ấ", " ế", " ố", " ủ", " ự", " Người", " đọc"}},
      {"Chinese", {"中文", "模型", "阅读", "。"}},
      {"Japanese", {"日本語", "の", "テキスト", "ｶﾀｶﾅ"}},
      {"Korean", {"한국어", " 토큰"}},
      {"Arabic", {"مرحبا", " بالعالم", " ٢٠٢٤"}},
      {"Hebrew", {"שלום", " עולם", " (עברית)"}},
      {"Devanagari", {"नमस्ते", " दुनिया", " क्षत्रिय"}},
      {"Thai", {"สวัสดี", "ครับ", " ภาษาไทย"}},
      {"Combining", {"e\u0301", "n\u0303", "a\u0323\u0302"}},
      {"Symbols", {"≤", "→", "∑", "★", "✓", "λ", "€"}},
      {"Emoji", {"🙂", "🚀", "✅", "❤", "🎉"}},
      {"Code", {"def", " f", "(x", "):", "\t", "return", " x", " **", " 2"}},
      {"Invisible", {"a\u200Bb", "\uFEFF", std::string(1, '\0'), "\u2060", "\u200D"}},
  };
  for (const Script& script : scripts) {
    SCOPED_TRACE(script.name);
    const app::RenderedImage image = Render(script.tokens);
    EXPECT_EQ(image.missing_glyphs, 0u);
    EXPECT_EQ(image.dropped_glyphs, 0u);
    ExpectEveryTokenHasGlyphs(image);
  }
}

TEST_F(ScriptsTest, CjkBoxesAreTwoCellsPerCharacter) {
  const app::RenderedImage image = Render({"中", "文字", "テスト", "x"});
  ASSERT_EQ(image.layout.instances.size(), 4u);
  const int cells[] = {2, 4, 6, 1};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(image.layout.instances[i].cells, cells[i]);
    // Both halves of each wide character have ink.
    if (i == 3) continue;
    const TokenInstance& t = image.layout.instances[i];
    for (int half = 0; half < t.cells; ++half) {
      app::RenderedImage one_cell = image;
      one_cell.layout.instances[i].column = static_cast<uint16_t>(t.column + half);
      one_cell.layout.instances[i].cells = 1;
      EXPECT_GT(GlyphPixels(one_cell, i), 2) << "token " << i << " cell " << half;
    }
  }
}

TEST_F(ScriptsTest, MissingGlyphsAreCountedPerImage) {
  const app::RenderedImage image = Render({"ok", "\U0010FFFD", "\U0010FFFD", "\U0010FFFC"});
  EXPECT_EQ(image.missing_glyphs, 2u);
  ExpectEveryTokenHasGlyphs(image);  // drawn as boxes, never blank
}

TEST_F(ScriptsTest, TwentyThousandDistinctCjkCharactersStayWithinTheAtlasBound) {
  std::vector<std::string> tokens;
  for (char32_t cp = 0x4E00; cp < 0x4E00 + 20000; ++cp) {
    std::string token;
    AppendUtf8(token, cp);
    tokens.push_back(std::move(token));
  }
  const auto start = std::chrono::steady_clock::now();
  const app::RenderedImage image = Render(tokens, 1000);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("20000 distinct CJK characters: %dx%d px in %.2f s, atlas %zu bytes\n", image.width, image.height,
              seconds, image.atlas_bytes);
  const GlyphAtlas reference("monospace", ViewSettings{}.font_size);
  EXPECT_LE(image.atlas_bytes, reference.MaxBytes());
  EXPECT_LT(reference.MaxBytes(), 20000u * 2 * reference.CellWidth() * reference.CellHeight())
      << "the bound is smaller than the glyphs, so the test exercises eviction";
  EXPECT_EQ(image.missing_glyphs, 0u);
  EXPECT_EQ(image.dropped_glyphs, 0u);
  ASSERT_EQ(image.layout.instances.size(), 20000u);
  for (const TokenInstance& instance : image.layout.instances) ASSERT_EQ(instance.cells, 2);
  ExpectEveryTokenHasGlyphs(image);
}

}  // namespace
}  // namespace th
