// What the exports share: escaping, colours, tooltips, the caption, and writing the file.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/palette_registry.hpp"
#include "app/cli.hpp"
#include "app/export.hpp"
#include "core/utf8.hpp"
#include "gfx/image_io.hpp"

namespace th::app {

namespace {

constexpr int kSideBySideGap = 16;  // canvas pixels between the real and the shuffled render

// Outputs never replace the input, by name or through a link.
void CheckNotInput(const std::optional<std::string>& input, const std::string& path) {
  if (!input) return;
  std::error_code error;
  if (path == *input || std::filesystem::equivalent(path, *input, error))
    throw UsageError("refusing to overwrite the input file " + *input);
}

}  // namespace

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
  CheckNotInput(job.input, job.path);
  if (job.layout_path) CheckNotInput(job.input, *job.layout_path);
  if (format != ExportFormat::kPng && session.VisibleTwin() != nullptr)
    throw UsageError("--side-by-side: PNG only (" + job.path + ")");
  if (format != ExportFormat::kPng && session.Settings().stacked)
    throw UsageError("--stacked: PNG only (" + job.path + ")");
  if (format == ExportFormat::kHtml) {
    WriteTextFile(job.path, ExportHtml(session, job.scale, job.options));
    return "";
  }
  RenderRequest request;
  request.session = &session;
  request.font = job.font;
  request.width = job.width;
  request.scale = job.scale;
  RenderedImage image = RenderSequenceImage(request);
  if (session.VisibleTwin() != nullptr) {
    // The real values on the left, the same values shuffled on the right; --layout describes the left.
    request.twin = true;
    image = PlaceSideBySide(std::move(image), RenderSequenceImage(request), kSideBySideGap * job.scale);
  }
  if (format == ExportFormat::kPng) {
    AddCaptionAndLegend(image, session, job.font, job.options);
    WritePng(job.path, image.width, image.height, image.pixels);
  } else {
    WriteTextFile(job.path, ExportSvg(image, session, job.options));
  }
  if (job.layout_path) WriteTextFile(*job.layout_path, LayoutJson(image, session, job.options.first_token));
  if (image.missing_glyphs > 0)
    std::fprintf(stderr, "tokenheat: warning: %zu characters had no glyph in any font and were drawn as boxes\n",
                 image.missing_glyphs);
  for (const std::string& warning : MappingWarnings(session.Mapping(), session.Summary(), session.CurrentPalette()))
    std::fprintf(stderr, "tokenheat: warning: %s\n", warning.c_str());
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

std::string DefaultCaption(const Session& session) {
  const Channel* channel = session.CurrentChannel();
  return session.Doc().source + ", " + session.CurrentSequence().name + ", " +
         (channel ? channel->name : std::string("no channel"));
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
  return BoxColours{background, ContrastingTextColour(background)};
}

std::string TooltipText(const Session& session, uint64_t index, float value) {
  const Channel* channel = session.CurrentChannel();
  std::string text = "#" + std::to_string(index) + " " + (channel ? channel->name : std::string("value")) + ": ";
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
