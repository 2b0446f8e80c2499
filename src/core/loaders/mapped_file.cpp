#include "core/loaders/mapped_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/load_error.hpp"

namespace th {

namespace {

// [SECTION] Files that shrink while they are mapped
// Reading a mapped page that lies past the end of a file truncated after it was mapped (a log
// rewritten in place, an array saved again over the one being opened) raises SIGBUS, which kills
// the process. Reading files into memory instead would avoid that only at the price of what the
// mapping is for: float32 columns borrowed in place, files larger than memory paged in on demand,
// no copy before the first byte is used. So the mappings stay, and a SIGBUS handler maps
// anonymous zero pages over a registered mapping from the faulting page to its end and marks the
// mapping changed; the read then completes with zeros, and LoadDocumentFile turns the mark into
// a one-line error. A fault anywhere else goes on to the handler installed before ours, or to
// the default action (the process ends with SIGBUS, as it would have without us).
//
// The handler may only touch what is safe in a signal handler: the registry is a fixed array of
// atomics (no lock, no allocation), and mmap is a plain system call.

struct MappingSlot {
  std::atomic<uintptr_t> begin{0};  // 0: the slot is free (end is set first and cleared last)
  std::atomic<uintptr_t> end{0};    // rounded up to a whole page, which is what the kernel maps
  std::atomic<bool> changed{false};
};

// Far more mappings than are ever open at once (a document, its sidecar and its vocabulary, in
// the viewer the one loading beside the one shown); a mapping that finds no free slot is simply
// not protected.
constexpr int kMaxMappings = 1024;
MappingSlot g_mappings[kMaxMappings];
struct sigaction g_previous_sigbus {};
uintptr_t g_page_size = 0;

void OnSigbus(int signal_number, siginfo_t* info, void* context) {
  const auto address = reinterpret_cast<uintptr_t>(info->si_addr);
  for (MappingSlot& slot : g_mappings) {
    const uintptr_t begin = slot.begin.load(std::memory_order_acquire);
    const uintptr_t end = slot.end.load(std::memory_order_acquire);
    if (begin == 0 || address < begin || address >= end) continue;
    // Every page from the faulting one on lies past the file's new end: one call covers them all.
    const uintptr_t page = address & ~(g_page_size - 1);
    if (::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1,
               0) == MAP_FAILED)
      break;
    slot.changed.store(true, std::memory_order_release);
    return;  // the faulting read runs again, on the zero page
  }
  if (g_previous_sigbus.sa_flags & SA_SIGINFO) {
    g_previous_sigbus.sa_sigaction(signal_number, info, context);
  } else if (g_previous_sigbus.sa_handler != SIG_DFL && g_previous_sigbus.sa_handler != SIG_IGN) {
    g_previous_sigbus.sa_handler(signal_number);
  } else {
    // Returning re-runs the faulting access, which now ends the process with the default action.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGBUS, &default_action, nullptr);
  }
}

void InstallSigbusHandler() {
  static const bool installed = [] {
    g_page_size = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = OnSigbus;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    return ::sigaction(SIGBUS, &action, &g_previous_sigbus) == 0;
  }();
  (void)installed;
}

// The slot now holding [data, data + size), or -1 when none was free.
int RegisterMapping(const void* data, size_t size) {
  InstallSigbusHandler();
  const auto begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t end = (begin + size + g_page_size - 1) & ~(g_page_size - 1);
  for (int index = 0; index < kMaxMappings; ++index) {
    MappingSlot& slot = g_mappings[index];
    uintptr_t unused = 0;
    if (!slot.end.compare_exchange_strong(unused, end, std::memory_order_acq_rel)) continue;
    slot.changed.store(false, std::memory_order_relaxed);
    slot.begin.store(begin, std::memory_order_release);
    return index;
  }
  return -1;
}

void UnregisterMapping(int index) {
  g_mappings[index].begin.store(0, std::memory_order_release);
  g_mappings[index].end.store(0, std::memory_order_release);
}

}  // namespace

MappedFile::MappedFile(std::string path, const void* data, size_t size)
    : m_path(std::move(path)), m_data(data), m_size(size), m_slot(size > 0 ? RegisterMapping(data, size) : -1) {}

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

bool MappedFile::Changed() const {
  return m_slot >= 0 && g_mappings[m_slot].changed.load(std::memory_order_acquire);
}

void MappedFile::ThrowIfChanged() const {
  if (Changed()) throw LoadError(m_path + ": changed while it was read");
}

MappedFile::~MappedFile() {
  if (m_slot >= 0) UnregisterMapping(m_slot);
  if (m_size > 0) ::munmap(const_cast<void*>(m_data), m_size);
}

}  // namespace th
