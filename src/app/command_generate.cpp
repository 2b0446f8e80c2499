// `tokenheat generate N -o OUT.npz`: the synthetic document of `bench --synthetic N` as a file, so
// that long-document benchmarks start from an input on disk (opened and memory-mapped like any
// other) and need no download. OUT.npz holds token_ids (int32) and values (float32), shape [N] or
// [S, N/S], uncompressed with their data 64-byte aligned, so both are used in place; token (s, t)
// is synthetic token s * N/S + t. With --attention it also holds `attention`, float16
// [L, H, N, N] (or [S, L, H, N/S, N/S]): synthetic causal heads written a few rows at a time, so
// patterns far larger than memory stream to disk. The vocabulary goes beside it as tokenizer.json,
// which is what the loader looks for without --vocab (a vocab.txt, one token per line, cannot
// hold the newline token).
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
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

// [SECTION] Attention

// IEEE binary16 of a float of the normal range (the weights below: 2^-14 and up), rounded to
// nearest, ties to even.
uint16_t HalfOf(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const uint32_t sign = (bits >> 16) & 0x8000;
  const uint32_t exponent = ((bits >> 23) & 0xFF) - 127 + 15;
  const uint32_t mantissa = bits & 0x7FFFFF;
  uint32_t half = sign | (exponent << 10) | (mantissa >> 13);
  const uint32_t rest = mantissa & 0x1FFF;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) ++half;  // a carry moves into the exponent, as it should
  return static_cast<uint16_t>(half);
}

// What each synthetic head attends to, every row a causal distribution (keys up to the query):
// the previous token (itself at 0), the first token (a sink), a window of the last w tokens
// (uniform; w = 2, 4, 8, 16 by layer), or, as an induction head does, the token after the last
// earlier occurrence of the query's token (the first token when there is none).
enum class HeadKind { kPrevious, kFirst, kWindow, kInduction };

// Writes sequence after sequence, layer after layer, head after head, a chunk of rows at a time.
void WriteAttention(NpzWriter& npz, uint64_t sequences, uint64_t tokens, uint32_t layers, uint32_t heads) {
  std::vector<uint64_t> shape = {layers, heads, tokens, tokens};
  if (sequences > 1) shape.insert(shape.begin(), sequences);
  npz.BeginArray("attention", "<f2", sizeof(uint16_t), shape);
  // Rows of about 4 MB at once: few writes, little memory at any length.
  const uint64_t rows_per_chunk = std::max<uint64_t>(1, (uint64_t{4} << 20) / (tokens * sizeof(uint16_t)));
  std::vector<uint16_t> chunk;
  std::vector<uint64_t> induction(tokens);
  for (uint64_t s = 0; s < sequences; ++s) {
    // Each query's key in an induction head (0, the first token, when its token is new), from each
    // token id's position after its last occurrence, plus 1 (0: none yet).
    std::vector<uint64_t> after_last(SyntheticVocabulary().size(), 0);
    for (uint64_t q = 0; q < tokens; ++q) {
      const auto id = static_cast<size_t>(SyntheticTokenId(s * tokens + q));
      induction[q] = after_last[id] == 0 ? 0 : after_last[id] - 1;
      after_last[id] = q + 2;
    }
    for (uint32_t layer = 0; layer < layers; ++layer)
      for (uint32_t head = 0; head < heads; ++head) {
        const auto kind = static_cast<HeadKind>((layer + head) % 4);
        const uint64_t window = uint64_t{2} << (layer % 4);
        for (uint64_t first = 0; first < tokens; first += rows_per_chunk) {
          const uint64_t rows = std::min(rows_per_chunk, tokens - first);
          chunk.assign(rows * tokens, 0);
          for (uint64_t r = 0; r < rows; ++r) {
            const uint64_t q = first + r;
            uint16_t* row = chunk.data() + r * tokens;
            switch (kind) {
              case HeadKind::kPrevious: row[q == 0 ? 0 : q - 1] = HalfOf(1.0f); break;
              case HeadKind::kFirst: row[0] = HalfOf(1.0f); break;
              case HeadKind::kInduction: row[induction[q]] = HalfOf(1.0f); break;
              case HeadKind::kWindow: {
                const uint64_t width = std::min(window, q + 1);
                std::fill(row + q + 1 - width, row + q + 1, HalfOf(1.0f / static_cast<float>(width)));
                break;
              }
            }
          }
          npz.Append({reinterpret_cast<const char*>(chunk.data()), chunk.size() * sizeof(uint16_t)});
        }
      }
  }
}

// [SECTION] A sparse feature store

// A 64-bit mix (SplitMix64's finaliser): the synthetic activations are functions of the position.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Token t's k active features and activations, strongest first: feature (id * 97) mod F for its
// token id (a feature a reader can name: it fires on one word), then k - 1 features spread by a
// hash of t at a stride coprime with F (so never one twice), each weaker than the one before.
void SyntheticFeatures(uint64_t t, uint32_t features, uint32_t k, int32_t* indices, float* values) {
  const auto id = static_cast<uint64_t>(SyntheticTokenId(t));
  const uint64_t word_feature = id * 97 % features;
  const uint64_t base = Mix(t);
  const uint64_t stride = features % 2 == 0 ? 521 % features | 1 : 2;  // odd: coprime with a power of two
  uint32_t written = 0;
  indices[written] = static_cast<int32_t>(word_feature);
  values[written++] = 2.0f + static_cast<float>(base % 1000) / 1000.0f;
  for (uint64_t j = 1; written < k; ++j) {
    const uint64_t feature = (base + j * stride) % features;
    if (feature == word_feature) continue;
    indices[written] = static_cast<int32_t>(feature);
    values[written] = std::exp(-static_cast<float>(written) / 8.0f) * (0.25f + static_cast<float>(Mix(base + j) % 1000) / 1000.0f);
    ++written;
  }
}

// Shard after shard: token_ids [n], feature_indices and feature_values [n, k], in chunks.
void WriteFeatureStore(const CommandLine& line, const fs::path& folder) {
  const uint64_t tokens = *line.synthetic_tokens, per_shard = tokens / line.shards;
  const uint32_t features = *line.generate_features, k = line.feature_k;
  constexpr uint64_t kChunk = uint64_t{1} << 16;
  std::vector<int32_t> indices(kChunk * k);
  std::vector<float> values(kChunk * k);
  for (uint64_t shard = 0; shard < line.shards; ++shard) {
    char name[32];
    std::snprintf(name, sizeof name, "shard-%05llu.npz", static_cast<unsigned long long>(shard));
    NpzWriter npz((folder / name).string());
    const uint64_t first = shard * per_shard;
    WriteArray<int32_t>(npz, "token_ids", "<i4", {per_shard}, per_shard, [&](uint64_t i) { return SyntheticTokenId(first + i); });
    // Indices, then values: each pass makes the chunk's activations again (cheaper than holding a shard).
    for (const bool write_values : {false, true}) {
      npz.BeginArray(write_values ? "feature_values" : "feature_indices", write_values ? "<f4" : "<i4", 4, {per_shard, k});
      for (uint64_t begin = 0; begin < per_shard; begin += kChunk) {
        const uint64_t count = std::min(kChunk, per_shard - begin);
        for (uint64_t i = 0; i < count; ++i) SyntheticFeatures(first + begin + i, features, k, &indices[i * k], &values[i * k]);
        npz.Append(write_values ? std::string_view(reinterpret_cast<const char*>(values.data()), count * k * 4)
                                : std::string_view(reinterpret_cast<const char*>(indices.data()), count * k * 4));
      }
    }
    npz.Finish();
  }
}

// Refused before anything is written when the patterns cannot fit on the disk they go to.
void RequireDiskSpace(const fs::path& output, double bytes, const char* what) {
  std::error_code error;
  const fs::space_info space = fs::space(output.parent_path().empty() ? fs::path(".") : output.parent_path(), error);
  if (error || bytes <= static_cast<double>(space.available)) return;
  char sizes[96];
  std::snprintf(sizes, sizeof sizes, "needs %.1f GB, and the disk has %.1f GB free", bytes / 1e9,
                static_cast<double>(space.available) / 1e9);
  throw std::runtime_error(output.string() + ": " + what + " " + sizes + " (fewer tokens, or a smaller shape)");
}

}  // namespace

int RunGenerate(const CommandLine& line) {
  const auto start = std::chrono::steady_clock::now();
  const uint64_t tokens = *line.synthetic_tokens;
  if (line.generate_features) {
    const fs::path folder(line.output);
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) throw std::runtime_error(folder.string() + ": cannot make the folder (" + error.message() + ")");
    const fs::path tokenizer = folder / "tokenizer.json";
    const std::string vocabulary = VocabularyJson();
    const bool write_vocabulary = NeedsVocabulary(tokenizer, folder / "shard-00000.npz", vocabulary);
    const double bytes = static_cast<double>(tokens) * (4.0 + 8.0 * line.feature_k);
    RequireDiskSpace(folder / "shard-00000.npz", bytes, "the store");
    WriteFeatureStore(line, folder);
    if (write_vocabulary) WriteFileAtomically(tokenizer.string(), vocabulary);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wrote %llu shard%s of %llu tokens x %u active features of %u (%.1f GB, %.2f s) in %s, vocabulary %s%s\n",
                static_cast<unsigned long long>(line.shards), line.shards == 1 ? "" : "s",
                static_cast<unsigned long long>(tokens / line.shards), line.feature_k, *line.generate_features, bytes / 1e9,
                seconds, folder.string().c_str(), tokenizer.string().c_str(), write_vocabulary ? "" : " (already there)");
    return 0;
  }
  const fs::path output(line.output);
  const fs::path tokenizer = output.parent_path() / "tokenizer.json";
  const std::string vocabulary = VocabularyJson();
  const bool write_vocabulary = NeedsVocabulary(tokenizer, output, vocabulary);

  const uint64_t length = tokens / line.sequences;
  const std::vector<uint64_t> shape =
      line.sequences == 1 ? std::vector<uint64_t>{tokens} : std::vector<uint64_t>{line.sequences, length};
  if (line.generate_attention)
    RequireDiskSpace(output, static_cast<double>(line.sequences) * line.attention_layers * line.attention_heads *
                                 static_cast<double>(length) * static_cast<double>(length) * sizeof(uint16_t),
                     "the attention");
  NpzWriter npz(line.output);
  WriteArray<int32_t>(npz, "token_ids", "<i4", shape, tokens, SyntheticTokenId);
  WriteArray<float>(npz, "values", "<f4", shape, tokens, SyntheticValue);
  if (line.generate_attention) WriteAttention(npz, line.sequences, length, line.attention_layers, line.attention_heads);
  npz.Finish();
  if (write_vocabulary) WriteFileAtomically(tokenizer.string(), vocabulary);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::error_code error;
  const std::string attention = line.generate_attention ? ", attention " + std::to_string(line.attention_layers) + "x" +
                                                              std::to_string(line.attention_heads) + " float16"
                                                        : "";
  std::printf("wrote %s (%llu tokens in %llu sequence%s%s, %.1f MB, %.2f s), vocabulary %s%s\n", line.output.c_str(),
              static_cast<unsigned long long>(tokens), static_cast<unsigned long long>(line.sequences),
              line.sequences == 1 ? "" : "s", attention.c_str(), static_cast<double>(fs::file_size(output, error)) / 1e6,
              seconds, tokenizer.string().c_str(), write_vocabulary ? "" : " (already there)");
  return 0;
}

}  // namespace th::app
