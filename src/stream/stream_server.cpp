#include "stream/stream_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace th {

// [SECTION] Connections

struct StreamServer::Connection {
  uint64_t id = 0;
  int fd = -1;
  StreamFrameDecoder decoder;
  StreamConnection protocol;
  std::string outgoing;  // reply frames not yet sent
};

namespace {

std::string ErrnoText() { return std::strerror(errno); }

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Sends what the socket takes now; the rest stays in `bytes`. False when the peer is gone.
bool SendSome(int fd, std::string& bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    bytes.erase(0, static_cast<size_t>(sent));
  }
  return true;
}

std::string ClientName(uint64_t id) { return "client " + std::to_string(id); }

}  // namespace

// [SECTION] Listening

std::string StreamServer::DefaultPath() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  const std::string directory = runtime && *runtime ? std::string(runtime) + "/tokenheat"
                                                    : "/tmp/tokenheat-" + std::to_string(::getuid());
  return directory + "/" + std::to_string(::getpid()) + ".sock";
}

StreamServer::StreamServer(std::string path, std::function<void()> wake, size_t max_queued_bytes)
    : m_path(std::move(path)), m_wake(std::move(wake)), m_max_queued_bytes(max_queued_bytes) {
  const auto fail = [&](const std::string& what) { throw std::runtime_error(m_path + ": " + what); };
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (m_path.empty() || m_path.size() >= sizeof(address.sun_path))
    fail("a socket path must be 1.." + std::to_string(sizeof(address.sun_path) - 1) + " bytes");
  std::memcpy(address.sun_path, m_path.c_str(), m_path.size() + 1);

  // Only the user may reach the directory: a socket's own mode is not honoured everywhere.
  const std::filesystem::path directory = std::filesystem::path(m_path).parent_path();
  if (!directory.empty()) {
    std::error_code error;
    if (std::filesystem::create_directories(directory, error))
      std::filesystem::permissions(directory, std::filesystem::perms::owner_all, error);
    if (error) fail("cannot make its directory: " + error.message());
  }
  // A socket left by a viewer that died is replaced; anything else there is not ours to remove.
  struct stat existing {};
  if (::lstat(m_path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) fail("exists and is not a socket");
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool live = probe >= 0 && ::connect(probe, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    if (probe >= 0) ::close(probe);
    if (live) fail("another viewer is listening there");
    ::unlink(m_path.c_str());
  }

  m_listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_listen_fd < 0) fail("socket: " + ErrnoText());
  // The socket is made 0600 from the start (umask), not changed after others could connect.
  const mode_t old_mask = ::umask(0177);
  const int bound = ::bind(m_listen_fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  ::umask(old_mask);
  if (bound != 0 || ::listen(m_listen_fd, 16) != 0) {
    const std::string why = ErrnoText();
    ::close(m_listen_fd);
    fail("cannot listen: " + why);
  }
  SetNonBlocking(m_listen_fd);
  if (::pipe2(m_wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    ::close(m_listen_fd);
    ::unlink(m_path.c_str());
    fail("pipe: " + ErrnoText());
  }
  m_thread = std::thread([this] { Run(); });
}

StreamServer::~StreamServer() {
  m_stop = true;
  WakeThread();
  m_thread.join();
  ::close(m_wake_pipe[0]);
  ::close(m_wake_pipe[1]);
  ::close(m_listen_fd);
  ::unlink(m_path.c_str());
}

// [SECTION] The main thread's side

std::vector<StreamServer::Arrival> StreamServer::TakeArrivals(size_t max_bytes) {
  std::vector<Arrival> taken;
  bool was_full = false;
  {
    std::lock_guard lock(m_mutex);
    was_full = m_queued_bytes >= m_max_queued_bytes;
    size_t bytes = 0;
    // Whole frames: a frame's events go together (the next frame starts with bytes > 0).
    while (!m_arrivals.empty() && !(m_arrivals.front().bytes > 0 && bytes > 0 && bytes + m_arrivals.front().bytes > max_bytes)) {
      bytes += m_arrivals.front().bytes;
      taken.push_back(std::move(m_arrivals.front()));
      m_arrivals.pop_front();
    }
    m_queued_bytes -= std::min(m_queued_bytes, bytes);
  }
  if (was_full) WakeThread();  // it stopped reading: there may be room again
  return taken;
}

bool StreamServer::Pending() const {
  std::lock_guard lock(m_mutex);
  return !m_arrivals.empty();
}

std::vector<StreamServer::Notice> StreamServer::TakeNotices() {
  std::lock_guard lock(m_mutex);
  return std::exchange(m_notices, {});
}

void StreamServer::Reply(uint64_t connection, std::string header) {
  {
    std::lock_guard lock(m_mutex);
    m_replies.emplace_back(connection, EncodeStreamFrame(header));
  }
  WakeThread();
}

void StreamServer::WakeThread() {
  const char byte = 1;
  [[maybe_unused]] const ssize_t written = ::write(m_wake_pipe[1], &byte, 1);  // a full pipe wakes it already
}

// [SECTION] The thread

void StreamServer::Queue(uint64_t connection, std::vector<StreamEvent> events, size_t bytes) {
  if (events.empty()) return;
  {
    std::lock_guard lock(m_mutex);
    m_queued_bytes += bytes;
    for (StreamEvent& event : events) {
      m_arrivals.push_back({connection, std::move(event), bytes});
      bytes = 0;  // the frame is counted on its first event
    }
  }
  m_wake();
}

void StreamServer::Notify(Notice notice) {
  {
    std::lock_guard lock(m_mutex);
    m_notices.push_back(std::move(notice));
  }
  m_wake();
}

void StreamServer::Drop(Connection& connection, const std::string& why, bool error) {
  if (error) {
    // Best effort: the client learns why before the socket closes, if it still reads.
    std::string frame = EncodeStreamFrame(ErrorHeader(why));
    connection.outgoing += frame;
    SendSome(connection.fd, connection.outgoing);
  }
  ::shutdown(connection.fd, SHUT_RDWR);
  Notify({connection.id, true, error, ClientName(connection.id) + ": " + why});
}

bool StreamServer::Read(Connection& connection) {
  // At most this much a turn, so that one fast client does not starve the others.
  constexpr size_t kTurnBytes = size_t{8} << 20;
  std::string& chunk = m_read_buffer;
  size_t read_this_turn = 0;
  while (read_this_turn < kTurnBytes) {
    const ssize_t received = ::recv(connection.fd, chunk.data(), chunk.size(), MSG_DONTWAIT);
    if (received < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      Drop(connection, "connection failed: " + ErrnoText(), true);
      return false;
    }
    if (received == 0) {
      if (connection.decoder.MidFrame()) {
        Drop(connection,
             "disconnected in the middle of a frame (" + std::to_string(connection.decoder.BufferedBytes()) +
                 " bytes of it dropped; what came before is kept)",
             true);
      } else {
        Notify({connection.id, true, false, ClientName(connection.id) + " disconnected"});
      }
      return false;
    }
    m_bytes_received += static_cast<uint64_t>(received);
    m_last_received = std::chrono::steady_clock::now().time_since_epoch().count();
    read_this_turn += static_cast<size_t>(received);
    try {
      connection.decoder.Feed(std::string_view(chunk.data(), static_cast<size_t>(received)));
      while (std::optional<StreamFrame> frame = connection.decoder.Next()) {
        ++m_frames_received;
        const bool greeted = connection.protocol.Greeted();
        std::vector<StreamEvent> events = connection.protocol.Consume(*frame);
        if (!greeted && connection.protocol.Greeted()) {
          connection.outgoing += EncodeStreamFrame(connection.protocol.WelcomeHeader());
          Notify({connection.id, false, false, ClientName(connection.id) + " connected"});
        }
        Queue(connection.id, std::move(events), frame->header.size() + frame->payload.size());
      }
    } catch (const StreamError& error) {
      Drop(connection, error.what(), true);
      return false;
    }
    if (!SendSome(connection.fd, connection.outgoing)) {
      Drop(connection, "the client stopped reading its replies", true);
      return false;
    }
    // The queue is full: the rest waits in the socket until the main thread takes the queue.
    std::lock_guard lock(m_mutex);
    if (m_queued_bytes >= m_max_queued_bytes) return true;
  }
  return true;
}

void StreamServer::Run() {
  std::vector<std::unique_ptr<Connection>> connections;
  uint64_t next_id = 1;
  m_read_buffer.assign(kReadChunkBytes, '\0');
  std::vector<pollfd> polled;
  while (!m_stop) {
    bool room = false;
    {
      std::lock_guard lock(m_mutex);
      room = m_queued_bytes < m_max_queued_bytes;
      for (auto& [id, frame] : m_replies)
        for (auto& connection : connections)
          if (connection->id == id) connection->outgoing += frame;
      m_replies.clear();
    }
    polled.assign({{m_wake_pipe[0], POLLIN, 0}, {m_listen_fd, POLLIN, 0}});
    for (const auto& connection : connections) {
      short events = room ? POLLIN : 0;
      if (!connection->outgoing.empty()) events |= POLLOUT;
      polled.push_back({connection->fd, events, 0});
    }
    if (::poll(polled.data(), polled.size(), -1) < 0 && errno != EINTR) break;
    if (polled[0].revents & POLLIN) {
      char drained[64];
      while (::read(m_wake_pipe[0], drained, sizeof(drained)) > 0) {
      }
    }
    if (polled[1].revents & POLLIN) {
      while (true) {
        const int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) break;
        if (connections.size() >= kMaxConnections) {
          std::string refusal = EncodeStreamFrame(ErrorHeader(
              "the viewer has " + std::to_string(kMaxConnections) + " connections open already"));
          SendSome(fd, refusal);
          ::close(fd);
          continue;
        }
        auto connection = std::make_unique<Connection>();
        connection->id = next_id++;
        connection->fd = fd;
        connections.push_back(std::move(connection));
        ++m_open_connections;
      }
    }
    // polled[2 + i] is connections[i] (accepted ones come after and are polled next turn).
    const size_t polled_connections = polled.size() - 2;
    std::vector<bool> ended(connections.size(), false);
    for (size_t i = 0; i < polled_connections; ++i) {
      Connection& connection = *connections[i];
      const short revents = polled[2 + i].revents;
      if ((revents & POLLOUT) && !SendSome(connection.fd, connection.outgoing)) {
        Drop(connection, "the client stopped reading its replies", true);
        ended[i] = true;
      } else if (revents & (POLLIN | POLLHUP | POLLERR)) {
        ended[i] = !Read(connection);
      }
    }
    for (size_t i = connections.size(); i-- > 0;)
      if (ended[i]) {
        ::close(connections[i]->fd);
        connections.erase(connections.begin() + static_cast<std::ptrdiff_t>(i));
        --m_open_connections;
      }
  }
  for (const auto& connection : connections) ::close(connection->fd);
}

}  // namespace th
