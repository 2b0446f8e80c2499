#include "gfx/shader_program.hpp"

#include <charconv>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "layout/shader_constants.hpp"

namespace th::gl {

namespace {

// A GLSL literal of exactly the C++ value: integers in decimal (uint with its "u"), floats in
// the shortest form that reads back as the same float, with a "." or an exponent.
template <typename T>
std::string GlslLiteral(T value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value);
  std::string literal(text, result.ptr);
  if constexpr (std::is_same_v<T, uint32_t>) literal += 'u';
  if constexpr (std::is_same_v<T, float>)
    if (literal.find_first_of(".e") == std::string::npos) literal += ".0";
  return literal;
}

template <typename T>
constexpr const char* GlslType() {
  if constexpr (std::is_same_v<T, uint32_t>) return "uint";
  if constexpr (std::is_same_v<T, int32_t>) return "int";
  if constexpr (std::is_same_v<T, float>) return "float";
}

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

Shader Compile(GLenum stage, std::string_view source, std::string_view defines, std::string_view library,
               std::string_view name) {
  Shader shader(glCreateShader(stage));
  std::string full = ShaderPrefix(defines);
  if (!library.empty()) full += "#line 1 1\n" + std::string(library) + "\n#line 1 0\n";
  full += source;
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

std::string ShaderConstantDeclarations() {
  std::string declarations;
  for (const ShaderConstant& constant : kShaderConstants) {
    std::visit(
        [&](auto value) {
          declarations += std::string("const ") + GlslType<decltype(value)>() + ' ' + std::string(constant.name) +
                          " = " + GlslLiteral(value) + ";\n";
        },
        constant.value);
  }
  return declarations;
}

std::string ShaderPrefix(std::string_view defines) {
  static const std::string declarations = ShaderConstantDeclarations();
  return "#version 330 core\n" + std::string(defines) + declarations + "#line 1\n";
}

Program BuildProgram(std::string_view vertex_source, std::string_view fragment_source,
                     std::string_view name, std::string_view defines, std::string_view library) {
  const Shader vertex = Compile(GL_VERTEX_SHADER, vertex_source, defines, library, name);
  const Shader fragment = Compile(GL_FRAGMENT_SHADER, fragment_source, defines, library, name);
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
