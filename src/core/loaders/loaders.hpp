#pragma once
// One loader per format, called by LoadDocumentFile once it has recognised the content.
// Internal to th_core.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.hpp"
#include "core/load_document.hpp"
#include "core/loaders/mapped_file.hpp"
#include "core/loaders/vocabulary.hpp"

namespace th {

class LoadContext {
 public:
  LoadContext(std::shared_ptr<const MappedFile> file, const LoadOptions& options)
      : m_file(std::move(file)), m_options(options) {}
  const std::string& Source() const { return m_file->Path(); }
  const std::shared_ptr<const MappedFile>& File() const { return m_file; }
  // The vocabulary for token ids, loaded on first use; place names what needed it.
  const Vocabulary& RequireVocabulary(std::string_view place) const;
  // Token strings from the sidecar PATH.tokens.json ([...] or [[...], ...]), if there is one.
  std::optional<std::vector<std::vector<std::string>>> SidecarTokens() const;
  // Decoding hints from the vocabulary, when one was loaded.
  TokenizerHints Hints() const;
  // Where to report progress and poll for cancellation; null when the caller asked for neither.
  LoadProgress* Progress() const { return m_options.progress; }
  const LoadOptions& Options() const { return m_options; }
  // Throws LoadError "PATH:PLACE: message" (PLACE a line:column) or "PATH: PLACE: message".
  [[noreturn]] void Fail(std::string_view place, std::string_view message) const;

 private:
  std::shared_ptr<const MappedFile> m_file;
  const LoadOptions& m_options;
  mutable std::optional<Vocabulary> m_vocabulary;
};

Document LoadNpy(const LoadContext& context);
Document LoadNpz(const LoadContext& context);
Document LoadSafetensors(const LoadContext& context);
Document LoadJsonText(const LoadContext& context, std::string_view text);
Document LoadDelimited(const LoadContext& context, std::string_view text, char separator);
Document LoadPlainText(const LoadContext& context, std::string_view text);

// A JSON list of token strings ([...] or [[...], ...]): safetensors metadata and sidecars.
std::vector<std::vector<std::string>> ParseTokenListJson(std::string_view text, const LoadContext& context,
                                                         const std::string& place);

// [SECTION] JSON and JSONL

// Returns the line starting at pos (without its '\n') and moves pos to the next line.
std::string_view NextLine(std::string_view text, size_t& pos);
bool IsBlank(std::string_view line);
// JSONL is recognised by its first two non-blank lines both opening an object.
bool LooksLikeJsonl(std::string_view text);

enum class JsonForm { kJson, kJsonl, kEither };
// The simdjson fast path for tokenheat's own JSON/JSONL (json_fast_path.cpp): the document, or
// nullopt whenever the complete reader must redo the text (errors, other tools' JSON, unusual
// keys), so that messages stay that reader's. text has no BOM and is not blank.
std::optional<Document> ParseJsonFast(std::string_view text, const std::string& source, const LoadContext* context,
                                      JsonForm form);
// The complete nlohmann-based reader alone, what the fast path hands over to (json_loader.cpp);
// the differential fuzzer checks that both read the same document whenever the fast path accepts.
// text has no BOM and is not blank.
Document ParseJsonComplete(std::string_view text, const std::string& source, const LoadContext* context,
                           JsonForm form);

// A page that CircuitsVis wrote (str(html), cdn_src or local_src of its RenderedHTML): its
// ColoredTokens, ColoredTokensMulti, TextNeuronActivations, AttentionPatterns, AttentionHeads and
// AttentionPattern as sequences (the last three with attention, without channels); nullopt when the text
// holds no CircuitsVis render call (json_peer_formats.cpp).
std::optional<Document> ParseCircuitsVisHtml(std::string_view text, const std::string& source);

// Recognisers used by the dispatcher (and the fuzzers).
bool LooksLikeSafetensors(std::string_view bytes);
// ',' or '\t' when the first line is a header with a "token" column, else 0.
char DelimitedSeparator(std::string_view text);

}  // namespace th
