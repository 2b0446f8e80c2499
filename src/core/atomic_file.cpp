#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <utility>

namespace th {

namespace {

constexpr int kNameAttempts = 100;  // names taken already (a planted file, a leftover) are skipped

// "NAME.XXXXXXXX.tmp" beside path; NAME is shortened when the whole would pass NAME_MAX.
std::string TemporaryName(const std::string& path, std::mt19937_64& random) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string suffix = ".";
  for (int i = 0; i < 8; ++i) suffix += kAlphabet[random() % (sizeof kAlphabet - 1)];
  suffix += ".tmp";
  const std::filesystem::path target(path);
  const std::string name = target.filename().string();
  return (target.parent_path() / name.substr(0, NAME_MAX - suffix.size())).string() + suffix;
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)) {
  std::mt19937_64 random(std::random_device{}());
  for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
    m_temporary = TemporaryName(m_path, random);
    // O_EXCL: never an existing file, and never through a symlink (POSIX: O_CREAT | O_EXCL fails
    // on a symlink, even a dangling one). 0666: the umask (or the folder's default ACL) decides.
    m_fd = ::open(m_temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (m_fd >= 0) return;
    if (errno != EEXIST) Fail(errno);
  }
  Fail(EEXIST);
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_committed && !m_temporary.empty()) ::unlink(m_temporary.c_str());
}

void AtomicFile::Fail(int error) const {
  throw std::runtime_error(m_path + ": cannot write file (" + std::strerror(error) + ")");
}

void AtomicFile::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t done = ::write(m_fd, bytes.data(), bytes.size());
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) Fail(done < 0 ? errno : EIO);
    bytes.remove_prefix(static_cast<size_t>(done));
  }
}

void AtomicFile::WriteAt(uint64_t offset, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t done = ::pwrite(m_fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) Fail(done < 0 ? errno : EIO);
    bytes.remove_prefix(static_cast<size_t>(done));
    offset += static_cast<uint64_t>(done);
  }
}

void AtomicFile::Commit() {
  if (::fsync(m_fd) != 0) Fail(errno);
  if (::close(std::exchange(m_fd, -1)) != 0) Fail(errno);
  if (std::rename(m_temporary.c_str(), m_path.c_str()) != 0) Fail(errno);
  m_committed = true;
}

void WriteFileAtomically(const std::string& path, std::string_view bytes) {
  AtomicFile file(path);
  file.Write(bytes);
  file.Commit();
}

}  // namespace th
