// Hostile .npy, .npz and safetensors inputs, each crafted here from the formats' own rules in a few
// bytes: zero-length axes beside huge ones, numbers that are not whole where whole numbers belong,
// zip bombs (entries listed twice or over each other, sizes that lie, bad CRCs, encryption),
// documents larger than memory, files cut short while they are read, and messages that must stay
// one short line whatever the file holds.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "core/load_document.hpp"
#include "core/loaders/loaders.hpp"
#include "large_inputs.hpp"
#include "load_error_expectations.hpp"

namespace th {
namespace {

using test::ErrorOf;
using test::WriteTemp;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// [SECTION] Inputs, byte by byte

std::string Little(uint64_t value, size_t bytes) {
  std::string text;
  for (size_t i = 0; i < bytes; ++i) text.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
  return text;
}

std::string Floats(const std::vector<float>& values) {
  std::string bytes(values.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// A .npy with this shape (Python's tuple text) and descr; version 2 has a 4-byte header length,
// for headers over 64 KiB.
std::string Npy(const std::string& shape, const std::string& data = "", const std::string& descr = "<f4",
                int version = 1) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  const size_t preamble = version == 1 ? 10 : 12;
  header.append((64 - (preamble + header.size() + 1) % 64) % 64, ' ').push_back('\n');
  return std::string("\x93NUMPY", 6) + static_cast<char>(version) + '\0' +
         Little(header.size(), version == 1 ? 2 : 4) + header + data;
}

std::string Safetensors(const std::string& header, const std::string& data = "") {
  return Little(header.size(), 8) + header + data;
}

uint32_t Crc(std::string_view data) {
  return static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

// Raw deflate, as zip members hold it.
std::string Deflate(std::string_view data) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

struct ZipEntry {
  std::string name;
  std::string data;  // as it lies in the archive: deflated for method 8
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t size = 0;  // uncompressed, as the entry says
  uint16_t flags = 0;
  uint64_t offset = 0;  // of its local header (Zip sets it)
};

ZipEntry Stored(const std::string& name, const std::string& contents) {
  return {name, contents, 0, Crc(contents), contents.size()};
}
ZipEntry Deflated(const std::string& name, const std::string& contents) {
  return {name, Deflate(contents), 8, Crc(contents), contents.size()};
}

// The entries' local headers and data, then a central directory that lists each entry once and
// then again each (entry index, name) of also_listed: entries over the same bytes, as in zip bombs.
std::string Zip(std::vector<ZipEntry> entries, const std::vector<std::pair<size_t, std::string>>& also_listed = {}) {
  std::string archive;
  for (ZipEntry& entry : entries) {
    entry.offset = archive.size();
    archive += Little(0x04034B50, 4) + Little(20, 2) + Little(entry.flags, 2) + Little(entry.method, 2) +
               Little(0, 4) + Little(entry.crc, 4) + Little(entry.data.size(), 4) + Little(entry.size, 4) +
               Little(entry.name.size(), 2) + Little(0, 2) + entry.name + entry.data;
  }
  std::vector<ZipEntry> listed = entries;
  for (const auto& [index, name] : also_listed) {
    listed.push_back(entries[index]);
    listed.back().name = name;
  }
  const size_t directory = archive.size();
  for (const ZipEntry& entry : listed)
    archive += Little(0x02014B50, 4) + Little(20, 2) + Little(20, 2) + Little(entry.flags, 2) +
               Little(entry.method, 2) + Little(0, 4) + Little(entry.crc, 4) + Little(entry.data.size(), 4) +
               Little(entry.size, 4) + Little(entry.name.size(), 2) + std::string(2 + 2 + 2 + 2 + 4, '\0') +
               Little(entry.offset, 4) + entry.name;
  return archive + Little(0x06054B50, 4) + Little(0, 4) + Little(listed.size(), 2) + Little(listed.size(), 2) +
         Little(archive.size() - directory, 4) + Little(directory, 4) + Little(0, 2);
}

// A read the compiler must do where it stands, not earlier or never: the byte may be about to change.
char ByteAt(std::string_view bytes, size_t index) { return static_cast<const volatile char*>(bytes.data())[index]; }

void ExpectError(const std::string& path, const std::string& expected) {
  const std::string message = ErrorOf(path);
  EXPECT_NE(message.find(expected), std::string::npos) << message;
}

// [SECTION] Zero-length axes

TEST(HostileArrays, ZeroLengthAxesAreRefusedBeforeAnythingIsAllocated) {
  // 128 bytes each, naming 3 million sequences or 2^40 channels of nothing.
  for (const std::string shape : {"(3000000, 0)", "(1, 0, 1099511627776)", "(0,)"}) {
    SCOPED_TRACE(shape);
    ExpectError(WriteTemp("zero.npy", Npy(shape)),
                "array 'values': has shape " + shape + ": an axis of length 0 leaves nothing to show");
  }
  ExpectError(WriteTemp("zero.safetensors",
                        Safetensors(R"({"values": {"dtype": "F32", "shape": [3000000, 0], "data_offsets": [0, 0]}})")),
              "array 'values': has shape (3000000, 0): an axis of length 0");
  ExpectError(WriteTemp("zero.npz", Zip({Stored("scores.npy", Npy("(2000000, 0, 5)"))})),
              "array 'scores': has shape (2000000, 0, 5): an axis of length 0");
  // Tokens that fit, values with no channels at all.
  ExpectError(WriteTemp("no_channels.npz", Zip({Stored("tokens.npy", Npy("(2,)", std::string(8, 'a'), "<U1")),
                                                Stored("values.npy", Npy("(2, 0)"))})),
              "array 'values': has shape (2, 0): an axis of length 0");
  ExpectError(WriteTemp("empty_tokens.safetensors",
                        Safetensors(R"({"__metadata__": {"tokens": "[[], [], []]"},)"
                                    R"( "act": {"dtype": "F32", "shape": [3, 0], "data_offsets": [0, 0]}})")),
              "tokens: are empty lists");
}

// [SECTION] Whole numbers

TEST(HostileArrays, SafetensorsCountsAndOffsetsMustBeWholeNumbers) {
  const auto header = [](const std::string& shape, const std::string& offsets) {
    return Safetensors(R"({"values": {"dtype": "F32", "shape": )" + shape + R"(, "data_offsets": )" + offsets + "}}",
                       Floats({1, 2}));
  };
  ExpectError(WriteTemp("huge.safetensors", header("[1e300]", "[0, 8]")),
              "tensor 'values': shape[0] is 1e+300, not a whole number");
  ExpectError(WriteTemp("half.safetensors", header("[2]", "[0.5, 8]")),
              "tensor 'values': data_offsets[0] is 0.5, not a whole number");
  ExpectError(WriteTemp("negative.safetensors", header("[2]", "[0, -8]")), "data_offsets[1] is -8, not a whole number");
  ExpectError(WriteTemp("text.safetensors", header("[\"2\"]", "[0, 8]")), "shape[0] is a string, not a whole number");
  ExpectError(WriteTemp("beyond.safetensors", header("[2]", "[0, 18446744073709551616]")),
              "data_offsets[1] is 1.8446744073709552e+19, not a whole number");
  ExpectError(WriteTemp("no_shape.safetensors", header("7", "[0, 8]")), "tensor 'values': needs a list 'shape'");
  ExpectError(WriteTemp("three.safetensors", header("[2]", "[0, 4, 8]")), "data_offsets has 3 entries (at most 2)");
  // Whole numbers written as floats are whole numbers.
  const Document document = LoadDocumentFile(WriteTemp("whole.safetensors", header("[2.0]", "[0, 8e0]")));
  EXPECT_EQ(document.sequences.at(0).channels.at(0).values[1], 2.0f);
}

TEST(HostileArrays, NpyShapesMustBeWholeNumbers) {
  for (const std::string dimension : {"2.5", "1e300", "-1", "3L"}) {
    SCOPED_TRACE(dimension);
    ExpectError(WriteTemp("shape.npy", Npy("(" + dimension + ",)", Floats({1, 2, 3}))),
                "header: the shape's " + dimension + " is not a whole number");
  }
  ExpectError(WriteTemp("too_large.npy", Npy("(99999999999999999999,)")), "header: a dimension is too large");
}

// [SECTION] Short messages

TEST(HostileArrays, MessagesStayOneShortLineWhateverTheFileHolds) {
  constexpr size_t kShort = 200;
  const auto expect_short = [&](const std::string& name, const std::string& contents, const std::string& expected) {
    SCOPED_TRACE(name);
    const std::string path = WriteTemp(name, contents);
    const std::string message = ErrorOf(path);
    EXPECT_LT(message.size(), path.size() + kShort) << message;
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  };
  std::string dimensions;
  for (int i = 0; i < 200000; ++i) dimensions += "1, ";
  expect_short("dimensions.npy", Npy("(" + dimensions + ")", Floats({1}), "<f4", 2),
               "header: the shape has more than 64 dimensions");
  expect_short("dimensions.safetensors",
               Safetensors(R"({"values": {"dtype": "F32", "shape": [)" + dimensions + R"(1], "data_offsets": [0, 4]}})",
                           Floats({1})),
               "shape has 200001 entries (at most 64)");
  // 65 dimensions is more than NumPy writes; 64 of them are fine but make a long shape.
  std::string sixty_four;
  for (int i = 0; i < 64; ++i) sixty_four += "1000, ";
  expect_short("long_shape.npy", Npy("(" + sixty_four + ")"), "the header says shape (1000, 1000, ");
  const std::string long_name(100000, 'n');
  expect_short("name.safetensors",
               Safetensors(R"({")" + long_name + R"(": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}})",
                           std::string(8, '\0')),
               "tensor 'nnnnn");
  expect_short("dtype.safetensors",
               Safetensors(R"({"values": {"dtype": ")" + long_name + R"(", "shape": [1], "data_offsets": [0, 4]}})",
                           Floats({1})),
               "unsupported dtype nnnn");
  expect_short("descr.npy", Npy("(1,)", Floats({1}), "<" + long_name, 2), "unsupported dtype '<nnn");
  const std::string long_member(60000, 'm');
  expect_short("member.npz",
               Zip({Stored(long_member + ".npy", Npy("(1,)", Floats({1}))),
                    Stored(long_member + ".npy", Npy("(1,)", Floats({2})))}),
               "member mmmmm");
}

// [SECTION] Zip bombs and damaged members

TEST(HostileArrays, NpzRefusesEntriesOverTheSameBytesAndNamesListedTwice) {
  const std::string values = Npy("(3,)", Floats({1, 2, 3}));
  // A bomb lists one deflated member many times: each entry would inflate the same bytes again.
  for (const auto& member : {Stored("values.npy", values), Deflated("values.npy", values)}) {
    SCOPED_TRACE(member.method);
    ExpectError(WriteTemp("overlap.npz", Zip({member}, {{0, "copy1.npy"}, {0, "copy2.npy"}})),
                "member copy1.npy: its bytes overlap member values.npy's");
  }
  ExpectError(WriteTemp("twice.npz", Zip({Stored("values.npy", values), Stored("values.npy", Npy("(3,)", Floats({4, 5, 6})))})),
              "member values.npy: is listed twice in the archive");
  // Members that are not arrays are never read, so they are not checked either.
  const Document document = LoadDocumentFile(
      WriteTemp("readme.npz", Zip({Stored("values.npy", values), Stored("README", "a"), Stored("README", "b")})));
  EXPECT_EQ(document.sequences.at(0).channels.at(0).values[2], 3.0f);
}

TEST(HostileArrays, NpzRefusesEncryptedMembers) {
  ZipEntry member = Stored("values.npy", Npy("(3,)", Floats({1, 2, 3})));
  member.flags = 1;  // traditional PKWARE encryption (AES sets it too)
  ExpectError(WriteTemp("encrypted.npz", Zip({member})), "member values.npy: is encrypted");
}

TEST(HostileArrays, NpzChecksTheCrcOfWhatItInflates) {
  ZipEntry member = Deflated("values.npy", Npy("(3,)", Floats({1, 2, 3})));
  const Document document = LoadDocumentFile(WriteTemp("crc_good.npz", Zip({member})));
  EXPECT_EQ(document.sequences.at(0).channels.at(0).values[1], 2.0f);
  member.crc ^= 1;
  ExpectError(WriteTemp("crc_bad.npz", Zip({member})), "member values.npy: CRC-32 mismatch");
}

TEST(HostileArrays, NpzMembersInflateToExactlyWhatTheirHeadersSay) {
  const std::string values = Npy("(3,)", Floats({1, 2, 3}));
  // The entry claims 1 GiB (backed by the 1 MB of compressed bytes deflate would need for it); the
  // .npy header inside says 140 bytes: refused at the header, before inflating or touching more.
  ZipEntry lying = Deflated("values.npy", values);
  lying.size = uint64_t{1} << 30;
  lying.data.resize(lying.size / 1000, '\0');
  const std::string path = WriteTemp("lying.npz", Zip({lying}));
  rusage before{};
  ::getrusage(RUSAGE_SELF, &before);
  ExpectError(path, "member values.npy: the .npy header inside needs " + std::to_string(values.size()) +
                        " bytes but the zip entry says 1073741824");
  rusage after{};
  ::getrusage(RUSAGE_SELF, &after);
  // AddressSanitizer poisons its shadow of the whole allocation (an eighth of it) on its own.
  if (!kAddressSanitizer) {
    EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 64 * 1024) << "KiB of peak memory";
  }
  // More data than the entry and the header say: inflation stops at the declared size.
  ZipEntry longer = Deflated("values.npy", values + std::string(5000, 'x'));
  longer.size = values.size();
  ExpectError(WriteTemp("longer.npz", Zip({longer})),
              "member values.npy: inflates to more than the " + std::to_string(values.size()) + " bytes its zip entry says");
}

// [SECTION] More than memory

// Lowers the address-space limit (RLIMIT_AS) to what the process uses now plus headroom, for one
// scope. Under AddressSanitizer what it uses includes the terabytes of shadow it reserved up front,
// which the limit keeps: new mappings still get only the headroom.
class AddressSpaceLimit {
 public:
  explicit AddressSpaceLimit(uint64_t headroom) {
    ::getrlimit(RLIMIT_AS, &m_saved);
    std::ifstream status("/proc/self/status");
    uint64_t used_kib = 0;
    for (std::string key; status >> key;)
      if (key == "VmSize:") status >> used_kib;
    rlimit limited = m_saved;
    limited.rlim_cur = std::min<rlim_t>(used_kib * 1024 + headroom, m_saved.rlim_max);
    EXPECT_EQ(::setrlimit(RLIMIT_AS, &limited), 0);
  }
  ~AddressSpaceLimit() { ::setrlimit(RLIMIT_AS, &m_saved); }
  AddressSpaceLimit(const AddressSpaceLimit&) = delete;
  AddressSpaceLimit& operator=(const AddressSpaceLimit&) = delete;

 private:
  rlimit m_saved{};
};

TEST(HostileArrays, WhatCannotFitIsRefusedWithTheSizeBeforeItIsAllocated) {
  // 3 MB of bytes naming 3 million sequences of one token: each costs a Sequence and a Channel.
  const std::string sequences = WriteTemp("sequences.npy", Npy("(3000000, 1)", std::string(3000000, '\1'), "|u1"));
  // An entry claiming 1.5 GB inflated (from the 1.5 MB deflate would need at least).
  ZipEntry member = Deflated("values.npy", Npy("(3,)", Floats({1, 2, 3})));
  member.size = 1500000000;
  member.data.resize(member.size / 1000, '\0');
  const std::string bomb = WriteTemp("bomb.npz", Zip({member}));
  // np.savez_compressed's attention of 1.5 GB: inflated whole or not at all (a stored one is read
  // in place, a row at a time).
  ZipEntry attention = Deflated("attention.npy", Npy("(2, 2)", Floats({1, 0, 0.5f, 0.5f})));
  attention.size = 1500000000;
  attention.data.resize(attention.size / 1000, '\0');
  const std::string patterns =
      WriteTemp("patterns.npz", Zip({Deflated("values.npy", Npy("(2,)", Floats({1, 2}))), attention}));
  const AddressSpaceLimit limit(512u << 20);
  const std::string message = ErrorOf(sequences);  // over 1 GB: hundreds of bytes a sequence
  EXPECT_TRUE(message.starts_with(sequences + ": does not fit in memory (needs ") && message.ends_with(" GB)"))
      << message;
  EXPECT_EQ(ErrorOf(bomb), bomb + ": does not fit in memory (needs 1.5 GB)");
  EXPECT_EQ(ErrorOf(patterns), patterns + ": does not fit in memory (needs 1.5 GB)");
}

// [SECTION] Files cut short while they are read

TEST(ShrinkingFiles, ReadsPastTheNewEndFindZerosAndMarkTheMappingChanged) {
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const std::string path = WriteTemp("shrinking.bin", std::string(4 * page, 'x'));
  const auto file = MappedFile::Open(path);
  const std::string_view bytes = file->Bytes();
  EXPECT_EQ(ByteAt(bytes, 3 * page), 'x');
  EXPECT_FALSE(file->Changed());
  const int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(page)), 0);
  ::close(fd);
  EXPECT_EQ(ByteAt(bytes, page - 1), 'x');  // still inside the file
  EXPECT_FALSE(file->Changed());
  EXPECT_EQ(ByteAt(bytes, 2 * page + 5), '\0');  // past its new end: SIGBUS, answered with zero pages
  EXPECT_EQ(ByteAt(bytes, 4 * page - 1), '\0');
  EXPECT_TRUE(file->Changed());
  try {
    file->ThrowIfChanged();
    ADD_FAILURE() << "no LoadError";
  } catch (const LoadError& error) {
    EXPECT_EQ(error.what(), path + ": changed while it was read");
  }
  EXPECT_FALSE(MappedFile::Open(path)->Changed());  // a new mapping of what the file is now
}

TEST(ShrinkingFiles, ALoaderReadingPastTheNewEndGetsZerosAndTheMark) {
  const std::string path = WriteTemp("shrinking.npy", test::LargeNpy(100000));  // float64: read to convert
  const LoadOptions options;
  const LoadContext context(MappedFile::Open(path), options);
  ASSERT_EQ(::truncate(path.c_str(), 4096), 0);
  const Document document = LoadNpy(context);
  EXPECT_EQ(document.sequences.at(0).channels.at(0).values[1], 1.0f);
  EXPECT_EQ(document.sequences.at(0).channels.at(0).values[99999], 0.0f);  // 999 in the file as it was
  EXPECT_TRUE(context.File()->Changed());
}

// A float32 column borrowed from the file and read after the load (info's statistics, an export)
// finds zeros if the file was cut short meanwhile; ThrowIfSourceChanged then says so.
TEST(ShrinkingFiles, ReadsAfterTheLoadAreCaughtByThrowIfSourceChanged) {
  const std::string path = WriteTemp("borrowed.npy", Npy("(100000,)", Floats(std::vector<float>(100000, 2.0f))));
  const Document document = LoadDocumentFile(path);
  const ValueColumn& column = document.sequences.at(0).channels.at(0).values;
  ASSERT_TRUE(column.IsBorrowed());
  EXPECT_EQ(column[99999], 2.0f);
  EXPECT_NO_THROW(ThrowIfSourceChanged(document));
  ASSERT_EQ(::truncate(path.c_str(), 4096), 0);
  EXPECT_EQ(column[99999], 0.0f);
  try {
    ThrowIfSourceChanged(document);
    ADD_FAILURE() << "no LoadError";
  } catch (const LoadError& error) {
    EXPECT_EQ(error.what(), path + ": changed while it was read");
  }
}

TEST(ShrinkingFiles, AFileCutShortWhileItLoadsIsAOneLineError) {
  // The file is cut to nothing as soon as the load (on another thread) has it open; a load that
  // won the race, reading all 16 MB first, is tried again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    const std::string path = WriteTemp("cut" + std::to_string(attempt) + ".npy", test::LargeNpy(2000000));
    LoadProgress progress;
    LoadOptions options;
    options.progress = &progress;
    auto load = std::async(std::launch::async, [&] { return LoadDocumentFile(path, options); });
    while (progress.Total() == 0 && load.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
      std::this_thread::yield();
    ASSERT_EQ(::truncate(path.c_str(), 0), 0);
    try {
      load.get();
    } catch (const LoadError& error) {
      EXPECT_EQ(error.what(), path + ": changed while it was read");
      return;
    }
  }
  FAIL() << "every load read its whole file before the file was cut";
}

TEST(ShrinkingFilesDeathTest, ASigbusOutsideTheLoadersMappingsStillEndsTheProcess) {
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const std::string path = WriteTemp("foreign.bin", std::string(2 * page, 'x'));
  EXPECT_DEATH(
      {
        const auto ours = MappedFile::Open(path);  // installs the handler
        const int fd = ::open(path.c_str(), O_RDWR);
        const auto* foreign = static_cast<const volatile char*>(::mmap(nullptr, 2 * page, PROT_READ, MAP_SHARED, fd, 0));
        if (::ftruncate(fd, 0) == 0) (void)foreign[page];
      },
      "");
}

}  // namespace
}  // namespace th
