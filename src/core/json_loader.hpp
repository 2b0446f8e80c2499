#pragma once
// Parses tokenheat's JSON and JSONL documents (and other tools' JSON: OpenAI neuron-viewer
// NeuronRecords, GLTR, inseq) from memory. Files go through LoadDocumentFile (load_document.hpp).
//
//   {"tokens": ["Hello", " world"], "values": [0.1, 0.9]}           one sequence, channel "value"
//   {"sequences": [{"name": "...", "tokens": [...], "channels": {"act": [...], ...}}]}
//   JSONL: one sequence object per line ({"name","tokens","channels"} or {"tokens","values"}).
//
// Values may be numbers or null (null, "NaN", "Infinity", "-Infinity" load as "no value").
// Every failure throws LoadError naming the file and line:column or key.

#include <string>
#include <string_view>

#include "core/document.hpp"
#include "core/load_error.hpp"

namespace th {

// Parses in-memory text; source_name is used in error messages and Document::source.
Document ParseJsonDocument(std::string_view text, const std::string& source_name);
Document ParseJsonlDocument(std::string_view text, const std::string& source_name);

}  // namespace th
