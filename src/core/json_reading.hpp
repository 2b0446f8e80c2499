#pragma once
// The pieces of the JSON document reader (json_loader.cpp) that the readers of other tools' JSON
// (json_peer_formats.cpp) share: where a value came from, one-line errors naming its key path, and
// the readers of tokens, values and whole sequence objects. Internal to th_core.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/document.hpp"

namespace th {

class LoadContext;

// Ordered so that channels keep the order they have in the file.
using Json = nlohmann::ordered_json;

// Where the value being read came from: the file, and for JSONL the line (0 for JSON).
struct Origin {
  const std::string& source;
  int line = 0;
  const LoadContext* context = nullptr;  // nullptr for in-memory text (no vocabulary beside it)
};

// Throws LoadError "SOURCE[:LINE]: KEY.PATH: message".
[[noreturn]] void Fail(const Origin& origin, std::string_view key_path, std::string_view message);

// Key paths ("sequences[2].channels.act") are built only when something fails.
std::string Member(std::string_view path, std::string_view key);
std::string Element(std::string_view path, size_t index);
// "3 values", "1 token".
std::string CountOf(size_t count, std::string_view noun);
// "a string", "an object", "null".
std::string KindOf(const Json& value);
// The value as one line of JSON, shortened.
std::string Quote(const Json& value);
// Fail "expected EXPECTED, found KIND" unless ok.
void Expect(bool ok, const Json& value, std::string_view expected, const Origin& origin, std::string_view key_path);

// A number, null (no value), or the strings "NaN", "Infinity", "-Infinity", "nan", "inf", "-inf".
float ValueOf(const Json& value, const Origin& origin, std::string_view channel_path, size_t index);
// One value per token.
Channel ReadChannel(std::string name, const Json& values, size_t token_count, const Origin& origin,
                    std::string_view path);
// A list of token strings, appended to the sequence.
void ReadTokens(const Json& tokens, Sequence& sequence, const Origin& origin, std::string_view path);
// Top-k predictions, one list per token of [token, probability] pairs (GLTR's pred_topk form),
// for the tokens from first_token on (those before it have none: GLTR predicts nothing for its
// start token).
void ReadTopK(const Json& top_k, Sequence& sequence, const Origin& origin, std::string_view path,
              size_t first_token = 0);
// tokenheat's sequence object {"name", "tokens" | "token_ids", "values" | "activations",
// "channels", "top_k"}; path is its key path ("" at the top level or on a JSONL line).
Sequence ReadSequence(const Json& object, std::string default_name, const Origin& origin, std::string_view path);

// Other tools' JSON (json_peer_formats.cpp): fills the document and returns true when root is in
// one of their shapes, else returns false and leaves it alone.
bool ReadPeerDocument(const Json& root, Document& document, const Origin& origin);

}  // namespace th
