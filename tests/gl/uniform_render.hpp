#pragma once
// One sequence of tokens, every one valued 0.5 on a 0..1 range, rendered headless: every box has
// the palette's middle colour, so that glyph pixels stand out from it and compare between renders.

#include <string>
#include <utility>
#include <vector>

#include "app/headless_render.hpp"
#include "session/session.hpp"

namespace th {

inline app::RenderedImage RenderUniformTokens(const std::vector<std::string>& tokens, int width,
                                              const std::string& font = "monospace") {
  Document document;
  Sequence& sequence = document.sequences.emplace_back();
  for (const std::string& token : tokens) sequence.AppendToken(token);
  sequence.channels.push_back({"value", std::vector<float>(tokens.size(), 0.5f)});
  Session session(std::move(document));
  session.SetManualRange(0.0f, 1.0f);
  app::RenderRequest request;
  request.session = &session;
  request.width = width;
  request.font = font;
  return app::RenderSequenceImage(request);
}

}  // namespace th
