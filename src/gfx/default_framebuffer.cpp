#include "gfx/default_framebuffer.hpp"

#include <algorithm>

#include "gfx/gl_objects.hpp"

namespace th::gl {

void ClearDefaultFramebuffer(int width, int height) {
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(0, 0, width, height);
  glClearColor(0.94f, 0.94f, 0.94f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
}

std::vector<uint8_t> ReadBoundFramebuffer(int width, int height) {
  const size_t row_bytes = static_cast<size_t>(width) * 4;
  std::vector<uint8_t> pixels(row_bytes * static_cast<size_t>(height));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  // GL returns rows bottom-up.
  for (int y = 0; y < height / 2; ++y)
    std::swap_ranges(pixels.begin() + static_cast<ptrdiff_t>(y * row_bytes),
                     pixels.begin() + static_cast<ptrdiff_t>((y + 1) * row_bytes),
                     pixels.begin() + static_cast<ptrdiff_t>((height - 1 - y) * row_bytes));
  CheckErrors("glReadPixels");
  return pixels;
}

std::vector<uint8_t> ReadDefaultFramebuffer(int width, int height) {
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glReadBuffer(GL_BACK);
  return ReadBoundFramebuffer(width, height);
}

}  // namespace th::gl
