#pragma once
// The viewer's end of the live stream (docs/streaming-protocol.md): a Unix-domain socket that
// clients (a notebook, a generation loop) connect to and send tokens and values through. One
// background thread accepts and reads every connection, decodes and checks their frames
// (core/stream_protocol.hpp) and queues what they ask for; the main thread takes the queue once a
// frame and applies it to the session (stream_ingest.hpp). The queue is bounded: while it is full
// the thread stops reading, so a client sending faster than the viewer draws waits in its own
// send, and the viewer never waits for a client. The thread touches no GL, GLFW or ImGui: it wakes
// the main loop through the callback it is given.
// POSIX only (socket, poll); no GL.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/stream_protocol.hpp"

namespace th {

class StreamServer {
 public:
  // What arrived from one connection, in the order it was sent.
  struct Arrival {
    uint64_t connection = 0;  // 1, 2, ...: the order clients connected in
    StreamEvent event;
    size_t bytes = 0;         // its frame's size (on the frame's first event; 0 on the others)
  };
  // A line for the viewer to show: a client connected, left, or was dropped for a malformed frame.
  struct Notice {
    uint64_t connection = 0;
    bool ended = false;  // the connection is gone: its sequences get no more tokens
    bool error = false;  // a malformed frame or a connection cut mid-frame
    std::string text;    // "client 2: frame 12 (append): ids[3] = 70000 is not below the vocabulary's 50257 entries"
  };
  // What the main loop applies a frame, and what the reader thread holds before it stops reading
  // (the rest waits in the sockets): the same, so that a flood of tokens costs frames of bounded
  // length, never one long stall, while what arrived last is never more than a frame's worth
  // behind: the frame after the one that ends when it is read shows it.
  static constexpr size_t kFrameBytes = size_t{1} << 20;
  static constexpr size_t kMaxQueuedBytes = kFrameBytes;
  static constexpr size_t kMaxConnections = kMaxStreamConnections;

  // The default socket: $XDG_RUNTIME_DIR/tokenheat/<pid>.sock, else /tmp/tokenheat-<uid>/<pid>.sock.
  static std::string DefaultPath();
  // Listens on path (its directory made, mode 0700, when missing; a stale socket there replaced;
  // the socket mode 0600) and starts the thread; throws std::runtime_error naming the path.
  // wake is called from the thread whenever something arrives (the main loop's wake-up).
  // max_queued_bytes: what the queue holds before the thread stops reading (tests make it small).
  StreamServer(std::string path, std::function<void()> wake, size_t max_queued_bytes = kMaxQueuedBytes);
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;
  // Stops the thread, closes every connection and removes the socket.
  ~StreamServer();

  const std::string& Path() const { return m_path; }
  // What was queued, oldest first, frame by frame up to max_bytes of frames (at least one frame);
  // the thread reads on once the queue has room.
  std::vector<Arrival> TakeArrivals(size_t max_bytes = SIZE_MAX);
  // Whether arrivals wait to be taken (more than a frame's budget came).
  bool Pending() const;
  std::vector<Notice> TakeNotices();
  // Sends a reply frame (synced) to a connection, if it is still open; never waits for it.
  void Reply(uint64_t connection, std::string header);
  // Connections open now.
  size_t Connections() const { return m_open_connections.load(); }
  // Bytes and frames received so far, over all connections.
  uint64_t BytesReceived() const { return m_bytes_received.load(); }
  uint64_t FramesReceived() const { return m_frames_received.load(); }
  // When the last byte arrived (steady clock), for latency measurements.
  std::chrono::steady_clock::time_point LastReceived() const {
    return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(m_last_received.load()));
  }

 private:
  struct Connection;
  void Run();
  // Reads what the socket has; false when the connection ended (closed, or dropped for an error).
  bool Read(Connection& connection);
  void Drop(Connection& connection, const std::string& why, bool error);
  void Queue(uint64_t connection, std::vector<StreamEvent> events, size_t bytes);
  void Notify(Notice notice);
  void WakeThread();

  std::string m_path;
  std::function<void()> m_wake;
  size_t m_max_queued_bytes;
  int m_listen_fd = -1;
  int m_wake_pipe[2] = {-1, -1};  // the main thread writes a byte to make the thread's poll return
  // The thread's own: what one recv may bring, made once rather than at every read.
  static constexpr size_t kReadChunkBytes = size_t{1} << 20;
  std::string m_read_buffer;

  mutable std::mutex m_mutex;  // guards what follows, up to the thread
  std::deque<Arrival> m_arrivals;
  std::vector<Notice> m_notices;
  size_t m_queued_bytes = 0;
  std::vector<std::pair<uint64_t, std::string>> m_replies;  // frames for the thread to send
  std::atomic<bool> m_stop{false};
  std::atomic<size_t> m_open_connections{0};
  std::atomic<uint64_t> m_bytes_received{0};
  std::atomic<uint64_t> m_frames_received{0};
  std::atomic<std::chrono::steady_clock::rep> m_last_received{0};
  std::thread m_thread;
};

}  // namespace th
