// Checks the screenshot the windowed viewer saved under Xvfb: the demo heatmap must be on
// screen (deep Reds for long words, light ones for short words, black glyphs on light boxes)
// next to the light UI panels. Exit code 0 = pass.
#include <stb/stb_image.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: th_window_check SCREENSHOT.png\n");
    return 2;
  }
  int width = 0, height = 0, channels = 0;
  unsigned char* pixels = stbi_load(argv[1], &width, &height, &channels, 4);
  if (pixels == nullptr) {
    std::fprintf(stderr, "%s: cannot read PNG (%s)\n", argv[1], stbi_failure_reason());
    return 1;
  }
  long deep_red = 0, light_red = 0, black = 0;
  for (long i = 0; i < static_cast<long>(width) * height; ++i) {
    const int r = pixels[4 * i], g = pixels[4 * i + 1], b = pixels[4 * i + 2];
    if (r > 140 && g < 60 && b < 60) ++deep_red;                      // Reds near its top
    if (r > 240 && g > 150 && g < 235 && b > 130 && b < 225) ++light_red;  // Reds near its bottom
    if (r < 30 && g < 30 && b < 30) ++black;
  }
  stbi_image_free(pixels);
  std::printf("%dx%d: deep red %ld, light red %ld, black %ld pixels\n", width, height, deep_red, light_red, black);
  const bool ok = width >= 800 && height >= 600 && deep_red > 2000 && light_red > 2000 && black > 500;
  if (!ok) std::fprintf(stderr, "%s: the demo heatmap is not visible in the window screenshot\n", argv[1]);
  return ok ? 0 : 1;
}
