#pragma once
// Every file tokenheat writes (images, exports, layouts, settings, .npz) goes through here, so
// that a reader never sees half a file, a failed write leaves the old file alone, and nothing
// planted beside the target is followed or reused. The bytes go to a new temporary file in the
// target's folder, "PATH.XXXXXXXX.tmp" with a random part, created with O_EXCL (a file or symlink
// already at that name makes creation fail, and another name is tried) and mode 0666 less the
// umask, as any new file; Commit flushes it to disk and renames it over PATH. Every failure
// removes it; a temporary left by a killed process is never opened again.

#include <cstdint>
#include <string>
#include <string_view>

namespace th {

class AtomicFile {
 public:
  // Creates the temporary. Here and in every call below, a failure throws std::runtime_error
  // "PATH: cannot write file (reason)".
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary unless Commit succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void Write(std::string_view bytes);  // appends
  void WriteAt(uint64_t offset, std::string_view bytes);  // over bytes already written
  // fsync, then rename over PATH (a symlink at PATH is replaced, not written through).
  void Commit();

  const std::string& Path() const { return m_path; }

 private:
  [[noreturn]] void Fail(int error) const;

  std::string m_path;
  std::string m_temporary;
  int m_fd = -1;
  bool m_committed = false;
};

// The whole file at once, through an AtomicFile.
void WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace th
