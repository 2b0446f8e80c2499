#pragma once
// What a live stream's clients sent, applied to the session on the main thread once a frame
// (stream_server.hpp queues it): each client's sequences join the document's list under their
// own names, tokens and values are appended to them, values updated in place. Everything that
// arrived for a frame is one edit of the document (Session::EditDocument), so the view is derived
// again once a frame however many frames came. GL-free and ImGui-free.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "session/session.hpp"
#include "stream/stream_server.hpp"

namespace th {

class StreamIngest {
 public:
  // The document `tokenheat --listen` shows before anything arrives: one empty sequence, which
  // the first sequence that arrives replaces.
  static Document WaitingDocument(const std::string& socket_path);
  // waiting: the session shows WaitingDocument.
  explicit StreamIngest(bool waiting) : m_waiting(waiting) {}

  struct Applied {
    uint64_t tokens = 0;                 // tokens appended, over every sequence
    uint64_t current_sequence_tokens = 0;  // of those, appended to the sequence shown
    bool changed = false;                // the document changed
    bool first_data = false;             // the waiting document was replaced: the view options apply now
    // The sequences opened or appended to, each once, and their first new token: what the panels
    // may have to find glyphs for (their name and new text), never the whole document again.
    struct Grown {
      size_t sequence = 0;
      uint64_t first_token = 0;
    };
    std::vector<Grown> grown;
  };
  // Applies arrivals in order; answers their syncs through server once they are in.
  Applied Apply(Session& session, std::vector<StreamServer::Arrival> arrivals, StreamServer& server);
  // A connection that ended closes its sequences (they keep what arrived).
  void ConnectionEnded(uint64_t connection);

  struct StreamedSequence {
    uint64_t connection = 0;
    std::string client_name;  // the name the client gave it
    size_t index = 0;         // in the document
    bool open = true;         // still receiving: its statistics and range are still moving
  };
  const std::vector<StreamedSequence>& Sequences() const { return m_sequences; }
  // Whether the document's sequence `index` still receives tokens.
  bool Growing(size_t index) const;

 private:
  StreamedSequence* Find(uint64_t connection, const std::string& name);
  // Applies one event other than a sync to the document (inside the session's edit); `current` is
  // the sequence shown.
  void ApplyEvent(Document& document, uint64_t connection, const StreamEvent& event, size_t current, Applied& applied);

  bool m_waiting;
  std::vector<StreamedSequence> m_sequences;
};

}  // namespace th
