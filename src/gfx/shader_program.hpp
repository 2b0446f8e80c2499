#pragma once
// Compiles embedded shader sources (shaders/*.vert|frag without a #version line) into a program.

#include <string>
#include <string_view>

#include "gfx/gl_objects.hpp"

namespace th::gl {

// The GLSL declarations of the constants the shaders share with C++ (kShaderConstants,
// layout/shader_constants.hpp), one "const TYPE NAME = VALUE;" line each, with exactly C++'s values.
std::string ShaderConstantDeclarations();

// What goes before a shader's source: "#version 330 core", `defines`, the constants'
// declarations, then "#line 1" so that the compiler's line numbers are the source file's.
std::string ShaderPrefix(std::string_view defines = {});

// Prepends ShaderPrefix(defines) (defines: lines such as "#define X\n") to both stages, then
// `library` (GLSL both stages share, such as shaders/value_colour.glsl: its lines are numbered as
// source string 1, the stage's own as source string 0); throws GlError carrying the info log on
// failure.
Program BuildProgram(std::string_view vertex_source, std::string_view fragment_source,
                     std::string_view name, std::string_view defines = {}, std::string_view library = {});

// The location of a uniform that must exist (throws GlError otherwise, so a renamed uniform is
// caught at start-up rather than drawing wrong colours).
GLint UniformLocation(const Program& program, const char* uniform);

}  // namespace th::gl
