// The live stream's server and ingest with real sockets: clients on their own threads send frames
// as a notebook would, the test's thread plays the viewer's main loop (take what arrived, apply it
// to a session), and the document, the notices and the replies are checked.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "stream/stream_ingest.hpp"
#include "stream/stream_server.hpp"

namespace th {
namespace {

using Json = nlohmann::json;

// [SECTION] A client: blocking socket, frames as docs/streaming-protocol.md lays them out

class Client {
 public:
  explicit Client(const std::string& path) {
    m_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    m_connected = ::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~Client() { Close(); }
  bool Connected() const { return m_connected; }
  void Close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }
  bool SendBytes(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(sent));
    }
    return true;
  }
  bool Send(const Json& header, std::string_view payload = {}) { return SendBytes(EncodeStreamFrame(header.dump(), payload)); }
  // The next reply's header, or null when the viewer closed the connection.
  Json Receive() {
    std::string prefix = ReceiveBytes(8);
    if (prefix.size() < 8) return nullptr;
    uint32_t header_bytes = 0, payload_bytes = 0;
    std::memcpy(&header_bytes, prefix.data(), 4);
    std::memcpy(&payload_bytes, prefix.data() + 4, 4);
    const std::string header = ReceiveBytes(header_bytes);
    ReceiveBytes(payload_bytes);
    return Json::parse(header);
  }
  Json Hello() {
    Send({{"type", "hello"}, {"protocol", 1}, {"client", "test"}});
    return Receive();
  }

 private:
  std::string ReceiveBytes(size_t count) {
    std::string bytes(count, '\0');
    size_t got = 0;
    while (got < count) {
      const ssize_t received = ::recv(m_fd, bytes.data() + got, count - got, 0);
      if (received <= 0) break;
      got += static_cast<size_t>(received);
    }
    bytes.resize(got);
    return bytes;
  }
  int m_fd = -1;
  bool m_connected = false;
};

std::string Floats(std::initializer_list<float> values) {
  return std::string(reinterpret_cast<const char*>(values.begin()), values.size() * sizeof(float));
}

// [SECTION] The viewer's side: a server, a session and the main loop's turn

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Short: a socket's path has at most 107 bytes.
    static int test_number = 0;
    m_dir = std::filesystem::temp_directory_path() /
            ("th_stream_" + std::to_string(::getpid()) + "_" + std::to_string(++test_number));
    std::filesystem::remove_all(m_dir);
    m_path = (m_dir / "viewer.sock").string();
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  void Listen(size_t max_queued_bytes = StreamServer::kMaxQueuedBytes) {
    server.emplace(m_path, [this] { ++wakes; }, max_queued_bytes);
  }
  // One turn of the main loop: notices, then arrivals applied.
  // The notices are taken first and acted on last: what a connection sent before it ended is
  // among the arrivals taken after its notice.
  void Turn() {
    std::vector<StreamServer::Notice> taken = server->TakeNotices();
    ingest.Apply(session, server->TakeArrivals(), *server);
    for (StreamServer::Notice& notice : taken) {
      if (notice.ended) ingest.ConnectionEnded(notice.connection);
      notices.push_back(std::move(notice));
    }
  }
  // Turns until done() (on another thread's progress) or 10 s; returns whether done.
  template <typename Done>
  bool TurnUntil(const Done& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      Turn();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    Turn();
    return true;
  }
  const Sequence& Streamed(size_t i) const { return session.Doc().sequences[ingest.Sequences().at(i).index]; }

  std::filesystem::path m_dir;
  std::string m_path;
  std::optional<StreamServer> server;
  Session session{StreamIngest::WaitingDocument("test")};
  StreamIngest ingest{true};
  std::vector<StreamServer::Notice> notices;
  std::atomic<int> wakes{0};
};

// [SECTION] Tokens, values and replies

TEST_F(StreamTest, AppendedTokensAndValuesReachTheDocumentAndSyncAnswersAfterThem) {
  Listen();
  std::atomic<bool> done{false};
  Json welcome, synced;
  std::thread client_thread([&] {
    Client client(m_path);
    welcome = client.Hello();
    client.Send({{"type", "open"}, {"sequence", "gen"}, {"channels", {"act"}}});
    client.Send({{"type", "append"}, {"sequence", "gen"}, {"count", 3}, {"tokens", {"The", " cat", " sat"}},
                 {"channels", {"act", "logprob"}}},
                Floats({1, 2, 3, -0.5f, -1.5f, -2.5f}));
    // A channel the append does not list gets no value; an update replaces values in place.
    client.Send({{"type", "append"}, {"sequence", "gen"}, {"count", 1}, {"tokens", {"."}}, {"channels", {"act"}}},
                Floats({4}));
    client.Send({{"type", "update"}, {"sequence", "gen"}, {"start", 1}, {"count", 2}, {"channels", {"act"}}},
                Floats({20, 30}));
    client.Send({{"type", "sync"}, {"id", 7}});
    synced = client.Receive();
    done = true;
  });
  // Until the client's leaving is noticed too (the reader queues its notice before it counts it gone).
  ASSERT_TRUE(TurnUntil([&] { return done.load() && server->Connections() == 0; }));
  client_thread.join();

  EXPECT_EQ(welcome["type"], "welcome");
  EXPECT_EQ(welcome["protocol"], 1);
  EXPECT_EQ(synced, Json({{"type", "synced"}, {"id", 7}, {"tokens", {{"gen", 4}}}}));
  // The waiting document gave its place to the first sequence.
  ASSERT_EQ(session.Doc().sequences.size(), 1u);
  const Sequence& sequence = session.Doc().sequences[0];
  EXPECT_EQ(sequence.name, "gen");
  ASSERT_EQ(sequence.TokenCount(), 4u);
  EXPECT_EQ(sequence.Token(1), " cat");
  ASSERT_EQ(sequence.channels.size(), 2u);
  const std::vector<float> act(sequence.channels[0].values.begin(), sequence.channels[0].values.end());
  EXPECT_EQ(act, (std::vector<float>{1, 20, 30, 4}));
  EXPECT_EQ(sequence.channels[1].name, "logprob");
  EXPECT_EQ(sequence.channels[1].values[2], -2.5f);
  EXPECT_TRUE(std::isnan(sequence.channels[1].values[3]));
  EXPECT_GT(wakes.load(), 0);  // the main loop was woken, not left to poll
  EXPECT_FALSE(ingest.Growing(0));  // the client left
}

TEST_F(StreamTest, IdsAreDecodedThroughTheVocabularyAsFilesAre) {
  Listen();
  std::atomic<bool> done{false}, checked{false};
  std::thread client_thread([&] {
    Client client(m_path);
    client.Hello();
    client.Send({{"type", "vocabulary"}, {"tokens", {"Hello", "\xC4\xA0world", "<|endoftext|>"}}, {"encoding", "byte-level"}});
    client.Send({{"type", "open"}, {"sequence", "ids"}});
    const int32_t ids[] = {2, 0, 1};
    std::string payload(reinterpret_cast<const char*>(ids), sizeof(ids));
    payload += Floats({0.5f, 1.5f, 2.5f});
    client.Send({{"type", "append"}, {"sequence", "ids"}, {"count", 3}, {"ids", true}, {"channels", {"act"}}}, payload);
    client.Send({{"type", "open"}, {"sequence", "still open"}});
    client.Send({{"type", "close"}, {"sequence", "ids"}});
    client.Send({{"type", "sync"}});
    client.Receive();
    done = true;
    while (!checked) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  ASSERT_TRUE(TurnUntil([&] { return done.load(); }));
  // Closed, and open while the client is connected: the range panel says which is still moving.
  EXPECT_FALSE(ingest.Growing(ingest.Sequences()[0].index));
  EXPECT_TRUE(ingest.Growing(ingest.Sequences()[1].index));
  checked = true;
  client_thread.join();
  const Sequence& sequence = Streamed(0);
  ASSERT_EQ(sequence.TokenCount(), 3u);
  EXPECT_EQ(sequence.Token(2), " world");
  EXPECT_EQ(sequence.RawToken(2), "\xC4\xA0world");
  EXPECT_NE(sequence.Flags(0) & kTokenSpecial, 0);
  EXPECT_EQ(std::vector<int32_t>(sequence.TokenIds().begin(), sequence.TokenIds().end()), (std::vector<int32_t>{2, 0, 1}));
}

TEST_F(StreamTest, ClientsGetTheirOwnSequencesAndTheViewStaysOnItsOwn) {
  Listen();
  std::atomic<int> done{0};
  const auto run_client = [&](float value) {
    Client client(m_path);
    client.Hello();
    client.Send({{"type", "open"}, {"sequence", "generation"}});
    client.Send({{"type", "append"}, {"sequence", "generation"}, {"count", 1}, {"tokens", {"x"}}, {"channels", {"v"}}},
                Floats({value}));
    client.Send({{"type", "sync"}});
    client.Receive();
    ++done;
  };
  std::thread first(run_client, 1.0f), second(run_client, 2.0f);
  ASSERT_TRUE(TurnUntil([&] { return done.load() == 2; }));
  first.join();
  second.join();
  ASSERT_EQ(session.Doc().sequences.size(), 2u);
  std::vector<std::string> names = {session.Doc().sequences[0].name, session.Doc().sequences[1].name};
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"generation", "generation (2)"}));
  EXPECT_NE(ingest.Sequences()[0].connection, ingest.Sequences()[1].connection);
  EXPECT_EQ(session.Settings().sequence, 0);
  // Both ended: their sequences keep their tokens and stop growing.
  ASSERT_TRUE(TurnUntil([&] { return server->Connections() == 0; }));
  EXPECT_FALSE(ingest.Growing(0));
  EXPECT_FALSE(ingest.Growing(1));
  EXPECT_EQ(session.Doc().sequences[1].TokenCount(), 1u);
}

// [SECTION] Bad clients

TEST_F(StreamTest, AMalformedFrameClosesItsConnectionWithAReasonAndKeepsWhatCameBefore) {
  Listen();
  Json error;
  std::atomic<bool> done{false};
  std::thread client_thread([&] {
    Client client(m_path);
    client.Hello();
    client.Send({{"type", "open"}, {"sequence", "gen"}});
    client.Send({{"type", "append"}, {"sequence", "gen"}, {"count", 2}, {"tokens", {"a", "b"}}, {"channels", {"v"}}},
                Floats({1, 2}));
    client.Send({{"type", "append"}, {"sequence", "gen"}, {"count", 2}, {"tokens", {"c", "d"}}, {"channels", {"v"}}},
                "abc");
    error = client.Receive();
    done = true;
  });
  ASSERT_TRUE(TurnUntil([&] { return done.load() && server->Connections() == 0; }));
  client_thread.join();
  EXPECT_EQ(error["type"], "error");
  EXPECT_EQ(error["message"], "frame 4 (append): payload is 3 bytes, the header asks for 8");
  ASSERT_FALSE(notices.empty());
  EXPECT_TRUE(notices.back().error);
  EXPECT_TRUE(notices.back().ended);
  EXPECT_EQ(notices.back().text, "client 1: frame 4 (append): payload is 3 bytes, the header asks for 8");
  EXPECT_EQ(Streamed(0).TokenCount(), 2u);
  EXPECT_FALSE(ingest.Growing(0));
}

TEST_F(StreamTest, ADisconnectInTheMiddleOfAFrameIsSaidAndEarlierTokensStay) {
  Listen();
  std::atomic<bool> done{false};
  std::thread client_thread([&] {
    Client client(m_path);
    client.Hello();
    client.Send({{"type", "open"}, {"sequence", "gen"}});
    client.Send({{"type", "append"}, {"sequence", "gen"}, {"count", 1}, {"tokens", {"a"}}});
    const std::string frame = EncodeStreamFrame(
        Json({{"type", "append"}, {"sequence", "gen"}, {"count", 1}, {"tokens", {"b"}}}).dump());
    client.SendBytes(std::string_view(frame).substr(0, frame.size() / 2));
    client.Close();
    done = true;
  });
  ASSERT_TRUE(TurnUntil([&] { return done.load() && server->Connections() == 0; }));
  client_thread.join();
  ASSERT_FALSE(notices.empty());
  EXPECT_TRUE(notices.back().error);
  EXPECT_NE(notices.back().text.find("disconnected in the middle of a frame"), std::string::npos) << notices.back().text;
  EXPECT_EQ(Streamed(0).TokenCount(), 1u);
}

TEST_F(StreamTest, AClientFasterThanTheViewerWaitsInItsOwnSendWhileTheQueueStaysBounded) {
  constexpr size_t kQueueBytes = size_t{1} << 20;
  Listen(kQueueBytes);
  constexpr int kFrames = 64;
  constexpr int kTokens = 16384;  // 64 KiB of values a frame, 4 MiB in all: 4 queues' worth
  std::atomic<int> sent{0};
  std::thread client_thread([&] {
    Client client(m_path);
    client.Hello();
    client.Send({{"type", "vocabulary"}, {"tokens", {"a"}}});
    client.Send({{"type", "open"}, {"sequence", "fast"}});
    const std::string payload(static_cast<size_t>(kTokens) * 8, '\0');  // ids 0, values 0.0
    for (int frame = 0; frame < kFrames; ++frame) {
      client.Send({{"type", "append"}, {"sequence", "fast"}, {"count", kTokens}, {"ids", true}, {"channels", {"v"}}}, payload);
      ++sent;
    }
    client.Send({{"type", "sync"}});
    client.Receive();
  });
  // The viewer takes nothing for a while: the client cannot send it all, the server holds little.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_LT(sent.load(), kFrames);
  EXPECT_LT(server->BytesReceived(), 4 * kQueueBytes);
  // Once the viewer takes the queue again, everything arrives, in order.
  ASSERT_TRUE(TurnUntil([&] { return sent.load() == kFrames && !ingest.Sequences().empty() &&
                                     Streamed(0).TokenCount() == uint64_t{kFrames} * kTokens; }));
  client_thread.join();
  EXPECT_EQ(Streamed(0).channels[0].values.size(), uint64_t{kFrames} * kTokens);
}

TEST_F(StreamTest, AFrameTakesAtMostItsBudgetOfWholeFramesOldestFirst) {
  Listen();
  std::atomic<bool> done{false};
  std::thread client_thread([&] {
    Client client(m_path);
    client.Hello();
    client.Send({{"type", "open"}, {"sequence", "s"}});
    for (int i = 0; i < 5; ++i)
      client.Send({{"type", "append"}, {"sequence", "s"}, {"count", 1}, {"tokens", {std::to_string(i)}}});
    client.Send({{"type", "sync"}});
    client.Receive();
    done = true;
  });
  // Everything queued (the sync's reply waits until it is applied): then one frame a turn.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server->FramesReceived() < 8 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::vector<StreamEvent::Kind> kinds;
  std::vector<std::string> tokens;
  while (server->Pending()) {
    std::vector<StreamServer::Arrival> arrivals = server->TakeArrivals(1);  // a byte: one frame a turn
    ASSERT_EQ(arrivals.size(), 1u);
    kinds.push_back(arrivals[0].event.kind);
    if (!arrivals[0].event.tokens.empty()) tokens.push_back(arrivals[0].event.tokens[0]);
    ingest.Apply(session, std::move(arrivals), *server);
  }
  ASSERT_TRUE(TurnUntil([&] { return done.load(); }));
  client_thread.join();
  EXPECT_EQ(kinds.size(), 7u);  // open, 5 appends, sync
  EXPECT_EQ(tokens, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(Streamed(0).TokenCount(), 5u);
}

TEST_F(StreamTest, ConnectionsBeyondTheLimitAreRefusedWithAReason) {
  Listen();
  std::vector<std::unique_ptr<Client>> clients;
  for (size_t i = 0; i < StreamServer::kMaxConnections; ++i) {
    clients.push_back(std::make_unique<Client>(m_path));
    ASSERT_EQ(clients.back()->Hello()["type"], "welcome");
  }
  Client refused(m_path);
  const Json reply = refused.Receive();
  EXPECT_EQ(reply["type"], "error");
  EXPECT_NE(reply["message"].get<std::string>().find("16 connections"), std::string::npos);
}

// [SECTION] The socket file

TEST_F(StreamTest, TheSocketIsTheUsersAloneAndGoesWithTheViewer) {
  Listen();
  struct stat socket_stat {}, dir_stat {};
  ASSERT_EQ(::stat(m_path.c_str(), &socket_stat), 0);
  EXPECT_TRUE(S_ISSOCK(socket_stat.st_mode));
  EXPECT_EQ(socket_stat.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(m_dir.c_str(), &dir_stat), 0);
  EXPECT_EQ(dir_stat.st_mode & 0777, 0700u);
  // A second viewer on the same path is refused while the first listens.
  EXPECT_THROW(StreamServer(m_path, [] {}), std::runtime_error);
  server.reset();
  EXPECT_FALSE(std::filesystem::exists(m_path));
}

TEST_F(StreamTest, AStaleSocketIsReplacedAndAnythingElseIsLeftAlone) {
  Listen();
  // A viewer that died leaves its socket: simulated by a bound socket nobody listens on.
  server.reset();
  {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, m_path.c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
    ::close(fd);
  }
  EXPECT_NO_THROW(Listen());
  server.reset();
  std::ofstream(m_path) << "not a socket";
  try {
    Listen();
    FAIL() << "listened over a regular file";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), m_path + ": exists and is not a socket");
  }
  EXPECT_TRUE(std::filesystem::exists(m_path));
}

// [SECTION] Streams beside an open file

TEST_F(StreamTest, ArrivingSequencesJoinAnOpenFilesListAndTheViewStaysWhereItWas) {
  Document file;
  file.source = "notes.json";
  for (const char* name : {"first", "second"}) {
    Sequence& sequence = file.sequences.emplace_back();
    sequence.name = name;
    for (int i = 0; i < 400; ++i) sequence.AppendToken(" word");
    sequence.channels.push_back({"act", std::vector<float>(400, 1.0f)});
  }
  session.ReplaceDocument(std::move(file));
  ingest = StreamIngest(false);
  session.SelectSequence(1);
  session.UpdateLayout(400, 200, GridGeometry{8, 16, 4, 0});
  session.ScrollTo(48);
  const int64_t scroll = session.ScrollPixels();
  ASSERT_GT(scroll, 0);
  Listen();
  std::atomic<bool> done{false};
  std::thread client_thread([&] {
    Client client(m_path);
    client.Hello();
    client.Send({{"type", "open"}, {"sequence", "first"}});
    client.Send({{"type", "append"}, {"sequence", "first"}, {"count", 2}, {"tokens", {"a", "b"}}, {"channels", {"act"}}},
                Floats({5, 6}));
    client.Send({{"type", "sync"}});
    client.Receive();
    done = true;
  });
  ASSERT_TRUE(TurnUntil([&] { return done.load(); }));
  client_thread.join();
  ASSERT_EQ(session.Doc().sequences.size(), 3u);
  EXPECT_EQ(session.Doc().sequences[2].name, "first (2)");  // the file's "first" keeps its name
  EXPECT_EQ(session.Doc().sequences[2].TokenCount(), 2u);
  EXPECT_EQ(session.Doc().source, "notes.json");
  // The view stays on the file's second sequence, where it was scrolled to.
  EXPECT_EQ(session.Settings().sequence, 1);
  session.UpdateLayout(400, 200, GridGeometry{8, 16, 4, 0});
  EXPECT_EQ(session.ScrollPixels(), scroll);
  EXPECT_EQ(session.ListedSequences().size(), 3u);
}

}  // namespace
}  // namespace th
