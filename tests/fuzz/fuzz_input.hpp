#pragma once
// What every fuzz target shares: the input becomes a file (a memfd, opened through its
// /proc/self/fd path) so the loaders map and read it exactly as they read a real file, and the
// resulting document is read back in full so that a bad offset or a dangling view shows up
// under AddressSanitizer. LoadError is an expected outcome; anything else escaping is a finding.

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/attention.hpp"
#include "core/feature_dictionary.hpp"
#include "core/loaders/loaders.hpp"
#include "core/token_decoding.hpp"

namespace th {

class FuzzFile {
 public:
  FuzzFile(const uint8_t* data, size_t size) : m_fd(::memfd_create("tokenheat-fuzz", MFD_CLOEXEC)) {
    if (m_fd < 0) std::abort();
    for (size_t done = 0; done < size;) {
      const ssize_t written = ::write(m_fd, data + done, size - done);
      if (written <= 0) std::abort();
      done += static_cast<size_t>(written);
    }
  }
  ~FuzzFile() { ::close(m_fd); }
  FuzzFile(const FuzzFile&) = delete;
  FuzzFile& operator=(const FuzzFile&) = delete;
  std::string Path() const { return "/proc/self/fd/" + std::to_string(m_fd); }

 private:
  int m_fd;
};

// Reads every token, flag, top-k entry and value, every attention row (a column a head) and each
// token's top features; the checksum keeps the reads from being dropped.
inline size_t ReadAll(const Document& document) {
  size_t checksum = 0;
  for (const Sequence& sequence : document.sequences) {
    for (size_t i = 0; i < sequence.TokenCount(); ++i) {
      checksum += sequence.Token(i).size() + sequence.RawToken(i).size() + sequence.Flags(i);
      for (const TopKEntry& entry : sequence.TopK(i)) checksum += entry.token.size();
    }
    for (const int32_t id : sequence.TokenIds()) checksum += static_cast<size_t>(id);
    for (const Channel& channel : sequence.channels)
      for (const float value : channel.values) checksum += value > 0;
    const size_t tokens = sequence.TokenCount();
    if (const auto& attention = sequence.Attention()) {
      std::vector<float> values(std::min<uint64_t>(tokens, std::min(attention->Queries(), attention->Keys())));
      for (uint32_t layer = 0; layer < attention->Layers(); ++layer)
        for (uint32_t head = 0; head < attention->Heads(); ++head) {
          for (uint64_t query = 0; query < values.size(); ++query) {
            attention->ReadRow(layer, head, query, values);
            checksum += values.empty() ? 0 : values.back() > 0;
          }
          if (!values.empty()) attention->ReadColumn(layer, head, values.size() - 1, values);
        }
    }
    // Each token's entries, and two features (a sparse count can be 2^32 - 2 from one index).
    if (const auto& features = sequence.Features()) {
      for (uint64_t token = 0; token < features->Tokens(); ++token) checksum += features->TopFeatures(token, 4).size();
      std::vector<float> values(std::min<uint64_t>(tokens, features->Tokens()));
      if (features->Features() > 0) {
        features->ReadFeature(0, values);
        features->ReadFeature(features->Features() - 1, values);
      }
    }
  }
  return checksum;
}

// Loads the input with load(context), decodes its tokens as LoadDocumentFile does, reads it all.
template <typename Load>
void FuzzLoad(const uint8_t* data, size_t size, const Load& load) {
  static const LoadOptions options;
  const FuzzFile file(data, size);
  try {
    const LoadContext context(MappedFile::Open(file.Path()), options);
    Document document = load(context);
    DecodeDocumentTokens(document, context.Hints());
    volatile size_t checksum = ReadAll(document);
    (void)checksum;
  } catch (const LoadError&) {
  }
}

}  // namespace th
