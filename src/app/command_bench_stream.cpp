// `tokenheat bench --listen`: a live stream's throughput and latency, end to end through a real
// socket. A client thread sends N tokens (ids into a vocabulary, with two channels of float32
// values, 65,536 tokens a frame) as fast as the socket takes them; the main thread plays the
// viewer's loop headless: it takes what arrived, applies it to the session, follows the tail and
// draws a 1080p frame, again and again until every token is in and drawn. It reports tokens a
// second from the first byte sent to the frame that shows the last token, the time from the last
// byte sent to that frame, and the frame times while tokens arrive.
// The last line of output is one JSON object, as for `bench`.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>

#include "app/commands.hpp"
#include "app/heatmap_view.hpp"
#include "gfx/egl_context.hpp"
#include "gfx/gl_objects.hpp"
#include "stream/stream_ingest.hpp"
#include "stream/stream_server.hpp"

namespace th::app {

namespace {

using Clock = std::chrono::steady_clock;

double MsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

// The client: a generation loop's worth of tokens as one fast stream. Returns when all is sent;
// sent_at is when its last byte was.
void StreamTokens(const std::string& path, uint64_t tokens, std::atomic<int64_t>& last_byte_ns, std::atomic<bool>& failed) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
  const auto send_all = [&](const std::string& bytes) {
    for (size_t done = 0; done < bytes.size();) {
      const ssize_t sent = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (sent <= 0) return false;
      done += static_cast<size_t>(sent);
    }
    return true;
  };
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    failed = true;
    ::close(fd);
    return;
  }
  // A vocabulary of 4,096 words of 2 to 9 letters, each after a space.
  constexpr int kVocabulary = 4096;
  nlohmann::json words = nlohmann::json::array();
  std::mt19937 random(7);
  for (int w = 0; w < kVocabulary; ++w) {
    std::string word = " ";
    for (int c = 0, length = 2 + static_cast<int>(random() % 8); c < length; ++c) word += static_cast<char>('a' + random() % 26);
    words.push_back(word);
  }
  bool ok = send_all(EncodeStreamFrame(R"({"type":"hello","protocol":1,"client":"tokenheat bench"})")) &&
            send_all(EncodeStreamFrame(nlohmann::json({{"type", "vocabulary"}, {"tokens", words}}).dump())) &&
            send_all(EncodeStreamFrame(R"({"type":"open","sequence":"bench","channels":["activation","logprob"]})"));
  constexpr uint64_t kFrameTokens = 65536;
  std::vector<int32_t> ids(kFrameTokens);
  std::vector<float> values(2 * kFrameTokens);
  for (uint64_t sent = 0; ok && sent < tokens;) {
    const uint64_t count = std::min(kFrameTokens, tokens - sent);
    for (uint64_t i = 0; i < count; ++i) {
      ids[i] = static_cast<int32_t>(random() % kVocabulary);
      values[i] = std::sin(static_cast<float>(sent + i) * 0.01f) * 3.0f;
      values[count + i] = -static_cast<float>(random() % 1000) / 100.0f;
    }
    std::string payload(reinterpret_cast<const char*>(ids.data()), count * 4);
    payload.append(reinterpret_cast<const char*>(values.data()), count * 4);
    payload.append(reinterpret_cast<const char*>(values.data() + count), count * 4);
    const std::string header = R"({"type":"append","sequence":"bench","ids":true,"channels":["activation","logprob"],"count":)" +
                               std::to_string(count) + "}";
    ok = send_all(EncodeStreamFrame(header, payload));
    sent += count;
  }
  last_byte_ns = Clock::now().time_since_epoch().count();
  if (!ok) failed = true;
  ::close(fd);
}

}  // namespace

int RunStreamBench(const CommandLine& line) {
  const uint64_t tokens = line.synthetic_tokens.value_or(1'000'000);
  const auto context = gl::HeadlessContext::Create();
  const std::string path = line.listen->empty() ? StreamServer::DefaultPath() : *line.listen;
  StreamServer server(path, [] {});
  StreamIngest ingest(true);
  Session session(StreamIngest::WaitingDocument(path));
  HeatmapView view(line.view.font, line.view.font_size);

  std::atomic<int64_t> last_byte_ns{0};
  std::atomic<bool> failed{false};
  const Clock::time_point start = Clock::now();
  std::thread client(StreamTokens, path, tokens, std::ref(last_byte_ns), std::ref(failed));
  std::vector<double> frame_ms;
  Clock::time_point shown_all{};
  bool configured = false;
  const Clock::time_point deadline = start + std::chrono::minutes(5);
  while (Clock::now() < deadline && !failed) {
    const Clock::time_point frame_start = Clock::now();
    const StreamIngest::Applied applied = ingest.Apply(session, server.TakeArrivals(), server);
    if (applied.first_data && !configured) {
      ConfigureSession(session, line.view);
      configured = true;
    }
    // The viewer follows the tail: the end of the text stays in view.
    view.Render(session, line.view.width, line.height);
    if (session.ScrollPixels() < session.MaxScroll()) {
      session.ScrollTo(session.MaxScroll());
      view.Render(session, line.view.width, line.height);
    }
    gl::Finish();
    const Clock::time_point frame_end = Clock::now();
    frame_ms.push_back(MsBetween(frame_start, frame_end));
    if (!ingest.Sequences().empty() && session.Doc().sequences[ingest.Sequences()[0].index].TokenCount() == tokens) {
      shown_all = frame_end;
      break;
    }
    // Like the viewer, which waits for the reader thread's wake-up when nothing has arrived.
    if (!applied.changed) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  client.join();
  if (failed || shown_all == Clock::time_point{})
    throw std::runtime_error("bench --listen: the stream did not arrive whole (" + path + ")");
  const Clock::time_point last_byte{Clock::duration(last_byte_ns.load())};
  const double seconds = MsBetween(start, shown_all) / 1000.0;
  const double latency_ms = MsBetween(last_byte, shown_all);
  const double median = Percentile(frame_ms, 50.0);
  const double p95 = Percentile(frame_ms, 95.0);
  std::printf("stream        %llu tokens with 2 channels over %s\n", static_cast<unsigned long long>(tokens), path.c_str());
  std::printf("device        %s, %dx%d\n", context->Description().c_str(), line.view.width, line.height);
  std::printf("throughput    %.0f tokens/s (first byte sent to the frame showing the last token: %.3f s)\n",
              static_cast<double>(tokens) / seconds, seconds);
  std::printf("latency       %.2f ms from the last byte sent to the frame that shows it\n", latency_ms);
  std::printf("frames        %zu while tokens arrived: median %.2f ms, p95 %.2f ms\n", frame_ms.size(), median, p95);
  const nlohmann::json result = {{"stream_tokens", tokens},
                                 {"width", line.view.width},
                                 {"height", line.height},
                                 {"ingest_tokens_per_s", static_cast<double>(tokens) / seconds},
                                 {"last_byte_to_frame_ms", latency_ms},
                                 {"frames", frame_ms.size()},
                                 {"frame_ms_median", median},
                                 {"frame_ms_p95", p95}};
  std::printf("%s\n", result.dump().c_str());
  return 0;
}

}  // namespace th::app
