// .npy and .npz (np.save, np.savez, np.savez_compressed). The zip central directory is read
// directly (zip64 too, for members over 4 GB); stored members are parsed in place from the
// file's mapping, deflated ones are inflated with zlib into a buffer the arrays keep alive.
// Every .npy member is checked before any is inflated (zip bombs: overlapping or repeated entries,
// sizes deflate cannot reach, more than memory holds), and each inflates to exactly the size its
// entry and its .npy header agree on, with the entry's CRC-32.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/loaders/arrays.hpp"

namespace th {

namespace {

uint64_t ReadLittle(std::string_view bytes, size_t offset, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  return value;
}

// The ".npy" members' arrays are named without it.
std::string ArrayName(const std::string& member_name) { return member_name.substr(0, member_name.size() - 4); }

struct ZipMember {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t compressed_size = 0;
  uint64_t size = 0;
  uint64_t local_header = 0;
  uint64_t data = 0;  // where its stored or deflated bytes start, after the local header
};

constexpr uint16_t kStored = 0;
constexpr uint16_t kDeflated = 8;
constexpr uint16_t kEncryptedFlag = 1;

class ZipReader {
 public:
  explicit ZipReader(const LoadContext& context) : m_context(context), m_bytes(context.File()->Bytes()) {}

  // The .npy members, each checked before any is read: not encrypted, stored or deflated, its
  // bytes inside the file, no name listed twice and no two members' bytes overlapping.
  std::vector<ZipMember> ArrayMembers() {
    std::vector<ZipMember> members = Members();
    std::erase_if(members, [](const ZipMember& member) { return !member.name.ends_with(".npy"); });
    for (ZipMember& member : members) Locate(member);
    RequireDistinct(members);
    return members;
  }

  // The member's bytes, and what keeps them alive: the mapping itself for stored members.
  std::pair<std::string_view, std::shared_ptr<const void>> Contents(const ZipMember& member) {
    if (member.method == kStored) return {m_bytes.substr(member.data, member.size), m_context.File()};
    return Inflate(member);
  }

 private:
  [[noreturn]] void Fail(uint64_t offset, const std::string& message) const {
    m_context.Fail("byte " + std::to_string(offset), message);
  }
  [[noreturn]] void FailMember(const ZipMember& member, const std::string& message) const {
    m_context.Fail("member " + Shortened(member.name), message);
  }
  uint64_t Read(size_t offset, size_t size) const { return ReadLittle(m_bytes, offset, size); }
  bool Inside(uint64_t offset, uint64_t size) const { return offset <= m_bytes.size() && size <= m_bytes.size() - offset; }
  void Need(uint64_t offset, uint64_t size, const std::string& what) const {
    if (!Inside(offset, size)) Fail(offset, what + " runs past the end of the file (truncated file?)");
  }

  // Every entry of the central directory.
  std::vector<ZipMember> Members() const {
    // The end-of-central-directory record is in the last 64 KiB + 22 bytes (after the comment).
    constexpr size_t kEndSize = 22;
    if (m_bytes.size() < kEndSize) Fail(0, "truncated zip archive (no end of central directory)");
    size_t end = std::string_view::npos;
    const size_t lowest = m_bytes.size() > 0xFFFF + kEndSize ? m_bytes.size() - 0xFFFF - kEndSize : 0;
    for (size_t pos = m_bytes.size() - kEndSize + 1; pos-- > lowest;)
      if (m_bytes.compare(pos, 4, "PK\x05\x06") == 0) {
        end = pos;
        break;
      }
    if (end == std::string_view::npos) Fail(m_bytes.size(), "truncated zip archive (no end of central directory)");
    uint64_t count = Read(end + 10, 2);
    uint64_t directory_size = Read(end + 12, 4);
    uint64_t directory = Read(end + 16, 4);
    if (end >= 20 && m_bytes.compare(end - 20, 4, "PK\x06\x07") == 0) {  // zip64 locator
      const uint64_t record = Read(end - 20 + 8, 8);
      constexpr uint64_t kRecordSize = 56;
      if (m_bytes.size() < kRecordSize || record > m_bytes.size() - kRecordSize ||
          m_bytes.compare(record, 4, "PK\x06\x06") != 0)
        Fail(end - 20, "bad zip64 end of central directory locator");
      count = Read(record + 32, 8);
      directory_size = Read(record + 40, 8);
      directory = Read(record + 48, 8);
    }
    if (directory > m_bytes.size() || directory_size > m_bytes.size() - directory)
      Fail(end, "the central directory lies outside the file (truncated file?)");
    std::vector<ZipMember> members;
    size_t pos = directory;
    for (uint64_t i = 0; i < count; ++i) {
      Need(pos, 46, "central directory entry");
      if (m_bytes.compare(pos, 4, "PK\x01\x02") != 0) Fail(pos, "bad central directory entry");
      ZipMember member;
      member.flags = static_cast<uint16_t>(Read(pos + 8, 2));
      member.method = static_cast<uint16_t>(Read(pos + 10, 2));
      member.crc = static_cast<uint32_t>(Read(pos + 16, 4));
      member.compressed_size = Read(pos + 20, 4);
      member.size = Read(pos + 24, 4);
      const size_t name_length = Read(pos + 28, 2);
      const size_t extra_length = Read(pos + 30, 2);
      const size_t comment_length = Read(pos + 32, 2);
      member.local_header = Read(pos + 42, 4);
      Need(pos + 46, name_length + extra_length + comment_length, "central directory entry");
      member.name = std::string(m_bytes.substr(pos + 46, name_length));
      ReadZip64Extra(m_bytes.substr(pos + 46 + name_length, extra_length), member);
      members.push_back(std::move(member));
      pos += 46 + name_length + extra_length + comment_length;
    }
    return members;
  }

  void ReadZip64Extra(std::string_view extra, ZipMember& member) const {
    for (size_t pos = 0; pos + 4 <= extra.size();) {
      const uint64_t id = ReadLittle(extra, pos, 2);
      const uint64_t length = ReadLittle(extra, pos + 2, 2);
      if (pos + 4 + length > extra.size()) return;
      if (id == 1) {  // only the fields that are 0xFFFFFFFF in the entry are present, in this order
        size_t field = pos + 4;
        const auto take = [&](uint64_t& value) {
          if (value == 0xFFFFFFFF && field + 8 <= pos + 4 + length) value = ReadLittle(extra, field, 8), field += 8;
        };
        take(member.size);
        take(member.compressed_size);
        take(member.local_header);
      }
      pos += 4 + length;
    }
  }

  // Finds the member's data behind its local header and checks what can be checked before reading it.
  void Locate(ZipMember& member) const {
    if (member.flags & kEncryptedFlag) FailMember(member, "is encrypted (tokenheat reads no encrypted archives)");
    if (member.method != kStored && member.method != kDeflated)
      FailMember(member, "unsupported zip compression method " + std::to_string(member.method));
    const uint64_t header = member.local_header;
    if (!Inside(header, 30) || m_bytes.compare(header, 4, "PK\x03\x04") != 0)
      FailMember(member, "no local header at byte " + std::to_string(header) + " (damaged or truncated file?)");
    member.data = header + 30 + Read(header + 26, 2) + Read(header + 28, 2);
    if (!Inside(member.data, member.compressed_size))
      FailMember(member, "its data runs past the end of the file (truncated file?)");
    if (member.method == kStored && member.size != member.compressed_size) FailMember(member, "stored sizes disagree");
    // Deflate cannot expand data more than 1032:1: a larger stated size is a damaged (or hostile)
    // entry, refused before allocating what it claims.
    constexpr uint64_t kMaxDeflateRatio = 1032;
    if (member.method == kDeflated && member.size / kMaxDeflateRatio > member.compressed_size)
      FailMember(member, "says " + std::to_string(member.size) + " bytes uncompressed from " +
                 std::to_string(member.compressed_size) + " compressed, more than deflate can hold (damaged file?)");
  }

  // Zip bombs list the same compressed bytes under many entries, each inflating them again; a name
  // listed twice would leave to chance which array is meant. Both are refused, naming the entry
  // listed later (the sorts are stable, over the directory's order).
  void RequireDistinct(const std::vector<ZipMember>& members) const {
    std::vector<const ZipMember*> sorted;
    for (const ZipMember& member : members) sorted.push_back(&member);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ZipMember* a, const ZipMember* b) { return a->name < b->name; });
    for (size_t i = 1; i < sorted.size(); ++i)
      if (sorted[i]->name == sorted[i - 1]->name) FailMember(*sorted[i], "is listed twice in the archive");
    for (size_t i = 0; i < members.size(); ++i) sorted[i] = &members[i];
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ZipMember* a, const ZipMember* b) { return a->local_header < b->local_header; });
    for (size_t i = 1; i < sorted.size(); ++i) {
      const ZipMember& before = *sorted[i - 1];
      if (sorted[i]->local_header < before.data + before.compressed_size)
        FailMember(*sorted[i], "its bytes overlap member " + Shortened(before.name) + "'s (a zip bomb?)");
    }
  }

  // Inflates into a buffer of exactly the declared size, never more. The buffer is not zero-filled,
  // so its pages cost memory only as data arrives: an entry that claims gigabytes it does not hold
  // costs what it holds. As soon as the .npy header is out, the size it implies must be the
  // declared one, and at the end the CRC-32 of what came out must be the directory's.
  std::pair<std::string_view, std::shared_ptr<const void>> Inflate(const ZipMember& member) {
    const std::string_view input = m_bytes.substr(member.data, member.compressed_size);
    const std::shared_ptr<char[]> output(new char[member.size]);
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) FailMember(member, "zlib failed to start");
    const std::unique_ptr<z_stream, int (*)(z_stream*)> stream_end(&stream, inflateEnd);
    uint64_t in_done = 0;
    uint64_t out_done = 0;
    uLong crc = crc32(0, nullptr, 0);
    bool size_checked = false;
    int status = Z_OK;
    // zlib counts in 32-bit units, so members over 4 GB go in chunks anyway; chunks of 1 MiB also
    // let the progress move and a cancel stop the load between them.
    constexpr uint64_t kChunk = 1u << 20;
    LoadProgress* progress = m_context.Progress();
    while (status == Z_OK) {
      Bytef* const out = reinterpret_cast<Bytef*>(output.get() + out_done);
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + in_done));
      stream.avail_in = static_cast<uInt>(std::min<uint64_t>(input.size() - in_done, kChunk));
      stream.next_out = out;
      stream.avail_out = static_cast<uInt>(std::min<uint64_t>(member.size - out_done, kChunk));
      const uInt in_before = stream.avail_in;
      const uInt out_before = stream.avail_out;
      status = inflate(&stream, Z_NO_FLUSH);
      in_done += in_before - stream.avail_in;
      out_done += out_before - stream.avail_out;
      crc = crc32(crc, out, out_before - stream.avail_out);
      if (!size_checked && out_done >= kNpyPreamble) {
        const auto needed = NpyByteSize(m_context, {output.get(), out_done}, ArrayName(member.name));
        size_checked = needed.has_value();
        if (needed && *needed != member.size)
          FailMember(member, "the .npy header inside needs " + std::to_string(*needed) + " bytes but the zip entry says " +
                     std::to_string(member.size));
      }
      if (progress) {
        progress->Add(in_before - stream.avail_in);
        progress->ThrowIfCancelled();
      }
      if (status == Z_BUF_ERROR && in_before != stream.avail_in) status = Z_OK;
      if (status == Z_OK && in_before == stream.avail_in && out_before == stream.avail_out) break;
    }
    if (status != Z_STREAM_END && out_done == member.size)
      FailMember(member, "inflates to more than the " + std::to_string(member.size) + " bytes its zip entry says");
    if (status != Z_STREAM_END || out_done != member.size)
      FailMember(member, "compressed data is damaged or truncated (inflated " + std::to_string(out_done) + " of " +
                 std::to_string(member.size) + " bytes)");
    if (crc != member.crc) FailMember(member, "CRC-32 mismatch: the inflated data is not what was stored (damaged file?)");
    const std::string_view view(output.get(), member.size);
    return {view, output};
  }

  const LoadContext& m_context;
  std::string_view m_bytes;
};

}  // namespace

Document LoadNpy(const LoadContext& context) {
  std::vector<ArrayData> arrays;
  arrays.push_back(ParseNpy(context, context.File()->Bytes(), "", context.File()));
  std::vector<std::vector<std::string>> tokens;
  if (auto sidecar = context.SidecarTokens()) tokens = std::move(*sidecar);
  return BuildDocumentFromArrays(context, std::move(arrays), std::move(tokens));
}

Document LoadNpz(const LoadContext& context) {
  ZipReader zip(context);
  const std::vector<ZipMember> members = zip.ArrayMembers();
  if (members.empty()) context.Fail("zip", "this zip archive is not an npz (it holds no .npy arrays)");
  // The inflated members all stay in memory: refused up front when they cannot. Each is at most
  // 1032 times its own compressed bytes, which do not overlap, so the sum cannot overflow.
  uint64_t inflated = 0;
  for (const ZipMember& member : members)
    if (member.method == kDeflated) inflated += member.size;
  RequireMemory(context, inflated);
  std::vector<ArrayData> arrays;
  for (const ZipMember& member : members) {
    auto [bytes, owner] = zip.Contents(member);
    arrays.push_back(ParseNpy(context, bytes, ArrayName(member.name), std::move(owner)));
  }
  return BuildDocumentFromArrays(context, std::move(arrays));
}

}  // namespace th
