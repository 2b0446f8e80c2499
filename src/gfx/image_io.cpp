#include "gfx/image_io.hpp"

#include <stb/stb_image_write.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace th {

void WritePng(const std::string& path, int width, int height, const std::vector<uint8_t>& pixels) {
  const std::string temporary = path + ".tmp";
  if (stbi_write_png(temporary.c_str(), width, height, 4, pixels.data(), width * 4) == 0) {
    std::remove(temporary.c_str());
    throw std::runtime_error(path + ": cannot write PNG (" + std::strerror(errno) + ")");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    throw std::runtime_error(path + ": cannot write PNG (" + reason + ")");
  }
}

void WriteTextFile(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    if (!out.flush()) {
      std::remove(temporary.c_str());
      throw std::runtime_error(path + ": cannot write file");
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    throw std::runtime_error(path + ": cannot write file (" + reason + ")");
  }
}

}  // namespace th
