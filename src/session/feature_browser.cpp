#include "session/feature_browser.hpp"

#include "core/feature_index.hpp"

namespace th {

bool ShowIndexFeature(Session& session, size_t row) {
  std::shared_ptr<const FeatureIndex> index = session.Doc().feature_index;
  if (!index || row >= index->Features()) return false;
  std::string source = session.Doc().source;
  session.ReplaceDocument(DocumentOfIndexFeature(std::move(index), row, std::move(source)));
  session.SetStacked(true);
  session.ApplyFileRange();
  return true;
}

}  // namespace th
