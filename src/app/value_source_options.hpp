#pragma once
// --source, --direction, --layer, --head and --feature (and their script steps) applied to a
// session: which attention row or column, or which feature, colours the tokens.

#include "app/cli.hpp"
#include "session/session.hpp"

namespace th::app {

// Leaves the session's source alone when none of the options is given, except for a sequence
// with attention patterns and no channel (CircuitsVis attention pages), which starts on its
// attention. Defaults: layer 0, head 0, direction from, and the source token the last token
// (from: it sees every token of a causal model) or the first (to). Throws UsageError naming the
// option when the sequence has no such attention or feature, an index is out of range, or
// --feature is given with an attention option.
void ConfigureValueSource(Session& session, const ViewOptions& options);

}  // namespace th::app
