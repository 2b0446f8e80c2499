// `tokenheat render`: the viewer's picture of one sequence (or of each), drawn headlessly to a
// PNG, or exported as SVG or HTML with the same colours.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "app/commands.hpp"
#include "app/export.hpp"
#include "core/empty_parts.hpp"
#include "gfx/egl_context.hpp"
#include "layout/stacked_layout.hpp"
#include "session/value_source.hpp"

namespace th::app {

namespace {

// Keeps the tokens [first, end) of a sequence (end clipped to its length) with their values.
void KeepTokenRange(Sequence& sequence, std::pair<uint64_t, uint64_t> range) {
  const size_t count = sequence.TokenCount();
  if (range.first >= count)
    throw UsageError("--tokens " + std::to_string(range.first) + ":" + std::to_string(range.second) + ": " +
                     sequence.name + " has " + std::to_string(count) + " tokens");
  std::vector<bool> keep(count, false);
  std::fill(keep.begin() + static_cast<std::ptrdiff_t>(range.first),
            keep.begin() + static_cast<std::ptrdiff_t>(std::min<uint64_t>(range.second, count)), true);
  sequence.KeepTokens(keep);
}

// The sequences the session would draw with nothing in them: its sequence (every listed one when
// stacked) without tokens, or without a finite value of what is drawn (the channel, or the
// attention or feature shown instead: not the channels beside them), or without any channel; the
// first kMaxEmptyWarnings listed. The source's own values decide: shuffling, granularity and
// --tokens (already applied) keep whether a sequence has a finite value.
EmptyParts EmptyPartsDrawn(Session& session) {
  const std::vector<uint32_t> current{static_cast<uint32_t>(session.Settings().sequence)};
  EmptyPartsQuery query;
  query.sequences = session.Settings().stacked ? std::span<const uint32_t>(session.ListedSequences())
                                               : std::span<const uint32_t>(current);
  query.limit = kMaxEmptyWarnings;
  if (const Channel* channel = session.CurrentChannel()) {
    query.channel = channel->name;
  } else if (session.Source().kind != ValueSourceSpec::Kind::kChannel) {
    const ValueSourceSpec spec = session.CurrentSourceSpec();
    query.drawn = EmptyPartsQuery::Drawn{session.ValueLabel(), [spec](const Sequence& sequence) {
                                           const std::shared_ptr<const ValueSource> values = MakeSource(sequence, spec);
                                           return values && HasFiniteValue(values->Values());
                                         }};
  } else {
    query.channel = "";  // no channel at all (a file of features alone): every sequence lacks it
  }
  return FindEmptyParts(session.Doc(), query);
}

// The error that ends a render refused for empty parts, after their warnings.
int RefuseEmpty(const std::string& what) {
  std::fprintf(stderr,
               "tokenheat: error: %s: no value to show (choose another --channel or --seq, or pass "
               "--allow-empty to draw it all the same)\n",
               what.c_str());
  return kExitEmptyPicture;
}

}  // namespace

int RunRender(const CommandLine& line) {
  Document document = LoadInput(line.view);
  ExportJob job;
  job.font = line.view.font;
  job.width = line.view.width;
  job.scale = line.scale;
  job.layout_path = line.layout_output;
  job.inputs = InputFiles(line.view);
  job.options.legend = line.legend;
  job.options.font_family = FontFamily(line.view.font);
  job.options.first_token = line.tokens ? line.tokens->first : 0;
  const ExportFormat format = line.all_sequences ? FormatNamed(line.format, line.out_dir) : FormatOfPath(line.output);
  // HTML needs no GL; the others draw with the viewer's renderer.
  const auto context = format == ExportFormat::kHtml ? nullptr : gl::HeadlessContext::Create();
  // Writes the session's current sequence to path and says so.
  const auto write = [&](Session& session, const std::string& path) {
    job.path = path;
    job.options.caption = line.caption ? DefaultCaption(session) : std::string();
    const std::string size = WriteExport(session, job);
    const ValueMapping& mapping = session.Mapping();
    const std::string drawn = session.Settings().stacked
                                  ? std::to_string(session.ListedSequences().size()) +
                                        (session.ListedSequences().size() == 1 ? " sequence" : " sequences") + " stacked"
                                  : std::to_string(session.CurrentSequence().TokenCount()) + " tokens";
    char range[64] = "no range";  // a log scale of a scope with no value above 0
    if (mapping.HasRange()) std::snprintf(range, sizeof range, "range %g..%g", mapping.low, mapping.high);
    std::printf("wrote %s (%s%s, %s %s, %s, %s%s)\n", path.c_str(), size.c_str(), drawn.c_str(),
                ScopeName(session.Spec().scope).c_str(), NormName(mapping.kind).c_str(), range,
                session.CurrentPalette().name.c_str(), session.Settings().shuffle_seed ? ", SHUFFLED" : "");
  };

  if (!line.view.filter.empty()) {
    const std::vector<uint32_t> listed = ListSequences(document, {}, line.view.filter, SequenceOrder::kFile);
    if (listed.empty()) throw UsageError("--filter " + line.view.filter + ": no sequence name contains it");
  }
  if (!line.all_sequences) {
    if (line.tokens && line.view.sequence < static_cast<int>(document.sequences.size()))
      KeepTokenRange(document.sequences[static_cast<size_t>(line.view.sequence)], *line.tokens);
    Session session(std::move(document));
    ConfigureSession(session, line.view);
    // Before drawing anything: an empty picture is never written as if it were data.
    const EmptyParts empty = EmptyPartsDrawn(session);
    WarnOfEmptyParts(session.Doc(), empty);
    if (empty.count > 0 && !line.allow_empty) return RefuseEmpty(line.output + " not written");
    session.FinishBackgroundWork();  // a long sequence's exact ranges come from the background
    write(session, line.output);
    return 0;
  }
  if (line.tokens)
    for (Sequence& sequence : document.sequences) KeepTokenRange(sequence, *line.tokens);
  std::error_code error;
  std::filesystem::create_directories(line.out_dir, error);
  if (error) throw std::runtime_error(line.out_dir + ": cannot create directory (" + error.message() + ")");
  // Each sequence's channel is known only once its session is configured (a derived channel, the
  // first sequence's channel kept by name), so empty ones are found as the loop reaches them:
  // they are not written (unless --allow-empty), the others are, and the warnings come at the end.
  EmptyParts empty;
  const std::vector<uint32_t> listed = ListSequences(document, {}, line.view.filter, SequenceOrder::kFile);
  for (const uint32_t index : listed) {
    // Each sequence gets its own session, so its defaults come from its own values as in the viewer.
    ViewOptions view = line.view;
    view.sequence = static_cast<int>(index);
    Session session(document);
    ConfigureSession(session, view);
    const EmptyParts parts = EmptyPartsDrawn(session);
    empty.count += parts.count;
    for (const EmptyPart& part : parts.listed)
      if (empty.listed.size() < kMaxEmptyWarnings) empty.listed.push_back(part);
    if (parts.count > 0 && !line.allow_empty) continue;
    session.FinishBackgroundWork();
    const std::string name = "seq-" + std::to_string(index) + "." + line.format;
    write(session, (std::filesystem::path(line.out_dir) / name).string());
  }
  WarnOfEmptyParts(document, empty);
  if (empty.count > 0 && !line.allow_empty)
    return RefuseEmpty(line.out_dir + ": " + std::to_string(empty.count) + " of " + std::to_string(listed.size()) +
                       " sequences not written");
  return 0;
}

}  // namespace th::app
