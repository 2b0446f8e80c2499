// Text formats: CSV/TSV with a "token" column (RFC 4180 quoting, so tokens may hold commas,
// quotes and newlines; a leading index column as pandas writes it is skipped) and plain text,
// which is split into words and whitespace.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <optional>

#include "core/loaders/arrays.hpp"
#include "core/loaders/loaders.hpp"
#include "core/utf8.hpp"

namespace th {

namespace {

// [SECTION] CSV / TSV

struct Field {
  std::string text;
  int line = 0;
  int column = 0;
};

class DelimitedReader {
 public:
  DelimitedReader(std::string_view text, char separator, const LoadContext* context)
      : m_text(text), m_separator(separator), m_context(context) {}

  // Reads one record; false at the end of the text. Blank lines are skipped.
  bool Next(std::vector<Field>& fields) {
    fields.clear();
    while (m_pos < m_text.size() && (m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) NewlineAt(m_pos);
    if (m_pos >= m_text.size()) return false;
    while (true) {
      Field& field = fields.emplace_back();
      field.line = m_line;
      field.column = static_cast<int>(m_pos - m_line_start) + 1;
      if (m_pos < m_text.size() && m_text[m_pos] == '"') ReadQuoted(field);
      else ReadPlain(field);
      if (m_pos >= m_text.size()) return true;
      if (m_text[m_pos] == m_separator) {
        ++m_pos;
        continue;
      }
      NewlineAt(m_pos);  // '\n' or "\r\n"
      return true;
    }
  }

  int Line() const { return m_line; }
  size_t Position() const { return m_pos; }

 private:
  void NewlineAt(size_t pos) {
    m_pos = pos + (m_text[pos] == '\r' && pos + 1 < m_text.size() && m_text[pos + 1] == '\n' ? 2 : 1);
    ++m_line;
    m_line_start = m_pos;
  }

  void ReadPlain(Field& field) {
    const size_t end = m_text.find_first_of(std::string{m_separator, '\n', '\r'}, m_pos);
    field.text = m_text.substr(m_pos, (end == std::string_view::npos ? m_text.size() : end) - m_pos);
    m_pos = end == std::string_view::npos ? m_text.size() : end;
  }

  void ReadQuoted(Field& field) {
    const int line = m_line;
    const int column = field.column;
    ++m_pos;
    while (true) {
      const size_t quote = m_text.find('"', m_pos);
      if (quote == std::string_view::npos) {
        if (!m_context) throw LoadError("");
        m_context->Fail(std::to_string(line) + ":" + std::to_string(column),
                        "quoted field is not closed before the end of the file");
      }
      for (size_t i = m_pos; i < quote; ++i)
        if (m_text[i] == '\n') ++m_line, m_line_start = i + 1;
      field.text.append(m_text.substr(m_pos, quote - m_pos));
      m_pos = quote + 1;
      if (m_pos < m_text.size() && m_text[m_pos] == '"') {  // "" is one quote
        field.text.push_back('"');
        ++m_pos;
        continue;
      }
      break;
    }
    if (m_pos < m_text.size() && m_text[m_pos] != m_separator && m_text[m_pos] != '\n' && m_text[m_pos] != '\r') {
      if (!m_context) throw LoadError("");
      m_context->Fail(std::to_string(m_line) + ":" + std::to_string(m_pos - m_line_start + 1),
                      "unexpected character after a closing quote");
    }
  }

  std::string_view m_text;
  char m_separator;
  const LoadContext* m_context;
  size_t m_pos = 0;
  int m_line = 1;
  size_t m_line_start = 0;
};

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower;
}

std::string Trimmed(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  return std::string(text.substr(begin, text.find_last_not_of(" \t") - begin + 1));
}

// A value cell's number (NaN for an empty cell and the spellings of "no value"), or nullopt when
// the cell is not a number.
std::optional<float> ParseNumber(const std::string& text) {
  const std::string lower = Lower(text);
  if (text.empty() || lower == "nan" || lower == "null" || lower == "none") return std::numeric_limits<float>::quiet_NaN();
  if (lower == "inf" || lower == "infinity" || lower == "+inf") return std::numeric_limits<float>::infinity();
  if (lower == "-inf" || lower == "-infinity") return -std::numeric_limits<float>::infinity();
  double value = 0;
  const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
  const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return static_cast<float>(value);
}

float ParseCell(const Field& field, const std::string& column, const LoadContext& context) {
  const std::string text = Trimmed(field.text);
  const std::optional<float> value = ParseNumber(text);
  if (!value)
    context.Fail(std::to_string(field.line) + ":" + std::to_string(field.column),
                 "column '" + column + "': \"" + text.substr(0, 40) + "\" is not a number");
  return *value;
}

// [SECTION] Recognising a table

bool IsTokenColumn(const Field& header) { return Lower(Trimmed(header.text)) == "token"; }

// A header cell that is a number (a headerless table of numbers starts with one); an empty cell is
// not, pandas writes one above the index.
bool IsNumberCell(const Field& cell) {
  const std::string text = Trimmed(cell.text);
  return !text.empty() && ParseNumber(text).has_value();
}

// Whether text, which has no "token" column, is still a table with a header: the first line splits
// into two or more names, none of them a number; the records of the first 64 KiB that follow (at
// least one, at most 32) have as many fields; and one column holds numbers only (some value, the
// others empty or "nan"). Prose with commas fails one of these and stays plain text; a table that
// passes is one whose token column is missing, an error that lists its columns.
bool LooksLikeTableWithoutTokens(std::string_view text, char separator, const std::vector<Field>& header) {
  constexpr size_t kSampleBytes = 64 * 1024;
  constexpr size_t kSampleRecords = 32;
  if (header.size() < 2 || std::any_of(header.begin(), header.end(), IsNumberCell)) return false;
  std::string_view sample = text.substr(0, kSampleBytes);
  if (sample.size() < text.size()) sample = sample.substr(0, sample.rfind('\n') + 1);  // whole lines only
  DelimitedReader reader(sample, separator, nullptr);
  std::vector<Field> fields;
  std::vector<bool> numbers_only(header.size(), true);
  std::vector<bool> has_number(header.size(), false);
  size_t records = 0;
  try {
    reader.Next(fields);  // the header again
    while (records < kSampleRecords && reader.Next(fields)) {
      if (fields.size() != header.size()) return false;
      for (size_t i = 0; i < fields.size(); ++i) {
        const std::optional<float> value = ParseNumber(Trimmed(fields[i].text));
        if (!value) numbers_only[i] = false;
        else if (!std::isnan(*value)) has_number[i] = true;
      }
      ++records;
    }
  } catch (const LoadError&) {
    // A quoted field that the sample cuts off: the records before it decide.
  }
  if (records == 0) return false;
  for (size_t i = 0; i < header.size(); ++i)
    if (numbers_only[i] && has_number[i]) return true;
  return false;
}

// A header name fit for a one-line message: control characters (a quoted newline) as '?', cut
// after kMaxBytes at a character boundary.
std::string ShownColumnName(std::string_view name) {
  constexpr size_t kMaxBytes = 40;
  std::string shown = Shortened(Trimmed(name), kMaxBytes);
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  return shown.empty() ? "\"\"" : shown;
}

// "FILE:1: no token column: found columns a, b, c (...)", at most kMaxListed names.
[[noreturn]] void FailWithoutTokenColumn(const LoadContext& context, const std::vector<Field>& header) {
  constexpr size_t kMaxListed = 12;
  std::string names;
  for (size_t i = 0; i < header.size() && i < kMaxListed; ++i)
    names += (i == 0 ? "" : ", ") + ShownColumnName(header[i].text);
  if (header.size() > kMaxListed) names += " and " + std::to_string(header.size() - kMaxListed) + " more";
  context.Fail("1", "no token column: found columns " + names +
                        " (name the column of token strings \"token\"; \"sequence\" and \"token_id\" are "
                        "optional, every other column is a channel of values)");
}

// [SECTION] The rows' index

// A leading column named as pandas names the index it writes: "" (DataFrame.to_csv() writes the
// index under an empty name), "Unnamed: 0" (that column read back by read_csv and saved again;
// "Unnamed: 0.1" beside a second one) or "index" (reset_index()).
bool HasIndexName(const Field& header) {
  const std::string name = Lower(Trimmed(header.text));
  return name.empty() || name.starts_with("unnamed: ") || name == "index";
}

// A leading column with an index's name is the rows' index, not a channel, when its cells count
// the rows from 0: through the file (a DataFrame's RangeIndex), or within each sequence (frames
// of one sequence each, concatenated without ignore_index). Both are followed as the rows are
// read, since a channel it stays otherwise.
struct IndexCandidate {
  size_t column = 0;
  bool counts_file_rows = true;
  bool counts_sequence_rows = true;

  void See(const std::string& cell, uint64_t file_row, uint64_t sequence_row) {
    counts_file_rows = counts_file_rows && IsDecimal(cell, file_row);
    counts_sequence_rows = counts_sequence_rows && IsDecimal(cell, sequence_row);
  }
  bool IsIndex() const { return counts_file_rows || counts_sequence_rows; }

 private:
  static bool IsDecimal(const std::string& cell, uint64_t number) {
    char digits[24];
    const auto [end, error] = std::to_chars(std::begin(digits), std::end(digits), number);
    return error == std::errc() && cell == std::string_view(digits, static_cast<size_t>(end - digits));
  }
};

// [SECTION] Plain text

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

char DelimitedSeparator(std::string_view text) {
  const size_t end = text.find('\n');
  const std::string_view first = text.substr(0, end == std::string_view::npos ? text.size() : end);
  for (const char separator : {'\t', ','}) {
    if (first.find(separator) == std::string_view::npos) continue;
    DelimitedReader reader(first, separator, nullptr);
    std::vector<Field> header;
    try {
      if (!reader.Next(header)) continue;
    } catch (const LoadError&) {
      continue;
    }
    if (std::any_of(header.begin(), header.end(), IsTokenColumn) || LooksLikeTableWithoutTokens(text, separator, header))
      return separator;
  }
  return 0;
}

Document LoadDelimited(const LoadContext& context, std::string_view text, char separator) {
  DelimitedReader reader(text, separator, &context);
  std::vector<Field> header;
  reader.Next(header);
  int token_column = -1;
  int sequence_column = -1;
  int id_column = -1;
  std::vector<int> value_columns;
  std::vector<std::string> channel_names;  // of the value columns
  std::vector<IndexCandidate> index_candidates;  // the leading value columns named as an index
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    const std::string name = Lower(Trimmed(header[i].text));
    if (IsTokenColumn(header[i]) && token_column < 0) token_column = i;
    else if (name == "sequence" && sequence_column < 0) sequence_column = i;
    else if ((name == "token_id" || name == "id") && id_column < 0) id_column = i;
    else {
      if (index_candidates.size() == static_cast<size_t>(i) && HasIndexName(header[i]))
        index_candidates.push_back({static_cast<size_t>(i)});
      value_columns.push_back(i);
      // An unnamed column that is not the index is still a channel, called by its place.
      channel_names.push_back(name.empty() ? "column " + std::to_string(i + 1) : Trimmed(header[i].text));
    }
  }
  if (token_column < 0) FailWithoutTokenColumn(context, header);
  if (value_columns.empty()) context.Fail("1:1", "the header has no value columns (token,value[,more...])");

  Document document;
  document.source = context.Source();
  std::map<std::string, size_t> sequence_index;  // sequence name -> position, in order of appearance
  std::vector<std::vector<int32_t>> ids;
  std::vector<Field> fields;
  ProgressTicker ticker(context.Progress(), 0);
  uint64_t row = 0;
  while (reader.Next(fields)) {
    ticker.At(reader.Position());
    if (fields.size() != header.size())
      context.Fail(std::to_string(fields[0].line) + ":1", "has " + std::to_string(fields.size()) +
                   " fields but the header has " + std::to_string(header.size()));
    const std::string name = sequence_column >= 0 ? fields[sequence_column].text : "sequence 0";
    auto [entry, added] = sequence_index.try_emplace(name, document.sequences.size());
    if (added) {
      Sequence& sequence = document.sequences.emplace_back();
      sequence.name = name;
      for (const std::string& channel : channel_names) sequence.channels.push_back({channel, {}});
      ids.emplace_back();
    }
    Sequence& sequence = document.sequences[entry->second];
    for (IndexCandidate& candidate : index_candidates)
      candidate.See(Trimmed(fields[candidate.column].text), row, sequence.TokenCount());
    ++row;
    sequence.AppendToken(fields[token_column].text);
    for (size_t c = 0; c < value_columns.size(); ++c)
      sequence.channels[c].values.push_back(
          ParseCell(fields[value_columns[c]], sequence.channels[c].name, context));
    if (id_column >= 0) {
      const float id = ParseCell(fields[id_column], "token_id", context);
      // An empty cell is an unknown id (-1); anything else must be a whole number that fits (a
      // float cell: ids beyond int32 cannot be told apart anyway), never cast unchecked.
      if (!std::isnan(id) && !(std::abs(id) < 2147483648.0f && id == std::trunc(id)))
        context.Fail(std::to_string(fields[id_column].line) + ":" + std::to_string(fields[id_column].column),
                     "column 'token_id': \"" + Trimmed(fields[id_column].text).substr(0, 40) +
                         "\" is not a whole number in the int32 range");
      ids[entry->second].push_back(std::isnan(id) ? -1 : static_cast<int32_t>(id));
    }
  }
  if (document.sequences.empty()) context.Fail(std::to_string(reader.Line()), "no rows after the header");
  // The candidates are the first value columns, so the first channels: the index ones go.
  for (size_t c = index_candidates.size(); c-- > 0;) {
    if (!index_candidates[c].IsIndex()) continue;
    for (Sequence& sequence : document.sequences)
      sequence.channels.erase(sequence.channels.begin() + static_cast<std::ptrdiff_t>(c));
  }
  if (document.sequences[0].channels.empty())
    context.Fail("1:1", "the header has no value columns besides the rows' index (token,value[,more...])");
  for (size_t s = 0; s < document.sequences.size(); ++s)
    if (id_column >= 0) document.sequences[s].SetTokenIds(std::move(ids[s]));
  return document;
}

Document LoadPlainText(const LoadContext& context, std::string_view text) {
  Document document;
  document.source = context.Source();
  Sequence& sequence = document.sequences.emplace_back();
  sequence.name = "text";
  Channel characters{"characters", {}};
  // Whitespace is not measured: it has no value (never 0, which would pull the median and the
  // percentiles down) and is drawn on the canvas rather than hatched as a missing value.
  std::vector<uint8_t> flags;
  ProgressTicker ticker(context.Progress(), 0);
  for (size_t begin = 0; begin < text.size();) {
    ticker.At(begin);
    const bool space = IsSpace(text[begin]);
    size_t end = begin;
    while (end < text.size() && IsSpace(text[end]) == space) ++end;
    const std::string_view token = text.substr(begin, end - begin);
    size_t count = 0;
    if (!space) ForEachCodePoint(token, [&](char32_t) { ++count; });
    sequence.AppendToken(token);
    characters.values.push_back(space ? std::numeric_limits<float>::quiet_NaN() : static_cast<float>(count));
    flags.push_back(space ? kTokenUnmeasured : 0);
    begin = end;
  }
  sequence.channels.push_back(std::move(characters));
  sequence.SetFlags(std::move(flags));
  return document;
}

}  // namespace th
