// .npy and .npz (np.save, np.savez, np.savez_compressed). The zip central directory is read
// directly (zip64 too, for members over 4 GB); stored members are parsed in place from the
// file's mapping, deflated ones are inflated with zlib into a buffer the arrays keep alive.
#include <zlib.h>

#include <cstring>
#include <limits>
#include <new>

#include "core/loaders/arrays.hpp"

namespace th {

namespace {

uint64_t ReadLittle(std::string_view bytes, size_t offset, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  return value;
}

struct ZipMember {
  std::string name;
  uint16_t method = 0;
  uint64_t compressed_size = 0;
  uint64_t size = 0;
  uint64_t local_header = 0;
};

class ZipReader {
 public:
  explicit ZipReader(const LoadContext& context) : m_context(context), m_bytes(context.File()->Bytes()) {}

  std::vector<ZipMember> Members() {
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
      member.method = static_cast<uint16_t>(Read(pos + 10, 2));
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

  // The member's bytes, and what keeps them alive: the mapping itself for stored members.
  std::pair<std::string_view, std::shared_ptr<const void>> Contents(const ZipMember& member) {
    const uint64_t header = member.local_header;
    Need(header, 30, "local header of " + member.name);
    if (m_bytes.compare(header, 4, "PK\x03\x04") != 0) Fail(header, "bad local header for " + member.name);
    const uint64_t data = header + 30 + Read(header + 26, 2) + Read(header + 28, 2);
    Need(data, member.compressed_size, "data of " + member.name);
    const std::string_view stored = m_bytes.substr(data, member.compressed_size);
    if (member.method == 0) {
      if (member.size != member.compressed_size) Fail(header, member.name + ": stored sizes disagree");
      return {stored, m_context.File()};
    }
    if (member.method != 8)
      Fail(header, member.name + ": unsupported zip compression method " + std::to_string(member.method));
    return Inflate(member, stored, header);
  }

 private:
  [[noreturn]] void Fail(uint64_t offset, const std::string& message) const {
    m_context.Fail("byte " + std::to_string(offset), message);
  }
  uint64_t Read(size_t offset, size_t size) const { return ReadLittle(m_bytes, offset, size); }
  void Need(uint64_t offset, uint64_t size, const std::string& what) const {
    if (offset > m_bytes.size() || size > m_bytes.size() - offset)
      Fail(offset, what + " runs past the end of the file (truncated file?)");
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

  std::pair<std::string_view, std::shared_ptr<const void>> Inflate(const ZipMember& member, std::string_view input,
                                                                   uint64_t header) {
    // Deflate cannot expand data more than 1032:1: a larger stated size is a damaged (or hostile)
    // header, refused before allocating what it claims.
    constexpr uint64_t kMaxDeflateRatio = 1032;
    if (member.size / kMaxDeflateRatio > input.size())
      Fail(header, member.name + ": says " + std::to_string(member.size) + " bytes uncompressed from " +
                       std::to_string(input.size()) + " compressed, more than deflate can hold (damaged file?)");
    std::shared_ptr<std::string> output;
    try {
      output = std::make_shared<std::string>(member.size, '\0');
    } catch (const std::bad_alloc&) {
      Fail(header, member.name + ": " + std::to_string(member.size) + " bytes uncompressed do not fit in memory");
    } catch (const std::length_error&) {
      Fail(header, member.name + ": " + std::to_string(member.size) + " bytes uncompressed do not fit in memory");
    }
    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) Fail(header, "zlib failed to start");
    uint64_t in_done = 0;
    uint64_t out_done = 0;
    int status = Z_OK;
    // zlib counts in 32-bit units, so members over 4 GB go in chunks anyway; chunks of 1 MiB also
    // let the progress move and a cancel stop the load between them.
    constexpr uint64_t kChunk = 1u << 20;
    LoadProgress* progress = m_context.Progress();
    while (status == Z_OK) {
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + in_done));
      stream.avail_in = static_cast<uInt>(std::min<uint64_t>(input.size() - in_done, kChunk));
      stream.next_out = reinterpret_cast<Bytef*>(output->data() + out_done);
      stream.avail_out = static_cast<uInt>(std::min<uint64_t>(output->size() - out_done, kChunk));
      const uInt in_before = stream.avail_in;
      const uInt out_before = stream.avail_out;
      status = inflate(&stream, Z_NO_FLUSH);
      in_done += in_before - stream.avail_in;
      out_done += out_before - stream.avail_out;
      if (progress) {
        progress->Add(in_before - stream.avail_in);
        if (progress->Cancelled()) {
          inflateEnd(&stream);
          throw LoadCancelled();
        }
      }
      if (status == Z_BUF_ERROR && in_before != stream.avail_in) status = Z_OK;
      if (status == Z_OK && in_before == stream.avail_in && out_before == stream.avail_out) break;
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END || out_done != member.size)
      Fail(header, member.name + ": compressed data is damaged or truncated (inflated " + std::to_string(out_done) +
                       " of " + std::to_string(member.size) + " bytes)");
    const std::string_view view(*output);
    return {view, std::move(output)};
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
  std::vector<ArrayData> arrays;
  for (const ZipMember& member : zip.Members()) {
    if (!member.name.ends_with(".npy")) continue;
    auto [bytes, owner] = zip.Contents(member);
    arrays.push_back(ParseNpy(context, bytes, member.name.substr(0, member.name.size() - 4), std::move(owner)));
  }
  if (arrays.empty()) context.Fail("zip", "this zip archive is not an npz (it holds no .npy arrays)");
  return BuildDocumentFromArrays(context, std::move(arrays));
}

}  // namespace th
