#include "app/headless_render.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/utf8.hpp"
#include "core/value_stats.hpp"
#include "gfx/heatmap_renderer.hpp"
#include "gfx/offscreen_target.hpp"
#include "layout/display_cells.hpp"
#include "layout/line_index.hpp"
#include "text/glyph_atlas.hpp"
#include "session/session.hpp"

namespace th::app {

namespace {

// The float's shortest decimal form as a double, so 0.1f is written as 0.1, not 0.100000001.
double ShortestDouble(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  return std::strtod(std::string(text, result.ptr).c_str(), nullptr);
}

constexpr int kBandHeight = 4096;  // well inside every GL implementation's framebuffer limit

}  // namespace

void CheckImageSize(int64_t width, int64_t height, bool keep_pixels) {
  const std::string size = std::to_string(width) + "x" + std::to_string(height) + " pixels";
  if (height > std::numeric_limits<int>::max())
    throw ImageTooLarge("the image would be " + size + ", taller than " +
                        std::to_string(std::numeric_limits<int>::max()) + ": draw part of the sequence (--tokens A:B)");
  if (keep_pixels && width * height > kMaxImagePixels)
    throw ImageTooLarge("the image would be " + size + ", more than the " + std::to_string(kMaxImagePixels) +
                        " a PNG may have: draw part of the sequence (--tokens A:B), smaller text (--font-size), "
                        "or an SVG (-o OUT.svg)");
}

namespace {

// A render's lines: the current sequence's, or in the stacked view every listed sequence's block
// (a copy of the session's list, wrapped at the render's width), laid out any range at a time.
class RenderLines {
 public:
  RenderLines(const RenderRequest& request, int columns, int fold_cells)
      : m_session(*request.session), m_twin(request.twin), m_fold_cells(fold_cells),
        m_stacked(m_session.Settings().stacked), m_blocks(m_session.Stacked()) {
    if (m_stacked) {
      m_blocks.Prepare(m_session.Doc(), m_session.DocumentRevision(), m_session.CurrentSourceSpec(),
                       m_session.Settings().token_text, columns);
    } else {
      m_lines = LineIndex::Build(m_session.CurrentSequence(), columns, m_session.Settings().token_text);
    }
  }

  size_t Count() const { return static_cast<size_t>(m_stacked ? m_blocks.LineCount() : m_lines.LineCount()); }

  VisibleLayout Layout(size_t first_line, size_t count) const {
    return m_stacked ? m_blocks.LayoutRange(m_session.Doc(), first_line, count).layout
                     : m_session.LayoutRange(m_lines, first_line, count, m_twin, m_fold_cells);
  }

  // Every line, with the stacked view's sequence of each row.
  void LayOutAll(RenderedImage& image) const {
    if (!m_stacked) {
      image.layout = Layout(0, Count());
      return;
    }
    StackedLines all = m_blocks.LayoutRange(m_session.Doc(), 0, Count());
    image.layout = std::move(all.layout);
    image.row_sequence = std::move(all.row_sequence);
  }

 private:
  const Session& m_session;
  bool m_twin;
  int m_fold_cells;
  bool m_stacked;
  LineIndex m_lines;
  StackedView m_blocks;
};

// The glyphs' atlas and the image's geometry, size and lines, before anything is drawn.
struct PreparedRender {
  RenderedImage image;
  std::unique_ptr<GlyphAtlas> atlas;
  std::unique_ptr<RenderLines> lines;
  int columns = 0;
};

PreparedRender Prepare(const RenderRequest& request) {
  const Session& session = *request.session;
  PreparedRender prepared;
  RenderedImage& image = prepared.image;
  // Folded (Session::Folded), the caption's and legend's words are drawn at the default text size.
  const int font_size = session.Settings().font_size;
  const bool folded = session.Folded();
  const int glyph_size = folded ? ViewSettings{}.font_size : std::max(font_size, kMinGlyphFontSize);
  image.font = request.font;
  image.font_size = glyph_size * request.scale;
  image.scale = request.scale;
  // Every length of the scale-1 picture times the scale, the cells included (the font at N times
  // the size rounds its own to other widths): the same lines, N times the size, glyphs
  // rasterised at N times the size into them.
  const GlyphAtlas base(request.font, glyph_size);
  prepared.atlas = std::make_unique<GlyphAtlas>(
      request.font, image.font_size, 0,
      GlyphAtlas::CellSize{base.CellWidth() * request.scale, base.CellHeight() * request.scale});
  image.padding = Session::kPadding * request.scale;
  image.word_geometry = GridGeometry::ForCell(prepared.atlas->CellWidth(), prepared.atlas->CellHeight());
  image.word_geometry.line_gap *= request.scale;
  image.word_geometry.token_gap *= request.scale;
  image.geometry = folded ? GridGeometry::Folded(font_size, request.scale) : image.word_geometry;
  const int base_cell_width = folded ? GridGeometry::Folded(font_size).cell_width : base.CellWidth();
  prepared.columns = std::max((request.width - 2 * Session::kPadding) / base_cell_width, 1);
  image.width = request.width * request.scale;
  prepared.lines = std::make_unique<RenderLines>(request, prepared.columns, image.geometry.FoldCells());
  const int64_t height = 2 * int64_t{image.padding} +
                         static_cast<int64_t>(prepared.lines->Count()) * image.geometry.LinePitch() -
                         image.geometry.line_gap;
  CheckImageSize(image.width, height, request.keep_pixels);
  image.height = static_cast<int>(height);
  prepared.lines->LayOutAll(image);
  return prepared;
}

}  // namespace

RenderedImage LayOutSequenceImage(const RenderRequest& request) { return Prepare(request).image; }

RenderedImage RenderSequenceImage(const RenderRequest& request) {
  const Session& session = *request.session;
  PreparedRender prepared = Prepare(request);
  RenderedImage& image = prepared.image;
  GlyphAtlas& atlas = *prepared.atlas;
  const RenderLines& lines = *prepared.lines;
  const size_t line_count = lines.Count();
  const int pitch = image.geometry.LinePitch();
  const int columns = prepared.columns;

  gl::HeatmapRenderer renderer(atlas);
  renderer.SetPalette(session.CurrentPalette());
  renderer.SetUnderlinePalette(session.UnderlinePalette());

  // Bands of whole lines, each drawn from its own layout, so that the atlas holds one band's
  // glyphs at a time: a band has no more cells than a full atlas surely holds (a unit never
  // straddles two rows of slots, so a row may end in up to kMaxUnitCells - 1 unused slots).
  const size_t atlas_cells =
      static_cast<size_t>(atlas.MaxRows()) * (GlyphAtlas::kSlotsPerRow - kMaxUnitCells + 1) - 1;
  const size_t band_lines = std::max<size_t>(
      1, std::min<size_t>((kBandHeight - image.padding) / pitch, atlas_cells / static_cast<size_t>(columns)));
  gl::OffscreenTarget target;
  const size_t row_bytes = static_cast<size_t>(image.width) * 4;
  if (request.keep_pixels) image.pixels.resize(row_bytes * static_cast<size_t>(image.height));
  for (size_t first_line = 0; first_line < line_count; first_line += band_lines) {
    // Inside the image, so within an int (CheckImageSize).
    const int band_top = first_line == 0 ? 0 : image.padding + static_cast<int>(first_line) * pitch;
    const size_t end_line = first_line + band_lines;
    const int band_bottom =
        end_line >= line_count ? image.height : image.padding + static_cast<int>(end_line) * pitch;
    renderer.SetLayout(lines.Layout(first_line, band_lines));  // resolves the band's glyphs
    image.dropped_glyphs += atlas.DroppedInLayout();
    image.placeholder_glyphs += renderer.PendingGlyphs();
    if (!request.keep_pixels) continue;
    target.Resize(image.width, band_bottom - band_top);
    target.Bind();
    gl::HeatmapDrawParams params;
    params.viewport_width = image.width;
    params.viewport_height = band_bottom - band_top;
    params.geometry = image.geometry;
    params.origin_x = static_cast<float>(image.padding);
    params.origin_y = static_cast<float>(image.padding + static_cast<int>(first_line) * pitch - band_top);
    params.mapping = session.Mapping();
    params.underline = session.UnderlineMapping();
    params.canvas = kFigureCanvas;
    renderer.Draw(params);
    const std::vector<uint8_t> band = target.ReadPixels();
    std::memcpy(image.pixels.data() + static_cast<size_t>(band_top) * row_bytes, band.data(), band.size());
  }
  image.missing_glyphs = atlas.MissingGlyphCount();
  image.atlas_bytes = atlas.Pixels().size();
  gl::OffscreenTarget::BindDefault();
  return std::move(image);
}

RenderedImage PlaceSideBySide(RenderedImage left, const RenderedImage& right, int gap) {
  const int width = left.width + gap + right.width;
  const int height = std::max(left.height, right.height);
  CheckImageSize(width, height);
  const auto row_bytes = [](int pixels) { return static_cast<size_t>(pixels) * 4; };
  std::vector<uint8_t> pixels(row_bytes(width) * static_cast<size_t>(height), 255);
  for (int y = 0; y < height; ++y) {
    uint8_t* row = pixels.data() + static_cast<size_t>(y) * row_bytes(width);
    if (y < left.height)
      std::memcpy(row, left.pixels.data() + static_cast<size_t>(y) * row_bytes(left.width), row_bytes(left.width));
    if (y < right.height)
      std::memcpy(row + row_bytes(left.width + gap), right.pixels.data() + static_cast<size_t>(y) * row_bytes(right.width),
                  row_bytes(right.width));
  }
  left.twin_left = left.width + gap;
  left.width = width;
  left.height = height;
  left.pixels = std::move(pixels);
  left.missing_glyphs = std::max(left.missing_glyphs, right.missing_glyphs);
  return left;
}

std::string LayoutJson(const RenderedImage& image, const Session& session, uint64_t first_token) {
  using nlohmann::json;
  const Palette& palette = session.CurrentPalette();
  const bool categorical = palette.kind == PaletteKind::kCategorical;
  std::string boxes;
  const GridGeometry& g = image.geometry;
  for (size_t i = 0; i < image.layout.instances.size(); ++i) {
    if (image.layout.tokens[i] == kHeaderToken) continue;
    const TokenInstance& instance = image.layout.instances[i];
    const uint32_t sequence_index = image.row_sequence.empty()
                                        ? static_cast<uint32_t>(session.Settings().sequence)
                                        : image.row_sequence[static_cast<size_t>(instance.row)];
    const Sequence& sequence = session.Doc().sequences[sequence_index];
    const uint64_t token = first_token + image.layout.tokens[i];
    const auto mapped = MapValue(session.Mapping(), instance.value, palette.stops.size(), categorical);
    json box = {
        {"seq", sequence_index},
        {"index", token},
        {"x", image.padding + instance.column * g.cell_width},
        {"y", image.grid_top + image.padding + instance.row * g.LinePitch()},
        {"w", g.BoxWidth(instance.cells)},
        {"h", g.cell_height},
        {"value", std::isfinite(instance.value) ? json(ShortestDouble(instance.value)) : json(nullptr)},
        {"norm", mapped ? json(ShortestDouble(mapped->t)) : json(nullptr)},
    };
    if (session.UnderlineMapping())
      box["underline"] = std::isfinite(instance.underline) ? json(ShortestDouble(instance.underline)) : json(nullptr);
    // A box merged over several tokens (--granularity) names its last token too.
    if (!image.layout.merged_tokens.empty() && image.layout.merged_tokens[i] > 0)
      box["last_index"] = token + image.layout.merged_tokens[i];
    boxes += boxes.empty() ? "{\"text\":\"" : ",{\"text\":\"";
    AppendJsonStringContents(boxes, BoxText(sequence, image.layout, i));
    boxes += "\",";
    boxes += box.dump().substr(1);  // the other members and the closing brace
  }
  const json document = {{"width", image.width}, {"height", image.height}, {"missing_glyphs", image.missing_glyphs}};
  // nlohmann::json writes only valid UTF-8 (a malformed byte would become U+FFFD), so the boxes,
  // whose texts keep every byte of the tokens, are written beside it.
  std::string out = document.dump();
  out.pop_back();  // its closing brace
  return out + ",\"tokens\":[" + boxes + "]}\n";
}

}  // namespace th::app
