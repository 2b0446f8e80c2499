#include "gfx/offscreen_target.hpp"

#include <algorithm>

#include "gfx/default_framebuffer.hpp"

namespace th::gl {

OffscreenTarget::OffscreenTarget() : m_colour(MakeTexture()), m_framebuffer(MakeFramebuffer()) {}

void OffscreenTarget::Resize(int width, int height) {
  width = std::max(width, 1);
  height = std::max(height, 1);
  if (width == m_width && height == m_height) return;
  GLint max_size = 0;
  glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &max_size);
  if (width > max_size || height > max_size)
    throw GlError("offscreen target " + std::to_string(width) + "x" + std::to_string(height) +
                  " exceeds the GL limit of " + std::to_string(max_size) + " pixels");
  glBindTexture(GL_TEXTURE_2D, m_colour.Name());
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glBindFramebuffer(GL_FRAMEBUFFER, m_framebuffer.Name());
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, m_colour.Name(), 0);
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  if (status != GL_FRAMEBUFFER_COMPLETE) throw GlError("offscreen framebuffer is incomplete");
  m_width = width;
  m_height = height;
}

void OffscreenTarget::Bind() const { glBindFramebuffer(GL_FRAMEBUFFER, m_framebuffer.Name()); }

void OffscreenTarget::BindDefault() { glBindFramebuffer(GL_FRAMEBUFFER, 0); }

std::vector<uint8_t> OffscreenTarget::ReadPixels() const {
  Bind();
  std::vector<uint8_t> pixels = ReadBoundFramebuffer(m_width, m_height);
  BindDefault();
  return pixels;
}

}  // namespace th::gl
