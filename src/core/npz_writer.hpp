#pragma once
// Writes an uncompressed .npz (a zip of .npy members, as np.savez writes them) that tokenheat
// memory-maps and uses in place: each member's array data starts on a 64-byte boundary of the
// file (the local header's extra field is padded, as Android's zipalign does), so float32 and
// int32 arrays are borrowed from the mapping instead of copied. Members stream in, so arrays
// larger than memory can be written; ZIP64 records are used when a member or the archive passes
// 4 GiB. The archive is written through an AtomicFile and renamed to PATH by Finish, so no reader
// ever sees half a file and a failed write leaves an older PATH alone.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/atomic_file.hpp"

namespace th {

class NpzWriter {
 public:
  // Throws std::runtime_error "PATH: cannot write file (reason)" here and in every call below.
  // An archive not finished leaves no file behind.
  explicit NpzWriter(std::string path);
  NpzWriter(const NpzWriter&) = delete;
  NpzWriter& operator=(const NpzWriter&) = delete;

  // Starts the member NAME.npy: an array of numpy dtype descr ("<i4", "<f4") with item_size bytes
  // an element, in C order, whose elements follow through Append.
  void BeginArray(const std::string& name, std::string_view descr, uint64_t item_size,
                  const std::vector<uint64_t>& shape);
  // The next elements of the current array, in order; their total must come to its size.
  void Append(std::string_view bytes);
  // Writes the central directory and renames the archive to PATH.
  void Finish();

 private:
  struct Member {
    std::string name;
    uint64_t local_header = 0;
    uint64_t size = 0;  // the .npy header and the elements
    uint32_t crc = 0;
    uint64_t written = 0;
  };
  void Write(std::string_view bytes);
  void EndArray();

  AtomicFile m_file;
  uint64_t m_offset = 0;
  std::vector<Member> m_members;
};

}  // namespace th
