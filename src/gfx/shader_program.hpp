#pragma once
// Compiles embedded shader sources (shaders/*.vert|frag without a #version line) into a program.

#include <string_view>

#include "gfx/gl_objects.hpp"

namespace th::gl {

// Prepends "#version 330 core" and `defines` (lines such as "#define X\n") to both stages;
// throws GlError carrying the info log on failure.
Program BuildProgram(std::string_view vertex_source, std::string_view fragment_source,
                     std::string_view name, std::string_view defines = {});

// The location of a uniform that must exist (throws GlError otherwise, so a renamed uniform is
// caught at start-up rather than drawing wrong colours).
GLint UniformLocation(const Program& program, const char* uniform);

}  // namespace th::gl
