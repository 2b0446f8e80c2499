// `tokenheat bench --listen`: a live stream's throughput and latency, end to end through a real
// socket. A client thread sends N tokens (ids into a vocabulary, with two channels of float32
// values, 65,536 tokens a frame) as fast as the socket takes them; the main thread plays the
// viewer's loop headless: it takes what arrived, applies it to the session, follows the tail and
// draws a 1080p frame, again and again until every token is in and drawn. It reports tokens a
// second from the first byte sent to the frame that shows the last token, the time from the last
// byte sent to that frame, and the frame times while tokens arrive.
// The last line of output is one JSON object, as for `bench`.
#include <unistd.h>

#include <algorithm>
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


// A client's socket, blocking: what a notebook's tokenheat.connect() holds.
class BenchClient {
 public:
  explicit BenchClient(const std::string& path) : m_fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
    m_ok = m_fd >= 0 && ::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  }
  BenchClient(const BenchClient&) = delete;
  BenchClient& operator=(const BenchClient&) = delete;
  ~BenchClient() {
    if (m_fd >= 0) ::close(m_fd);
  }
  // Sends one frame whole; false (from then on) once the socket fails.
  bool Send(std::string_view header, std::string_view payload = {}) {
    const std::string bytes = EncodeStreamFrame(header, payload);
    for (size_t done = 0; m_ok && done < bytes.size();) {
      const ssize_t sent = ::send(m_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      m_ok = sent > 0;
      if (m_ok) done += static_cast<size_t>(sent);
    }
    return m_ok;
  }

 private:
  int m_fd;
  bool m_ok = false;
};

// The client: a generation loop's worth of tokens as one fast stream. Returns when all is sent;
// last_byte_ns is when its last byte was.
void StreamTokens(const std::string& path, uint64_t tokens, std::atomic<int64_t>& last_byte_ns, std::atomic<bool>& failed) {
  BenchClient client(path);
  // A vocabulary of 4,096 words of 2 to 9 letters, each after a space.
  constexpr int kVocabulary = 4096;
  nlohmann::json words = nlohmann::json::array();
  std::mt19937 random(7);
  for (int w = 0; w < kVocabulary; ++w) {
    std::string word = " ";
    for (int c = 0, length = 2 + static_cast<int>(random() % 8); c < length; ++c) word += static_cast<char>('a' + random() % 26);
    words.push_back(word);
  }
  bool ok = client.Send(R"({"type":"hello","protocol":1,"client":"tokenheat bench"})") &&
            client.Send(nlohmann::json({{"type", "vocabulary"}, {"tokens", words}}).dump()) &&
            client.Send(R"({"type":"open","sequence":"bench","channels":["activation","logprob"]})");
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
    ok = client.Send(header, payload);
    sent += count;
  }
  last_byte_ns = Clock::now().time_since_epoch().count();
  if (!ok) failed = true;
}

// A generation loop's pace: one token at a time, `rate` a second, each with two values, as text
// (what tokenheat.torch.watch sends). sent[i] is when token i's frame left.
void StreamPaced(const std::string& path, uint64_t tokens, double rate, std::vector<Clock::time_point>& sent,
                 std::atomic<bool>& failed) {
  BenchClient client(path);
  bool ok = client.Send(R"({"type":"hello","protocol":1,"client":"tokenheat bench, paced"})") &&
            client.Send(R"({"type":"open","sequence":"paced","channels":["activation","logprob"]})");
  const Clock::time_point start = Clock::now();
  for (uint64_t i = 0; ok && i < tokens; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(static_cast<double>(i) / rate)));
    const float values[2] = {std::sin(static_cast<float>(i) * 0.1f), -static_cast<float>(i % 10)};
    sent[i] = Clock::now();
    ok = client.Send(R"({"type":"append","sequence":"paced","count":1,"tokens":[" word)" + std::to_string(i % 100) +
                         R"("],"channels":["activation","logprob"]})",
                     std::string_view(reinterpret_cast<const char*>(values), sizeof(values)));
  }
  if (!ok) failed = true;
}

// The viewer's loop, headless: what arrived applied, the tail followed, a frame drawn; until
// `tokens` tokens are shown or five minutes pass. shown(first, end, frame_end) is told which
// tokens each frame showed for the first time.
struct LoopResult {
  std::vector<double> frame_ms;  // frames that applied something
  std::vector<Clock::time_point> frame_starts;  // theirs
  Clock::time_point shown_all{};
};
template <typename Shown>
LoopResult PlayViewerLoop(StreamServer& server, const CommandLine& line, uint64_t tokens, const std::atomic<bool>& failed,
                          const Shown& shown) {
  StreamIngest ingest(true);
  Session session(StreamIngest::WaitingDocument(server.Path()));
  HeatmapView view(line.view.font, line.view.font_size);
  LoopResult result;
  bool configured = false;
  uint64_t shown_tokens = 0;
  const Clock::time_point deadline = Clock::now() + std::chrono::minutes(5);
  while (Clock::now() < deadline && !failed) {
    const Clock::time_point frame_start = Clock::now();
    const StreamIngest::Applied applied = ingest.Apply(session, server.TakeArrivals(StreamServer::kFrameBytes), server);
    if (!applied.changed) {
      // The viewer waits for the reader thread's wake-up when nothing has arrived.
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      continue;
    }
    if (applied.first_data && !configured) {
      ConfigureSession(session, line.view);
      configured = true;
    }
    view.Render(session, line.view.width, line.height, true);
    gl::Finish();
    const Clock::time_point frame_end = Clock::now();
    result.frame_ms.push_back(MsBetween(frame_start, frame_end));
    result.frame_starts.push_back(frame_start);
    const uint64_t now_shown = ingest.Sequences().empty() ? 0 : session.Doc().sequences[ingest.Sequences()[0].index].TokenCount();
    shown(shown_tokens, now_shown, frame_end);
    shown_tokens = now_shown;
    if (shown_tokens >= tokens) {
      result.shown_all = frame_end;
      break;
    }
  }
  return result;
}

}  // namespace

int RunStreamBench(const CommandLine& line) {
  const uint64_t tokens = line.synthetic_tokens.value_or(1'000'000);
  const auto context = gl::HeadlessContext::Create();
  const std::string path = line.listen->empty() ? StreamServer::DefaultPath() : *line.listen;
  StreamServer server(path, [] {});

  // [Flood] As fast as the socket takes them.
  std::atomic<int64_t> last_byte_ns{0};
  std::atomic<bool> failed{false};
  const Clock::time_point start = Clock::now();
  std::thread client(StreamTokens, path, tokens, std::ref(last_byte_ns), std::ref(failed));
  const LoopResult flood = PlayViewerLoop(server, line, tokens, failed, [](uint64_t, uint64_t, Clock::time_point) {});
  client.join();
  if (failed || flood.shown_all == Clock::time_point{})
    throw std::runtime_error("bench --listen: the stream did not arrive whole (" + path + ")");
  const double seconds = MsBetween(start, flood.shown_all) / 1000.0;
  // From the last byte the viewer received (not sent: the socket and the queue may hold more).
  const double latency_ms = MsBetween(server.LastReceived(), flood.shown_all);
  // The frames begun after the last byte arrived, up to the one that shows it: 1 when the first
  // frame that could see it does (the reader still decodes it while that frame may begin).
  const auto frames_after = static_cast<size_t>(std::count_if(flood.frame_starts.begin(), flood.frame_starts.end(),
                                                              [&](Clock::time_point t) { return t >= server.LastReceived(); }));

  // [Paced] A generation loop: 1,000 tokens a second, one at a time, for two seconds.
  constexpr uint64_t kPacedTokens = 2000;
  constexpr double kPacedRate = 1000.0;
  std::vector<Clock::time_point> sent(kPacedTokens);
  std::vector<double> token_latency_ms;
  std::thread paced_client(StreamPaced, path, kPacedTokens, kPacedRate, std::ref(sent), std::ref(failed));
  const LoopResult paced = PlayViewerLoop(server, line, kPacedTokens, failed,
                                          [&](uint64_t first, uint64_t end, Clock::time_point frame_end) {
                                            for (uint64_t i = first; i < end; ++i)
                                              token_latency_ms.push_back(MsBetween(sent[i], frame_end));
                                          });
  paced_client.join();
  if (failed || paced.shown_all == Clock::time_point{})
    throw std::runtime_error("bench --listen: the paced stream did not arrive whole (" + path + ")");

  const double median = PercentileMs(flood.frame_ms, 50.0);
  const double p95 = PercentileMs(flood.frame_ms, 95.0);
  std::printf("stream        %llu tokens with 2 channels over %s\n", static_cast<unsigned long long>(tokens), path.c_str());
  std::printf("device        %s, %dx%d\n", context->Description().c_str(), line.view.width, line.height);
  std::printf("throughput    %.0f tokens/s (first byte sent to the frame showing the last token: %.3f s)\n",
              static_cast<double>(tokens) / seconds, seconds);
  std::printf("latency       %.2f ms from the last byte received to the frame that shows it, the %zu%s frame begun since\n",
              latency_ms, frames_after, frames_after == 1 ? "st" : frames_after == 2 ? "nd" : frames_after == 3 ? "rd" : "th");
  std::printf("frames        %zu while tokens arrived: median %.2f ms, p95 %.2f ms\n", flood.frame_ms.size(), median, p95);
  std::printf("paced         %llu tokens at %.0f/s, one a frame: frames median %.2f ms, p95 %.2f ms; each token shown "
              "%.2f ms after it was sent (median), p95 %.2f ms\n",
              static_cast<unsigned long long>(kPacedTokens), kPacedRate, PercentileMs(paced.frame_ms, 50.0),
              PercentileMs(paced.frame_ms, 95.0), PercentileMs(token_latency_ms, 50.0), PercentileMs(token_latency_ms, 95.0));
  const nlohmann::json result = {{"stream_tokens", tokens},
                                 {"width", line.view.width},
                                 {"height", line.height},
                                 {"ingest_tokens_per_s", static_cast<double>(tokens) / seconds},
                                 {"last_byte_to_frame_ms", latency_ms},
                                 {"frames_after_last_byte", frames_after},
                                 {"frames", flood.frame_ms.size()},
                                 {"frame_ms_median", median},
                                 {"frame_ms_p95", p95},
                                 {"paced_frame_ms_median", PercentileMs(paced.frame_ms, 50.0)},
                                 {"paced_frame_ms_p95", PercentileMs(paced.frame_ms, 95.0)},
                                 {"paced_token_latency_ms_median", PercentileMs(token_latency_ms, 50.0)},
                                 {"paced_token_latency_ms_p95", PercentileMs(token_latency_ms, 95.0)}};
  std::printf("%s\n", result.dump().c_str());
  return 0;
}

}  // namespace th::app
