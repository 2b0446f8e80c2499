// What the exports share: escaping, colours, tooltips, the caption, and writing the file.
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "app/cli.hpp"
#include "app/export.hpp"
#include "app/user_paths.hpp"
#include "core/atomic_file.hpp"
#include "core/load_document.hpp"
#include "core/palette_registry.hpp"
#include "core/utf8.hpp"
#include "gfx/image_io.hpp"
#include "layout/display_cells.hpp"

namespace th::app {

namespace {

constexpr int kSideBySideGap = 16;  // canvas pixels between the real and the shuffled render

// What the legend warns of, on stderr too, whether or not the figure has a legend.
void PrintMappingWarnings(const Session& session) {
  for (const std::string& warning : MappingWarnings(session.Mapping(), session.Summary(), session.CurrentPalette()))
    std::fprintf(stderr, "tokenheat: warning: %s\n", warning.c_str());
}

RenderRequest RenderRequestOf(const Session& session, const ExportJob& job) {
  RenderRequest request;
  request.session = &session;
  request.font = job.font;
  request.width = job.width;
  request.scale = job.scale;
  return request;
}

}  // namespace

InputFiles::InputFiles(const ViewOptions& view) {
  if (view.input) AddDocument(*view.input);
  if (!view.vocab.empty()) m_files.push_back({"vocabulary", view.vocab});
  if (view.palette_file) m_files.push_back({"palette file", *view.palette_file});
  m_files.push_back({"settings file", SettingsPath()});
}

void InputFiles::AddDocument(const std::string& path) {
  m_files.push_back({"input file", path});
  m_files.push_back({"tokens file", path + ".tokens.json"});
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  for (const char* name : {"tokenizer.json", "vocab.txt"}) m_files.push_back({"vocabulary", (folder / name).string()});
}

void InputFiles::CheckNotOverwritten(const std::string& output) const {
  // An output not there yet replaces nothing, and a file not there was not read.
  struct stat written {};
  if (::stat(output.c_str(), &written) != 0) return;
  for (const File& file : m_files) {
    struct stat input {};
    if (::stat(file.path.c_str(), &input) == 0 && input.st_dev == written.st_dev && input.st_ino == written.st_ino)
      throw UsageError("refusing to overwrite the " + file.role + " " + file.path +
                       (output == file.path ? "" : " (" + output + " is the same file)"));
  }
}

ExportFormat FormatNamed(const std::string& name, const std::string& path) {
  if (name == "png") return ExportFormat::kPng;
  if (name == "svg") return ExportFormat::kSvg;
  if (name == "html" || name == "htm") return ExportFormat::kHtml;
  throw UsageError(path + ": unknown output format (the extension picks it: .png, .svg or .html)");
}

ExportFormat FormatOfPath(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return FormatNamed(extension.empty() ? extension : extension.substr(1), path);
}

std::string FontFamily(const std::string& pattern) {
  const std::string family = pattern.substr(0, pattern.find(':'));
  return family == "monospace" ? std::string() : family;
}

std::string WriteExport(const Session& session, const ExportJob& job) {
  const ExportFormat format = FormatOfPath(job.path);
  job.inputs.CheckNotOverwritten(job.path);
  if (job.layout_path) job.inputs.CheckNotOverwritten(*job.layout_path);
  if (format != ExportFormat::kPng && session.VisibleTwin() != nullptr)
    throw UsageError("--side-by-side: PNG only (" + job.path + ")");
  if (format != ExportFormat::kPng && session.Settings().stacked)
    throw UsageError("--stacked: PNG only (" + job.path + ")");
  // A picture of the zeros read where the input was cut short meanwhile is not written.
  if (format == ExportFormat::kHtml) {
    const std::string page = ExportHtml(LayOutSequenceImage(RenderRequestOf(session, job)), session, job.options);
    ThrowIfSourceChanged(session.Doc());
    WriteFileAtomically(job.path, page);
    PrintMappingWarnings(session);
    return "";
  }
  RenderRequest request = RenderRequestOf(session, job);
  request.keep_pixels = format == ExportFormat::kPng;  // an SVG needs the boxes only
  RenderedImage image;
  try {
    image = RenderSequenceImage(request);
    if (session.VisibleTwin() != nullptr) {
      // The real values on the left, the same values shuffled on the right; --layout describes the left.
      request.twin = true;
      image = PlaceSideBySide(std::move(image), RenderSequenceImage(request), kSideBySideGap * job.scale);
    }
    if (format == ExportFormat::kPng) AddCaptionAndLegend(image, session, job.font, job.options);
  } catch (const ImageTooLarge& error) {
    throw std::runtime_error(job.path + ": " + error.what());
  }
  ThrowIfSourceChanged(session.Doc());
  if (format == ExportFormat::kPng)
    WritePng(job.path, image.width, image.height, image.pixels);
  else
    WriteFileAtomically(job.path, ExportSvg(image, session, job.options));
  if (job.layout_path) WriteFileAtomically(*job.layout_path, LayoutJson(image, session, job.options.first_token));
  if (image.missing_glyphs > 0)
    std::fprintf(stderr, "tokenheat: warning: %zu characters had no glyph in any font and were drawn as boxes\n",
                 image.missing_glyphs);
  PrintMappingWarnings(session);
  return std::to_string(image.width) + "x" + std::to_string(image.height) + ", ";
}

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCodePoint(
      text,
      [&](char32_t cp) {
        switch (cp) {
          case '&': out += "&amp;"; break;
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          case '"': out += "&quot;"; break;
          case '\'': out += "&#39;"; break;
          default:
            // XML 1.0 has no way to write these, not even as character references.
            if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
              cp = kReplacementChar;
            AppendUtf8(out, cp);
        }
      },
      // As the heatmap draws them: output stays valid UTF-8 and the byte stays readable.
      [&](unsigned char byte) { AppendHexByte(out, byte); });
  return out;
}

DrawnBox DrawnBoxOf(const Sequence& sequence, const VisibleLayout& layout, size_t instance, TokenText which) {
  const uint64_t first = layout.tokens[instance];
  const uint64_t last = first + (layout.merged_tokens.empty() ? 0 : layout.merged_tokens[instance]);
  DrawnBox box;
  bool direction_known = false;
  for (uint64_t t = first; t <= last; ++t) {
    const std::string_view token = sequence.Token(t, which);
    const size_t begin = t == first ? layout.byte_begin[instance] : 0;
    const size_t end = t == last ? layout.byte_end[instance] : token.size();
    DisplayUnitReader reader(token, IsOnlyWhitespace(token), begin, end);
    for (DisplayUnit unit; reader.Next(unit);) {
      DrawnUnit& drawn = box.units.emplace_back();
      drawn.marker = unit.marker;
      // What the grid draws for the unit (AppendUnitCells): its one glyph, or its cluster.
      if (unit.glyph != 0)
        drawn.text.push_back(unit.glyph);
      else
        AppendUnitCluster(token, unit, drawn.text);
      if (!direction_known && (unit.bidi == BidiClass::kLeftToRight || unit.bidi == BidiClass::kRightToLeft)) {
        box.right_to_left = unit.bidi == BidiClass::kRightToLeft;
        direction_known = true;
      }
    }
  }
  return box;
}

std::string DrawnMarkup(const DrawnBox& box, std::string_view marker_open, std::string_view marker_close) {
  std::string markup;
  for (const DrawnUnit& unit : box.units) {
    std::string text;
    for (const char32_t cp : unit.text) AppendUtf8(text, cp);
    if (unit.marker) markup += marker_open;
    markup += EscapeMarkup(text);
    if (unit.marker) markup += marker_close;
  }
  return markup;
}

std::string DefaultCaption(const Session& session) {
  return session.Doc().source + ", " + session.CurrentSequence().name + ", " + session.ValueLabel();
}

std::string HexColour(Rgb8 colour) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", colour.r, colour.g, colour.b);
  return text;
}

std::optional<BoxColours> ColoursOf(const Session& session, float value) {
  const Palette& palette = session.CurrentPalette();
  const auto mapped =
      MapValue(session.Mapping(), value, palette.stops.size(), palette.kind == PaletteKind::kCategorical);
  if (!mapped) return std::nullopt;
  const Rgb8 background = palette.At(mapped->t);
  return BoxColours{background, ContrastingTextColour(background), mapped->clipped};
}

std::string TooltipText(const Session& session, uint64_t index, float value) {
  std::string text = "#" + std::to_string(index) + " " + session.ValueLabel() + ": ";
  return text + (std::isfinite(value) ? ShortestNumber(value) : "no value");
}

std::string ShortestNumber(float value) {
  char number[32];
  const auto result = std::to_chars(number, number + sizeof number, value);
  return std::string(number, result.ptr);
}

std::vector<std::pair<float, Rgb8>> GradientStops(const Palette& palette) {
  std::vector<std::pair<float, Rgb8>> stops;
  const size_t n = palette.stops.size();
  for (size_t i = 0; i < n; ++i) {
    if (palette.kind == PaletteKind::kCategorical) {
      stops.emplace_back(static_cast<float>(i) / static_cast<float>(n), palette.stops[i]);
      stops.emplace_back(static_cast<float>(i + 1) / static_cast<float>(n), palette.stops[i]);
    } else {
      stops.emplace_back(static_cast<float>(i) / static_cast<float>(n - 1), palette.stops[i]);
    }
  }
  return stops;
}

}  // namespace th::app
