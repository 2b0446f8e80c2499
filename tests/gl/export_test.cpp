// Exports against the viewer: a PNG written by the render path equals the on-screen frame of
// the same session at the same size, and a 2x export is the same picture at twice the size. A
// PNG's legend and caption are bands around the unchanged picture, in the palette's colours.
#include <gtest/gtest.h>
#include <stb/stb_image.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "headless_gl_test.hpp"
#include "app/export.hpp"
#include "app/headless_render.hpp"
#include "app/heatmap_view.hpp"
#include "core/demo_document.hpp"
#include "core/utf8.hpp"
#include "core/palette_registry.hpp"
#include "gfx/egl_context.hpp"
#include "gfx/image_io.hpp"
#include "layout/display_cells.hpp"
#include "session/legend.hpp"

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

// A render of the session 640 pixels wide, the exports' width in these tests (ExportPng's too).
app::RenderRequest RequestAt640(const Session& session) {
  app::RenderRequest request;
  request.session = &session;
  request.width = 640;
  return request;
}

TEST_F(ExportTest, PngExportEqualsTheOnScreenFrame) {
  Session exported(MakeDemoDocument());
  exported.ApplyDataDefaults(false);
  app::RenderRequest request = RequestAt640(exported);
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

// N x is exactly N x: the width, every cell and gap, and so the same lines with the same tokens
// on them at N times their place, whatever the font's rounding at N times the size.
TEST_F(ExportTest, ScaledRenderIsExactlyScaleTimesTheSameLayout) {
  for (const int font_size : {16, 13, 23}) {
    Session session(MakeDemoDocument());
    session.ApplyDataDefaults(false);
    session.SetFontSize(font_size);
    app::RenderRequest request;
    request.session = &session;
    request.width = 500;
    const app::RenderedImage single = app::RenderSequenceImage(request);
    for (const int scale : {2, 3, 4}) {
      SCOPED_TRACE("font size " + std::to_string(font_size) + ", scale " + std::to_string(scale));
      request.scale = scale;
      const app::RenderedImage scaled = app::RenderSequenceImage(request);
      EXPECT_EQ(scaled.width, scale * 500);
      EXPECT_EQ(scaled.height, scale * single.height);
      EXPECT_EQ(scaled.font_size, scale * single.font_size);
      EXPECT_EQ(scaled.padding, scale * single.padding);
      EXPECT_EQ(scaled.geometry.cell_width, scale * single.geometry.cell_width);
      EXPECT_EQ(scaled.geometry.cell_height, scale * single.geometry.cell_height);
      EXPECT_EQ(scaled.geometry.LinePitch(), scale * single.geometry.LinePitch());
      EXPECT_EQ(scaled.layout.line_count, single.layout.line_count);
      ASSERT_EQ(scaled.layout.instances.size(), single.layout.instances.size());
      for (size_t i = 0; i < single.layout.instances.size(); ++i) {
        EXPECT_EQ(scaled.layout.instances[i].row, single.layout.instances[i].row);
        EXPECT_EQ(scaled.layout.instances[i].column, single.layout.instances[i].column);
        EXPECT_EQ(scaled.layout.instances[i].cells, single.layout.instances[i].cells);
      }
    }
  }
}

struct Png {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
  Rgb8 At(int x, int y) const {
    const uint8_t* p = pixels.data() + (static_cast<size_t>(y) * width + x) * 4;
    return {p[0], p[1], p[2]};
  }
  // Pixels in rows [top, bottom) dark enough to be glyphs on the white canvas.
  int DarkPixels(int top, int bottom) const {
    int count = 0;
    for (int y = top; y < bottom; ++y)
      for (int x = 0; x < width; ++x) count += At(x, y).r + At(x, y).g + At(x, y).b < 3 * 96;
    return count;
  }
  bool RowsEqual(int top, const Png& other, int other_top, int rows) const {
    const size_t row_bytes = static_cast<size_t>(width) * 4;
    return width == other.width &&
           std::equal(pixels.begin() + top * row_bytes, pixels.begin() + (top + rows) * row_bytes,
                      other.pixels.begin() + other_top * row_bytes);
  }
};

// `tokenheat render` of the demo to a PNG file, as WriteExport writes it, read back.
Png ExportPng(const Session& session, bool legend, bool caption, int scale = 1) {
  app::ExportJob job;
  // One file per test: ctest runs the tests of this file side by side.
  const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  job.path = (std::filesystem::temp_directory_path() / ("tokenheat_" + test + ".png")).string();
  job.width = 640;
  job.scale = scale;
  job.options.legend = legend;
  job.options.caption = caption ? app::DefaultCaption(session) : std::string();
  app::WriteExport(session, job);
  Png png;
  png.pixels = ReadPng(job.path, png.width, png.height);
  std::filesystem::remove(job.path);
  return png;
}

// `render --width 500 --scale N`: a PNG exactly N x 500 pixels wide, and every box of --layout
// the scale-1 box at N times its place and size, filled with the same colour, its glyphs drawn at
// N times the size (about N^2 times the ink).
TEST_F(ExportTest, ScaledPngIsExactlyScaleTimesWideWithTheSameBoxes) {
  Session session(MakeDemoDocument());
  session.ApplyDataDefaults(false);
  const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const auto export_png = [&](int scale, nlohmann::json& layout) {
    app::ExportJob job;
    job.path = (std::filesystem::temp_directory_path() / ("tokenheat_" + test + ".png")).string();
    job.layout_path = job.path + ".json";
    job.width = 500;
    job.scale = scale;
    app::WriteExport(session, job);
    Png png;
    png.pixels = ReadPng(job.path, png.width, png.height);
    std::ifstream json(*job.layout_path);
    layout = nlohmann::json::parse(json);
    std::filesystem::remove(job.path);
    std::filesystem::remove(*job.layout_path);
    return png;
  };
  // How far a box's pixels are from its background, summed: its glyphs' ink, coverage weighted.
  const auto ink = [](const Png& png, const nlohmann::json& box) {
    const int x = box["x"], y = box["y"], w = box["w"], h = box["h"];
    const Rgb8 background = png.At(x, y);
    int64_t sum = 0;
    for (int row = y; row < y + h; ++row)
      for (int column = x; column < x + w; ++column) {
        const Rgb8 pixel = png.At(column, row);
        sum += std::abs(pixel.r - background.r) + std::abs(pixel.g - background.g) + std::abs(pixel.b - background.b);
      }
    return sum;
  };
  nlohmann::json single_layout;
  const Png single = export_png(1, single_layout);
  for (const int scale : {2, 3}) {
    SCOPED_TRACE("scale " + std::to_string(scale));
    nlohmann::json layout;
    const Png scaled = export_png(scale, layout);
    EXPECT_EQ(scaled.width, 500 * scale);
    EXPECT_EQ(scaled.height, single.height * scale);
    EXPECT_EQ(layout["width"], 500 * scale);
    const nlohmann::json& boxes = layout["tokens"];
    const nlohmann::json& single_boxes = single_layout["tokens"];
    ASSERT_EQ(boxes.size(), single_boxes.size());
    int64_t single_ink = 0, scaled_ink = 0;
    for (size_t i = 0; i < boxes.size(); ++i) {
      const nlohmann::json &box = boxes[i], &one = single_boxes[i];
      EXPECT_EQ(box["index"], one["index"]);
      for (const char* key : {"x", "y", "w", "h"})
        EXPECT_EQ(box[key].get<int>(), scale * one[key].get<int>()) << "token " << one["index"] << " " << key;
      // The top left corner is the box's colour at both scales (the notch is at the others).
      const Rgb8 colour = scaled.At(box["x"], box["y"]), expected = single.At(one["x"], one["y"]);
      EXPECT_TRUE(colour.r == expected.r && colour.g == expected.g && colour.b == expected.b) << "token " << i;
      single_ink += ink(single, one);
      scaled_ink += ink(scaled, box);
    }
    EXPECT_GT(scaled_ink, (scale * scale) * single_ink * 4 / 5);
    EXPECT_LT(scaled_ink, (scale * scale) * single_ink * 6 / 5);
  }
}

void ExpectColourNear(Rgb8 actual, Rgb8 expected, int tolerance, const std::string& what) {
  EXPECT_LE(std::abs(actual.r - expected.r), tolerance) << what;
  EXPECT_LE(std::abs(actual.g - expected.g), tolerance) << what;
  EXPECT_LE(std::abs(actual.b - expected.b), tolerance) << what;
}

bool IsCanvas(Rgb8 colour) { return colour.r == 255 && colour.g == 255 && colour.b == 255; }

TEST_F(ExportTest, PngLegendIsABandBelowThePictureFromThePalettesLowToItsHigh) {
  for (const int scale : {1, 2}) {
    SCOPED_TRACE("scale " + std::to_string(scale));
    Session session(MakeDemoDocument());
    session.ApplyDataDefaults(false);
    session.SetPalette(*FindPalette("viridis"));
    const Png plain = ExportPng(session, false, false, scale);
    const Png figure = ExportPng(session, true, false, scale);
    ASSERT_EQ(figure.width, plain.width);
    ASSERT_GT(figure.height, plain.height);
    EXPECT_TRUE(figure.RowsEqual(0, plain, 0, plain.height)) << "the legend changed the picture above it";

    // The gradient is the band's first row: from the text's left edge, the palette's low end
    // first, its high end last, and its middle between them.
    app::RenderRequest request = RequestAt640(session);
    request.scale = scale;
    const app::RenderedImage image = app::RenderSequenceImage(request);
    const GridGeometry& g = image.geometry;
    const int bar_y = plain.height + g.cell_height / 2;
    const int left = image.padding;
    EXPECT_TRUE(IsCanvas(figure.At(left - 1, bar_y)));
    int right = left;
    while (right + 1 < figure.width && !IsCanvas(figure.At(right + 1, bar_y))) ++right;
    EXPECT_GE(right - left, 300 * scale) << "the gradient is too short";
    const Palette& palette = session.CurrentPalette();
    ExpectColourNear(figure.At(left, bar_y), palette.At(0.0f), 1, "low end");
    ExpectColourNear(figure.At(right, bar_y), palette.At(1.0f), 1, "high end");
    ExpectColourNear(figure.At((left + right) / 2, bar_y), palette.At(0.5f), 4, "middle");
    EXPECT_TRUE(IsCanvas(figure.At(left, plain.height + g.cell_height))) << "the gradient is one row tall";

    // Then the numbers under the bar, the no-value key, the clip key and the words: glyphs in
    // every row.
    const int rows = 3 + static_cast<int>(ui::MappingWordLines(session).size());
    for (int row = 1; row <= rows; ++row) {
      const int top = plain.height + row * g.LinePitch();
      EXPECT_GT(figure.DarkPixels(top, top + g.cell_height), 10 * scale * scale) << "no glyphs in legend row " << row;
    }
    EXPECT_LE(plain.height + (rows + 1) * g.LinePitch() + image.padding - g.line_gap, figure.height);
  }
}

TEST_F(ExportTest, PngBucketSwatchesHaveTheBucketsColours) {
  Session session(MakeDemoDocument());
  session.ApplyDataDefaults(false);
  MappingSpec spec = session.Spec();
  spec.kind = NormKind::kBuckets;
  spec.thresholds = {3.0f, 6.0f};
  session.SetSpec(spec);
  const Png plain = ExportPng(session, false, false);
  const Png figure = ExportPng(session, true, false);
  app::RenderRequest request = RequestAt640(session);
  const app::RenderedImage image = app::RenderSequenceImage(request);
  const int y = plain.height + image.geometry.cell_height / 2;
  // Each swatch starts where the one before it ended, a canvas gap later.
  int x = image.padding;
  for (const ui::LegendSwatch& swatch : ui::BucketSwatches(session)) {
    while (x < figure.width && IsCanvas(figure.At(x, y))) ++x;
    ASSERT_LT(x, figure.width) << swatch.label;
    ExpectColourNear(figure.At(x, y), swatch.colour, 1, swatch.label);  // the 256-entry table: 1 off at most
    while (x < figure.width && !IsCanvas(figure.At(x, y))) ++x;
  }
}

TEST_F(ExportTest, PngCaptionIsGlyphsAboveTheUnchangedPicture) {
  Session session(MakeDemoDocument());
  session.ApplyDataDefaults(false);
  const Png plain = ExportPng(session, false, false);
  const Png figure = ExportPng(session, true, true);

  app::RenderRequest request = RequestAt640(session);
  app::RenderedImage image = app::RenderSequenceImage(request);
  app::ExportOptions options;
  options.caption = app::DefaultCaption(session);
  app::AddCaptionAndLegend(image, session, request.font, options);
  const int caption_height = image.grid_top;
  ASSERT_GT(caption_height, image.geometry.cell_height);
  EXPECT_GT(figure.DarkPixels(0, caption_height), 100) << "no caption glyphs";
  EXPECT_TRUE(figure.RowsEqual(caption_height, plain, 0, plain.height)) << "the caption moved or changed the picture";
  EXPECT_GT(figure.height, caption_height + plain.height) << "no legend below";
}

// The figure of a shuffled control says so above the picture, legend or not: the band above is
// the one a caption of the shuffled words draws, over the shuffled render itself.
TEST_F(ExportTest, ShuffledPngSaysSoAboveThePictureAndInTheLegend) {
  Session shuffled(MakeDemoDocument());
  shuffled.SetShuffle(7);  // before the defaults, as the command line sets them (new values forget them)
  shuffled.ApplyDataDefaults(false);
  const std::string words = ui::ShuffledWords(shuffled);
  ASSERT_EQ(words, "SHUFFLED values (seed 7)");
  const Png figure = ExportPng(shuffled, false, false);

  app::RenderRequest request = RequestAt640(shuffled);
  const app::RenderedImage picture = app::RenderSequenceImage(request);
  Session data(MakeDemoDocument());
  data.ApplyDataDefaults(false);
  ASSERT_TRUE(ui::ShuffledWords(data).empty());
  request.session = &data;
  app::RenderedImage captioned = app::RenderSequenceImage(request);
  app::ExportOptions options;
  options.caption = words;
  app::AddCaptionAndLegend(captioned, data, request.font, options);
  const int heading = captioned.grid_top;
  ASSERT_GT(heading, 0);
  ASSERT_EQ(figure.height, heading + picture.height);
  Png expected{captioned.width, captioned.height, captioned.pixels};
  EXPECT_TRUE(figure.RowsEqual(0, expected, 0, heading)) << "the band above does not read " << words;
  Png shuffled_picture{picture.width, picture.height, picture.pixels};
  EXPECT_TRUE(figure.RowsEqual(heading, shuffled_picture, 0, picture.height)) << "the picture is not the shuffled one";

  // With a legend, the shuffled words are one more row of it, after the no-value and clip keys
  // (the mapping's words are the data's: the same values, permuted).
  const Png legend = ExportPng(shuffled, true, false);
  const int data_legend = ExportPng(data, true, false).height - ExportPng(data, false, false).height;
  const GridGeometry& g = picture.geometry;
  EXPECT_EQ(legend.height - figure.height, data_legend + g.LinePitch());
  const int top = figure.height + 4 * g.LinePitch();
  EXPECT_GT(legend.DarkPixels(top, top + g.cell_height), 100) << "no shuffled words in the legend";
}

// Side by side, a label over each half, each starting where its half's text starts.
TEST_F(ExportTest, SideBySidePngLabelsEachHalf) {
  Session session(MakeDemoDocument());
  session.ApplyDataDefaults(false);
  session.SetShuffle(7);
  session.SetSideBySide(true);
  ASSERT_NE(session.VisibleTwin(), nullptr);
  const Png figure = ExportPng(session, false, false);
  app::RenderRequest request = RequestAt640(session);
  const app::RenderedImage half = app::RenderSequenceImage(request);
  ASSERT_GT(figure.width, 2 * half.width);
  const int heading = figure.height - half.height;
  ASSERT_GT(heading, half.geometry.cell_height);
  const int twin_left = figure.width - half.width;
  // The first and last columns with glyphs in the heading, left of the seam and right of it.
  const auto glyph_columns = [&](int from, int to) {
    std::pair<int, int> span{to, from};
    for (int x = from; x < to; ++x)
      for (int y = 0; y < heading; ++y)
        if (figure.At(x, y).r + figure.At(x, y).g + figure.At(x, y).b < 3 * 96) {
          span = {std::min(span.first, x), std::max(span.second, x)};
          break;
        }
    return span;
  };
  const auto [real_first, real_last] = glyph_columns(0, twin_left);
  const auto [shuffled_first, shuffled_last] = glyph_columns(twin_left, figure.width);
  const int cell = half.geometry.cell_width;
  EXPECT_GE(real_first, half.padding);
  EXPECT_LT(real_first, half.padding + cell) << "no label over the real half";
  EXPECT_GE(shuffled_first, twin_left + half.padding);
  EXPECT_LT(shuffled_first, twin_left + half.padding + cell) << "no label over the shuffled half";
  // "real values" and "SHUFFLED control (seed 7)", a glyph cell each.
  const ui::SideBySideLabels labels = ui::SideBySideLabelsOf(session);
  EXPECT_EQ(labels.shuffled, "SHUFFLED control (seed 7)");
  EXPECT_NEAR(real_last - real_first + 1, static_cast<int>(labels.real.size()) * cell, cell);
  EXPECT_NEAR(shuffled_last - shuffled_first + 1, static_cast<int>(labels.shuffled.size()) * cell, cell);
  EXPECT_EQ(ui::ShuffledWords(session), "right: SHUFFLED values (seed 7)");
}

// The README's attribution example: 33 tokens, one of them (3.2) far beyond the rest (|x| <= 0.55),
// on its default mapping (symmetric about 0, RdBu_r).
Session OutlierSession() {
  const std::vector<float> values = {
      0.0033f, 0.0372f, -0.0369f, -0.55f,   0.5418f, 0.0329f,  0.0425f,  -0.1294f, 0.0174f, 0.0977f, -0.0082f,
      0.0486f, 0.3f,    3.2f,     0.069f,   -0.1276f, 0.0164f, -0.0498f, 0.5232f,  0.1045f, 0.1007f, -0.1304f,
      0.0934f, -0.55f,  -0.0449f, -0.0837f, 0.0397f, 0.0815f,  0.1582f,  -0.4f,    -0.4f,   -0.0754f, -0.0544f};
  Sequence sequence;
  for (size_t i = 0; i < values.size(); ++i) sequence.AppendToken(" word");
  sequence.channels.push_back({"attribution", values});
  Document document;
  document.sequences.push_back(std::move(sequence));
  Session session(std::move(document));
  session.ApplyDataDefaults(false);
  return session;
}

constexpr const char* kOutlierWarning =
    "WARNING: outlier: 3.2 lies 5.6 times as far from the median as any other value; the other 32 share 17% of the "
    "range";

// A log scale of values none of which is above 0.
Session NegativeLogSession() {
  Sequence sequence;
  for (int i = 0; i < 3; ++i) sequence.AppendToken(" word");
  sequence.channels.push_back({"loss", std::vector<float>{-3.0f, -1.0f, -2.0f}});
  Document document;
  document.sequences.push_back(std::move(sequence));
  Session session(std::move(document));
  session.ApplyDataDefaults(false);
  MappingSpec spec = session.Spec();
  spec.kind = NormKind::kLog;
  session.SetSpec(spec);
  return session;
}

size_t Occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

// The PNG's legend draws these word lines (ui::MappingWordLines), one or more rows each; its clip
// key is a swatch of a value just below the range and one just above, notched by the shader as
// the tokens are, with the counts beside them.
TEST_F(ExportTest, PngLegendWarnsOfTheOutlierAndNotchesItsClipKey) {
  const Session session = OutlierSession();
  const std::vector<std::string> lines = ui::MappingWordLines(session);
  EXPECT_NE(std::find(lines.begin(), lines.end(), kOutlierWarning), lines.end()) << ::testing::PrintToString(lines);
  EXPECT_EQ(ui::ClippingKey(session)->words, "0 below the range, 0 above it");

  const Png plain = ExportPng(session, false, false);
  const Png figure = ExportPng(session, true, false);
  app::RenderRequest request = RequestAt640(session);
  const app::RenderedImage image = app::RenderSequenceImage(request);
  const GridGeometry& g = image.word_geometry;
  const int rows = 3 + static_cast<int>(lines.size());  // numbers, no-value key, clip key, words
  for (int row = 1; row <= rows; ++row) {
    const int top = plain.height + row * g.LinePitch();
    EXPECT_GT(figure.DarkPixels(top, top + g.cell_height), 10) << "no glyphs in legend row " << row;
  }

  const Palette& palette = session.CurrentPalette();
  const int top = plain.height + 3 * g.LinePitch(), bottom = top + g.cell_height - 1;
  const int below_left = image.padding, above_left = image.padding + 4 * g.cell_width;
  const int right = g.BoxWidth(3) - 1;
  for (const auto& [left, end] : {std::pair{below_left, 0.0f}, std::pair{above_left, 1.0f}}) {
    const Rgb8 colour = palette.At(end);
    ExpectColourNear(figure.At(left + right / 2, top + g.cell_height / 2), colour, 1, "swatch colour");
    const bool above = end == 1.0f;
    // The notch in the text colour at its corner, the palette's colour at the opposite one.
    ExpectColourNear(figure.At(above ? left + right : left, above ? top : bottom), ContrastingTextColour(colour), 1,
                     above ? "notch at the top right" : "notch at the bottom left");
    ExpectColourNear(figure.At(above ? left : left + right, above ? bottom : top), colour, 1, "no notch opposite");
  }
  EXPECT_GT(figure.DarkPixels(top, top + g.cell_height), 10) << "no words beside the clip key";
}

// The same words and keys in the vector and web legends; clipped tokens carry the notch the
// legend explains.
TEST_F(ExportTest, SvgAndHtmlLegendsWarnCountAndNotch) {
  Session session = OutlierSession();
  app::RenderRequest request = RequestAt640(session);
  app::ExportOptions options;
  options.legend = true;
  std::string svg = app::ExportSvg(app::RenderSequenceImage(request), session, options);
  std::string html = app::ExportHtml(app::LayOutSequenceImage(request), session, options);
  EXPECT_NE(svg.find(std::string(">") + kOutlierWarning + "</text>"), std::string::npos);
  EXPECT_NE(html.find(kOutlierWarning), std::string::npos);
  EXPECT_NE(svg.find("class=\"clipping\" x="), std::string::npos);
  EXPECT_NE(svg.find(">0 below the range, 0 above it</text>"), std::string::npos);
  EXPECT_NE(html.find("0 below the range, 0 above it</p>"), std::string::npos);
  EXPECT_EQ(Occurrences(svg, "class=\"notch\""), 2u) << "only the key's swatches are notched";
  EXPECT_EQ(Occurrences(html, "class=\"clip-key below\""), 1u);
  EXPECT_EQ(Occurrences(html, "class=\"clip-key above\""), 1u);

  // A range that clips: -0.55 twice below, 0.5232, 0.5418 and 3.2 above; no outlier in it.
  session.SetManualRange(-0.5f, 0.5f);
  svg = app::ExportSvg(app::RenderSequenceImage(request), session, options);
  html = app::ExportHtml(app::LayOutSequenceImage(request), session, options);
  EXPECT_EQ(svg.find("outlier"), std::string::npos);
  EXPECT_NE(svg.find(">2 below the range, 3 above it</text>"), std::string::npos);
  EXPECT_NE(html.find("2 below the range, 3 above it</p>"), std::string::npos);
  EXPECT_EQ(Occurrences(svg, "class=\"notch\""), 2u + 5u);
  EXPECT_EQ(Occurrences(html, "class=\"token below\""), 2u);
  EXPECT_EQ(Occurrences(html, "class=\"token above\""), 3u);
}

// A log scale places no value at or below 0: the legends count them, and with none above 0 there
// is no range to print (not "0 .. -1").
TEST_F(ExportTest, LogLegendsCountWhatTheScaleCannotPlace) {
  const Session session = NegativeLogSession();
  EXPECT_FALSE(session.Mapping().HasRange());
  const std::string words = ui::MappingWords(session);
  EXPECT_NE(words.find("no range: no value above 0"), std::string::npos) << words;
  EXPECT_EQ(words.find("-1"), std::string::npos) << words;
  EXPECT_EQ(ui::GradientLabels(session).size(), 1u);
  EXPECT_EQ(ui::GradientLabels(session)[0].text, "no range");
  const std::string warning =
      "WARNING: log scale: 3 of 3 values are at or below 0 and have no place on it; they take its bottom colour";
  const std::vector<std::string> lines = ui::MappingWordLines(session);
  EXPECT_NE(std::find(lines.begin(), lines.end(), warning), lines.end()) << ::testing::PrintToString(lines);
  EXPECT_EQ(ui::ClippingKey(session)->words, "3 below the range, 0 above it");

  app::RenderRequest request = RequestAt640(session);
  app::ExportOptions options;
  options.legend = true;
  const std::string svg = app::ExportSvg(app::RenderSequenceImage(request), session, options);
  EXPECT_NE(svg.find(">" + warning + "</text>"), std::string::npos);
  EXPECT_NE(svg.find(">no range</text>"), std::string::npos);
  EXPECT_NE(app::ExportHtml(app::LayOutSequenceImage(request), session, options).find(warning), std::string::npos);
  // In the PNG, the three tokens are notched at the bottom left: clipped below.
  const Png figure = ExportPng(session, false, false);
  const app::RenderedImage image = app::RenderSequenceImage(request);
  const TokenInstance& first = image.layout.instances.front();
  const GridGeometry& g = image.geometry;
  const int x = image.padding + first.column * g.cell_width, y = image.padding + first.row * g.LinePitch();
  const Rgb8 bottom = session.CurrentPalette().At(0.0f);
  ExpectColourNear(figure.At(x, y + g.cell_height - 1), ContrastingTextColour(bottom), 1, "notch below");
  ExpectColourNear(figure.At(x + 1, y + 1), bottom, 1, "the bottom colour");
}

// The legend says what the range is: a manual range is not the data's default, and neither is
// an explicit mapping; back to the computed range, the default's reason is true again.
TEST(ExportLegend, SaysWhatRangeWasUsed) {
  Session session(MakeDemoDocument());
  session.ApplyDataDefaults(false);
  EXPECT_NE(ui::MappingWords(session).find("default: no negative values"), std::string::npos);
  session.SetManualRange(2.0f, 9.0f);
  const std::string manual = ui::MappingWords(session);
  EXPECT_NE(manual.find("manual range  2 .. 9"), std::string::npos) << manual;
  EXPECT_EQ(manual.find("default"), std::string::npos) << manual;
  MappingSpec spec = session.Spec();
  spec.scope = RangeScope::kSequence;
  session.SetSpec(spec);
  EXPECT_NE(ui::MappingWords(session).find("default: no negative values"), std::string::npos);
  spec.kind = NormKind::kZeroMax;
  session.SetSpec(spec);
  EXPECT_EQ(ui::MappingWords(session).find("default"), std::string::npos) << ui::MappingWords(session);
}

// Control, bidi control, zero-width and whitespace tokens are written as the markers the grid
// draws for them, whatever those are: the code point in the layout's own marker cell. So no
// control character reaches the page to reorder or hide the tokens around it.
TEST_F(ExportTest, SvgAndHtmlWriteTheMarkersTheGridDraws) {
  const std::vector<std::string> tokens = {"100",    " USD", "\u202E", "\u2067", "\u2069", "\u200B",
                                           "\u200E", "\t",   "   ",     "\n",     "\u061C"};
  Sequence sequence;
  for (const std::string& token : tokens) sequence.AppendToken(token);
  sequence.channels.push_back({"value", std::vector<float>(tokens.size(), 1.0f)});
  Document document;
  document.sequences.push_back(std::move(sequence));
  Session session(std::move(document));
  session.ApplyDataDefaults(false);
  app::RenderRequest request = RequestAt640(session);
  const app::RenderedImage image = app::LayOutSequenceImage(request);
  const std::string svg = app::ExportSvg(image, session, {});
  const std::string html = app::ExportHtml(image, session, {});
  ASSERT_EQ(image.layout.instances.size(), tokens.size());
  for (size_t i = 2; i < tokens.size(); ++i) {  // every token after "100 USD" is drawn as markers only
    const TokenInstance& box = image.layout.instances[i];
    // Each marker the grid draws, as the page and the drawing write it: dim and isolated.
    std::string html_markers, svg_markers;
    for (uint32_t cell = box.first_cell; cell < box.first_cell + box.cells; ++cell) {
      const uint32_t drawn = image.layout.cells[cell];
      ASSERT_TRUE(drawn & kMarkerBit) << "token " << i;
      if (drawn & kContinuationBit) continue;
      std::string marker;
      if (drawn & kClusterBit) {
        for (const char32_t cp : image.layout.clusters[drawn & kCellValueMask]) AppendUtf8(marker, cp);
      } else {
        AppendUtf8(marker, drawn & kCellValueMask);
      }
      html_markers += "<span class=\"marker\">" + marker + "</span>";
      svg_markers += "<tspan class=\"marker\" fill-opacity=\"0.45\" unicode-bidi=\"isolate\">" + marker + "</tspan>";
    }
    const std::string index = "data-index=\"" + std::to_string(i) + "\"";
    EXPECT_NE(html.find(index + " data-value=\"1\" title=\"#" + std::to_string(i) + " value: 1\">" + html_markers +
                        "</span>"),
              std::string::npos)
        << "token " << i << " is not drawn as " << html_markers;
    const size_t text = svg.find("<text class=\"token\" " + index);
    ASSERT_NE(text, std::string::npos) << "token " << i;
    EXPECT_EQ(svg.substr(svg.find('>', text) + 1, svg_markers.size() + 7), svg_markers + "</text>") << "token " << i;
  }
  for (const char* control : {"\u202E", "\u2067", "\u2069", "\u200B", "\u200E", "\u061C", "\t"}) {
    EXPECT_EQ(html.find(control, html.find("class=\"heatmap\"")), std::string::npos);
    EXPECT_EQ(svg.find(control), std::string::npos);
  }
}

TEST(ExportMarkup, EscapesEveryMarkupCharacterAndWhatXmlCannotHold) {
  EXPECT_EQ(app::EscapeMarkup("<script>&amp;\"'"), "&lt;script&gt;&amp;amp;&quot;&#39;");
  EXPECT_EQ(app::EscapeMarkup(std::string("a\x01" "b\tc", 5)), "a\xEF\xBF\xBD" "b\tc");
  // Malformed UTF-8 as the heatmap draws it, and the output stays valid UTF-8.
  EXPECT_EQ(app::EscapeMarkup("a\xff\xE4\xBD" "b"), "a\\xFF\\xE4\\xBDb");
}

}  // namespace
}  // namespace th
