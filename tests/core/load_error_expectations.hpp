#pragma once
// What a load of a bad input must end in: one LoadError, one line, naming the file first.
#include <gtest/gtest.h>

#include <string>

#include "core/load_document.hpp"

namespace th::test {

// The message of the LoadError that loading path throws, checked to be one line that starts with
// the path; "" (and a test failure) when the load succeeds.
inline std::string ErrorOf(const std::string& path, const LoadOptions& options = {}) {
  try {
    LoadDocumentFile(path, options);
  } catch (const LoadError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_TRUE(message.starts_with(path + ":")) << message;
    return message;
  }
  ADD_FAILURE() << "no LoadError for " << path;
  return "";
}

}  // namespace th::test
