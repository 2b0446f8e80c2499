#include "core/stream_protocol.hpp"

#include <algorithm>
#include <bit>
#include <iterator>
#include <limits>

#include "core/json_parse.hpp"
#include "core/utf8.hpp"

namespace th {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kTypes[] = {"hello", "open", "vocabulary", "append", "update", "close", "sync"};

// Client strings quoted in messages are cut to this many bytes, so that a message stays a line.
constexpr size_t kQuotedBytes = 64;

// Frames that the decoder has handed out no longer hold this much memory once it is empty.
constexpr size_t kKeptBufferBytes = 1 << 20;

// Bytes already handed out are dropped from the buffer's front once there are this many, and as
// many as stay, so that feeding byte by byte moves each byte a bounded number of times.
constexpr size_t kCompactBytes = 1 << 16;

uint32_t LoadU32(const char* p) {
  const auto byte = [&](int i) { return static_cast<uint32_t>(static_cast<unsigned char>(p[i])); };
  return byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
}

void StoreU32(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

std::string Dump(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A client's string in a message: JSON-quoted (so that control characters cannot break the
// line), cut at a character boundary when long.
std::string Quoted(std::string_view text) {
  if (text.size() <= kQuotedBytes) return Dump(std::string(text));
  return Dump(std::string(CutAtCharacter(text, kQuotedBytes))) + "...";
}

// A value that has the wrong type, for "... must be X, not <this>".
std::string Describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    case Json::value_t::null: return "null";
    default: return Dump(value);  // numbers and booleans, short
  }
}

// "header_bytes is 0, not 2 ..= 16777216", or empty when both lengths are in range.
std::string LengthProblem(uint64_t header_bytes, uint64_t payload_bytes) {
  if (header_bytes < kMinHeaderBytes || header_bytes > kMaxHeaderBytes)
    return "header_bytes is " + std::to_string(header_bytes) + ", not " + std::to_string(kMinHeaderBytes) +
           " ..= " + std::to_string(kMaxHeaderBytes);
  if (payload_bytes > kMaxPayloadBytes)
    return "payload_bytes is " + std::to_string(payload_bytes) + ", not 0 ..= " + std::to_string(kMaxPayloadBytes);
  return {};
}

std::optional<TokenEncoding> ParseEncoding(std::string_view name) {
  if (name == "auto") return TokenEncoding::kAuto;
  if (name == "decoded") return TokenEncoding::kDecoded;
  if (name == "byte-level") return TokenEncoding::kByteLevel;
  if (name == "sentencepiece") return TokenEncoding::kSentencePiece;
  if (name == "wordpiece") return TokenEncoding::kWordPiece;
  return std::nullopt;
}

// A payload read front to back as little-endian 4-byte numbers; its size was checked before.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view payload) : m_payload(payload) {}
  uint32_t Next() {
    const uint32_t value = LoadU32(m_payload.data() + m_offset);
    m_offset += 4;
    return value;
  }
  std::vector<float> Floats(uint64_t count) {
    std::vector<float> values(count);
    for (float& value : values) value = std::bit_cast<float>(Next());
    return values;
  }

 private:
  std::string_view m_payload;
  size_t m_offset = 0;
};

}  // namespace

// [SECTION] Frames

std::string EncodeStreamFrame(std::string_view header_json, std::string_view payload) {
  if (const std::string problem = LengthProblem(header_json.size(), payload.size()); !problem.empty())
    throw StreamError("cannot encode a frame: " + problem);
  std::string frame;
  frame.reserve(kFramePrefixBytes + header_json.size() + payload.size());
  StoreU32(frame, static_cast<uint32_t>(header_json.size()));
  StoreU32(frame, static_cast<uint32_t>(payload.size()));
  frame.append(header_json);
  frame.append(payload);
  return frame;
}

void StreamFrameDecoder::Feed(std::string_view bytes) {
  if (m_offset >= kCompactBytes && m_offset * 2 >= m_buffer.size()) {
    m_buffer.erase(0, m_offset);
    m_offset = 0;
  }
  m_buffer.append(bytes);
}

std::optional<StreamFrame> StreamFrameDecoder::Next() {
  if (BufferedBytes() < kFramePrefixBytes) return std::nullopt;
  const char* prefix = m_buffer.data() + m_offset;
  const uint32_t header_bytes = LoadU32(prefix);
  const uint32_t payload_bytes = LoadU32(prefix + 4);
  if (const std::string problem = LengthProblem(header_bytes, payload_bytes); !problem.empty())
    throw StreamError("frame " + std::to_string(m_frames + 1) + ": " + problem);
  const size_t frame_bytes = kFramePrefixBytes + size_t{header_bytes} + payload_bytes;
  if (BufferedBytes() < frame_bytes) return std::nullopt;
  StreamFrame frame{m_buffer.substr(m_offset + kFramePrefixBytes, header_bytes),
                    m_buffer.substr(m_offset + kFramePrefixBytes + header_bytes, payload_bytes)};
  m_offset += frame_bytes;
  ++m_frames;
  if (m_offset == m_buffer.size()) {
    // A large frame's buffer is released rather than kept for a connection that may send no more.
    if (m_buffer.capacity() > kKeptBufferBytes) std::string().swap(m_buffer);
    else m_buffer.clear();
    m_offset = 0;
  }
  return frame;
}

// [SECTION] A frame's header and its members' checks

class StreamConnection::FrameHeader {
 public:
  FrameHeader(const StreamConnection& connection, Json json) : m_connection(connection), m_json(std::move(json)) {}

  // A member that the type does not define is an error: a misspelt optional member would
  // otherwise be ignored without a word.
  void AllowOnly(std::initializer_list<std::string_view> members) const {
    for (const auto& [key, value] : m_json.items())
      if (key != "type" && std::find(members.begin(), members.end(), key) == members.end())
        Fail("unknown member " + Quoted(key));
  }

  const Json* Find(std::string_view member) const {
    const auto found = m_json.find(std::string(member));
    return found == m_json.end() ? nullptr : &*found;
  }

  const Json& Required(std::string_view member) const {
    const Json* value = Find(member);
    if (!value) Fail(Quoted(member) + " is missing");
    return *value;
  }

  std::string String(std::string_view member) const {
    const Json& value = Required(member);
    if (!value.is_string()) Fail(Quoted(member) + " must be a string, not " + Describe(value));
    return value.get<std::string>();
  }

  // A sequence's name, 1 ..= kMaxNameBytes.
  std::string Name(std::string_view member) const {
    std::string name = String(member);
    if (name.empty() || name.size() > kMaxNameBytes)
      Fail(Quoted(member) + " is " + std::to_string(name.size()) +
           " bytes, not 1 ..= " + std::to_string(kMaxNameBytes));
    return name;
  }

  uint64_t WholeNumber(std::string_view member, uint64_t min) const {
    const Json& value = Required(member);
    // nlohmann reads every non-negative integer as unsigned; negative ones and fractions are not.
    if (!value.is_number_unsigned() || value.get<uint64_t>() < min)
      Fail(Quoted(member) + " must be a whole number >= " + std::to_string(min) + ", not " + Describe(value));
    return value.get<uint64_t>();
  }

  bool OptionalFlag(std::string_view member) const {
    const Json* value = Find(member);
    if (!value) return false;
    if (!value->is_boolean()) Fail(Quoted(member) + " must be true or false, not " + Describe(*value));
    return value->get<bool>();
  }

  TokenEncoding Encoding() const {
    const Json* value = Find("encoding");
    if (!value) return TokenEncoding::kAuto;
    const std::optional<TokenEncoding> encoding =
        value->is_string() ? ParseEncoding(value->get_ref<const std::string&>()) : std::nullopt;
    if (!encoding)
      Fail("\"encoding\" must be \"auto\", \"decoded\", \"byte-level\", \"sentencepiece\" or \"wordpiece\", not " +
           (value->is_string() ? Quoted(value->get_ref<const std::string&>()) : Describe(*value)));
    return *encoding;
  }

  // The member's entries, each a string, handed to each(index, text) in order; returns how many.
  template <typename Each>
  size_t Strings(std::string_view member, const Each& each) const {
    const Json& value = Required(member);
    if (!value.is_array()) Fail(Quoted(member) + " must be an array of strings, not " + Describe(value));
    for (size_t i = 0; i < value.size(); ++i) {
      if (!value[i].is_string())
        Fail("entry " + std::to_string(i) + " of " + Quoted(member) + " must be a string, not " + Describe(value[i]));
      each(i, std::string_view(value[i].get_ref<const std::string&>()));
    }
    return value.size();
  }

  [[noreturn]] void Fail(const std::string& what) const { m_connection.Fail(what); }

 private:
  const StreamConnection& m_connection;
  Json m_json;
};

// [SECTION] Connection

void StreamConnection::Fail(const std::string& what) const {
  const std::string frame = "frame " + std::to_string(m_frame);
  throw StreamError(m_type.empty() ? frame + ": " + what : frame + " (" + std::string(m_type) + "): " + what);
}

std::vector<StreamEvent> StreamConnection::Consume(const StreamFrame& frame) {
  ++m_frame;
  m_type = {};
  Json json;
  try {
    json = ParseJson(frame.header, "header");
  } catch (const LoadError& error) {
    Fail(error.what());
  }
  if (!json.is_object()) Fail("the header must be a JSON object, not " + Describe(json));
  const auto type = json.find("type");
  if (type == json.end()) Fail("the header has no \"type\"");
  if (!type->is_string()) Fail("\"type\" must be a string, not " + Describe(*type));
  const auto known = std::find(std::begin(kTypes), std::end(kTypes), type->get_ref<const std::string&>());
  if (known == std::end(kTypes)) Fail("unknown type " + Quoted(type->get_ref<const std::string&>()));
  m_type = *known;
  if (!m_greeted && m_type != "hello") Fail("the first frame must be hello");
  const FrameHeader header(*this, std::move(json));
  if (m_type == "hello") {
    ConsumeHello(header, frame.payload);
    return {};
  }
  if (m_type == "vocabulary") {
    ConsumeVocabulary(header, frame.payload);
    return {};
  }
  std::vector<StreamEvent> events;
  if (m_type == "open") events.push_back(ConsumeOpen(header, frame.payload));
  else if (m_type == "append") events.push_back(ConsumeAppend(header, frame.payload));
  else if (m_type == "update") events.push_back(ConsumeUpdate(header, frame.payload));
  else if (m_type == "close") events.push_back(ConsumeClose(header, frame.payload));
  else events.push_back(ConsumeSync(header, frame.payload));
  return events;
}

void StreamConnection::ConsumeHello(const FrameHeader& header, std::string_view payload) {
  if (m_greeted) Fail("hello was already received");
  header.AllowOnly({"protocol", "client"});
  const Json& protocol = header.Required("protocol");
  if (!protocol.is_number_integer()) Fail("\"protocol\" must be a whole number, not " + Describe(protocol));
  if (!protocol.is_number_unsigned() || protocol.get<uint64_t>() != kStreamProtocolVersion)
    Fail("protocol " + Dump(protocol) + " is not supported: this viewer speaks protocol " +
         std::to_string(kStreamProtocolVersion));
  std::string client = header.Find("client") ? header.String("client") : std::string();
  CheckPayloadSize(payload, 0);
  m_greeted = true;
  m_client = std::move(client);
}

StreamEvent StreamConnection::ConsumeOpen(const FrameHeader& header, std::string_view payload) {
  header.AllowOnly({"sequence", "channels", "encoding"});
  std::string name = header.Name("sequence");
  const TokenEncoding encoding = header.Encoding();
  std::vector<std::string> channels = Channels(header, false);
  CheckPayloadSize(payload, 0);
  if (const auto found = m_sequences.find(name); found != m_sequences.end())
    Fail("sequence " + Quoted(name) + (found->second.closed ? " was opened and closed before" : " is already open"));
  if (m_sequences.size() >= kMaxSequencesPerConnection)
    Fail("a connection may open at most " + std::to_string(kMaxSequencesPerConnection) + " sequences");
  SequenceState& sequence = m_sequences[name];
  sequence.encoding = encoding;
  m_channel_names.insert(channels.begin(), channels.end());
  m_open_order.push_back(name);
  StreamEvent event;
  event.kind = StreamEvent::Kind::kOpen;
  event.sequence = std::move(name);
  event.channels = std::move(channels);
  return event;
}

void StreamConnection::ConsumeVocabulary(const FrameHeader& header, std::string_view payload) {
  header.AllowOnly({"tokens", "encoding"});
  const TokenEncoding encoding = header.Encoding();
  Vocabulary vocabulary;
  const size_t entries = header.Strings("tokens", [&](size_t index, std::string_view token) {
    if (index >= kMaxVocabulary) Fail("a vocabulary has at most " + std::to_string(kMaxVocabulary) + " entries");
    vocabulary.entries.Append(token);
  });
  CheckPayloadSize(payload, 0);
  vocabulary.encoding = encoding;
  if (encoding == TokenEncoding::kAuto) {
    // DetectTokenEncoding reads a bounded sample of a sequence's tokens.
    Sequence sample;
    for (size_t id = 0; id < entries; ++id) sample.AppendToken(vocabulary.entries.At(id));
    vocabulary.encoding = DetectTokenEncoding(sample);
  }
  // A later vocabulary replaces this one for the appends after it; tokens sent before keep their text.
  m_vocabulary = std::move(vocabulary);
}

StreamEvent StreamConnection::ConsumeAppend(const FrameHeader& header, std::string_view payload) {
  header.AllowOnly({"sequence", "count", "tokens", "ids", "channels"});
  std::string name = header.String("sequence");
  SequenceState& sequence = OpenSequence(name);
  const uint64_t count = header.WholeNumber("count", 1);
  const bool as_ids = header.OptionalFlag("ids");
  std::vector<std::string> sent;  // the tokenizer's strings, when sent as text
  if (as_ids && header.Find("tokens")) Fail("\"tokens\" and \"ids\": true: send one of them");
  if (!as_ids) {
    if (!header.Find("tokens")) Fail("\"tokens\" is missing (or send \"ids\": true and the ids in the payload)");
    header.Strings("tokens", [&](size_t, std::string_view token) { sent.emplace_back(token); });
    if (sent.size() != count)
      Fail("\"count\" is " + std::to_string(count) + " but \"tokens\" has " + std::to_string(sent.size()) + " entries");
  } else if (!m_vocabulary) {
    Fail("tokens sent as ids need a vocabulary frame before");
  }
  std::vector<std::string> channels = Channels(header, false);
  const uint64_t columns = (as_ids ? 1 : 0) + channels.size();
  if (columns > 0 && count > kMaxPayloadBytes / 4)
    Fail("\"count\" is " + std::to_string(count) + ", more than a payload can hold");
  CheckPayloadSize(payload, count * 4 * columns);
  StreamEvent event;
  PayloadReader reader(payload);
  if (as_ids) {
    const size_t entries = m_vocabulary->entries.Size();
    event.ids.resize(count);
    for (uint64_t i = 0; i < count; ++i) {
      event.ids[i] = static_cast<int32_t>(reader.Next());
      if (event.ids[i] < 0 || static_cast<size_t>(event.ids[i]) >= entries)
        Fail("token " + std::to_string(i) + "'s id " + std::to_string(event.ids[i]) +
             " is not below the vocabulary's " + std::to_string(entries) + " entries");
    }
  }
  for (size_t channel = 0; channel < channels.size(); ++channel) event.values.push_back(reader.Floats(count));

  // Every check has passed: decode, then change the state.
  std::vector<std::string_view> raw(count);
  for (size_t i = 0; i < count; ++i)
    raw[i] = as_ids ? m_vocabulary->entries.At(static_cast<size_t>(event.ids[i])) : std::string_view(sent[i]);
  TokenEncoding encoding = as_ids ? m_vocabulary->encoding : sequence.encoding;
  if (encoding == TokenEncoding::kAuto) {
    // A few tokens may show no encoding (an ASCII word): they stay as they are, and detection
    // runs again on the next append, until one shows it; then it is the sequence's for good.
    Sequence sample;
    for (const std::string_view token : raw) sample.AppendToken(token);
    encoding = DetectTokenEncoding(sample);
    if (encoding != TokenEncoding::kDecoded) sequence.encoding = encoding;
  }
  const StringTable decoded = DecodeTokenRun(raw, encoding, sequence.tokens == 0 || sequence.ends_with_special);
  event.tokens.reserve(count);
  std::vector<uint8_t> flags(count);
  bool changed = false;
  bool any_special = false;
  for (size_t i = 0; i < count; ++i) {
    event.tokens.emplace_back(decoded.At(i));
    changed = changed || decoded.At(i) != raw[i];
    flags[i] = IsSpecialToken(raw[i]) ? kTokenSpecial : 0;
    any_special = any_special || flags[i] != 0;
  }
  if (changed) event.raw.assign(raw.begin(), raw.end());
  if (any_special) event.flags = std::move(flags);
  sequence.ends_with_special = IsSpecialToken(raw.back());
  event.kind = StreamEvent::Kind::kAppend;
  event.sequence = std::move(name);
  event.start = sequence.tokens;
  event.count = count;
  sequence.tokens += count;
  m_channel_names.insert(channels.begin(), channels.end());
  event.channels = std::move(channels);
  return event;
}

StreamEvent StreamConnection::ConsumeUpdate(const FrameHeader& header, std::string_view payload) {
  header.AllowOnly({"sequence", "start", "count", "channels"});
  std::string name = header.String("sequence");
  SequenceState& sequence = OpenSequence(name);
  const uint64_t start = header.WholeNumber("start", 0);
  const uint64_t count = header.WholeNumber("count", 1);
  std::vector<std::string> channels = Channels(header, true);
  if (start > sequence.tokens || count > sequence.tokens - start)
    Fail("start " + std::to_string(start) + " and count " + std::to_string(count) + " go beyond sequence " +
         Quoted(name) + "'s " + std::to_string(sequence.tokens) + " tokens");
  CheckPayloadSize(payload, count * 4 * channels.size());
  StreamEvent event;
  PayloadReader reader(payload);
  for (size_t channel = 0; channel < channels.size(); ++channel) event.values.push_back(reader.Floats(count));
  m_channel_names.insert(channels.begin(), channels.end());
  event.kind = StreamEvent::Kind::kUpdate;
  event.sequence = std::move(name);
  event.start = start;
  event.count = count;
  event.channels = std::move(channels);
  return event;
}

StreamEvent StreamConnection::ConsumeClose(const FrameHeader& header, std::string_view payload) {
  header.AllowOnly({"sequence"});
  std::string name = header.String("sequence");
  SequenceState& sequence = OpenSequence(name);
  CheckPayloadSize(payload, 0);
  sequence.closed = true;
  StreamEvent event;
  event.kind = StreamEvent::Kind::kClose;
  event.sequence = std::move(name);
  return event;
}

StreamEvent StreamConnection::ConsumeSync(const FrameHeader& header, std::string_view payload) {
  header.AllowOnly({"id"});
  StreamEvent event;
  event.kind = StreamEvent::Kind::kSync;
  if (const Json* id = header.Find("id"); id && !id->is_null()) {
    const bool fits = id->is_number_integer() && (!id->is_number_unsigned() ||
                                                  id->get<uint64_t>() <= uint64_t{std::numeric_limits<int64_t>::max()});
    if (!fits) Fail("\"id\" must be a whole number that fits in 64 bits, or null, not " + Describe(*id));
    event.sync_id = id->get<int64_t>();
  }
  CheckPayloadSize(payload, 0);
  event.sequence_tokens = SequenceTokens();
  return event;
}

StreamConnection::SequenceState& StreamConnection::OpenSequence(const std::string& name) {
  const auto found = m_sequences.find(name);
  if (found == m_sequences.end()) Fail("sequence " + Quoted(name) + " was never opened");
  if (found->second.closed) Fail("sequence " + Quoted(name) + " is closed");
  return found->second;
}

std::vector<std::string> StreamConnection::Channels(const FrameHeader& header, bool required) const {
  if (!required && !header.Find("channels")) return {};
  std::vector<std::string> channels;
  size_t names = m_channel_names.size();  // the connection's distinct names with these
  header.Strings("channels", [&](size_t, std::string_view name) {
    if (name.empty() || name.size() > kMaxNameBytes)
      Fail("channel name " + Quoted(name) + " is " + std::to_string(name.size()) + " bytes, not 1 ..= " +
           std::to_string(kMaxNameBytes));
    if (std::find(channels.begin(), channels.end(), name) != channels.end())
      Fail("channel " + Quoted(name) + " is listed twice");
    if (!m_channel_names.contains(name) && ++names > kMaxChannelsPerConnection)
      Fail("channel " + Quoted(name) + " is one more than the " + std::to_string(kMaxChannelsPerConnection) +
           " channel names a connection may use");
    channels.emplace_back(name);
  });
  if (required && channels.empty()) Fail("\"channels\" is empty: an update replaces the values of at least one");
  return channels;
}

void StreamConnection::CheckPayloadSize(std::string_view payload, uint64_t expected) const {
  if (payload.size() != expected)
    Fail("payload is " + std::to_string(payload.size()) + " bytes, the header asks for " + std::to_string(expected));
}

std::string StreamConnection::WelcomeHeader() const {
  Json welcome = Json::object();
  welcome["type"] = "welcome";
  welcome["protocol"] = kStreamProtocolVersion;
  welcome["viewer"] = "tokenheat " TOKENHEAT_VERSION;
  return Dump(welcome);
}

uint64_t StreamConnection::Tokens(std::string_view sequence) const {
  const auto found = m_sequences.find(sequence);
  return found == m_sequences.end() ? 0 : found->second.tokens;
}

std::vector<std::pair<std::string, uint64_t>> StreamConnection::SequenceTokens() const {
  std::vector<std::pair<std::string, uint64_t>> tokens;
  tokens.reserve(m_open_order.size());
  for (const std::string& name : m_open_order) tokens.emplace_back(name, Tokens(name));
  return tokens;
}

// [SECTION] Replies

std::string SyncedHeader(std::optional<int64_t> id, const std::vector<std::pair<std::string, uint64_t>>& tokens) {
  Json synced = Json::object();
  synced["type"] = "synced";
  synced["id"] = id ? Json(*id) : Json(nullptr);
  Json& counts = synced["tokens"] = Json::object();
  for (const auto& [name, count] : tokens) counts[name] = count;
  return Dump(synced);
}

std::string ErrorHeader(std::string_view message) {
  Json error = Json::object();
  error["type"] = "error";
  error["message"] = std::string(message);
  return Dump(error);
}

}  // namespace th
