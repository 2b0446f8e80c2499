// The live stream protocol: any bytes as one connection's stream, through the frame decoder and the
// connection's checks, with every event and reply read back. The stream is decoded twice, whole and
// in uneven chunks (sizes from the input itself); both must give the same events and the same
// error, or the target aborts. StreamError is an expected outcome; anything else escaping is a finding.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/stream_protocol.hpp"

namespace {

// What a run gave, in a form two runs can be compared by: each event's fields, then the error.
std::string Run(std::string_view stream, bool chunked) {
  th::StreamFrameDecoder decoder;
  th::StreamConnection connection;
  std::string summary;
  try {
    for (size_t pos = 0, step = 0; pos < stream.size(); ++step) {
      // Chunks of 1 to 16 bytes, sized by the stream's own bytes so that every input chunks differently.
      const size_t size = chunked ? 1 + static_cast<unsigned char>(stream[step % stream.size()]) % 16 : stream.size();
      decoder.Feed(stream.substr(pos, size));
      pos += std::min(size, stream.size() - pos);
      while (std::optional<th::StreamFrame> frame = decoder.Next()) {
        const bool greeted = connection.Greeted();
        for (const th::StreamEvent& event : connection.Consume(*frame)) {
          summary += std::to_string(static_cast<int>(event.kind)) + event.sequence + std::to_string(event.start) + "+" +
                     std::to_string(event.count);
          for (size_t i = 0; i < event.tokens.size(); ++i)
            summary += "|" + event.tokens[i] + (event.raw.empty() ? "" : event.raw.at(i)) +
                       std::to_string(event.flags.empty() ? 0 : event.flags.at(i)) +
                       std::to_string(event.ids.empty() ? 0 : event.ids.at(i));
          // An append's or update's values: one list per channel, count values each.
          const bool has_values =
              event.kind == th::StreamEvent::Kind::kAppend || event.kind == th::StreamEvent::Kind::kUpdate;
          if (event.values.size() != (has_values ? event.channels.size() : 0)) std::abort();
          for (size_t c = 0; c < event.channels.size(); ++c) {
            summary += event.channels[c];
            if (!has_values) continue;
            if (event.values[c].size() != event.count) std::abort();
            for (const float value : event.values[c]) summary += value > 0 ? "+" : "-";
          }
          if (event.kind == th::StreamEvent::Kind::kSync)
            summary += th::EncodeStreamFrame(th::SyncedHeader(event.sync_id, event.sequence_tokens));
          summary += "\n";
        }
        if (!greeted && connection.Greeted()) summary += th::EncodeStreamFrame(connection.WelcomeHeader());
      }
    }
    summary += decoder.MidFrame() ? "truncated" : "complete";
  } catch (const th::StreamError& error) {
    if (std::string_view(error.what()).find('\n') != std::string_view::npos) std::abort();  // one line
    summary += th::EncodeStreamFrame(th::ErrorHeader(error.what()));
  }
  return summary;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  if (Run(stream, false) != Run(stream, true)) std::abort();
  return 0;
}
