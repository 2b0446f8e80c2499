// `tokenheat render`: the viewer's picture of one sequence, drawn headlessly to a PNG.
#include <cstdio>
#include <fstream>

#include "app/commands.hpp"
#include "app/headless_render.hpp"
#include "gfx/egl_context.hpp"
#include "gfx/image_io.hpp"

namespace th::app {

namespace {

constexpr int kSideBySideGap = 16;  // canvas pixels between the real and the shuffled render

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
  Session session(LoadInput(line.view));
  ConfigureSession(session, line.view);
  if (line.view.input && (line.output == *line.view.input || line.layout_output == line.view.input))
    throw UsageError("refusing to overwrite the input file " + *line.view.input);

  const auto context = gl::HeadlessContext::Create();
  RenderRequest request;
  request.session = &session;
  request.font = line.view.font;
  request.width = line.view.width;
  RenderedImage image = RenderSequenceImage(request);
  if (session.VisibleTwin() != nullptr) {
    // The real values on the left, the same values shuffled on the right; --layout describes the left.
    request.twin = true;
    image = PlaceSideBySide(std::move(image), RenderSequenceImage(request), kSideBySideGap);
  }

  WritePng(line.output, image.width, image.height, image.pixels);
  if (line.layout_output) WriteTextFile(*line.layout_output, LayoutJson(image, session));
  if (image.missing_glyphs > 0)
    std::fprintf(stderr, "tokenheat: warning: %zu characters had no glyph in any font and were drawn as boxes\n",
                 image.missing_glyphs);
  const ValueMapping& mapping = session.Mapping();
  std::printf("wrote %s (%dx%d, %zu tokens, %s %s, range %g..%g, %s%s)\n", line.output.c_str(), image.width,
              image.height, session.CurrentSequence().TokenCount(), ScopeName(session.Spec().scope).c_str(),
              NormName(mapping.kind).c_str(), mapping.low, mapping.high, session.CurrentPalette().name.c_str(),
              session.Settings().shuffle_seed ? ", SHUFFLED" : "");
  return 0;
}

}  // namespace th::app
