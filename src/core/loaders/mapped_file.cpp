#include "core/loaders/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/load_error.hpp"

namespace th {

std::shared_ptr<const MappedFile> MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw LoadError(path + ": cannot open file (" + std::strerror(errno) + ")");
  struct stat info {};
  const auto fail = [&](int error) {
    ::close(fd);
    throw LoadError(path + ": cannot read file (" + std::strerror(error) + ")");
  };
  if (::fstat(fd, &info) != 0) fail(errno);
  if (S_ISDIR(info.st_mode)) fail(EISDIR);
  if (!S_ISREG(info.st_mode)) fail(ENODEV);
  const auto size = static_cast<size_t>(info.st_size);
  const void* data = nullptr;
  if (size > 0) {
    data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) fail(errno);
  }
  ::close(fd);  // the mapping stays valid without the descriptor
  return std::shared_ptr<const MappedFile>(new MappedFile(path, data, size));
}

bool MappedFile::Contains(std::string_view range) const {
  const auto begin = reinterpret_cast<uintptr_t>(range.data());
  const auto base = reinterpret_cast<uintptr_t>(m_data);
  return m_size > 0 && begin >= base && begin + range.size() <= base + m_size;
}

void MappedFile::Release(std::string_view range) const {
  if (!Contains(range)) return;
  const auto begin = reinterpret_cast<uintptr_t>(range.data());
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t first = (begin + page - 1) / page * page;
  const uintptr_t last = (begin + range.size()) / page * page;
  // Advice only: on failure the pages simply stay resident.
  if (first < last) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
  if (m_size > 0) ::munmap(const_cast<void*>(m_data), m_size);
}

}  // namespace th
