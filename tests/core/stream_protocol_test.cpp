#include "core/stream_protocol.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace th {
namespace {

// [SECTION] Helpers

StreamFrame Frame(std::string header, std::string payload = {}) { return {std::move(header), std::move(payload)}; }

void AppendU32(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

std::string Floats(const std::vector<float>& values) {
  std::string bytes;
  for (const float value : values) AppendU32(bytes, std::bit_cast<uint32_t>(value));
  return bytes;
}

std::string Ids(const std::vector<int32_t>& ids) {
  std::string bytes;
  for (const int32_t id : ids) AppendU32(bytes, static_cast<uint32_t>(id));
  return bytes;
}

// A frame's 8-byte prefix with any lengths, in range or not.
std::string Prefix(uint32_t header_bytes, uint32_t payload_bytes) {
  std::string prefix;
  AppendU32(prefix, header_bytes);
  AppendU32(prefix, payload_bytes);
  return prefix;
}

std::string ErrorOf(StreamConnection& connection, const StreamFrame& frame) {
  try {
    connection.Consume(frame);
  } catch (const StreamError& error) {
    return error.what();
  }
  return "no error";
}

// A connection past hello (frame 1).
StreamConnection Greeted() {
  StreamConnection connection;
  connection.Consume(Frame(R"({"type":"hello","protocol":1})"));
  return connection;
}

StreamEvent Only(const std::vector<StreamEvent>& events) {
  EXPECT_EQ(events.size(), 1u);
  return events.empty() ? StreamEvent{} : events[0];
}

using Strings = std::vector<std::string>;

// [SECTION] Frames

TEST(StreamProtocolFrames, DecodesTheSameFramesUnderEveryChunking) {
  const std::string payload("\x00\x01\xFF\x7F", 4);
  const std::string stream = EncodeStreamFrame(R"({"type":"hello","protocol":1})") + EncodeStreamFrame("{}") +
                             EncodeStreamFrame(R"({"type":"append"})", payload) + EncodeStreamFrame("[]", "xy");
  const std::vector<StreamFrame> expected = {Frame(R"({"type":"hello","protocol":1})"), Frame("{}"),
                                             Frame(R"({"type":"append"})", payload), Frame("[]", "xy")};
  const auto decode = [&](const std::vector<size_t>& cuts) {
    StreamFrameDecoder decoder;
    std::vector<StreamFrame> frames;
    size_t begin = 0;
    for (size_t i = 0; i <= cuts.size(); ++i) {
      const size_t end = i < cuts.size() ? cuts[i] : stream.size();
      decoder.Feed(std::string_view(stream).substr(begin, end - begin));
      while (std::optional<StreamFrame> frame = decoder.Next()) frames.push_back(std::move(*frame));
      begin = end;
    }
    EXPECT_FALSE(decoder.MidFrame());
    EXPECT_EQ(decoder.BufferedBytes(), 0u);
    return frames;
  };
  const auto same = [&](const std::vector<StreamFrame>& frames) {
    if (frames.size() != expected.size()) return false;
    for (size_t i = 0; i < frames.size(); ++i)
      if (frames[i].header != expected[i].header || frames[i].payload != expected[i].payload) return false;
    return true;
  };
  EXPECT_TRUE(same(decode({})));
  std::vector<size_t> every_byte;
  for (size_t cut = 1; cut < stream.size(); ++cut) every_byte.push_back(cut);
  EXPECT_TRUE(same(decode(every_byte)));
  for (size_t cut = 1; cut < stream.size(); ++cut) EXPECT_TRUE(same(decode({cut}))) << "cut at " << cut;
  for (size_t a = 1; a < stream.size(); a += 3)
    for (size_t b = a + 1; b < stream.size(); b += 5) EXPECT_TRUE(same(decode({a, b}))) << a << ", " << b;
}

TEST(StreamProtocolFrames, MidFrameWhilePartOfAFrameIsBuffered) {
  const std::string frame = EncodeStreamFrame(R"({"type":"sync"})", "abc");
  StreamFrameDecoder decoder;
  EXPECT_FALSE(decoder.MidFrame());
  for (size_t i = 0; i + 1 < frame.size(); ++i) {
    decoder.Feed(frame.substr(i, 1));
    EXPECT_FALSE(decoder.Next().has_value());
    EXPECT_TRUE(decoder.MidFrame());
    EXPECT_EQ(decoder.BufferedBytes(), i + 1);
  }
  decoder.Feed(frame.substr(frame.size() - 1));
  EXPECT_TRUE(decoder.Next().has_value());
  EXPECT_FALSE(decoder.MidFrame());
}

TEST(StreamProtocolFrames, LengthsOutOfRangeFailAsSoonAsThePrefixArrives) {
  const auto error = [](const std::string& bytes) -> std::string {
    StreamFrameDecoder decoder;
    decoder.Feed(bytes);
    try {
      while (decoder.Next()) {
      }
    } catch (const StreamError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error(Prefix(0, 0)), "frame 1: header_bytes is 0, not 2 ..= 16777216");
  EXPECT_EQ(error(Prefix(1, 0) + "{"), "frame 1: header_bytes is 1, not 2 ..= 16777216");
  EXPECT_EQ(error(Prefix(kMaxHeaderBytes + 1, 0)), "frame 1: header_bytes is 16777217, not 2 ..= 16777216");
  EXPECT_EQ(error(Prefix(0xFFFFFFFF, 0)), "frame 1: header_bytes is 4294967295, not 2 ..= 16777216");
  EXPECT_EQ(error(EncodeStreamFrame("{}") + Prefix(2, kMaxPayloadBytes + 1)),
            "frame 2: payload_bytes is 268435457, not 0 ..= 268435456");
  // The largest lengths are in range: the decoder waits for the bytes.
  EXPECT_EQ(error(Prefix(kMaxHeaderBytes, kMaxPayloadBytes)), "no error");
  EXPECT_EQ(error(Prefix(2, 0).substr(0, 7)), "no error");
}

TEST(StreamProtocolFrames, EncodingRefusesLengthsOutOfRange) {
  EXPECT_THROW(EncodeStreamFrame("x"), StreamError);
  EXPECT_THROW(EncodeStreamFrame(std::string(kMaxHeaderBytes + 1, ' ')), StreamError);
  EXPECT_EQ(EncodeStreamFrame("{}", "p"), Prefix(2, 1) + "{}p");
}

// [SECTION] Headers

TEST(StreamProtocolHeaders, HeaderMustBeAJsonObjectWithAKnownType) {
  const auto error = [](const std::string& header) {
    StreamConnection connection;
    return ErrorOf(connection, Frame(header));
  };
  EXPECT_TRUE(error(R"({"type":)").starts_with("frame 1: header:1:9: ")) << error(R"({"type":)");
  EXPECT_EQ(error(R"(["hello"])"), "frame 1: the header must be a JSON object, not an array");
  EXPECT_EQ(error(R"("hello")"), "frame 1: the header must be a JSON object, not a string");
  EXPECT_EQ(error(R"({"protocol":1})"), R"(frame 1: the header has no "type")");
  EXPECT_EQ(error(R"({"type":1})"), R"(frame 1: "type" must be a string, not 1)");
  EXPECT_EQ(error(R"({"type":"welcome"})"), R"(frame 1: unknown type "welcome")");
  // A client's string cannot break the one-line message.
  EXPECT_EQ(error("{\"type\":\"a\\nb\"}"), R"(frame 1: unknown type "a\nb")");
}

TEST(StreamProtocolHeaders, MembersOfTheWrongTypeNameTheMember) {
  StreamConnection connection = Greeted();
  ASSERT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"g"})")), "no error");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":5})")),
            R"(frame 3 (open): "sequence" must be a string, not 5)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"h","channels":"p"})")),
            R"(frame 4 (open): "channels" must be an array of strings, not a string)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"h","channels":["p",2]})")),
            R"(frame 5 (open): entry 1 of "channels" must be a string, not 2)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":"1","tokens":["a"]})")),
            R"(frame 6 (append): "count" must be a whole number >= 1, not a string)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":0,"tokens":[]})")),
            R"(frame 7 (append): "count" must be a whole number >= 1, not 0)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":-1,"tokens":["a"]})")),
            R"(frame 8 (append): "count" must be a whole number >= 1, not -1)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":1.5,"tokens":["a"]})")),
            R"(frame 9 (append): "count" must be a whole number >= 1, not 1.5)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":1,"tokens":["a"],"ids":1})")),
            R"(frame 10 (append): "ids" must be true or false, not 1)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":1,"token":["a"]})")),
            R"(frame 11 (append): unknown member "token")");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":1})")),
            R"(frame 12 (append): "tokens" is missing (or send "ids": true and the ids in the payload))");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":2,"tokens":["a"]})")),
            R"(frame 13 (append): "count" is 2 but "tokens" has 1 entries)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"update","sequence":"g","start":-1,"count":1,"channels":["p"]})")),
            R"(frame 14 (update): "start" must be a whole number >= 0, not -1)");
  EXPECT_EQ(
      ErrorOf(connection, Frame(R"({"type":"open","sequence":"h","encoding":"bpe"})")),
      R"(frame 15 (open): "encoding" must be "auto", "decoded", "byte-level", "sentencepiece" or "wordpiece", )"
      R"(not "bpe")");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"vocabulary","tokens":{"a":0}})")),
            R"(frame 16 (vocabulary): "tokens" must be an array of strings, not an object)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"close"})")), R"(frame 17 (close): "sequence" is missing)");
}

// [SECTION] hello

TEST(StreamProtocolHello, MustComeFirstWithProtocolOne) {
  StreamConnection connection;
  EXPECT_FALSE(connection.Greeted());
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"g"})")),
            "frame 1 (open): the first frame must be hello");
  EXPECT_FALSE(connection.Greeted());
  const auto error = [](const std::string& header) {
    StreamConnection fresh;
    return ErrorOf(fresh, Frame(header));
  };
  EXPECT_EQ(error(R"({"type":"hello","protocol":2})"),
            "frame 1 (hello): protocol 2 is not supported: this viewer speaks protocol 1");
  EXPECT_EQ(error(R"({"type":"hello","protocol":-1})"),
            "frame 1 (hello): protocol -1 is not supported: this viewer speaks protocol 1");
  EXPECT_EQ(error(R"({"type":"hello"})"), R"(frame 1 (hello): "protocol" is missing)");
  EXPECT_EQ(error(R"({"type":"hello","protocol":"1"})"),
            R"(frame 1 (hello): "protocol" must be a whole number, not a string)");
  EXPECT_EQ(error(R"({"type":"hello","protocol":1,"client":3})"),
            R"(frame 1 (hello): "client" must be a string, not 3)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"hello","protocol":1,"client":"notebook"})", "x")),
            "frame 2 (hello): payload is 1 bytes, the header asks for 0");
  EXPECT_TRUE(connection.Consume(Frame(R"({"type":"hello","protocol":1,"client":"notebook"})")).empty());
  EXPECT_TRUE(connection.Greeted());
  EXPECT_EQ(connection.ClientName(), "notebook");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"hello","protocol":1})")),
            "frame 4 (hello): hello was already received");
}

TEST(StreamProtocolHello, WelcomeNamesProtocolAndViewer) {
  const nlohmann::json welcome = nlohmann::json::parse(Greeted().WelcomeHeader());
  EXPECT_EQ(welcome["type"], "welcome");
  EXPECT_EQ(welcome["protocol"], 1);
  EXPECT_TRUE(welcome["viewer"].get<std::string>().starts_with("tokenheat ")) << welcome.dump();
  EXPECT_GT(welcome["viewer"].get<std::string>().size(), std::string("tokenheat ").size());
}

// [SECTION] append and update

TEST(StreamProtocolAppend, TextTokensWithChannelsLandPerChannel) {
  StreamConnection connection = Greeted();
  const StreamEvent open =
      Only(connection.Consume(Frame(R"({"type":"open","sequence":"gen","channels":["logprob"]})")));
  EXPECT_EQ(open.kind, StreamEvent::Kind::kOpen);
  EXPECT_EQ(open.sequence, "gen");
  EXPECT_EQ(open.channels, Strings{"logprob"});

  const float nan = std::numeric_limits<float>::quiet_NaN();
  const StreamEvent append = Only(connection.Consume(Frame(
      R"({"type":"append","sequence":"gen","count":3,"tokens":["Hello","Ġworld","!"],)"
      R"("channels":["entropy","logprob"]})",
      Floats({4, 5, nan}) + Floats({-1, -2, -3}))));
  EXPECT_EQ(append.kind, StreamEvent::Kind::kAppend);
  EXPECT_EQ(append.sequence, "gen");
  EXPECT_EQ(append.start, 0u);
  EXPECT_EQ(append.count, 3u);
  EXPECT_EQ(append.tokens, (Strings{"Hello", " world", "!"}));
  EXPECT_EQ(append.raw, (Strings{"Hello", "Ġworld", "!"}));
  EXPECT_TRUE(append.flags.empty());
  EXPECT_TRUE(append.ids.empty());
  EXPECT_EQ(append.channels, (Strings{"entropy", "logprob"}));  // the payload's order, not open's
  ASSERT_EQ(append.values.size(), 2u);
  EXPECT_EQ(append.values[0][0], 4.0f);
  EXPECT_EQ(append.values[0][1], 5.0f);
  EXPECT_TRUE(std::isnan(append.values[0][2]));
  EXPECT_EQ(append.values[1], (std::vector<float>{-1, -2, -3}));

  // A channel not listed is not in the event (the viewer gives it "no value").
  const StreamEvent bare =
      Only(connection.Consume(Frame(R"({"type":"append","sequence":"gen","count":1,"tokens":["Ġagain"]})")));
  EXPECT_EQ(bare.start, 3u);
  EXPECT_TRUE(bare.channels.empty());
  EXPECT_TRUE(bare.values.empty());
  EXPECT_EQ(connection.Tokens("gen"), 4u);
  EXPECT_EQ(connection.Tokens("other"), 0u);
}

TEST(StreamProtocolAppend, IdsIndexTheVocabularyWithChannels) {
  StreamConnection connection = Greeted();
  EXPECT_TRUE(
      connection.Consume(Frame(R"({"type":"vocabulary","tokens":["<|endoftext|>","Ġthe","Ġcat","s"]})")).empty());
  connection.Consume(Frame(R"({"type":"open","sequence":"g"})"));
  const StreamEvent append =
      Only(connection.Consume(Frame(R"({"type":"append","sequence":"g","count":4,"ids":true,"channels":["p"]})",
                                    Ids({1, 2, 3, 0}) + Floats({0.5f, 0.25f, 1, 2}))));
  EXPECT_EQ(append.ids, (std::vector<int32_t>{1, 2, 3, 0}));
  EXPECT_EQ(append.tokens, (Strings{" the", " cat", "s", "<|endoftext|>"}));
  EXPECT_EQ(append.raw, (Strings{"Ġthe", "Ġcat", "s", "<|endoftext|>"}));
  EXPECT_EQ(append.flags, (std::vector<uint8_t>{0, 0, 0, kTokenSpecial}));
  EXPECT_EQ(append.channels, Strings{"p"});
  ASSERT_EQ(append.values.size(), 1u);
  EXPECT_EQ(append.values[0], (std::vector<float>{0.5f, 0.25f, 1, 2}));
}

TEST(StreamProtocolAppend, PayloadMustBeExactlyTheSizeTheHeaderImplies) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"open","sequence":"g"})"));
  EXPECT_EQ(
      ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":3,"tokens":["a","b","c"],"channels":["p"]})",
                                Floats({1, 2}))),
      "frame 3 (append): payload is 8 bytes, the header asks for 12");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":1,"tokens":["a"]})", "\x01")),
            "frame 4 (append): payload is 1 bytes, the header asks for 0");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"close","sequence":"g"})", "zz")),
            "frame 5 (close): payload is 2 bytes, the header asks for 0");
  // A count no payload can hold is refused before any size is computed from it.
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"vocabulary","tokens":["a"]})")), "no error");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":18446744073709551615,"ids":true})")),
            "frame 7 (append): \"count\" is 18446744073709551615, more than a payload can hold");
  // The failed frames changed nothing.
  EXPECT_EQ(connection.Tokens("g"), 0u);
  EXPECT_EQ(Only(connection.Consume(Frame(R"({"type":"append","sequence":"g","count":1,"tokens":["a"]})"))).start, 0u);
}

TEST(StreamProtocolAppend, IdsMustBeInTheVocabulary) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"open","sequence":"g"})"));
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":1,"ids":true})", Ids({0}))),
            "frame 3 (append): tokens sent as ids need a vocabulary frame before");
  connection.Consume(Frame(R"({"type":"vocabulary","tokens":["a","b","c","d"]})"));
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":2,"ids":true})", Ids({3, 4}))),
            "frame 5 (append): token 1's id 4 is not below the vocabulary's 4 entries");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":1,"ids":true})", Ids({-1}))),
            "frame 6 (append): token 0's id -1 is not below the vocabulary's 4 entries");
  EXPECT_EQ(
      ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":1,"ids":true,"tokens":["a"]})", Ids({0}))),
      R"(frame 7 (append): "tokens" and "ids": true: send one of them)");
  EXPECT_EQ(connection.Tokens("g"), 0u);
  // A later vocabulary replaces the first for the appends after it.
  connection.Consume(Frame(R"({"type":"vocabulary","tokens":["x"]})"));
  EXPECT_EQ(
      Only(connection.Consume(Frame(R"({"type":"append","sequence":"g","count":1,"ids":true})", Ids({0})))).tokens,
      Strings{"x"});
}

TEST(StreamProtocolUpdate, ReplacesOnlyTokensAlreadyAppended) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"open","sequence":"g"})"));
  connection.Consume(Frame(R"({"type":"append","sequence":"g","count":3,"tokens":["a","b","c"]})"));
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"update","sequence":"g","start":2,"count":2,"channels":["p"]})",
                                      Floats({1, 2}))),
            R"(frame 4 (update): start 2 and count 2 go beyond sequence "g"'s 3 tokens)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"update","sequence":"g","start":3,"count":1,"channels":["p"]})",
                                      Floats({1}))),
            R"(frame 5 (update): start 3 and count 1 go beyond sequence "g"'s 3 tokens)");
  // start + count would wrap around 2^64: still beyond.
  EXPECT_EQ(ErrorOf(connection,
                    Frame(R"({"type":"update","sequence":"g","start":18446744073709551615,"count":2,"channels":["p"]})",
                          Floats({1, 2}))),
            R"(frame 6 (update): start 18446744073709551615 and count 2 go beyond sequence "g"'s 3 tokens)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"update","sequence":"g","start":0,"count":1,"channels":[]})")),
            R"(frame 7 (update): "channels" is empty: an update replaces the values of at least one)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"update","sequence":"g","start":0,"count":1})")),
            R"(frame 8 (update): "channels" is missing)");
  const StreamEvent update = Only(connection.Consume(
      Frame(R"({"type":"update","sequence":"g","start":1,"count":2,"channels":["p","q"]})", Floats({1, 2, 3, 4}))));
  EXPECT_EQ(update.kind, StreamEvent::Kind::kUpdate);
  EXPECT_EQ(update.start, 1u);
  EXPECT_EQ(update.count, 2u);
  EXPECT_EQ(update.channels, (Strings{"p", "q"}));
  EXPECT_EQ(update.values, (std::vector<std::vector<float>>{{1, 2}, {3, 4}}));
  EXPECT_EQ(connection.Tokens("g"), 3u);
}

// [SECTION] Sequences: open and close

TEST(StreamProtocolSequences, ClosedSequencesTakeNoMoreAppendsOrUpdates) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"open","sequence":"g"})"));
  connection.Consume(Frame(R"({"type":"append","sequence":"g","count":1,"tokens":["a"]})"));
  const StreamEvent close = Only(connection.Consume(Frame(R"({"type":"close","sequence":"g"})")));
  EXPECT_EQ(close.kind, StreamEvent::Kind::kClose);
  EXPECT_EQ(close.sequence, "g");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"g","count":1,"tokens":["b"]})")),
            R"(frame 5 (append): sequence "g" is closed)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"update","sequence":"g","start":0,"count":1,"channels":["p"]})",
                                      Floats({1}))),
            R"(frame 6 (update): sequence "g" is closed)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"close","sequence":"g"})")),
            R"(frame 7 (close): sequence "g" is closed)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"h","count":1,"tokens":["b"]})")),
            R"(frame 8 (append): sequence "h" was never opened)");
  EXPECT_EQ(connection.Tokens("g"), 1u);
}

TEST(StreamProtocolSequences, ANameIsOpenedOncePerConnection) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"open","sequence":"g"})"));
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"g"})")),
            R"(frame 3 (open): sequence "g" is already open)");
  connection.Consume(Frame(R"({"type":"close","sequence":"g"})"));
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"g"})")),
            R"(frame 5 (open): sequence "g" was opened and closed before)");
  // Another connection has names of its own.
  StreamConnection other = Greeted();
  EXPECT_EQ(ErrorOf(other, Frame(R"({"type":"open","sequence":"g"})")), "no error");
}

TEST(StreamProtocolLimits, SequencesPerConnection) {
  StreamConnection connection = Greeted();
  for (size_t i = 0; i < kMaxSequencesPerConnection; ++i)
    connection.Consume(Frame(R"({"type":"open","sequence":"s)" + std::to_string(i) + "\"}"));
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"one more"})")),
            "frame 1026 (open): a connection may open at most 1024 sequences");
  EXPECT_EQ(connection.SequenceTokens().size(), kMaxSequencesPerConnection);
}

TEST(StreamProtocolLimits, ChannelNamesPerConnection) {
  StreamConnection connection = Greeted();
  // 64 distinct names over two sequences; a name used again does not count twice.
  std::string first = R"({"type":"open","sequence":"a","channels":[)";
  for (int i = 0; i < 40; ++i) first += (i ? ",\"c" : "\"c") + std::to_string(i) + "\"";
  connection.Consume(Frame(first + "]}"));
  std::string second = R"({"type":"open","sequence":"b","channels":[)";
  for (int i = 0; i < 64; ++i) second += (i ? ",\"c" : "\"c") + std::to_string(i) + "\"";
  connection.Consume(Frame(second + "]}"));
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"c","channels":["c0","c64"]})")),
            R"(frame 4 (open): channel "c64" is one more than the 64 channel names a connection may use)");
  connection.Consume(
      Frame(R"({"type":"append","sequence":"a","count":1,"tokens":["x"],"channels":["c63"]})", Floats({1})));
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"append","sequence":"a","count":1,"tokens":["x"],"channels":["new"]})",
                                      Floats({1}))),
            R"(frame 6 (append): channel "new" is one more than the 64 channel names a connection may use)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"d","channels":["c1","c1"]})")),
            R"(frame 7 (open): channel "c1" is listed twice)");
}

TEST(StreamProtocolLimits, NameLengths) {
  StreamConnection connection = Greeted();
  const std::string longest(kMaxNameBytes, 'n');
  EXPECT_EQ(
      ErrorOf(connection, Frame(R"({"type":"open","sequence":")" + longest + R"(","channels":[")" + longest + "\"]}")),
      "no error");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":")" + longest + "n\"}")),
            R"(frame 3 (open): "sequence" is 257 bytes, not 1 ..= 256)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":""})")),
            R"(frame 4 (open): "sequence" is 0 bytes, not 1 ..= 256)");
  const std::string message =
      ErrorOf(connection, Frame(R"({"type":"open","sequence":"x","channels":[")" + longest + "n\"]}"));
  EXPECT_EQ(message, "frame 5 (open): channel name \"" + std::string(64, 'n') + "\"... is 257 bytes, not 1 ..= 256");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"open","sequence":"x","channels":[""]})")),
            R"(frame 6 (open): channel name "" is 0 bytes, not 1 ..= 256)");
}

TEST(StreamProtocolLimits, VocabularySize) {
  StreamConnection connection = Greeted();
  std::string header = R"({"type":"vocabulary","tokens":[)";
  header.reserve(header.size() + kMaxVocabulary * 3 + 8);
  for (size_t i = 0; i <= kMaxVocabulary; ++i) header += i ? ",\"\"" : "\"\"";
  EXPECT_EQ(ErrorOf(connection, Frame(header + "]}")),
            "frame 2 (vocabulary): a vocabulary has at most 4194304 entries");
}

// [SECTION] sync and the replies

TEST(StreamProtocolSync, IdsAndTheTokensSoFar) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"open","sequence":"b"})"));
  connection.Consume(Frame(R"({"type":"open","sequence":"a"})"));
  connection.Consume(Frame(R"({"type":"append","sequence":"a","count":2,"tokens":["x","y"]})"));
  const StreamEvent sync = Only(connection.Consume(Frame(R"({"type":"sync","id":7})")));
  EXPECT_EQ(sync.kind, StreamEvent::Kind::kSync);
  EXPECT_EQ(sync.sync_id, 7);
  using Counts = std::vector<std::pair<std::string, uint64_t>>;
  EXPECT_EQ(sync.sequence_tokens, (Counts{{"b", 0}, {"a", 2}}));  // in the order opened
  // The event keeps the counts at its frame; the connection goes on counting.
  connection.Consume(Frame(R"({"type":"append","sequence":"b","count":1,"tokens":["z"]})"));
  EXPECT_EQ(sync.sequence_tokens, (Counts{{"b", 0}, {"a", 2}}));
  EXPECT_EQ(connection.SequenceTokens(), (Counts{{"b", 1}, {"a", 2}}));

  EXPECT_EQ(Only(connection.Consume(Frame(R"({"type":"sync","id":null})"))).sync_id, std::nullopt);
  EXPECT_EQ(Only(connection.Consume(Frame(R"({"type":"sync"})"))).sync_id, std::nullopt);
  EXPECT_EQ(Only(connection.Consume(Frame(R"({"type":"sync","id":-9223372036854775808})"))).sync_id,
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"sync","id":9223372036854775808})")),
            R"(frame 10 (sync): "id" must be a whole number that fits in 64 bits, or null, not 9223372036854775808)");
  EXPECT_EQ(ErrorOf(connection, Frame(R"({"type":"sync","id":"a"})")),
            R"(frame 11 (sync): "id" must be a whole number that fits in 64 bits, or null, not a string)");
}

TEST(StreamProtocolReplies, SyncedAndErrorHeadersAreEscapedJson) {
  const nlohmann::json synced = nlohmann::json::parse(SyncedHeader(7, {{"b\"\n", 3}, {"a", 0}}));
  EXPECT_EQ(synced["type"], "synced");
  EXPECT_EQ(synced["id"], 7);
  EXPECT_EQ(synced["tokens"]["b\"\n"], 3);
  EXPECT_EQ(synced["tokens"]["a"], 0);
  EXPECT_TRUE(nlohmann::json::parse(SyncedHeader(std::nullopt, {}))["id"].is_null());
  EXPECT_TRUE(nlohmann::json::parse(SyncedHeader(std::nullopt, {}))["tokens"].is_object());
  const std::string error = ErrorHeader("frame 2 (open): sequence \"a\\\" is closed");
  EXPECT_EQ(nlohmann::json::parse(error)["message"], "frame 2 (open): sequence \"a\\\" is closed");
  EXPECT_EQ(nlohmann::json::parse(error)["type"], "error");
  // Replies are frames' headers: within the lengths a frame may have.
  EXPECT_NO_THROW(EncodeStreamFrame(error));
}

// [SECTION] Decoding tokens

TEST(StreamProtocolDecoding, VocabularyByteLevelKeepsRawStrings) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"vocabulary","tokens":["Ġthe","Ċ","Ã©","hello"]})"));
  connection.Consume(Frame(R"({"type":"open","sequence":"g"})"));
  const StreamEvent append =
      Only(connection.Consume(Frame(R"({"type":"append","sequence":"g","count":4,"ids":true})", Ids({3, 0, 1, 2}))));
  EXPECT_EQ(append.tokens, (Strings{"hello", " the", "\n", "é"}));
  EXPECT_EQ(append.raw, (Strings{"hello", "Ġthe", "Ċ", "Ã©"}));
}

TEST(StreamProtocolDecoding, VocabularyEncodingAsGiven) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"vocabulary","tokens":["▁the","<0x0A>","Ġx"],"encoding":"sentencepiece"})"));
  connection.Consume(Frame(R"({"type":"open","sequence":"g"})"));
  const StreamEvent append =
      Only(connection.Consume(Frame(R"({"type":"append","sequence":"g","count":3,"ids":true})", Ids({0, 1, 2}))));
  EXPECT_EQ(append.tokens, (Strings{" the", "\n", "Ġx"}));
  connection.Consume(Frame(R"({"type":"vocabulary","tokens":["▁the"],"encoding":"decoded"})"));
  EXPECT_TRUE(Only(connection.Consume(Frame(R"({"type":"append","sequence":"g","count":1,"ids":true})", Ids({0}))))
                  .raw.empty());
}

TEST(StreamProtocolDecoding, AutoDetectsFromTheFirstAppendThatShowsAnEncoding) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"open","sequence":"g"})"));
  const auto append = [&](const std::string& tokens_json, uint64_t count) {
    return Only(connection.Consume(Frame(R"({"type":"append","sequence":"g","count":)" + std::to_string(count) +
                                         R"(,"tokens":)" + tokens_json + "}")));
  };
  const StreamEvent plain = append(R"(["Hello"])", 1);
  EXPECT_EQ(plain.tokens, Strings{"Hello"});
  EXPECT_TRUE(plain.raw.empty());
  EXPECT_EQ(append(R"(["Ġworld"])", 1).tokens, Strings{" world"});
  // Fixed from then on, even for a token that alone shows nothing ("Ã©" is é's two bytes).
  EXPECT_EQ(append(R"(["Ã©"])", 1).tokens, Strings{"é"});
}

TEST(StreamProtocolDecoding, OpenEncodingIsTheSequences) {
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"open","sequence":"raw","encoding":"decoded"})"));
  connection.Consume(Frame(R"({"type":"open","sequence":"wp","encoding":"wordpiece"})"));
  const StreamEvent kept =
      Only(connection.Consume(Frame(R"({"type":"append","sequence":"raw","count":1,"tokens":["Ġworld"]})")));
  EXPECT_EQ(kept.tokens, Strings{"Ġworld"});
  EXPECT_TRUE(kept.raw.empty());
  // WordPiece: a space before each word but the sequence's first and one after a special token,
  // across appends as within one.
  const auto append = [&](const std::string& tokens_json, uint64_t count) {
    return Only(connection.Consume(Frame(R"({"type":"append","sequence":"wp","count":)" + std::to_string(count) +
                                         R"(,"tokens":)" + tokens_json + "}")))
        .tokens;
  };
  EXPECT_EQ(append(R"(["[CLS]","hello"])", 2), (Strings{"[CLS]", "hello"}));
  EXPECT_EQ(append(R"(["world","##s"])", 2), (Strings{" world", "s"}));
  EXPECT_EQ(append(R"(["[SEP]"])", 1), Strings{"[SEP]"});
  EXPECT_EQ(append(R"(["again"])", 1), Strings{"again"});
}

TEST(StreamProtocolDecoding, AppendsDecodeAsTheWholeSequenceWould) {
  const std::vector<std::string> tokens = {"<s>", "▁Hello", "▁wor", "ld", "<0x0A>", "<0xE6>", "<0x97>", "<0xA5>", "▁!"};
  Document whole;
  whole.sequences.resize(1);
  for (const std::string& token : tokens) whole.sequences[0].AppendToken(token);
  DecodeDocumentTokens(whole);
  // Every cut that does not split 日's three byte tokens.
  for (size_t cut = 1; cut < tokens.size(); ++cut) {
    if (cut == 6 || cut == 7) continue;
    StreamConnection connection = Greeted();
    connection.Consume(Frame(R"({"type":"open","sequence":"g","encoding":"sentencepiece"})"));
    Strings decoded;
    for (const auto& [begin, end] : {std::pair<size_t, size_t>{0, cut}, {cut, tokens.size()}}) {
      nlohmann::json header = {{"type", "append"}, {"sequence", "g"}, {"count", end - begin}};
      header["tokens"] = std::vector<std::string>(tokens.begin() + static_cast<std::ptrdiff_t>(begin),
                                                  tokens.begin() + static_cast<std::ptrdiff_t>(end));
      const StreamEvent event = Only(connection.Consume(Frame(header.dump())));
      decoded.insert(decoded.end(), event.tokens.begin(), event.tokens.end());
    }
    for (size_t i = 0; i < tokens.size(); ++i)
      EXPECT_EQ(decoded[i], whole.sequences[0].Token(i)) << "cut " << cut << ", token " << i;
  }
}

TEST(StreamProtocolDecoding, CharacterSplitAcrossAppendsKeepsItsBytesWhereTheyArrived) {
  // 日 is E6 97 A5, in byte-level BPE "æĹ" then "¥". Within one append it is shown whole on its
  // first token; split across appends, each token keeps its own bytes (drawn as hex bytes).
  StreamConnection connection = Greeted();
  connection.Consume(Frame(R"({"type":"open","sequence":"one","encoding":"byte-level"})"));
  connection.Consume(Frame(R"({"type":"open","sequence":"two","encoding":"byte-level"})"));
  EXPECT_EQ(
      Only(connection.Consume(Frame(R"({"type":"append","sequence":"one","count":2,"tokens":["æĹ","¥"]})"))).tokens,
      (Strings{"日", ""}));
  EXPECT_EQ(Only(connection.Consume(Frame(R"({"type":"append","sequence":"two","count":1,"tokens":["æĹ"]})"))).tokens,
            Strings{"\xE6\x97"});
  EXPECT_EQ(Only(connection.Consume(Frame(R"({"type":"append","sequence":"two","count":1,"tokens":["¥"]})"))).tokens,
            Strings{"\xA5"});
}

// [SECTION] Decoder and connection together

TEST(StreamProtocolStream, ByteByByteGivesTheSameEventsAndErrorNamesTheFrame) {
  std::string stream =
      EncodeStreamFrame(R"({"type":"hello","protocol":1})") +
      EncodeStreamFrame(R"({"type":"open","sequence":"g","channels":["p"]})") +
      EncodeStreamFrame(R"({"type":"append","sequence":"g","count":2,"tokens":["a","b"],"channels":["p"]})",
                        Floats({1, 2})) +
      EncodeStreamFrame(R"({"type":"sync","id":1})") +
      EncodeStreamFrame(R"({"type":"update","sequence":"g","start":1,"count":2,"channels":["p"]})", Floats({1, 2}));
  StreamFrameDecoder decoder;
  StreamConnection connection;
  std::vector<StreamEvent> events;
  std::string error;
  try {
    for (const char byte : stream) {
      decoder.Feed(std::string_view(&byte, 1));
      while (std::optional<StreamFrame> frame = decoder.Next())
        for (StreamEvent& event : connection.Consume(*frame)) events.push_back(std::move(event));
    }
  } catch (const StreamError& e) {
    error = e.what();
  }
  EXPECT_EQ(error, R"(frame 5 (update): start 1 and count 2 go beyond sequence "g"'s 2 tokens)");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].values, (std::vector<std::vector<float>>{{1, 2}}));
  EXPECT_EQ(events[2].sync_id, 1);
}

}  // namespace
}  // namespace th
