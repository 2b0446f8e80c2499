// CircuitsVis HTML pages: the render( calls are found by hand, then their props parsed as JSON.
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  th::FuzzLoad(data, size, [](const th::LoadContext& context) {
    if (auto page = th::ParseCircuitsVisHtml(context.File()->Bytes(), context.Source())) return std::move(*page);
    return th::Document{};
  });
  return 0;
}
