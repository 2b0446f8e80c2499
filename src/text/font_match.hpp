#pragma once
// fontconfig's best font file for a pattern, for code that needs a path (the ImGui UI font)
// without pulling FreeType or fontconfig headers in.

#include <string>

namespace th {

// Throws FontError when fontconfig matches nothing usable.
std::string MatchFontFile(const std::string& pattern);

}  // namespace th
