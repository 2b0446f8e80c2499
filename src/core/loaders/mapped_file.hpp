#pragma once
// A whole file mapped read-only into memory. Loaders read from the mapping instead of copying
// the file, and channels borrow float32 arrays straight out of it (ValueColumn::Borrow keeps
// the mapping alive through a shared_ptr), so a file larger than memory is paged in on demand.
// A file that shrinks while it is mapped does not crash the process: reads past its new end find
// zeros and the mapping is marked Changed() (mapped_file.cpp says how).

#include <memory>
#include <string>
#include <string_view>

namespace th {

class MappedFile {
 public:
  // Throws LoadError "PATH: cannot open file (...)" / "PATH: cannot read file (...)".
  static std::shared_ptr<const MappedFile> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& Path() const { return m_path; }
  std::string_view Bytes() const { return {static_cast<const char*>(m_data), m_size}; }
  // Hands the whole pages inside range back to the kernel once their contents were copied, so a
  // converted array does not stay resident twice; reading them again pages them back in. A range
  // outside the mapping (an inflated zip member) is left alone.
  void Release(std::string_view range) const;
  // Whether range lies inside the mapping (not in an inflated zip member's buffer).
  bool Contains(std::string_view range) const;
  // Whether the file was cut short under the mapping and a read past its new end found zeros
  // instead of the file's bytes: whatever was read from it since it was opened may be wrong.
  bool Changed() const;
  // Throws LoadError "PATH: changed while it was read" when Changed().
  void ThrowIfChanged() const;

 private:
  MappedFile(std::string path, const void* data, size_t size);
  std::string m_path;
  const void* m_data;
  size_t m_size;
  int m_slot;  // in the registry of mappings that a SIGBUS may fall in; -1 when not registered
};

}  // namespace th
