#include "core/npz_writer.hpp"

#include <zlib.h>

#include <stdexcept>
#include <utility>

namespace th {

namespace {

constexpr uint64_t kAlignment = 64;  // numpy's own alignment of .npy data
constexpr uint64_t kZip32Limit = 0xFFFFFFFF;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint16_t kAlignExtraId = 0xD935;  // zipalign's: the alignment, then zero padding
constexpr uint16_t kDosDate = (1 << 5) | 1;  // 1980-01-01, so that every run writes the same bytes

void Put(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

// Fields at or past the 32-bit limit are 0xFFFFFFFF in the record and move to its ZIP64 extra.
uint64_t Zip32(uint64_t value) { return value >= kZip32Limit ? kZip32Limit : value; }

// The .npy header of version 1.0, padded with spaces so that the elements start 64-aligned.
std::string NpyHeader(std::string_view descr, const std::vector<uint64_t>& shape) {
  std::string dict = "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) dict += (i ? ", " : "") + std::to_string(shape[i]);
  dict += shape.size() == 1 ? ",), }" : "), }";
  constexpr size_t kPreamble = 10;  // magic, version, header length
  dict.append(kAlignment - 1 - (kPreamble + dict.size()) % kAlignment, ' ');
  dict.push_back('\n');
  std::string header("\x93NUMPY\x01\x00", 8);
  Put(header, dict.size(), 2);
  return header + dict;
}

}  // namespace

NpzWriter::NpzWriter(std::string path) : m_file(std::move(path)) {}

void NpzWriter::Write(std::string_view bytes) {
  m_file.Write(bytes);
  m_offset += bytes.size();
}

void NpzWriter::BeginArray(const std::string& name, std::string_view descr, uint64_t item_size,
                           const std::vector<uint64_t>& shape) {
  EndArray();
  const std::string header = NpyHeader(descr, shape);
  uint64_t elements = 1;
  for (const uint64_t dimension : shape) elements *= dimension;
  Member& member = m_members.emplace_back();
  member.name = name + ".npy";
  member.local_header = m_offset;
  member.size = header.size() + elements * item_size;

  std::string extra;
  if (member.size >= kZip32Limit) {
    Put(extra, kZip64ExtraId, 2), Put(extra, 16, 2), Put(extra, member.size, 8), Put(extra, member.size, 8);
  }
  // The member's data (and with it the array, after a header of whole 64-byte blocks) starts
  // 64-aligned: the padding field takes 6 bytes at least.
  const uint64_t unpadded = m_offset + 30 + member.name.size() + extra.size() + 6;
  const uint64_t padding = (kAlignment - unpadded % kAlignment) % kAlignment;
  Put(extra, kAlignExtraId, 2), Put(extra, 2 + padding, 2), Put(extra, kAlignment, 2);
  extra.append(padding, '\0');

  std::string local = "PK\x03\x04";
  Put(local, member.size >= kZip32Limit ? 45 : 20, 2);  // version needed: 4.5 for ZIP64
  Put(local, 0, 2), Put(local, 0, 2), Put(local, 0, 2), Put(local, kDosDate, 2);  // flags, stored, time, date
  Put(local, 0, 4);                                      // CRC-32, written by EndArray
  Put(local, Zip32(member.size), 4), Put(local, Zip32(member.size), 4);
  Put(local, member.name.size(), 2), Put(local, extra.size(), 2);
  Write(local + member.name + extra);
  Append(header);
}

void NpzWriter::Append(std::string_view bytes) {
  Member& member = m_members.back();
  // crc32_z takes a size_t length, so any chunk goes in one call.
  member.crc = static_cast<uint32_t>(crc32_z(member.crc, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
  member.written += bytes.size();
  Write(bytes);
}

void NpzWriter::EndArray() {
  if (m_members.empty()) return;
  const Member& member = m_members.back();
  if (member.written != member.size)
    throw std::logic_error(m_file.Path() + ": " + member.name + " got " + std::to_string(member.written) + " of " +
                           std::to_string(member.size) + " bytes");
  std::string crc;
  Put(crc, member.crc, 4);
  m_file.WriteAt(member.local_header + 14, crc);
}

void NpzWriter::Finish() {
  EndArray();
  const uint64_t directory_offset = m_offset;
  std::string directory;
  for (const Member& member : m_members) {
    std::string zip64;
    for (const uint64_t field : {member.size, member.size, member.local_header})
      if (field >= kZip32Limit) Put(zip64, field, 8);
    std::string extra;
    if (!zip64.empty()) Put(extra, kZip64ExtraId, 2), Put(extra, zip64.size(), 2), extra += zip64;
    const int version = zip64.empty() ? 20 : 45;
    directory += "PK\x01\x02";
    Put(directory, version, 2), Put(directory, version, 2);  // made by, needed
    Put(directory, 0, 2), Put(directory, 0, 2), Put(directory, 0, 2), Put(directory, kDosDate, 2);
    Put(directory, member.crc, 4), Put(directory, Zip32(member.size), 4), Put(directory, Zip32(member.size), 4);
    Put(directory, member.name.size(), 2), Put(directory, extra.size(), 2), Put(directory, 0, 2);  // comment
    Put(directory, 0, 2), Put(directory, 0, 2), Put(directory, 0, 4);  // disk, internal, external attributes
    Put(directory, Zip32(member.local_header), 4);
    directory += member.name + extra;
  }
  const uint64_t directory_end = directory_offset + directory.size();
  std::string end;
  if (directory_end >= kZip32Limit) {
    Put(end, 0x06064B50, 4), Put(end, 44, 8), Put(end, 45, 2), Put(end, 45, 2), Put(end, 0, 4), Put(end, 0, 4);
    Put(end, m_members.size(), 8), Put(end, m_members.size(), 8), Put(end, directory.size(), 8);
    Put(end, directory_offset, 8);
    Put(end, 0x07064B50, 4), Put(end, 0, 4), Put(end, directory_end, 8), Put(end, 1, 4);  // its locator
  }
  end += "PK\x05\x06";
  Put(end, 0, 2), Put(end, 0, 2), Put(end, m_members.size(), 2), Put(end, m_members.size(), 2);
  Put(end, Zip32(directory.size()), 4), Put(end, Zip32(directory_offset), 4), Put(end, 0, 2);
  Write(directory + end);
  m_file.Commit();
}

}  // namespace th
