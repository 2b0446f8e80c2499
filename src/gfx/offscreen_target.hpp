#pragma once
// A framebuffer with an RGBA8 colour texture: the heatmap is drawn into it, shown in the window
// with ImGui::Image (through TextureId()) and read back for PNG output and pixel tests.

#include <cstdint>
#include <vector>

#include "gfx/gl_objects.hpp"

namespace th::gl {

class OffscreenTarget {
 public:
  OffscreenTarget();
  // Reallocates storage when the size changed; the texture name stays the same.
  void Resize(int width, int height);
  void Bind() const;
  static void BindDefault();

  int Width() const { return m_width; }
  int Height() const { return m_height; }
  // The colour texture's GL name, as an opaque handle for ImGui::Image.
  uintptr_t TextureId() const { return m_colour.Name(); }

  // Pixels of the whole target, RGBA8, rows top-down (GL returns them bottom-up).
  std::vector<uint8_t> ReadPixels() const;

 private:
  Texture m_colour;
  Framebuffer m_framebuffer;
  int m_width = 0;
  int m_height = 0;
};

}  // namespace th::gl
