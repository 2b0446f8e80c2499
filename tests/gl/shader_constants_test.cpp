// The constants the shaders share with C++ reach them only through the generated prefix
// (layout/shader_constants.hpp, gfx/shader_program.cpp): each is declared there once with C++'s
// value, the shipped shaders compile and link with it, and the GPU reads exactly those values.
#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "headless_gl_test.hpp"
#include "embedded_shaders.hpp"
#include "gfx/gl_objects.hpp"
#include "gfx/offscreen_target.hpp"
#include "gfx/shader_program.hpp"
#include "layout/shader_constants.hpp"

namespace th {
namespace {

class ShaderConstantsTest : public HeadlessGlTest {};

struct Declared {
  std::string type;
  std::string literal;
};

// "const TYPE NAME = LITERAL;" lines of the prefix by name; every other line in `others`.
std::map<std::string, Declared> Declarations(const std::string& prefix, std::vector<std::string>& others,
                                             int& duplicates) {
  std::map<std::string, Declared> declared;
  std::istringstream lines(prefix);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string keyword, type, name, equals, literal;
    if (words >> keyword >> type >> name >> equals >> literal && keyword == "const" && equals == "=" &&
        literal.ends_with(';')) {
      literal.pop_back();
      duplicates += declared.count(name) > 0 ? 1 : 0;
      declared[name] = {type, literal};
    } else {
      others.push_back(line);
    }
  }
  return declared;
}

template <typename T>
bool Parses(std::string literal, T expected) {
  if constexpr (std::is_same_v<T, uint32_t>) {
    if (!literal.ends_with('u')) return false;
    literal.pop_back();
  }
  T value{};
  const auto [end, error] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
  if (error != std::errc() || end != literal.data() + literal.size()) return false;
  if constexpr (std::is_same_v<T, float>) return std::bit_cast<uint32_t>(value) == std::bit_cast<uint32_t>(expected);
  return value == expected;
}

// What some constants must be, written against the C++ definitions, not against kShaderConstants
// (every row of which is checked against its own value below).
struct Expected {
  std::string name;
  std::variant<uint32_t, int32_t, float> value;
};
const std::vector<Expected>& ExpectedConstants() {
  static const std::vector<Expected> expected{
      {"kNoValueFlag", uint32_t{kNoValueFlag}},
      {"kSpecialTokenFlag", uint32_t{kSpecialTokenFlag}},
      {"kPlainTextFlag", uint32_t{kPlainTextFlag}},
      {"kPaletteRampFlag", uint32_t{kPaletteRampFlag}},
      {"kFoldedBlockFlag", uint32_t{kFoldedBlockFlag}},
      {"kUnmeasuredFlag", uint32_t{kUnmeasuredFlag}},
      {"kMarkerBit", uint32_t{kMarkerBit}},
      {"kCellsTextureWidth", int32_t{kCellsTextureWidth}},
      {"kLinear", static_cast<int32_t>(ShaderMappingMode::kLinear)},
      {"kLog", static_cast<int32_t>(ShaderMappingMode::kLog)},
      {"kBuckets", static_cast<int32_t>(ShaderMappingMode::kBuckets)},
      {"kMaxThresholds", static_cast<int32_t>(kMaxThresholds)},
      {"kNotch", static_cast<float>(kNotchPixels)},
      {"kMarkerCoverage", kMarkerCoverage},
      {"kFoldedCanvasBits", std::bit_cast<uint32_t>(std::numeric_limits<float>::infinity())},
  };
  return expected;
}

template <typename T>
std::string TypeName() {
  if constexpr (std::is_same_v<T, uint32_t>) return "uint";
  if constexpr (std::is_same_v<T, int32_t>) return "int";
  return "float";
}

TEST(ShaderPrefixTest, DeclaresEachSharedConstantOnceWithItsCppValue) {
  const std::string prefix = gl::ShaderPrefix("#define TH_TEST\n");
  std::vector<std::string> others;
  int duplicates = 0;
  const auto declared = Declarations(prefix, others, duplicates);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(others, (std::vector<std::string>{"#version 330 core", "#define TH_TEST", "#line 1"}));
  EXPECT_EQ(declared.size(), kShaderConstants.size());
  for (const ShaderConstant& constant : kShaderConstants) {
    SCOPED_TRACE(constant.name);
    const auto found = declared.find(std::string(constant.name));
    ASSERT_NE(found, declared.end()) << "not declared in:\n" << prefix;
    std::visit(
        [&](auto value) {
          EXPECT_EQ(found->second.type, TypeName<decltype(value)>());
          EXPECT_TRUE(Parses(found->second.literal, value)) << found->second.literal;
        },
        constant.value);
  }
  for (const Expected& expected : ExpectedConstants()) {
    SCOPED_TRACE(expected.name);
    const auto found = declared.find(expected.name);
    ASSERT_NE(found, declared.end()) << "not declared in:\n" << prefix;
    std::visit(
        [&](auto value) {
          EXPECT_EQ(found->second.type, TypeName<decltype(value)>());
          EXPECT_TRUE(Parses(found->second.literal, value)) << found->second.literal;
        },
        expected.value);
  }
  // Floats are written as float literals, never as GLSL ints.
  EXPECT_EQ(declared.at("kNotch").literal, "5.0");
  EXPECT_EQ(gl::ShaderConstantDeclarations().size() + std::string_view("#version 330 core\n#line 1\n").size(),
            gl::ShaderPrefix().size());
}

// The shaders declare none of the shared constants themselves (GLSL would reject the second
// declaration anyway) and do not write their values by hand where a name exists.
TEST(ShaderPrefixTest, ShadersDoNotDeclareSharedConstants) {
  for (const std::string_view source :
       {std::string_view(shaders::token_vert), std::string_view(shaders::token_frag),
        std::string_view(shaders::value_colour_glsl), std::string_view(shaders::folded_vert),
        std::string_view(shaders::folded_frag)}) {
    for (const ShaderConstant& constant : kShaderConstants)
      EXPECT_EQ(source.find(std::string(" ") + std::string(constant.name) + " ="), std::string_view::npos)
          << constant.name;
    EXPECT_EQ(source.find("#version"), std::string_view::npos);
    EXPECT_EQ(source.find("uThresholds[15]"), std::string_view::npos);
  }
}

// The value-to-colour code is written once, in value_colour.glsl, and both programs that colour
// values (the instanced boxes and the zoomed-out grid) get it from there.
TEST(ShaderPrefixTest, TheMappingIsWrittenOnceForEveryProgram) {
  const std::string_view library = shaders::value_colour_glsl;
  for (const char* definition : {"float MapValue(", "vec3 PaletteColour(", "vec3 NoValueHatch(", "uniform float uLow;"}) {
    SCOPED_TRACE(definition);
    EXPECT_NE(library.find(definition), std::string_view::npos);
    for (const std::string_view source :
         {std::string_view(shaders::token_vert), std::string_view(shaders::token_frag),
          std::string_view(shaders::folded_vert), std::string_view(shaders::folded_frag)})
      EXPECT_EQ(source.find(definition), std::string_view::npos);
  }
  EXPECT_NE(std::string_view(shaders::token_vert).find("MapValue("), std::string_view::npos);
  EXPECT_NE(std::string_view(shaders::folded_frag).find("MapValue("), std::string_view::npos);
  EXPECT_NE(std::string_view(shaders::token_frag).find("NoValueHatch("), std::string_view::npos);
  EXPECT_NE(std::string_view(shaders::folded_frag).find("NoValueHatch("), std::string_view::npos);
}

TEST_F(ShaderConstantsTest, TheFoldedProgramCompilesAndLinksWithTheLibrary) {
  gl::Program program;
  ASSERT_NO_THROW(program = gl::BuildProgram(shaders::folded_vert, shaders::folded_frag, "folded", "",
                                             shaders::value_colour_glsl));
  for (const char* uniform : {"uGrid", "uRect", "uMode", "uThresholds", "uPalette", "uCanvas"})
    EXPECT_GE(glGetUniformLocation(program.Name(), uniform), 0) << uniform;
  // The variants the renderer builds, one a mapping mode, with gamma or without: the mode and
  // gamma are then constants, not uniforms.
  for (const char* mode : {"kLinear", "kLog", "kBuckets"})
    for (const char* gamma : {"", "#define TH_GAMMA_ONE\n"}) {
      SCOPED_TRACE(std::string(mode) + " " + gamma);
      const std::string defines = std::string("#define TH_MAPPING_MODE ") + mode + "\n" + gamma;
      ASSERT_NO_THROW(program = gl::BuildProgram(shaders::folded_vert, shaders::folded_frag, "folded", defines,
                                                 shaders::value_colour_glsl));
      EXPECT_EQ(glGetUniformLocation(program.Name(), "uMode"), -1);
      EXPECT_EQ(glGetUniformLocation(program.Name(), "uGamma") >= 0, *gamma == '\0' && std::string(mode) != "kBuckets");
    }
  gl::CheckErrors("TheFoldedProgramCompilesAndLinksWithTheLibrary");
}

TEST_F(ShaderConstantsTest, BothShadersCompileAndLinkWithThePrefix) {
  for (const char* defines : {"", "#define TH_PALETTE_RAMPS\n"}) {
    SCOPED_TRACE(defines);
    gl::Program program;
    ASSERT_NO_THROW(program = gl::BuildProgram(shaders::token_vert, shaders::token_frag, "token", defines,
                                               shaders::value_colour_glsl));
    // The thresholds array is as long as C++ fills it.
    GLint uniforms = 0;
    glGetProgramiv(program.Name(), GL_ACTIVE_UNIFORMS, &uniforms);
    bool found = false;
    for (GLint i = 0; i < uniforms; ++i) {
      char name[64] = {};
      GLint size = 0;
      GLenum type = 0;
      glGetActiveUniform(program.Name(), static_cast<GLuint>(i), sizeof name, nullptr, &size, &type, name);
      if (std::string_view(name).starts_with("uThresholds")) {
        found = true;
        EXPECT_EQ(size, static_cast<GLint>(kMaxThresholds));
        EXPECT_EQ(type, static_cast<GLenum>(GL_FLOAT));
      }
    }
    EXPECT_TRUE(found);
    gl::CheckErrors("BothShadersCompileAndLinkWithThePrefix");
  }
}

// The values as the GPU reads them: a vertex shader writes each constant's bits to a transform
// feedback buffer, one per vertex.
TEST_F(ShaderConstantsTest, TheGpuReadsTheCppValues) {
  const size_t n = kShaderConstants.size();
  std::string list;
  std::vector<uint32_t> expected;
  for (const ShaderConstant& constant : kShaderConstants) {
    const std::string name(constant.name);
    if (!list.empty()) list += ", ";
    std::visit(
        [&](auto value) {
          using T = decltype(value);
          if constexpr (std::is_same_v<T, uint32_t>) list += name;
          if constexpr (std::is_same_v<T, int32_t>) list += "uint(" + name + ")";
          if constexpr (std::is_same_v<T, float>) list += "floatBitsToUint(" + name + ")";
          expected.push_back(std::bit_cast<uint32_t>(value));
        },
        constant.value);
  }
  const std::string count = std::to_string(n);
  const std::string source = gl::ShaderPrefix() + "flat out uint vBits;\nvoid main() {\n  uint bits[" + count +
                             "] = uint[" + count + "](" + list +
                             ");\n  vBits = bits[gl_VertexID];\n  gl_Position = vec4(0.0, 0.0, 0.0, 1.0);\n}\n";

  gl::Shader shader(glCreateShader(GL_VERTEX_SHADER));
  const char* text = source.c_str();
  glShaderSource(shader.Name(), 1, &text, nullptr);
  glCompileShader(shader.Name());
  GLint ok = GL_FALSE;
  glGetShaderiv(shader.Name(), GL_COMPILE_STATUS, &ok);
  char log[1024] = {};
  glGetShaderInfoLog(shader.Name(), sizeof log, nullptr, log);
  ASSERT_EQ(ok, GL_TRUE) << log << "\n" << source;
  gl::Program program(glCreateProgram());
  glAttachShader(program.Name(), shader.Name());
  const char* varying = "vBits";
  glTransformFeedbackVaryings(program.Name(), 1, &varying, GL_INTERLEAVED_ATTRIBS);
  glLinkProgram(program.Name());
  glGetProgramiv(program.Name(), GL_LINK_STATUS, &ok);
  glGetProgramInfoLog(program.Name(), sizeof log, nullptr, log);
  ASSERT_EQ(ok, GL_TRUE) << log;

  // Nothing is drawn, but a draw needs a complete framebuffer (a headless context has none).
  gl::OffscreenTarget target;
  target.Resize(1, 1);
  target.Bind();
  const gl::VertexArray vertex_array = gl::MakeVertexArray();
  const gl::Buffer buffer = gl::MakeBuffer();
  glBindBuffer(GL_TRANSFORM_FEEDBACK_BUFFER, buffer.Name());
  glBufferData(GL_TRANSFORM_FEEDBACK_BUFFER, static_cast<GLsizeiptr>(n * sizeof(uint32_t)), nullptr, GL_STATIC_READ);
  glBindBufferBase(GL_TRANSFORM_FEEDBACK_BUFFER, 0, buffer.Name());
  glUseProgram(program.Name());
  glBindVertexArray(vertex_array.Name());
  glEnable(GL_RASTERIZER_DISCARD);
  glBeginTransformFeedback(GL_POINTS);
  glDrawArrays(GL_POINTS, 0, static_cast<GLsizei>(n));
  glEndTransformFeedback();
  glDisable(GL_RASTERIZER_DISCARD);
  std::vector<uint32_t> bits(n, 0xDEADBEEFu);
  glGetBufferSubData(GL_TRANSFORM_FEEDBACK_BUFFER, 0, static_cast<GLsizeiptr>(n * sizeof(uint32_t)), bits.data());
  glBindBufferBase(GL_TRANSFORM_FEEDBACK_BUFFER, 0, 0);
  glBindBuffer(GL_TRANSFORM_FEEDBACK_BUFFER, 0);
  glBindVertexArray(0);
  glUseProgram(0);
  gl::OffscreenTarget::BindDefault();
  gl::CheckErrors("TheGpuReadsTheCppValues");
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(bits[i], expected[i]) << kShaderConstants[i].name;
}

// The prefix ends with "#line 1": a compile error names the line of the shader's own file.
TEST_F(ShaderConstantsTest, CompileErrorsNameTheSourceFilesLine) {
  const char* vertex = "void main() {\n  gl_Position = vec4(0.0);\n  undeclared_name = 1.0;\n}\n";
  try {
    gl::BuildProgram(vertex, "out vec4 colour;\nvoid main() { colour = vec4(1.0); }\n", "broken");
    FAIL() << "the shader compiled";
  } catch (const gl::GlError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(message.find(":3(") != std::string::npos || message.find("(3)") != std::string::npos) << message;
  }
  // With a library before it, the stage's own lines keep their numbers.
  try {
    gl::BuildProgram(vertex, "out vec4 colour;\nvoid main() { colour = vec4(1.0); }\n", "broken", "",
                     "float Unused1() { return 1.0; }\nfloat Unused2() { return 2.0; }\n");
    FAIL() << "the shader compiled";
  } catch (const gl::GlError& error) {
    const std::string message = error.what();
    EXPECT_TRUE(message.find("0:3(") != std::string::npos || message.find("(3)") != std::string::npos) << message;
  }
}

}  // namespace
}  // namespace th
