#pragma once
// PNG output of read-back pixels, written atomically (a temporary file renamed into place).

#include <cstdint>
#include <string>
#include <vector>

namespace th {

// pixels: RGBA8, rows top-down. Throws std::runtime_error naming the path on failure.
void WritePng(const std::string& path, int width, int height, const std::vector<uint8_t>& pixels);

}  // namespace th
