// AtomicFile: the file appears whole, with the umask's mode; nothing planted at a temporary name
// is followed or reused; every failure leaves the old file alone and no temporary behind.
#include "core/atomic_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace th {
namespace {

namespace fs = std::filesystem;

fs::path TempDirectory(const std::string& name) {
  const fs::path directory = fs::temp_directory_path() / ("tokenheat_atomic_file_" + name);
  fs::remove_all(directory);
  fs::create_directories(directory);
  return directory;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void Put(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::vector<std::string> Names(const fs::path& directory) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Sets the umask for one test and puts the old one back.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : m_old(::umask(mask)) {}
  ~ScopedUmask() { ::umask(m_old); }

 private:
  mode_t m_old;
};

TEST(AtomicFile, WritesTheWholeFileWithTheUmasksMode) {
  const fs::path directory = TempDirectory("mode");
  const fs::path path = directory / "out.json";
  Put(path, "old");
  {
    const ScopedUmask mask(027);
    AtomicFile file(path.string());
    file.Write("{\"a\": 0}");
    file.WriteAt(6, "1");
    file.Commit();
  }
  EXPECT_EQ(Read(path), "{\"a\": 1}");
  struct stat status {};
  ASSERT_EQ(::stat(path.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0640u);
  EXPECT_EQ(Names(directory), std::vector<std::string>{"out.json"});
}

TEST(AtomicFile, NeverWritesThroughAFilePlantedAtATemporaryName) {
  const fs::path directory = TempDirectory("planted");
  const fs::path victim = directory / "victim";
  Put(victim, "precious");
  const fs::path path = directory / "out.html";
  fs::create_symlink(victim, path.string() + ".tmp");
  WriteFileAtomically(path.string(), "<html>");
  EXPECT_EQ(Read(path), "<html>");
  EXPECT_FALSE(fs::is_symlink(path));
  EXPECT_EQ(Read(victim), "precious");
  EXPECT_TRUE(fs::is_symlink(path.string() + ".tmp"));
  EXPECT_EQ(Names(directory), (std::vector<std::string>{"out.html", "out.html.tmp", "victim"}));
}

TEST(AtomicFile, ReplacesASymlinkAtThePathInsteadOfItsTarget) {
  const fs::path directory = TempDirectory("symlink");
  const fs::path victim = directory / "victim";
  Put(victim, "precious");
  const fs::path path = directory / "out.svg";
  fs::create_symlink(victim, path);
  WriteFileAtomically(path.string(), "<svg/>");
  EXPECT_FALSE(fs::is_symlink(path));
  EXPECT_EQ(Read(path), "<svg/>");
  EXPECT_EQ(Read(victim), "precious");
}

TEST(AtomicFile, UncommittedLeavesTheOldFileAndNoTemporary) {
  const fs::path directory = TempDirectory("uncommitted");
  const fs::path path = directory / "out.npz";
  Put(path, "old");
  {
    AtomicFile file(path.string());
    file.Write("half of a new file");
  }
  EXPECT_EQ(Read(path), "old");
  EXPECT_EQ(Names(directory), std::vector<std::string>{"out.npz"});
}

TEST(AtomicFile, AFailedRenameNamesThePathAndRemovesTheTemporary) {
  const fs::path directory = TempDirectory("rename");
  const fs::path path = directory / "out.png";
  fs::create_directory(path);
  Put(path / "inside", "kept");
  try {
    WriteFileAtomically(path.string(), "png");
    FAIL() << "wrote over a directory";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()).rfind(path.string() + ": cannot write file (", 0), 0u) << error.what();
  }
  EXPECT_EQ(Names(directory), std::vector<std::string>{"out.png"});
  EXPECT_EQ(Read(path / "inside"), "kept");
}

TEST(AtomicFile, AMissingFolderNamesThePath) {
  const fs::path path = TempDirectory("missing") / "no" / "out.png";
  EXPECT_THROW(
      try { AtomicFile file(path.string()); } catch (const std::runtime_error& error) {
        EXPECT_EQ(std::string(error.what()), path.string() + ": cannot write file (No such file or directory)");
        throw;
      },
      std::runtime_error);
}

TEST(AtomicFile, ANameAtTheLengthLimitStillGetsATemporaryBesideIt) {
  const fs::path directory = TempDirectory("long");
  const fs::path path = directory / (std::string(251, 'n') + ".png");
  WriteFileAtomically(path.string(), "png");
  EXPECT_EQ(Read(path), "png");
  EXPECT_EQ(Names(directory), std::vector<std::string>{path.filename().string()});
}

}  // namespace
}  // namespace th
