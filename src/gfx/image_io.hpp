#pragma once
// File output for renders and exports, written atomically (a temporary file renamed into place),
// so a reader never sees half a file and a failed write leaves the old file alone.

#include <cstdint>
#include <string>
#include <vector>

namespace th {

// pixels: RGBA8, rows top-down. Throws std::runtime_error naming the path on failure.
void WritePng(const std::string& path, int width, int height, const std::vector<uint8_t>& pixels);
// Writes text (SVG, HTML, JSON) as is. Throws std::runtime_error naming the path on failure.
void WriteTextFile(const std::string& path, const std::string& text);

}  // namespace th
