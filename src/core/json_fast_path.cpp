// The fast path for tokenheat's own JSON and JSONL: simdjson's On Demand API reads tokens and
// values straight into the sequences (token bytes appended to the sequence's buffer, numbers
// parsed into the float columns), with no tree and no string per token; a large JSONL text is
// read by two threads, a half each. It accepts only what it
// reads completely: the keys below, each at most once, and the values they must have. Anything
// else (an error, other tools' JSON, an unknown or repeated key) makes it give up, and the
// complete nlohmann-based reader in json_loader.cpp redoes the whole text, so that documents and
// error messages are always exactly that reader's.
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <iterator>
#include <limits>
#include <thread>

#include "core/loaders/loaders.hpp"

namespace th {

namespace {

namespace od = simdjson::ondemand;

// Thrown to hand the text over to the complete reader.
struct GiveUp {};

void Require(bool ok) {
  if (!ok) throw GiveUp{};
}

template <typename T>
T Take(simdjson::simdjson_result<T>&& result) {
  T value{};
  Require(std::move(result).get(value) == simdjson::SUCCESS);
  return value;
}

// As the complete reader's ValueOf: integers go through their 64-bit value (so "-0" is 0), other
// numbers through double; null and the NaN/Infinity strings are "no value".
float NumberValue(const od::number& number) {
  switch (number.get_number_type()) {
    case od::number_type::signed_integer: return static_cast<float>(static_cast<double>(number.get_int64()));
    case od::number_type::unsigned_integer: return static_cast<float>(static_cast<double>(number.get_uint64()));
    default: return static_cast<float>(number.get_double());
  }
}

// simdjson 3.0.1 (Debian 12) misreads numbers of 19 or more digits: 0.333... with twenty 3s
// reads as 0.1489 (found by the differential fuzzer; a sweep of 300,000 random numbers found
// none wrong up to 18 digits and most wrong from 19, with or without an exponent). Those go to
// the complete reader.
bool FewDigits(std::string_view token) {
  constexpr size_t kMaxDigits = 18;
  if (token.size() <= kMaxDigits) return true;
  size_t digits = 0;
  for (const char c : token) {
    if (c == 'e' || c == 'E' || c == ',' || c == ']' || c == '}') break;
    digits += c >= '0' && c <= '9';
  }
  return digits <= kMaxDigits;
}

float ValueOf(od::value value) {
  Require(FewDigits(value.raw_json_token()));
  // Nearly every value is a number: parsed at once (a failed parse consumes nothing), the type
  // asked only for the rest.
  od::number number;
  if (value.get_number().get(number) == simdjson::SUCCESS) return NumberValue(number);
  switch (Take(value.type())) {
    case od::json_type::null:
      Require(Take(value.is_null()));
      return std::numeric_limits<float>::quiet_NaN();
    case od::json_type::string: {
      const std::string_view text = Take(value.get_string());
      if (text == "NaN" || text == "nan") return std::numeric_limits<float>::quiet_NaN();
      if (text == "Infinity" || text == "inf") return std::numeric_limits<float>::infinity();
      if (text == "-Infinity" || text == "-inf") return -std::numeric_limits<float>::infinity();
      throw GiveUp{};
    }
    default:
      throw GiveUp{};
  }
}

// How far simdjson has read a document, reported into a ProgressTicker every few thousand
// array elements (a whole document may be one sequence): position 0 of the document is
// base_offset in the text the ticker follows.
class ReadPosition {
 public:
  ReadPosition(od::document& document, const char* base, uint64_t base_offset, ProgressTicker& ticker)
      : m_document(document), m_base(base), m_base_offset(base_offset), m_ticker(ticker) {}
  void ElementRead() {
    constexpr unsigned kReportEvery = 4096;
    if (++m_elements % kReportEvery != 0) return;
    const char* location = nullptr;
    if (m_document.current_location().get(location) == simdjson::SUCCESS)
      m_ticker.At(m_base_offset + static_cast<uint64_t>(location - m_base));
  }

 private:
  od::document& m_document;
  const char* m_base;
  uint64_t m_base_offset;
  ProgressTicker& m_ticker;
  unsigned m_elements = 0;
};

// One sequence object's fields, in whatever order they come; Finish checks them together.
class SequenceReader {
 public:
  SequenceReader(const LoadContext* context, ReadPosition& position) : m_context(context), m_position(position) {}

  bool Any() const { return m_seen != 0; }

  // False when key is not a field this path reads.
  bool Read(std::string_view key, od::value value) {
    constexpr std::string_view kKeys[] = {"name", "tokens", "token_ids", "values", "channels"};
    const auto found = std::find(std::begin(kKeys), std::end(kKeys), key);
    if (found == std::end(kKeys)) return false;
    const unsigned bit = 1u << (found - std::begin(kKeys));
    Require((m_seen & bit) == 0);
    m_seen |= bit;
    if (key == "name") {
      m_sequence.name = Take(value.get_string());
    } else if (key == "tokens") {
      for (auto token : Take(value.get_array())) {
        m_sequence.AppendToken(Take(Take(std::move(token)).get_string()));
        m_position.ElementRead();
      }
    } else if (key == "token_ids") {
      for (auto id : Take(value.get_array())) {
        const int64_t number = Take(Take(std::move(id)).get_int64());
        Require(number >= std::numeric_limits<int32_t>::min() && number <= std::numeric_limits<int32_t>::max());
        m_ids.push_back(static_cast<int32_t>(number));
        m_position.ElementRead();
      }
    } else if (key == "values") {
      m_sequence.channels.push_back(ReadChannel("value", value, m_sequence.TokenCount()));
    } else {
      for (auto field : Take(value.get_object())) {
        od::field channel = Take(std::move(field));
        std::string name(Take(channel.unescaped_key()));
        Require(m_sequence.FindChannel(name) < 0);
        m_sequence.channels.push_back(ReadChannel(std::move(name), channel.value(), m_sequence.TokenCount()));
      }
    }
    return true;
  }

  Sequence Finish(std::string default_name) {
    const auto seen = [&](unsigned bit) { return (m_seen & bit) != 0; };
    constexpr unsigned kName = 1, kTokens = 2, kIds = 4, kValues = 8, kChannels = 16;
    Require(seen(kTokens) || seen(kIds));
    Require(seen(kValues) != seen(kChannels) && !m_sequence.channels.empty());
    if (!seen(kName)) m_sequence.name = std::move(default_name);
    if (seen(kIds) && !seen(kTokens)) {
      Require(m_context != nullptr);
      const Vocabulary& vocabulary = m_context->RequireVocabulary("token_ids");
      Require(std::all_of(m_ids.begin(), m_ids.end(), [&](int32_t id) { return vocabulary.Contains(id); }));
      m_sequence.SetTableTokens(std::move(m_ids), vocabulary.Table());
    } else if (seen(kIds)) {
      m_sequence.SetTokenIds(std::move(m_ids));
    }
    for (const Channel& channel : m_sequence.channels) Require(channel.values.size() == m_sequence.TokenCount());
    return std::move(m_sequence);
  }

 private:
  // expected_count: the sequence's tokens when they came first (the values must match them).
  Channel ReadChannel(std::string name, od::value value, size_t expected_count) {
    Channel channel{std::move(name), {}};
    channel.values.reserve(expected_count);
    for (auto element : Take(value.get_array())) {
      channel.values.push_back(ValueOf(Take(std::move(element))));
      m_position.ElementRead();
    }
    return channel;
  }

  const LoadContext* m_context;
  ReadPosition& m_position;
  unsigned m_seen = 0;
  Sequence m_sequence;
  std::vector<int32_t> m_ids;
};

// The document must end after its value (trailing content is a syntax error for the other reader).
void RequireEnd(od::document& document) {
  const char* location = nullptr;
  Require(document.current_location().get(location) != simdjson::SUCCESS);
}

Sequence ReadLine(od::parser& parser, std::string_view text, size_t offset, std::string_view line,
                  const LoadContext* context, ProgressTicker& ticker, std::string default_name) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: the following lines serve, except
  // near the end of the text, where the line is copied.
  const bool padded = text.size() - offset >= line.size() + simdjson::SIMDJSON_PADDING;
  const simdjson::padded_string copy(padded ? std::string_view() : line);
  od::document document = Take(parser.iterate(padded ? simdjson::padded_string_view(line.data(), line.size(),
                                                                                    text.size() - offset)
                                                      : simdjson::padded_string_view(copy)));
  ReadPosition position(document, padded ? line.data() : copy.data(), offset, ticker);
  SequenceReader reader(context, position);
  for (auto field : Take(document.get_object())) {
    od::field member = Take(std::move(field));
    const std::string_view key = Take(member.unescaped_key());
    Require(reader.Read(key, member.value()));
  }
  RequireEnd(document);
  return reader.Finish(std::move(default_name));
}

// The lines in text[begin, end), which starts a line; line_number: the lines before begin.
void ReadLines(std::string_view text, size_t begin, size_t end, size_t line_number, const LoadContext* context,
               std::vector<Sequence>& sequences) {
  od::parser parser;
  ProgressTicker ticker(context ? context->Progress() : nullptr, begin);
  for (size_t pos = begin; pos < end;) {
    ticker.At(pos);
    const size_t offset = pos;
    const std::string_view line = NextLine(text, pos);
    ++line_number;
    if (IsBlank(line)) continue;
    sequences.push_back(
        ReadLine(parser, text, offset, line, context, ticker, "line " + std::to_string(line_number)));
  }
  ticker.Report(end);
}

void ReadJsonl(std::string_view text, const LoadContext* context, Document& document) {
  // A large text is read in two halves at once, split at a line end. Not when lines may need the
  // vocabulary: loading it is not shared between threads.
  constexpr size_t kParallelBytes = size_t{1} << 20;
  const size_t middle = text.size() >= kParallelBytes && text.find("\"token_ids\"") == std::string_view::npos
                            ? text.find('\n', text.size() / 2)
                            : std::string_view::npos;
  // A line is at most one sequence: reserving for them all spares the vector's doubling, which
  // for many short lines (a million empty sequences) doubled the peak.
  const auto lines_in = [&](size_t begin, size_t end) {
    return static_cast<size_t>(std::count(text.begin() + static_cast<ptrdiff_t>(begin),
                                          text.begin() + static_cast<ptrdiff_t>(end), '\n')) + 1;
  };
  document.sequences.reserve(lines_in(0, text.size()));
  if (middle == std::string_view::npos) {
    ReadLines(text, 0, text.size(), 0, context, document.sequences);
    return;
  }
  const size_t split = middle + 1;
  std::vector<Sequence> second_half;
  second_half.reserve(lines_in(split, text.size()));
  std::exception_ptr second_error;
  {
    const std::jthread worker([&] {
      try {
        const size_t lines_before = lines_in(0, split) - 1;
        ReadLines(text, split, text.size(), lines_before, context, second_half);
      } catch (...) {
        second_error = std::current_exception();
      }
    });
    ReadLines(text, 0, split, 0, context, document.sequences);
  }  // joined here, also when the first half gave up
  if (second_error) std::rethrow_exception(second_error);
  document.sequences.insert(document.sequences.end(), std::make_move_iterator(second_half.begin()),
                            std::make_move_iterator(second_half.end()));
}

// {"tokens", ...} (one sequence) or {"sequences": [...]}.
void ReadJson(std::string_view text, const LoadContext* context, Document& document) {
  od::parser parser;
  const simdjson::padded_string copy(text);
  od::document root = Take(parser.iterate(copy));
  ProgressTicker ticker(context ? context->Progress() : nullptr, 0);
  ReadPosition position(root, copy.data(), 0, ticker);
  SequenceReader single(context, position);
  bool has_sequences = false;
  for (auto field : Take(root.get_object())) {
    od::field member = Take(std::move(field));
    const std::string_view key = Take(member.unescaped_key());
    if (key != "sequences") {
      Require(single.Read(key, member.value()));
      continue;
    }
    Require(!has_sequences);
    has_sequences = true;
    for (auto item : Take(member.value().get_array())) {
      SequenceReader reader(context, position);
      for (auto sequence_field : Take(Take(std::move(item)).get_object())) {
        od::field sequence_member = Take(std::move(sequence_field));
        const std::string_view sequence_key = Take(sequence_member.unescaped_key());
        Require(reader.Read(sequence_key, sequence_member.value()));
      }
      document.sequences.push_back(reader.Finish("sequence " + std::to_string(document.sequences.size())));
    }
    Require(!document.sequences.empty());
  }
  RequireEnd(root);
  Require(has_sequences != single.Any());
  if (!has_sequences) document.sequences.push_back(single.Finish("sequence 0"));
}

}  // namespace

std::optional<Document> ParseJsonFast(std::string_view text, const std::string& source, const LoadContext* context,
                                      JsonForm form) {
  Document document;
  document.source = source;
  try {
    // A JSONL text whose first line is a whole value cannot be one JSON value, which is how the
    // complete reader tells the two apart.
    if (form == JsonForm::kJsonl || (form == JsonForm::kEither && LooksLikeJsonl(text)))
      ReadJsonl(text, context, document);
    else
      ReadJson(text, context, document);
  } catch (const GiveUp&) {
    return std::nullopt;
  } catch (const LoadError&) {  // a missing vocabulary: the complete reader reports it
    return std::nullopt;
  }
  return document;
}

}  // namespace th
