#include "app/value_source_options.hpp"

#include "core/attention.hpp"
#include "core/feature_dictionary.hpp"
#include "core/feature_index.hpp"
#include "session/feature_browser.hpp"

namespace th::app {

namespace {

bool AttentionOptionGiven(const ViewOptions& options) {
  return options.source || options.layer || options.head || options.direction != AttentionDirection::kFrom;
}

void ConfigureFeature(Session& session, const std::string& wanted) {
  // A feature index: the feature's contexts, in its browser.
  if (const std::shared_ptr<const FeatureIndex> index = session.Doc().feature_index) {
    const std::optional<size_t> row = index->Find(wanted);
    if (!row)
      throw UsageError("--feature " + wanted + ": no feature of that number or label among the index's " +
                       std::to_string(index->Features()) + " features");
    ShowIndexFeature(session, *row);
    return;
  }
  const FeatureDictionary* dictionary = session.CurrentSequence().Features().get();
  if (!dictionary)
    throw UsageError("--feature " + wanted + ": sequence '" + session.CurrentSequence().name +
                     "' has no feature activations");
  const std::optional<uint32_t> feature = dictionary->Find(wanted);
  if (!feature)
    throw UsageError("--feature " + wanted + ": no feature of that name or number among the " +
                     std::to_string(dictionary->Features()) + " features");
  ValueSourceSpec spec;
  spec.kind = ValueSourceSpec::Kind::kFeature;
  spec.feature = *feature;
  if (const std::string why = session.SetSource(spec); !why.empty()) throw UsageError("--feature " + wanted + ": " + why);
}

void ConfigureAttention(Session& session, const ViewOptions& options) {
  const Sequence& sequence = session.CurrentSequence();
  if (!sequence.Attention())
    throw UsageError("--source/--layer/--head/--direction: sequence '" + sequence.name +
                     "' has no attention patterns (an array named attention or attn, or --attention NAME)");
  ValueSourceSpec spec;
  spec.kind = ValueSourceSpec::Kind::kAttention;
  spec.direction = options.direction;
  spec.layer = options.layer.value_or(IndexOrReduction{});
  spec.head = options.head.value_or(IndexOrReduction{});
  const uint64_t tokens = sequence.TokenCount();
  spec.source_token = options.source.value_or(options.direction == AttentionDirection::kFrom && tokens > 0 ? tokens - 1 : 0);
  if (const std::string why = session.SetSource(spec); !why.empty()) {
    const std::string option = spec.source_token >= tokens ? "--source" : why.starts_with("layer") ? "--layer" : "--head";
    throw UsageError(option + ": " + why);
  }
}

}  // namespace

void ConfigureValueSource(Session& session, const ViewOptions& options) {
  if (options.feature && AttentionOptionGiven(options))
    throw UsageError("--feature: give either a feature or an attention row (--source, --layer, --head, --direction)");
  if (options.channel && (options.feature || AttentionOptionGiven(options)))
    throw UsageError(std::string(options.feature ? "--feature" : "--source/--layer/--head/--direction") +
                     ": give either a channel (--channel) or what replaces it");
  if (options.feature) return ConfigureFeature(session, *options.feature);
  const Sequence& sequence = session.CurrentSequence();
  if (AttentionOptionGiven(options) || (sequence.channels.empty() && sequence.Attention()))
    ConfigureAttention(session, options);
}

}  // namespace th::app
