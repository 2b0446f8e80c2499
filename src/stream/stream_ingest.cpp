#include "stream/stream_ingest.hpp"

#include <algorithm>
#include <limits>

namespace th {

namespace {

constexpr float kNoValue = std::numeric_limits<float>::quiet_NaN();

// name, or name (2), name (3)...: the first that no sequence of the document has.
std::string UniqueName(const Document& document, const std::string& name) {
  const auto taken = [&](const std::string& candidate) {
    return std::any_of(document.sequences.begin(), document.sequences.end(),
                       [&](const Sequence& sequence) { return sequence.name == candidate; });
  };
  std::string candidate = name;
  for (int suffix = 2; taken(candidate); ++suffix) candidate = name + " (" + std::to_string(suffix) + ")";
  return candidate;
}

// The channel named `name`, added with no value for the sequence's tokens when it lacks it.
Channel& ChannelNamed(Sequence& sequence, const std::string& name) {
  const int index = sequence.FindChannel(name);
  if (index >= 0) return sequence.channels[static_cast<size_t>(index)];
  Channel& added = sequence.channels.emplace_back();
  added.name = name;
  added.values.resize(sequence.TokenCount(), kNoValue);
  return added;
}

}  // namespace

Document StreamIngest::WaitingDocument(const std::string& socket_path) {
  Document document;
  document.source = "stream " + socket_path;
  document.sequences.emplace_back().name = "waiting for a stream";
  return document;
}

bool StreamIngest::Growing(size_t index) const {
  return std::any_of(m_sequences.begin(), m_sequences.end(),
                     [&](const StreamedSequence& sequence) { return sequence.index == index && sequence.open; });
}

StreamIngest::StreamedSequence* StreamIngest::Find(uint64_t connection, const std::string& name) {
  for (StreamedSequence& sequence : m_sequences)
    if (sequence.connection == connection && sequence.client_name == name) return &sequence;
  return nullptr;
}

void StreamIngest::ConnectionEnded(uint64_t connection) {
  for (StreamedSequence& sequence : m_sequences)
    if (sequence.connection == connection) sequence.open = false;
}

void StreamIngest::ApplyEvent(Document& document, uint64_t connection, const StreamEvent& event, size_t current,
                              Applied& applied) {
  const auto grown_from = [&](size_t index, uint64_t first_token) {
    for (const Applied::Grown& grown : applied.grown)
      if (grown.sequence == index) return;
    applied.grown.push_back({index, first_token});
  };
  if (event.kind == StreamEvent::Kind::kOpen) {
    // The first sequence to arrive takes the waiting document's place.
    if (m_waiting) {
      document.sequences.clear();
      m_waiting = false;
    }
    Sequence& added = document.sequences.emplace_back();
    added.name = UniqueName(document, event.sequence);
    for (const std::string& channel : event.channels) ChannelNamed(added, channel);
    m_sequences.push_back({connection, event.sequence, document.sequences.size() - 1, true});
    grown_from(document.sequences.size() - 1, 0);
    return;
  }
  // The protocol (StreamConnection) let through only events for sequences it saw opened.
  StreamedSequence* streamed = Find(connection, event.sequence);
  if (!streamed) return;
  Sequence& sequence = document.sequences[streamed->index];
  switch (event.kind) {
    case StreamEvent::Kind::kAppend: {
      const size_t before = sequence.TokenCount();
      // Channels first, while the token count is still the one before: a new one gets no value there.
      for (size_t c = 0; c < event.channels.size(); ++c) {
        Channel& channel = ChannelNamed(sequence, event.channels[c]);
        channel.values.reserve(before + event.tokens.size());
        for (const float value : event.values[c]) channel.values.push_back(value);
      }
      for (size_t i = 0; i < event.tokens.size(); ++i)
        sequence.AppendStreamedToken(event.tokens[i], event.raw.empty() ? std::string_view() : event.raw[i],
                                     event.flags.empty() ? 0 : event.flags[i]);
      // Ids are kept while every token so far came with one.
      if (!event.ids.empty() && sequence.TokenIds().size() == before) {
        for (const int32_t id : event.ids) sequence.AppendTokenId(id);
      } else if (!sequence.TokenIds().empty()) {
        sequence.SetTokenIds({});
      }
      // Channels the append did not list: no value for its tokens.
      for (Channel& channel : sequence.channels) channel.values.resize(sequence.TokenCount(), kNoValue);
      grown_from(streamed->index, before);
      applied.tokens += event.tokens.size();
      if (streamed->index == current) applied.current_sequence_tokens += event.tokens.size();
      break;
    }
    case StreamEvent::Kind::kUpdate:
      for (size_t c = 0; c < event.channels.size(); ++c) {
        const std::span<float> values = ChannelNamed(sequence, event.channels[c]).values.Owned();
        std::copy(event.values[c].begin(), event.values[c].end(), values.begin() + static_cast<std::ptrdiff_t>(event.start));
      }
      break;
    case StreamEvent::Kind::kClose:
      streamed->open = false;
      break;
    case StreamEvent::Kind::kOpen:
    case StreamEvent::Kind::kSync:
      break;
  }
}

StreamIngest::Applied StreamIngest::Apply(Session& session, std::vector<StreamServer::Arrival> arrivals,
                                          StreamServer& server) {
  Applied applied;
  // A sync is answered once everything sent before it is in: after the edit, with the counts as
  // of the sync frame (appends after it in the same batch are not part of them).
  std::vector<std::pair<uint64_t, std::string>> syncs;
  bool updates = false;
  for (const StreamServer::Arrival& arrival : arrivals) {
    if (arrival.event.kind == StreamEvent::Kind::kSync)
      syncs.emplace_back(arrival.connection, SyncedHeader(arrival.event.sync_id, arrival.event.sequence_tokens));
    else
      applied.changed = true;
    updates = updates || arrival.event.kind == StreamEvent::Kind::kUpdate;
  }
  if (applied.changed) {
    const bool was_waiting = m_waiting;
    const auto current = static_cast<size_t>(session.Settings().sequence);
    const auto apply_all = [&](Document& document) {
      for (const StreamServer::Arrival& arrival : arrivals)
        if (arrival.event.kind != StreamEvent::Kind::kSync)
          ApplyEvent(document, arrival.connection, arrival.event, current, applied);
    };
    // Replacing the waiting document is not an append.
    session.EditDocument(apply_all, was_waiting ? Session::Edit::kAny
                                    : updates   ? Session::Edit::kValues
                                                : Session::Edit::kAppend);
    applied.first_data = was_waiting && !m_waiting;
  }
  for (auto& [connection, header] : syncs) server.Reply(connection, std::move(header));
  return applied;
}

}  // namespace th
