#pragma once
// A GL 3.3 core context with no window and no display server: EGL on Mesa's surfaceless platform
// (or the device platform), made current on the calling thread. Used by `tokenheat render`,
// `tokenheat bench` and the GL tests; on a machine with a GPU the same code runs on its driver.

#include <memory>
#include <string>

namespace th::gl {

class HeadlessContext {
 public:
  // Throws GlError when no context can be created (the message says which step failed).
  static std::unique_ptr<HeadlessContext> Create();
  ~HeadlessContext();
  HeadlessContext(const HeadlessContext&) = delete;
  HeadlessContext& operator=(const HeadlessContext&) = delete;

  // "llvmpipe (LLVM 15.0.6, 256 bits) / 4.5 (Core Profile) Mesa 22.3.6"
  std::string Description() const;

 private:
  HeadlessContext() = default;
  void* m_display = nullptr;
  void* m_context = nullptr;
};

}  // namespace th::gl
