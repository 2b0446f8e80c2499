#include "core/load_document.hpp"

#include <algorithm>
#include <filesystem>
#include <new>
#include <stdexcept>

#include "core/loaders/arrays.hpp"
#include "core/loaders/embedded_arrays.hpp"
#include "core/loaders/loaders.hpp"
#include "core/token_decoding.hpp"

namespace th {

namespace {

std::string_view StripBom(std::string_view text) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  return text.starts_with(kBom) ? text.substr(kBom.size()) : text;
}

// Binary content that no loader recognised: refused rather than shown as garbage text.
bool LooksBinary(std::string_view bytes) {
  return bytes.substr(0, 4096).find('\0') != std::string_view::npos;
}

// A gzip-compressed text document (inseq's save(compress=True), pandas' to_csv("x.csv.gz"),
// gzip FILE.jsonl): inflated into memory, then read as its text. Deflate inflates at most 1032:1,
// and the text must fit beside the document made from it.
Document LoadGzippedText(const LoadContext& context, std::string_view compressed) {
  constexpr uint64_t kDeflateMaxRatio = 1032;
  const uint64_t most = std::min<uint64_t>(compressed.size() * kDeflateMaxRatio, MemoryAvailable() / 2);
  std::string text;
  try {
    text = InflateGzip(compressed, most);
  } catch (const EmbeddedArrayError& error) {
    throw LoadError(context.Source() + ": " + error.what());
  }
  const std::string_view content = StripBom(text);
  const size_t first = content.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) throw LoadError(context.Source() + ": file is empty (after gunzip)");
  if (content[first] == '{' || content[first] == '[') return LoadJsonText(context, text);
  if (LooksBinary(content))
    context.Fail("byte 0", "gzip-compressed, but what it holds is not JSON, JSONL, CSV, TSV or text");
  if (const char separator = DelimitedSeparator(content)) return LoadDelimited(context, content, separator);
  return LoadPlainText(context, content);
}

// An attention array asked for by name in a format without named arrays is not there: said, not
// ignored.
void RequireNoArrayName(const LoadContext& context) {
  const std::string& asked = context.Options().attention_array;
  if (!asked.empty())
    throw LoadError(context.Source() + ": attention array '" + asked +
                    "' asked for, but only .npy, .npz and safetensors files have named arrays");
}

Document LoadByContent(const LoadContext& context) {
  const std::string_view bytes = context.File()->Bytes();
  const bool gzipped = bytes.starts_with("\x1f\x8b");
  if (!gzipped) {
    if (bytes.starts_with("\x93NUMPY")) return LoadNpy(context);
    if (bytes.starts_with("PK\x03\x04") || bytes.starts_with("PK\x05\x06")) return LoadNpz(context);
    if (LooksLikeSafetensors(bytes)) return LoadSafetensors(context);
  }
  RequireNoArrayName(context);
  if (gzipped) return LoadGzippedText(context, bytes);
  const std::string_view text = StripBom(bytes);
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) throw LoadError(context.Source() + ": file is empty");
  if (text[first] == '{' || text[first] == '[') return LoadJsonText(context, bytes);
  if (text[first] == '<')
    if (auto page = ParseCircuitsVisHtml(text, context.Source())) return std::move(*page);
  if (LooksBinary(bytes))
    context.Fail("byte 0", "not a format tokenheat reads (npy, npz, safetensors, JSON, JSONL, CSV, TSV, text)");
  if (const char separator = DelimitedSeparator(text)) return LoadDelimited(context, text, separator);
  return LoadPlainText(context, text);
}

}  // namespace

const Vocabulary& LoadContext::RequireVocabulary(std::string_view place) const {
  if (m_vocabulary) return *m_vocabulary;
  std::string path = m_options.vocabulary;
  if (path.empty()) {
    const std::filesystem::path directory = std::filesystem::path(Source()).parent_path();
    for (const char* name : {"tokenizer.json", "vocab.txt"}) {
      std::error_code error;
      if (std::filesystem::exists(directory / name, error)) {
        path = (directory / name).string();
        break;
      }
    }
  }
  if (path.empty())
    Fail(place, "token ids need a vocabulary: pass --vocab FILE (tokenizer.json or one token per line), or put "
                "tokenizer.json or vocab.txt beside the file");
  m_vocabulary = Vocabulary::Load(path);
  return *m_vocabulary;
}

TokenizerHints LoadContext::Hints() const { return m_vocabulary ? m_vocabulary->Hints() : TokenizerHints{}; }

std::optional<std::vector<std::vector<std::string>>> LoadContext::SidecarTokens() const {
  const std::string path = Source() + ".tokens.json";
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::nullopt;
  const auto file = MappedFile::Open(path);
  const LoadContext sidecar(file, m_options);
  auto tokens = ParseTokenListJson(file->Bytes(), sidecar, "tokens");
  file->ThrowIfChanged();
  return tokens;
}

void LoadContext::Fail(std::string_view place, std::string_view message) const {
  throw LoadError(Source() + ":" + (place.empty() || std::isdigit(static_cast<unsigned char>(place[0])) ? "" : " ") +
                  std::string(place) + ": " + std::string(message));
}

Document LoadDocumentFile(const std::string& path, const LoadOptions& options) {
  const LoadContext context(MappedFile::Open(path), options);
  const MappedFile& file = *context.File();
  LoadProgress* progress = options.progress;
  if (progress) progress->Start(file.Bytes().size());
  // The array loaders refuse what they know to be too large before allocating it, naming the size
  // needed (RequireMemory); this is for the rest.
  const auto out_of_memory = [&] {
    file.ThrowIfChanged();
    return LoadError(path + ": does not fit in memory");
  };
  try {
    Document document = LoadByContent(context);
    if (progress) progress->ThrowIfCancelled();
    DecodeDocumentTokens(document, context.Hints());
    // Zeros read where the file was cut short make a document that looks fine but is not the file.
    file.ThrowIfChanged();
    if (progress) progress->Finish();
    document.file = context.File();
    return document;
  } catch (const LoadError&) {
    // Zeros read past a new end fail the format's checks: the change is what went wrong.
    file.ThrowIfChanged();
    throw;
  } catch (const std::bad_alloc&) {
    throw out_of_memory();
  } catch (const std::length_error&) {  // a std::vector or std::string asked for more than it can hold
    throw out_of_memory();
  }
}

void ThrowIfSourceChanged(const Document& document) {
  if (const auto file = document.file.lock()) file->ThrowIfChanged();
}

}  // namespace th
