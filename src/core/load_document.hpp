#pragma once
// The single entry point for reading a document from a file. The format is chosen from the
// content (magic bytes, then the shape of the text), not from the file name:
//   .npy, .npz (np.save / np.savez / np.savez_compressed), safetensors, JSON / JSONL (tokenheat's
//   own, CircuitsVis, OpenAI neuron-viewer, GLTR, inseq), CSV / TSV with a "token" column, and
//   any other text, which is split into words and whitespace.
// Token strings from tokenizers (byte-level BPE, SentencePiece, WordPiece) are decoded for
// display; the raw strings stay available (Sequence::RawToken). Every failure throws LoadError
// with one line "PATH:PLACE: message", among them "PATH: does not fit in memory (needs N GB)" and
// "PATH: changed while it was read" (the file was cut short under the load).

#include <string>

#include "core/document.hpp"
#include "core/load_error.hpp"
#include "core/load_progress.hpp"

namespace th {

struct LoadOptions {
  // Vocabulary for inputs that hold token ids instead of strings: a Hugging Face tokenizer.json
  // or a text file with one token per line. Empty: tokenizer.json or vocab.txt beside the input.
  std::string vocabulary;
  // Optional: the bytes read are reported into it, and its Cancel() makes the load throw
  // LoadCancelled within about ProgressTicker::kGrain bytes (the viewer's background loads).
  LoadProgress* progress = nullptr;
  // The array that holds attention patterns in an .npy/.npz/safetensors input (the CLI's
  // --attention NAME), or NAME.0.npy, NAME.1.npy... beside it; empty: "attention" or "attn", or
  // attention.0.npy... Given but in neither place, or given for another format, it is a LoadError.
  std::string attention_array = {};
};

Document LoadDocumentFile(const std::string& path, const LoadOptions& options = {});

// Throws LoadError "PATH: changed while it was read" when the file that the document's borrowed
// columns read from was cut short since the load (reads past its new end found zeros): what was
// computed from them since is not the file's. Commands call it after reading the values.
void ThrowIfSourceChanged(const Document& document);

}  // namespace th
