// `tokenheat generate N -o OUT.npz`: the synthetic document of `bench --synthetic N` as a file, so
// that long-document benchmarks start from an input on disk (opened and memory-mapped like any
// other) and need no download. OUT.npz holds token_ids (int32) and values (float32), shape [N] or
// [S, N/S], uncompressed with their data 64-byte aligned, so both are used in place; token (s, t)
// is synthetic token s * N/S + t. The vocabulary goes beside it as tokenizer.json, which is what
// the loader looks for without --vocab (a vocab.txt, one token per line, cannot hold the newline
// token).
#include <bit>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/commands.hpp"
#include "core/atomic_file.hpp"
#include "core/npz_writer.hpp"
#include "core/synthetic_document.hpp"

namespace th::app {

namespace {

namespace fs = std::filesystem;

// .npy descriptors below say little-endian.
static_assert(std::endian::native == std::endian::little);

std::string VocabularyJson() {
  nlohmann::json vocab = nlohmann::json::object();
  const auto words = SyntheticVocabulary();
  for (size_t id = 0; id < words.size(); ++id) vocab[std::string(words[id])] = id;
  return nlohmann::json{{"model", {{"vocab", vocab}}}}.dump(1) + "\n";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether tokenizer.json must be written: not when the same one is already there. Another
// vocabulary beside OUT (a tokenizer.json, or a vocab.txt that a new tokenizer.json would take
// precedence over) belongs to other files of that folder and is never replaced.
bool NeedsVocabulary(const fs::path& tokenizer, const fs::path& output, const std::string& text) {
  std::error_code error;
  if (fs::exists(tokenizer, error)) {
    if (ReadFile(tokenizer) == text) return false;
    throw std::runtime_error(tokenizer.string() + ": another vocabulary is already there, which " + output.string() +
                             "'s token ids would be read with; write it into another folder");
  }
  const fs::path vocab_txt = tokenizer.parent_path() / "vocab.txt";
  if (fs::exists(vocab_txt, error))
    throw std::runtime_error(vocab_txt.string() + ": a vocabulary is already there, which the tokenizer.json for " +
                             output.string() + " would override; write it into another folder");
  return true;
}

// One array of the document, element(i) for each token i, written in chunks of 4 MB.
template <typename T, typename Element>
void WriteArray(NpzWriter& npz, const std::string& name, std::string_view descr, const std::vector<uint64_t>& shape,
                uint64_t tokens, Element element) {
  npz.BeginArray(name, descr, sizeof(T), shape);
  constexpr uint64_t kChunk = uint64_t{1} << 20;
  std::vector<T> chunk;
  for (uint64_t begin = 0; begin < tokens; begin += kChunk) {
    chunk.resize(std::min(kChunk, tokens - begin));
    for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = element(begin + i);
    npz.Append({reinterpret_cast<const char*>(chunk.data()), chunk.size() * sizeof(T)});
  }
}

}  // namespace

int RunGenerate(const CommandLine& line) {
  const auto start = std::chrono::steady_clock::now();
  const uint64_t tokens = *line.synthetic_tokens;
  const fs::path output(line.output);
  const fs::path tokenizer = output.parent_path() / "tokenizer.json";
  const std::string vocabulary = VocabularyJson();
  const bool write_vocabulary = NeedsVocabulary(tokenizer, output, vocabulary);

  const std::vector<uint64_t> shape =
      line.sequences == 1 ? std::vector<uint64_t>{tokens} : std::vector<uint64_t>{line.sequences, tokens / line.sequences};
  NpzWriter npz(line.output);
  WriteArray<int32_t>(npz, "token_ids", "<i4", shape, tokens, SyntheticTokenId);
  WriteArray<float>(npz, "values", "<f4", shape, tokens, SyntheticValue);
  npz.Finish();
  if (write_vocabulary) WriteFileAtomically(tokenizer.string(), vocabulary);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::error_code error;
  std::printf("wrote %s (%llu tokens in %llu sequence%s, %.1f MB, %.2f s), vocabulary %s%s\n", line.output.c_str(),
              static_cast<unsigned long long>(tokens), static_cast<unsigned long long>(line.sequences),
              line.sequences == 1 ? "" : "s", static_cast<double>(fs::file_size(output, error)) / 1e6, seconds,
              tokenizer.string().c_str(), write_vocabulary ? "" : " (already there)");
  return 0;
}

}  // namespace th::app
