// CSV / TSV: header detection, RFC 4180 quoting, sequence and token_id columns, value cells.
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  th::FuzzLoad(data, size, [](const th::LoadContext& context) {
    const std::string_view text = context.File()->Bytes();
    const char separator = th::DelimitedSeparator(text);
    if (separator == 0) throw th::LoadError("no token column");
    return th::LoadDelimited(context, text, separator);
  });
  return 0;
}
