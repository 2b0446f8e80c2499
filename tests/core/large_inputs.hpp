#pragma once
// Large generated inputs, written to the temporary folder, for the tests of load progress and
// cancellation (core) and of the viewer's background loads (layout): big enough that a load
// takes a while and reports many times, written fast.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace th::test {

// The process id in the name: ctest runs test cases in parallel processes, and other build trees'
// suites may run at the same time. The files (tens of MB) are removed when the process exits.
inline std::string WriteTemp(const std::string& name, const std::string& contents) {
  struct RemovedAtExit {
    std::vector<std::filesystem::path> paths;
    ~RemovedAtExit() {
      std::error_code ignored;
      for (const auto& path : paths) std::filesystem::remove(path, ignored);
    }
  };
  static RemovedAtExit written;
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("tokenheat_large_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << contents;
  written.paths.push_back(path);
  return path.string();
}

// JSONL of `lines` sequences of 100 tokens each (about 1.6 KB a line). extra_key: a key the
// fast JSONL path does not read, so that the complete reader redoes the text.
inline std::string LargeJsonl(size_t lines, bool extra_key = false) {
  std::string text;
  for (size_t line = 0; line < lines; ++line) {
    std::string tokens, values;
    for (int t = 0; t < 100; ++t) {
      tokens += (t ? ",\"w" : "\"w") + std::to_string(t) + "\"";
      values += (t ? "," : "") + std::to_string((line * 7 + static_cast<size_t>(t)) % 1000) + ".5";
    }
    text += "{" + std::string(extra_key ? "\"meta\": 1, " : "") + "\"tokens\": [" + tokens + "], \"values\": [" +
            values + "]}\n";
  }
  return text;
}

// One JSON sequence of `tokens` tokens.
inline std::string LargeJson(size_t tokens) {
  std::string names, values;
  for (size_t t = 0; t < tokens; ++t) {
    names += (t ? ",\"t" : "\"t") + std::to_string(t % 97) + "\"";
    values += (t ? "," : "") + std::to_string(t % 1000);
  }
  return "{\"tokens\": [" + names + "], \"values\": [" + values + "]}";
}

inline std::string LargeCsv(size_t rows) {
  std::string text = "token,value\n";
  for (size_t row = 0; row < rows; ++row) text += "w" + std::to_string(row % 997) + "," + std::to_string(row % 1000) + "\n";
  return text;
}

inline std::string LargeText(size_t words) {
  std::string text;
  for (size_t word = 0; word < words; ++word) text += (word % 13 == 12 ? "lorem\n" : "ipsum dolor ");
  return text;
}

// A 1-D .npy of `count` float64 values (converted to float32 on load, in chunks).
inline std::string LargeNpy(size_t count) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(count) + ",), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ').push_back('\n');
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes.push_back(static_cast<char>(header.size() & 0xFF));
  bytes.push_back(static_cast<char>(header.size() >> 8));
  bytes += header;
  for (size_t i = 0; i < count; ++i) {
    const double value = static_cast<double>(i % 1000);
    char raw[sizeof value];
    std::memcpy(raw, &value, sizeof value);
    bytes.append(raw, sizeof raw);
  }
  return bytes;
}

}  // namespace th::test
