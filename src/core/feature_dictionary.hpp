#pragma once
// Feature activations of one sequence: a sparse autoencoder's or a neuron basis's [tokens,
// features] activations, stored densely (read from the file's mapping), as each token's top k
// (indices + values), or as COO triples. Absent entries of the sparse forms are 0 (the features'
// activations are ReLU-like). Standard library only.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/attention.hpp"

namespace th {

struct FeatureActivation {
  uint32_t feature;
  float value;
};

class FeatureDictionary {
 public:
  // Dense [tokens, features], C order. Throws std::invalid_argument when values does not hold
  // exactly that many elements.
  static FeatureDictionary Dense(StoredElements values, uint64_t tokens, uint32_t features);
  // Sparse: token t's entries are [ends[t-1], ends[t]) of (feature, value), in any order; a feature
  // listed twice for one token holds the sum of its values (as scipy's COO matrices do). Throws
  // std::invalid_argument for ends that do not rise to entries.size() or a feature >= features.
  static FeatureDictionary Sparse(std::vector<uint64_t> ends, std::vector<FeatureActivation> entries,
                                  uint32_t features);

  // The dictionary of the tokens whose flag is set (a flag for each of Tokens(), as
  // Sequence::KeepTokens gives them): a run of a dense one's rows, still read in place, or any
  // tokens of a sparse one; nullopt for a dense one that lost tokens from inside the run kept
  // (its rows would have to be copied).
  std::optional<FeatureDictionary> KeepTokens(const std::vector<bool>& keep) const;

  uint64_t Tokens() const { return m_tokens; }
  uint32_t Features() const { return m_features; }
  bool IsDense() const { return m_is_dense; }
  // The dense form's stored values (type and bytes); empty in the sparse form.
  const StoredElements& DenseValues() const { return m_dense; }
  // Entries stored in the sparse form (0 in the dense form).
  uint64_t SparseEntries() const { return m_entries.size(); }

  // Feature f's activation at the first out.size() tokens (at most Tokens()) into out. Throws
  // std::out_of_range for a feature or a size beyond the dictionary.
  void ReadFeature(uint32_t feature, std::span<float> out) const;
  // Token t's k strongest features (largest values first, ties by index), zeros and NaN left out.
  // Throws std::out_of_range for a token beyond Tokens().
  std::vector<FeatureActivation> TopFeatures(uint64_t token, size_t k) const;

  // Optional names ("L1.n37", "golden gate bridge"), Features() of them, or empty.
  std::vector<std::string> names;
  std::string_view Name(uint32_t feature) const;  // "" when unnamed
  // The feature named exactly `text`, else `text` read as an index below Features(), else the first
  // whose name contains it (ASCII letters of any case); nullopt when none (or text is empty).
  std::optional<uint32_t> Find(std::string_view text) const;

 private:
  uint64_t m_tokens = 0;
  uint32_t m_features = 0;
  bool m_is_dense = false;
  StoredElements m_dense;              // dense form
  std::vector<uint64_t> m_ends;        // sparse form: each token's entries sorted by feature, one each
  std::vector<FeatureActivation> m_entries;
};

}  // namespace th
