// Text formats: CSV/TSV with a "token" column (RFC 4180 quoting, so tokens may hold commas,
// quotes and newlines) and plain text, which is split into words and whitespace.
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

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

float ParseCell(const Field& field, const std::string& column, const LoadContext& context) {
  const std::string text = Trimmed(field.text);
  const std::string lower = Lower(text);
  if (text.empty() || lower == "nan" || lower == "null" || lower == "none") return std::numeric_limits<float>::quiet_NaN();
  if (lower == "inf" || lower == "infinity" || lower == "+inf") return std::numeric_limits<float>::infinity();
  if (lower == "-inf" || lower == "-infinity") return -std::numeric_limits<float>::infinity();
  double value = 0;
  const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
  const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    std::string shown = text.substr(0, 40);
    context.Fail(std::to_string(field.line) + ":" + std::to_string(field.column),
                 "column '" + column + "': \"" + shown + "\" is not a number");
  }
  return static_cast<float>(value);
}

// [SECTION] Plain text

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

char DelimitedSeparator(std::string_view text) {
  const size_t end = text.find('\n');
  const std::string_view first = text.substr(0, end == std::string_view::npos ? text.size() : end);
  for (const char separator : {'\t', ','}) {
    if (first.find(separator) == std::string_view::npos) continue;
    DelimitedReader reader(first, separator, nullptr);
    std::vector<Field> fields;
    try {
      if (!reader.Next(fields)) continue;
    } catch (const LoadError&) {
      continue;
    }
    for (const Field& field : fields)
      if (Lower(Trimmed(field.text)) == "token") return separator;
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
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    const std::string name = Lower(Trimmed(header[i].text));
    if (name == "token" && token_column < 0) token_column = i;
    else if (name == "sequence" && sequence_column < 0) sequence_column = i;
    else if ((name == "token_id" || name == "id") && id_column < 0) id_column = i;
    else value_columns.push_back(i);
  }
  if (value_columns.empty()) context.Fail("1:1", "the header has no value columns (token,value[,more...])");

  Document document;
  document.source = context.Source();
  std::map<std::string, size_t> sequence_index;  // sequence name -> position, in order of appearance
  std::vector<std::vector<int32_t>> ids;
  std::vector<Field> fields;
  ProgressTicker ticker(context.Progress(), 0);
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
      for (const int column : value_columns) sequence.channels.push_back({Trimmed(header[column].text), {}});
      ids.emplace_back();
    }
    Sequence& sequence = document.sequences[entry->second];
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
