#include "gfx/shader_program.hpp"

#include <string>
#include <vector>

namespace th::gl {

namespace {

std::string InfoLog(GLuint object, bool is_program) {
  GLint length = 0;
  if (is_program)
    glGetProgramiv(object, GL_INFO_LOG_LENGTH, &length);
  else
    glGetShaderiv(object, GL_INFO_LOG_LENGTH, &length);
  std::vector<char> log(static_cast<size_t>(std::max(length, 1)), '\0');
  if (is_program)
    glGetProgramInfoLog(object, length, nullptr, log.data());
  else
    glGetShaderInfoLog(object, length, nullptr, log.data());
  return std::string(log.data());
}

Shader Compile(GLenum stage, std::string_view source, std::string_view defines, std::string_view name) {
  Shader shader(glCreateShader(stage));
  const std::string full = "#version 330 core\n" + std::string(defines) + std::string(source);
  const char* text = full.c_str();
  glShaderSource(shader.Name(), 1, &text, nullptr);
  glCompileShader(shader.Name());
  GLint ok = GL_FALSE;
  glGetShaderiv(shader.Name(), GL_COMPILE_STATUS, &ok);
  if (ok != GL_TRUE)
    throw GlError(std::string(name) + (stage == GL_VERTEX_SHADER ? ".vert" : ".frag") +
                  ": compile failed: " + InfoLog(shader.Name(), false));
  return shader;
}

}  // namespace

Program BuildProgram(std::string_view vertex_source, std::string_view fragment_source,
                     std::string_view name, std::string_view defines) {
  const Shader vertex = Compile(GL_VERTEX_SHADER, vertex_source, defines, name);
  const Shader fragment = Compile(GL_FRAGMENT_SHADER, fragment_source, defines, name);
  Program program(glCreateProgram());
  glAttachShader(program.Name(), vertex.Name());
  glAttachShader(program.Name(), fragment.Name());
  glLinkProgram(program.Name());
  GLint ok = GL_FALSE;
  glGetProgramiv(program.Name(), GL_LINK_STATUS, &ok);
  if (ok != GL_TRUE)
    throw GlError(std::string(name) + ": link failed: " + InfoLog(program.Name(), true));
  glDetachShader(program.Name(), vertex.Name());
  glDetachShader(program.Name(), fragment.Name());
  return program;
}

GLint UniformLocation(const Program& program, const char* uniform) {
  const GLint location = glGetUniformLocation(program.Name(), uniform);
  if (location < 0) throw GlError(std::string("shader uniform ") + uniform + " not found");
  return location;
}

}  // namespace th::gl
