#include "gfx/gl_objects.hpp"

#include <cstdio>

namespace th::gl {

void DeleteBuffer(GLuint name) { glDeleteBuffers(1, &name); }
void DeleteVertexArray(GLuint name) { glDeleteVertexArrays(1, &name); }
void DeleteTexture(GLuint name) { glDeleteTextures(1, &name); }
void DeleteFramebuffer(GLuint name) { glDeleteFramebuffers(1, &name); }
void DeleteProgram(GLuint name) { glDeleteProgram(name); }
void DeleteShader(GLuint name) { glDeleteShader(name); }

Buffer MakeBuffer() {
  GLuint name = 0;
  glGenBuffers(1, &name);
  return Buffer(name);
}

VertexArray MakeVertexArray() {
  GLuint name = 0;
  glGenVertexArrays(1, &name);
  return VertexArray(name);
}

Texture MakeTexture() {
  GLuint name = 0;
  glGenTextures(1, &name);
  return Texture(name);
}

Framebuffer MakeFramebuffer() {
  GLuint name = 0;
  glGenFramebuffers(1, &name);
  return Framebuffer(name);
}

void CheckErrors(const char* where) {
  const GLenum error = glGetError();
  if (error == GL_NO_ERROR) return;
  while (glGetError() != GL_NO_ERROR) {
  }
  char code[16];
  std::snprintf(code, sizeof code, "0x%04X", error);
  throw GlError(std::string("GL error ") + code + " in " + where);
}

void Finish() { glFinish(); }

}  // namespace th::gl
