#pragma once
// The document model: sequences of tokens, each with named channels of float values.
// Standard library only (no GL, GLFW, ImGui): tests and command-line tools link it alone.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace th {

// One named value per token (an activation, a log-probability, an attribution...).
// NaN and +-Inf are allowed and mean "no value": they are left out of statistics and drawn
// in the "no value" style.
struct Channel {
  std::string name;
  std::vector<float> values;
};

// A run of tokens. Token texts live in one byte buffer with end offsets, so a token costs
// 8 bytes of bookkeeping instead of a std::string each.
class Sequence {
 public:
  std::string name;
  std::vector<Channel> channels;

  void AppendToken(std::string_view text);
  void ReserveTokens(size_t count, size_t bytes);
  size_t TokenCount() const { return m_ends.size(); }
  std::string_view Token(size_t index) const;
  // Index of the channel with this name, or -1.
  int FindChannel(std::string_view channel_name) const;

 private:
  std::string m_text;
  std::vector<uint64_t> m_ends;
};

struct Document {
  std::string source;  // file path, or "<demo>"
  std::vector<Sequence> sequences;
};

}  // namespace th
