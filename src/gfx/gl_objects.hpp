#pragma once
// Move-only owners of GL object names. src/gfx is the only place that includes glad or calls gl*.

#include <glad/gl.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace th::gl {

class GlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Owns one GL name; Delete is the matching glDelete* for a single name.
template <void (*Delete)(GLuint)>
class Object {
 public:
  Object() = default;
  explicit Object(GLuint name) : m_name(name) {}
  ~Object() { Reset(); }
  Object(Object&& other) noexcept : m_name(std::exchange(other.m_name, 0)) {}
  Object& operator=(Object&& other) noexcept {
    if (this != &other) {
      Reset();
      m_name = std::exchange(other.m_name, 0);
    }
    return *this;
  }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  GLuint Name() const { return m_name; }
  void Reset() {
    if (m_name != 0) Delete(m_name);
    m_name = 0;
  }

 private:
  GLuint m_name = 0;
};

void DeleteBuffer(GLuint name);
void DeleteVertexArray(GLuint name);
void DeleteTexture(GLuint name);
void DeleteFramebuffer(GLuint name);
void DeleteProgram(GLuint name);
void DeleteShader(GLuint name);

using Buffer = Object<DeleteBuffer>;
using VertexArray = Object<DeleteVertexArray>;
using Texture = Object<DeleteTexture>;
using Framebuffer = Object<DeleteFramebuffer>;
using Program = Object<DeleteProgram>;
using Shader = Object<DeleteShader>;

Buffer MakeBuffer();
VertexArray MakeVertexArray();
Texture MakeTexture();
Framebuffer MakeFramebuffer();

// Throws GlError naming the first pending GL error and where it was noticed.
void CheckErrors(const char* where);

// Waits until every command issued so far has been executed (frame timing in `tokenheat bench`).
void Finish();

}  // namespace th::gl
