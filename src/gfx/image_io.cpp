#include "gfx/image_io.hpp"

#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string_view>

#include "core/atomic_file.hpp"

namespace th {

namespace {

// Where libpng's callbacks report: the file its bytes go to, the file's own failure (already
// naming the path), and libpng's words for its failures.
struct PngSink {
  AtomicFile* file = nullptr;
  std::exception_ptr write_failure;
  char error[256] = "";
};

// libpng's errors end in a longjmp back to Encode's setjmp, which C++ objects with destructors
// must not be skipped by: these callbacks hold none when they jump.
[[noreturn]] void OnPngError(png_structp png, png_const_charp message) {
  auto* sink = static_cast<PngSink*>(png_get_error_ptr(png));
  if (sink->error[0] == '\0') std::snprintf(sink->error, sizeof sink->error, "%s", message);
  png_longjmp(png, 1);
}

void OnPngWarning(png_structp, png_const_charp) {}

void OnPngWrite(png_structp png, png_bytep data, size_t size) {
  auto* sink = static_cast<PngSink*>(png_get_io_ptr(png));
  try {
    sink->file->Write(std::string_view(reinterpret_cast<const char*>(data), size));
    return;
  } catch (...) {
    sink->write_failure = std::current_exception();
  }
  png_error(png, "write failed");
}

void OnPngFlush(png_structp) {}

// False after a libpng error (in sink.error). Nothing in this frame has a destructor, so the
// longjmp to its setjmp skips none.
bool Encode(png_structp png, png_infop info, int width, int height, const uint8_t* pixels) {
  if (setjmp(png_jmpbuf(png))) return false;
  // The PNG format's own limits, not libpng's default cap of a million rows.
  png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
               PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const size_t row_bytes = static_cast<size_t>(width) * 4;
  for (int y = 0; y < height; ++y) png_write_row(png, pixels + static_cast<size_t>(y) * row_bytes);
  png_write_end(png, nullptr);
  return true;
}

}  // namespace

void WritePng(const std::string& path, int width, int height, const std::vector<uint8_t>& pixels) {
  const size_t row_bytes = static_cast<size_t>(std::max(width, 1)) * 4;
  if (width <= 0 || height <= 0 || pixels.size() % row_bytes != 0 || pixels.size() / row_bytes != static_cast<size_t>(height))
    throw std::logic_error(path + ": " + std::to_string(pixels.size()) + " bytes are not " + std::to_string(width) +
                           "x" + std::to_string(height) + " RGBA pixels");
  AtomicFile file(path);
  PngSink sink;
  sink.file = &file;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, OnPngError, OnPngWarning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    throw std::runtime_error(path + ": cannot write PNG (out of memory)");
  }
  png_set_write_fn(png, &sink, OnPngWrite, OnPngFlush);
  const bool encoded = Encode(png, info, width, height, pixels.data());
  png_destroy_write_struct(&png, &info);
  if (sink.write_failure) std::rethrow_exception(sink.write_failure);
  if (!encoded) throw std::runtime_error(path + ": cannot write PNG (" + sink.error + ")");
  file.Commit();
}

}  // namespace th
