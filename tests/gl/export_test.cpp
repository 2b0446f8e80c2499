// Exports against the viewer: a PNG written by the render path equals the on-screen frame of
// the same session at the same size, and a 2x export is the same picture at twice the size.
#include <gtest/gtest.h>
#include <stb/stb_image.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "headless_gl_test.hpp"
#include "app/export.hpp"
#include "app/headless_render.hpp"
#include "app/heatmap_view.hpp"
#include "core/demo_document.hpp"
#include "gfx/egl_context.hpp"
#include "gfx/image_io.hpp"

namespace th {
namespace {

class ExportTest : public HeadlessGlTest {};

std::vector<uint8_t> ReadPng(const std::string& path, int& width, int& height) {
  int channels = 0;
  unsigned char* pixels = stbi_load(path.c_str(), &width, &height, &channels, 4);
  EXPECT_NE(pixels, nullptr) << path;
  if (pixels == nullptr) return {};
  std::vector<uint8_t> copy(pixels, pixels + static_cast<size_t>(width) * height * 4);
  stbi_image_free(pixels);
  return copy;
}

TEST_F(ExportTest, PngExportEqualsTheOnScreenFrame) {
  Session exported(MakeDemoDocument());
  exported.ApplyDataDefaults(false);
  app::RenderRequest request;
  request.session = &exported;
  request.width = 640;
  const app::RenderedImage image = app::RenderSequenceImage(request);
  const std::string path = (std::filesystem::temp_directory_path() / "tokenheat_export_test.png").string();
  WritePng(path, image.width, image.height, image.pixels);
  int width = 0, height = 0;
  const std::vector<uint8_t> png = ReadPng(path, width, height);
  std::filesystem::remove(path);

  // The viewer's heatmap view at the PNG's size shows the whole sequence from the top.
  Session shown(MakeDemoDocument());
  shown.ApplyDataDefaults(false);
  app::HeatmapView view(request.font, shown.Settings().font_size);
  view.Render(shown, width, height);
  ASSERT_EQ(width, image.width);
  ASSERT_EQ(height, image.height);
  EXPECT_TRUE(view.ReadPixels() == png) << "the PNG export differs from the on-screen frame";
}

TEST_F(ExportTest, ScaledExportIsTheSameLayoutAtTwiceTheSize) {
  Session session(MakeDemoDocument());
  session.ApplyDataDefaults(false);
  app::RenderRequest request;
  request.session = &session;
  request.width = 500;
  const app::RenderedImage single = app::RenderSequenceImage(request);
  request.scale = 2;
  const app::RenderedImage twice = app::RenderSequenceImage(request);
  EXPECT_GE(twice.width, 2 * single.width);
  EXPECT_EQ(twice.font_size, 2 * single.font_size);
  EXPECT_EQ(twice.padding, 2 * single.padding);
  // The same lines with the same tokens on them, only larger.
  EXPECT_EQ(twice.layout.line_count, single.layout.line_count);
  ASSERT_EQ(twice.layout.instances.size(), single.layout.instances.size());
  for (size_t i = 0; i < single.layout.instances.size(); ++i) {
    EXPECT_EQ(twice.layout.instances[i].row, single.layout.instances[i].row);
    EXPECT_EQ(twice.layout.instances[i].column, single.layout.instances[i].column);
  }
  EXPECT_NEAR(twice.height, 2 * single.height, 0.15 * single.height);
}

TEST(ExportMarkup, EscapesEveryMarkupCharacterAndWhatXmlCannotHold) {
  EXPECT_EQ(app::EscapeMarkup("<script>&amp;\"'"), "&lt;script&gt;&amp;amp;&quot;&#39;");
  EXPECT_EQ(app::EscapeMarkup(std::string("a\x01" "b\tc", 5)), "a\xEF\xBF\xBD" "b\tc");
  EXPECT_EQ(app::EscapeMarkup("\xff"), "\xEF\xBF\xBD");  // malformed UTF-8
}

}  // namespace
}  // namespace th
