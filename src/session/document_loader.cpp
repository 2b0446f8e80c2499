#include "session/document_loader.hpp"

#include <exception>
#include <stop_token>
#include <utility>

namespace th {

namespace {

// The new document in place of the old one, keeping what the user was looking at: the sequence,
// the channel (by name), and the token at the top, returned to scroll back to once the text is
// wrapped again.
uint64_t ReplaceKeepingView(Session& session, Document document) {
  const int sequence = session.Settings().sequence;
  const ValueSourceSpec source = session.CurrentSourceSpec();
  const uint64_t top = session.TopToken();
  session.ReplaceDocument(std::move(document));
  session.SelectSequence(sequence);
  session.SetSource(source);  // the same channel, attention or feature when the new file has it
  return top;
}

}  // namespace

void DocumentLoader::Start(std::string path, LoadKind kind, LoadOptions options) {
  m_task = {};  // cancels the running load (through its stop token) and waits for it
  m_path = std::move(path);
  m_kind = kind;
  m_start = std::chrono::steady_clock::now();
  m_progress = std::make_unique<LoadProgress>();
  options.progress = m_progress.get();
  m_task = BackgroundTask<Document>([path = m_path, options](std::stop_token stop) {
    // Replacing or destroying the task stops the load at its next progress check.
    const std::stop_callback cancel(stop, [progress = options.progress] { progress->Cancel(); });
    return LoadDocumentFile(path, options);
  });
}

void DocumentLoader::Cancel() {
  if (Busy()) m_progress->Cancel();
}

double DocumentLoader::Seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

std::optional<LoadOutcome> DocumentLoader::Poll(Session& session) {
  if (!m_task.Ready()) return std::nullopt;
  LoadOutcome outcome;
  outcome.kind = m_kind;
  outcome.path = m_path;
  try {
    Document document = m_task.Take();
    if (m_progress->Cancelled()) throw LoadCancelled();
    switch (m_kind) {
      case LoadKind::kOpen:
        session.ReplaceDocument(std::move(document));
        session.ApplyFileRange();
        break;
      case LoadKind::kReload:
        outcome.top_token = ReplaceKeepingView(session, std::move(document));
        break;
      case LoadKind::kScript:
        session.ReplaceDocument(std::move(document));
        session.ApplyDataDefaults(false);
        break;
    }
  } catch (const LoadCancelled&) {
    outcome.end = LoadOutcome::End::kCancelled;
  } catch (const std::exception& error) {
    outcome.end = LoadOutcome::End::kFailed;
    outcome.error = error.what();
  }
  m_progress.reset();
  return outcome;
}

}  // namespace th
