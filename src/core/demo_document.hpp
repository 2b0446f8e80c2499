#pragma once
// The built-in demo document, shown when tokenheat starts without a file. Its channels are
// computed from the words themselves, so it needs no model and no data files.

#include "core/document.hpp"

namespace th {

// Sequence "Lorem ipsum" (three paragraphs) and "Pangrams" (one sentence a line), one token a
// word with its leading space, newline runs as their own tokens. Channels: "characters"
// (letters in the word) and "vowel share" (vowels / letters); newline tokens have 0 in both.
Document MakeDemoDocument();

}  // namespace th
