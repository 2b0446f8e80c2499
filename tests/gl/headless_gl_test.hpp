#pragma once
// The fixture every GL test derives from: one headless EGL context per test process, made
// current once. Creating and tearing down EGL displays per test is slow, and LeakSanitizer
// reports Mesa's driver unloading.

#include <gtest/gtest.h>

#include <memory>

#include "gfx/egl_context.hpp"

namespace th {

class HeadlessGlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!Context()) Context() = gl::HeadlessContext::Create();
  }
  static std::unique_ptr<gl::HeadlessContext>& Context() {
    static std::unique_ptr<gl::HeadlessContext> context;
    return context;
  }
};

}  // namespace th
