#pragma once
// A whole file mapped read-only into memory. Loaders read from the mapping instead of copying
// the file, and channels borrow float32 arrays straight out of it (ValueColumn::Borrow keeps
// the mapping alive through a shared_ptr), so a file larger than memory is paged in on demand.

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

 private:
  MappedFile(std::string path, const void* data, size_t size)
      : m_path(std::move(path)), m_data(data), m_size(size) {}
  std::string m_path;
  const void* m_data;
  size_t m_size;
};

}  // namespace th
