// `tokenheat render`: the viewer's picture of one sequence, drawn headlessly to a PNG.
#include <cstdio>
#include <fstream>

#include "app/commands.hpp"
#include "app/headless_render.hpp"
#include "gfx/egl_context.hpp"
#include "gfx/image_io.hpp"

namespace th::app {

namespace {

void WriteTextFile(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    if (!out.flush()) throw std::runtime_error(path + ": cannot write file");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) throw std::runtime_error(path + ": cannot write file");
}

}  // namespace

int RunRender(const CommandLine& line) {
  const Document document = LoadInput(line.view);
  const ResolvedView view = ResolveView(document, line.view);
  if (line.view.input && (line.output == *line.view.input || line.layout_output == line.view.input))
    throw UsageError("refusing to overwrite the input file " + *line.view.input);

  const auto context = gl::HeadlessContext::Create();
  const Sequence& sequence = document.sequences[view.sequence];
  RenderRequest request;
  request.sequence = &sequence;
  if (view.channel >= 0) request.values = sequence.channels[view.channel].values;
  request.low = view.low;
  request.high = view.high;
  request.palette = view.palette;
  request.font_size = line.view.font_size;
  request.font = line.view.font;
  request.width = line.view.width;
  const RenderedImage image = RenderSequenceImage(request);

  WritePng(line.output, image.width, image.height, image.pixels);
  if (line.layout_output)
    WriteTextFile(*line.layout_output, LayoutJson(image, sequence, view.sequence, view.low, view.high));
  if (image.missing_glyphs > 0)
    std::fprintf(stderr, "tokenheat: warning: %zu characters had no glyph in any font and were drawn as boxes\n",
                 image.missing_glyphs);
  std::printf("wrote %s (%dx%d, %zu tokens, range %g..%g, %s)\n", line.output.c_str(), image.width, image.height,
              sequence.TokenCount(), view.low, view.high, view.palette.name.c_str());
  return 0;
}

}  // namespace th::app
