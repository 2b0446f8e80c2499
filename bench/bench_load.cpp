// Loading speed and memory: a 1M-token JSONL file and 10M-token .npz files (token ids + vocabulary,
// or a NumPy string array of tokens; float32 values; as np.savez writes them), generated in a
// temporary directory. Reports MB/s,
// load time and the peak resident memory of the load itself (VmHWM, reset before each run).
// Times are wall-clock (the JSONL reader uses two threads) and the CPU column is the whole
// process's, so MB/s is what a user waits for; on a busy machine it drops with the load.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/load_document.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path& Directory() {
  static const fs::path directory = [] {
    const fs::path path = fs::temp_directory_path() / ("tokenheat_bench_load_" + std::to_string(::getpid()));
    fs::create_directories(path);
    return path;
  }();
  return directory;
}

constexpr const char* kWords[] = {"Ġthe", "Ġmodel", "Ġattention", ",", "Ġof", "Ġtokens", ".", "Ċ", "Ġa", "Ġlayer"};

std::string MakeJsonl(size_t lines, size_t tokens_per_line) {
  const std::string path = (Directory() / "bench.jsonl").string();
  std::ofstream out(path);
  std::mt19937 random(1);
  std::uniform_real_distribution<float> value(-8.0f, 0.0f);
  for (size_t line = 0; line < lines; ++line) {
    std::string tokens, values;
    for (size_t i = 0; i < tokens_per_line; ++i) {
      // Appended piece by piece: `const char* + std::string&&` makes GCC 12 at -O3 raise a false
      // -Wrestrict.
      if (i) tokens += ", ", values += ", ";
      tokens.append("\"").append(kWords[random() % 10]).append("\"");
      values += std::to_string(value(random));
    }
    out << "{\"name\": \"line " << line << "\", \"tokens\": [" << tokens << "], \"channels\": {\"logprob\": ["
        << values << "]}}\n";
  }
  return path;
}

std::string NpyHeader(const std::string& descr, size_t rows, size_t columns) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(rows) +
                       ", " + std::to_string(columns) + "), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>(header.size() >> 8);
  return out + header;
}

void Put(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

// A stored (uncompressed) zip of .npy members, like np.savez, in its own folder (with a vocabulary
// for token ids).
std::string WriteNpz(const std::string& folder_name, const std::vector<std::pair<std::string, std::string>>& members) {
  std::string zip, directory;
  for (const auto& [name, data] : members) {
    const uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    std::string fields;
    Put(fields, 20, 2), Put(fields, 0, 2), Put(fields, 0, 2), Put(fields, 0, 4);  // version, flags, stored, time
    Put(fields, crc, 4), Put(fields, data.size(), 4), Put(fields, data.size(), 4), Put(fields, name.size(), 2);
    directory += "PK\x01\x02";
    Put(directory, 20, 2);  // version made by
    directory += fields + std::string(8, '\0');
    Put(directory, 0, 4), Put(directory, zip.size(), 4);
    directory += name;
    zip += "PK\x03\x04" + fields + std::string(2, '\0') + name + data;
  }
  const size_t directory_offset = zip.size();
  zip += directory + "PK\x05\x06" + std::string(4, '\0');
  Put(zip, members.size(), 2), Put(zip, members.size(), 2), Put(zip, directory.size(), 4), Put(zip, directory_offset, 4),
      Put(zip, 0, 2);
  const fs::path folder = Directory() / folder_name;
  fs::create_directories(folder);
  std::ofstream(folder / "vocab.txt") << "Ġthe\nĠmodel\nĠattention\n,\nĠof\nĠtokens\n.\nĊ\nĠa\nĠlayer\n";
  const std::string path = (folder / "bench.npz").string();
  std::ofstream(path, std::ios::binary) << zip;
  return path;
}

std::string FloatValues(size_t sequences, size_t tokens, std::mt19937& random) {
  std::vector<float> values(sequences * tokens);
  for (float& value : values) value = static_cast<float>(random() % 1000) / 100.0f;
  return NpyHeader("<f4", sequences, tokens) + std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4);
}

// Token ids into a vocabulary, and float32 values.
std::string MakeNpzWithIds(size_t sequences, size_t tokens) {
  std::mt19937 random(2);
  std::vector<int32_t> ids(sequences * tokens);
  for (int32_t& id : ids) id = static_cast<int32_t>(random() % 10);
  return WriteNpz("ids", {{"token_ids.npy", NpyHeader("<i4", sequences, tokens) +
                                                std::string(reinterpret_cast<const char*>(ids.data()), ids.size() * 4)},
                          {"values.npy", FloatValues(sequences, tokens, random)}});
}

// Tokens as NumPy writes a string array (np.savez(f, tokens=words, values=...)): UCS-4, 7
// characters each (28 bytes a token), and float32 values.
std::string MakeNpzWithText(size_t sequences, size_t tokens) {
  constexpr const char* kPlainWords[] = {"the", "model", "attends", ",", "of", "tokens", ".", "layers", "a", "head"};
  constexpr size_t kWidth = 7;
  std::mt19937 random(3);
  std::string text = NpyHeader("<U7", sequences, tokens);
  text.reserve(text.size() + sequences * tokens * kWidth * 4);
  for (size_t i = 0; i < sequences * tokens; ++i) {
    const std::string_view word = kPlainWords[random() % 10];
    for (size_t c = 0; c < kWidth; ++c) Put(text, c < word.size() ? static_cast<unsigned char>(word[c]) : 0, 4);
  }
  return WriteNpz("text", {{"tokens.npy", std::move(text)}, {"values.npy", FloatValues(sequences, tokens, random)}});
}

long PeakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  return 0;
}

void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

void Load(benchmark::State& state, const std::string& path, double values_mib) {
  const double megabytes = static_cast<double>(fs::file_size(path)) / 1e6;
  long peak = 0;
  for (auto _ : state) {
    ResetPeakRss();
    const long before = PeakRssKiB();
    const th::Document document = th::LoadDocumentFile(path);
    benchmark::DoNotOptimize(document.sequences.data());
    peak = std::max(peak, PeakRssKiB() - before);
  }
  state.counters["MB/s"] = benchmark::Counter(megabytes * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["peak_MiB"] = static_cast<double>(peak) / 1024.0;
  state.counters["values_MiB"] = values_mib;
}

void BM_LoadJsonl1MTokens(benchmark::State& state) {
  static const std::string path = MakeJsonl(1000, 1000);
  Load(state, path, 1e6 * 4 / 1048576.0);
}
BENCHMARK(BM_LoadJsonl1MTokens)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime()->MeasureProcessCPUTime();

void BM_LoadNpz10MTokens(benchmark::State& state) {
  static const std::string path = MakeNpzWithIds(10, 1000000);
  Load(state, path, 1e7 * 4 / 1048576.0);
}
BENCHMARK(BM_LoadNpz10MTokens)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime()->MeasureProcessCPUTime();

// The string array's mapped pages are handed back as the tokens are converted, so the peak is the
// document (UTF-8 text, offsets, values), not the document plus the file's 280 MB of UCS-4.
void BM_LoadNpzTextTokens10M(benchmark::State& state) {
  static const std::string path = MakeNpzWithText(1, 10000000);
  Load(state, path, 1e7 * 4 / 1048576.0);
}
BENCHMARK(BM_LoadNpzTextTokens10M)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime()->MeasureProcessCPUTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::error_code ignored;
  fs::remove_all(Directory(), ignored);
  return 0;
}
