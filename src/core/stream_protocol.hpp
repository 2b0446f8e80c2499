#pragma once
// The live stream protocol's core (docs/streaming-protocol.md), without sockets or threads: frames
// cut from a connection's bytes in any chunking, each frame checked against the spec and against
// what the connection sent before, and turned into events that the main thread applies to the
// document with no further checks. The server feeds bytes in, sends the replies built here and
// closes the connection at the first StreamError, whose what() is the `error` frame's message.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/document.hpp"
#include "core/token_decoding.hpp"

namespace th {

// [SECTION] Limits

inline constexpr int kStreamProtocolVersion = 1;
inline constexpr size_t kFramePrefixBytes = 8;  // header_bytes, payload_bytes: uint32 little-endian each
inline constexpr uint32_t kMinHeaderBytes = 2;  // "{}"
// 16 MiB rather than 1 MiB: a vocabulary travels in its header, and a 128k-entry byte-level one as
// Python's json.dumps writes it ("\u0120the") is larger than 1 MiB.
inline constexpr uint32_t kMaxHeaderBytes = 16u << 20;
inline constexpr uint32_t kMaxPayloadBytes = 256u << 20;
inline constexpr size_t kMaxSequencesPerConnection = 1024;
inline constexpr size_t kMaxChannelsPerConnection = 64;  // distinct channel names over all its sequences
inline constexpr size_t kMaxNameBytes = 256;             // sequence and channel names, 1 ..= this
inline constexpr size_t kMaxVocabulary = 4194304;
inline constexpr size_t kMaxStreamConnections = 16;

// A malformed frame or one the connection's state forbids: what() is one line, "frame N (type):
// what", ready for the `error` frame and the viewer's message.
struct StreamError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// [SECTION] Frames

struct StreamFrame {
  std::string header;   // one JSON object, not yet parsed
  std::string payload;  // raw bytes
};

// The bytes of one frame. Throws StreamError when a length is out of range.
std::string EncodeStreamFrame(std::string_view header_json, std::string_view payload = {});

// Cuts frames out of a byte stream arriving in any chunking.
class StreamFrameDecoder {
 public:
  void Feed(std::string_view bytes);
  // The next complete frame, in order, or nullopt until more bytes arrive. Throws StreamError
  // ("frame N: header_bytes is 0, not 2 ..= 16777216") as soon as a frame's lengths are read and
  // out of range: the rest of the stream cannot be cut into frames.
  std::optional<StreamFrame> Next();
  // Bytes fed but not yet returned in a frame.
  size_t BufferedBytes() const { return m_buffer.size() - m_offset; }
  // Whether part of a frame is buffered: a disconnect now cut a frame short.
  bool MidFrame() const { return BufferedBytes() > 0; }

 private:
  std::string m_buffer;
  size_t m_offset = 0;  // where the next frame starts in m_buffer
  uint64_t m_frames = 0;
};

// [SECTION] Events

// What a valid frame asks the viewer to do, checked and decoded.
struct StreamEvent {
  enum class Kind { kOpen, kAppend, kUpdate, kClose, kSync };
  Kind kind = Kind::kOpen;
  std::string sequence;  // the client's name for it (kOpen, kAppend, kUpdate, kClose)
  // kAppend: each token's decoded text; raw: the tokenizer's strings when decoding changed any
  // (empty otherwise); flags: TokenFlags bits (kTokenSpecial) when any token has one (else empty);
  // ids: when the tokens were sent as ids.
  std::vector<std::string> tokens;
  std::vector<std::string> raw;
  std::vector<uint8_t> flags;
  std::vector<int32_t> ids;
  // kOpen: the channels declared; kAppend, kUpdate: the channels in the payload, in its order. A
  // name the sequence did not have yet is a new channel (no value for the tokens before).
  std::vector<std::string> channels;
  std::vector<std::vector<float>> values;  // per entry of channels, count values each
  uint64_t start = 0;  // kAppend: the tokens before this append; kUpdate: the first token replaced
  uint64_t count = 0;  // kAppend, kUpdate: how many tokens
  // kSync: the id as sent (nullopt for none or null), and each sequence's tokens appended up to
  // this frame, for the `synced` reply once the main thread has applied every earlier event.
  std::optional<int64_t> sync_id;
  std::vector<std::pair<std::string, uint64_t>> sequence_tokens;
};

// [SECTION] Connection

// One connection's state: checks each frame against the spec and what came before (hello first,
// sequences open, updates within the tokens appended, ids within the vocabulary, payload sizes,
// limits), keeps the vocabulary, the channel names used and, per sequence, its token count, closed
// flag and encoding. A frame that fails changes nothing.
class StreamConnection {
 public:
  // The events of one frame, in order (none for hello and vocabulary). Throws StreamError "frame N
  // (type): what", N counting every frame given so far from 1; "frame N: what" while the type is
  // unknown.
  std::vector<StreamEvent> Consume(const StreamFrame& frame);

  // Whether hello was received: the server then sends WelcomeHeader().
  bool Greeted() const { return m_greeted; }
  const std::string& ClientName() const { return m_client; }  // hello's "client", or empty
  // {"type":"welcome","protocol":1,"viewer":"tokenheat VERSION"}
  std::string WelcomeHeader() const;
  // Tokens appended so far to the sequence the client calls this, 0 when there is none.
  uint64_t Tokens(std::string_view sequence) const;
  // Every sequence opened, in the order opened, with its tokens appended so far.
  std::vector<std::pair<std::string, uint64_t>> SequenceTokens() const;

 private:
  struct SequenceState {
    uint64_t tokens = 0;
    bool closed = false;
    // Text tokens' encoding: open's, or while kAuto detected from each append until one shows it.
    TokenEncoding encoding = TokenEncoding::kAuto;
    bool ends_with_special = false;  // the next token starts a word (WordPiece)
  };
  struct Vocabulary {
    StringTable entries;  // the tokenizer's strings
    TokenEncoding encoding = TokenEncoding::kDecoded;
  };

  class FrameHeader;  // the parsed header with its members' checks

  [[noreturn]] void Fail(const std::string& what) const;
  void ConsumeHello(const FrameHeader& header, std::string_view payload);
  void ConsumeVocabulary(const FrameHeader& header, std::string_view payload);
  StreamEvent ConsumeOpen(const FrameHeader& header, std::string_view payload);
  StreamEvent ConsumeAppend(const FrameHeader& header, std::string_view payload);
  StreamEvent ConsumeUpdate(const FrameHeader& header, std::string_view payload);
  StreamEvent ConsumeClose(const FrameHeader& header, std::string_view payload);
  StreamEvent ConsumeSync(const FrameHeader& header, std::string_view payload);
  // The sequence of this name, which must be open and not closed.
  SequenceState& OpenSequence(const std::string& name);
  // The header's "channels" (absent: none): names checked, none twice, and the connection's
  // distinct names within the limit once the new ones are added.
  std::vector<std::string> Channels(const FrameHeader& header, bool required) const;
  void CheckPayloadSize(std::string_view payload, uint64_t expected) const;

  uint64_t m_frame = 0;        // frames given to Consume so far
  std::string_view m_type;     // the current frame's type, while known
  bool m_greeted = false;
  std::string m_client;
  std::optional<Vocabulary> m_vocabulary;
  std::map<std::string, SequenceState, std::less<>> m_sequences;
  std::vector<std::string> m_open_order;
  std::set<std::string, std::less<>> m_channel_names;  // over every sequence, for the limit
};

// [SECTION] Replies: header JSON for EncodeStreamFrame, every string escaped.

// {"type":"synced","id":ID or null,"tokens":{NAME: TOKENS, ...}}
std::string SyncedHeader(std::optional<int64_t> id, const std::vector<std::pair<std::string, uint64_t>>& tokens);
// {"type":"error","message":MESSAGE}
std::string ErrorHeader(std::string_view message);

}  // namespace th
