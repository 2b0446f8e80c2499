#pragma once
// The feature browser's one action on the session: show another feature of the open feature index
// (core/feature_index.hpp). Its contexts replace the document's sequences, drawn stacked (each under
// its header: group, rank, place in the corpus) on the feature's own scale, 0 to its largest
// activation over the corpus, so that top, band and random contexts compare by colour.
// GL-free and ImGui-free: the Features panel, --feature and the script step `feature` share it.

#include <cstddef>

#include "session/session.hpp"

namespace th {

// Shows row `row` of the session's feature index; false (nothing changed) when the document is
// not an index or the row is beyond its features.
bool ShowIndexFeature(Session& session, size_t row);

}  // namespace th
