#pragma once
// PNG output for renders and screenshots, written atomically through core/atomic_file.hpp.

#include <cstdint>
#include <string>
#include <vector>

namespace th {

// pixels: RGBA8, rows top-down, width * height * 4 bytes. libpng encodes them a row at a time,
// with sizes in size_t, so any image that fits in memory can be written. Throws
// std::runtime_error naming the path on failure.
void WritePng(const std::string& path, int width, int height, const std::vector<uint8_t>& pixels);

}  // namespace th
