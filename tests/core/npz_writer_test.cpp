// NpzWriter: archives that load memory-mapped (arrays borrowed from the mapping, 64-byte aligned)
// with exactly the elements written, streamed in pieces; failures name the path and leave nothing.
#include "core/npz_writer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "core/load_document.hpp"

namespace th {
namespace {

namespace fs = std::filesystem;

fs::path TempDirectory(const std::string& name) {
  const fs::path directory = fs::temp_directory_path() / ("tokenheat_npz_writer_" + name);
  fs::remove_all(directory);
  fs::create_directories(directory);
  return directory;
}

std::string_view Bytes(const std::vector<float>& values) {
  return {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)};
}

TEST(NpzWriter, ArraysLoadInPlaceAlignedAndExact) {
  const fs::path path = TempDirectory("arrays") / "two.npz";
  std::vector<float> values(2 * 1001);
  std::iota(values.begin(), values.end(), -5.0f);
  std::vector<float> act(values.size());
  for (size_t i = 0; i < act.size(); ++i) act[i] = static_cast<float>(i) * 0.5f;
  {
    NpzWriter npz(path.string());
    npz.BeginArray("values", "<f4", 4, {2, 1001});
    npz.Append(Bytes(values).substr(0, 12));  // in uneven pieces, as a generator streams them
    npz.Append(Bytes(values).substr(12));
    npz.BeginArray("act", "<f4", 4, {2, 1001});
    npz.Append(Bytes(act));
    npz.Finish();
  }
  // Only the archive is left in its folder: no temporary beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator()), 1);
  const Document document = LoadDocumentFile(path.string());
  ASSERT_EQ(document.sequences.size(), 2u);
  for (size_t s = 0; s < 2; ++s) {
    const Sequence& sequence = document.sequences[s];
    ASSERT_EQ(sequence.channels.size(), 2u);
    for (const Channel& channel : sequence.channels) {
      EXPECT_TRUE(channel.values.IsBorrowed()) << channel.name;
      EXPECT_EQ(reinterpret_cast<uintptr_t>(channel.values.data()) % 64, (s * 1001 * 4) % 64) << channel.name;
    }
    for (size_t t = 0; t < 1001; ++t) {
      EXPECT_EQ(sequence.channels[0].values[t], values[s * 1001 + t]);
      EXPECT_EQ(sequence.channels[1].values[t], act[s * 1001 + t]);
    }
  }
}

TEST(NpzWriter, AFolderThatIsNotThereIsOneLineNamingThePath) {
  const std::string path = (TempDirectory("missing") / "no" / "such.npz").string();
  try {
    NpzWriter npz(path);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), path + ": cannot write file (No such file or directory)");
  }
}

TEST(NpzWriter, AnUnfinishedArchiveLeavesNoFileBehind) {
  const fs::path directory = TempDirectory("unfinished");
  {
    NpzWriter npz((directory / "half.npz").string());
    npz.BeginArray("values", "<f4", 4, {3});
  }
  EXPECT_TRUE(fs::is_empty(directory));
}

}  // namespace
}  // namespace th
