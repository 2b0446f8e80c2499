// The interactive viewer: the main loop that runs the panels, keeps the GPU copies of the
// session's layout and palette current, draws the heatmap into a texture, and idles when
// nothing changes. It also loads files in the background (DocumentLoader), plays --script demos,
// animates scrolling, watches the open file and remembers the user's choices between runs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "app/commands.hpp"
#include "app/export.hpp"
#include "app/heatmap_view.hpp"
#include "app/options.hpp"
#include "app/platform_window.hpp"
#include "app/script.hpp"
#include "app/settings.hpp"
#include "gfx/default_framebuffer.hpp"
#include "gfx/image_io.hpp"
#include "imgui.h"
#include "session/document_loader.hpp"
#include "stream/stream_ingest.hpp"
#include "stream/stream_server.hpp"
#include "ui/missing_glyphs.hpp"
#include "ui/panels.hpp"

namespace th::app {

namespace {

constexpr int kFramesAfterEvent = 3;     // ImGui settles hover and animation over a few frames
constexpr double kIdleWaitSeconds = 0.5;
constexpr double kScrollSeconds = 0.15;  // a scroll jump glides over this long
constexpr double kWatchSeconds = 0.5;    // how often the open file's time stamp is checked
constexpr double kLoadingRedrawSeconds = 1.0 / 30.0;  // the progress bar moves while a file loads

double Seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Scroll jumps (keys, wheel, peaks) glide to their target instead of snapping, so an audience
// can follow where the text went.
class ScrollGlide {
 public:
  // Called after the panels ran: a jump from `before` becomes a glide (targets add up while
  // one is under way).
  void Follow(Session& session, int64_t before, double now) {
    const int64_t jump = session.ScrollPixels() - before;
    if (jump == 0) return;
    m_to = (m_active ? m_to : before) + jump;
    m_from = before;
    m_start = now;
    m_active = true;
    session.ScrollTo(before);
  }
  // Moves the view along the glide (ease-out); false once it has arrived.
  bool Step(Session& session, double now) {
    if (!m_active) return false;
    const double t = std::min((now - m_start) / kScrollSeconds, 1.0);
    const double eased = 1.0 - (1.0 - t) * (1.0 - t) * (1.0 - t);
    session.ScrollTo(m_from + static_cast<int64_t>(static_cast<double>(m_to - m_from) * eased));
    m_active = t < 1.0;
    return true;
  }
  void Stop() { m_active = false; }

 private:
  bool m_active = false;
  int64_t m_from = 0, m_to = 0;
  double m_start = 0;
};

// The open file's modification time, polled: a script that rewrites its output is watched live.
class FileWatch {
 public:
  void Watch(const std::string& path) {
    m_path = path;
    Loaded();
  }
  // True when the file changed on disk since it was last loaded (Watch or Loaded); checked at
  // most every kWatchSeconds.
  bool Changed(double now) {
    if (m_path.empty() || now < m_next_check) return false;
    m_next_check = now + kWatchSeconds;
    const auto stamp = Stamp();
    return stamp && stamp != m_stamp;
  }
  // The file loaded: a failed load (a writer half way through) is tried again at the next check.
  void Loaded() { m_stamp = Stamp(); }
  const std::string& Path() const { return m_path; }

 private:
  std::optional<std::filesystem::file_time_type> Stamp() const {
    std::error_code error;
    const auto stamp = std::filesystem::last_write_time(m_path, error);
    return error ? std::nullopt : std::optional(stamp);
  }
  std::string m_path;
  std::optional<std::filesystem::file_time_type> m_stamp;
  double m_next_check = 0;
};

// Runs write and names place (a script step's FILE:LINE, or the option) in its error, which keeps
// its kind: a refused output is a usage error (exit 2), a write that failed is not (exit 1).
template <typename Write>
void WriteNamingPlace(const std::string& place, const Write& write) {
  try {
    write();
  } catch (const UsageError& error) {
    throw UsageError(place + ": " + error.what());
  } catch (const std::exception& error) {
    throw std::runtime_error(place + ": " + error.what());
  }
}

// A --print-state value as JSON.
nlohmann::json StateJsonValue(const StateValue& value) {
  return std::visit(
      [](const auto& held) -> nlohmann::json {
        if constexpr (std::is_same_v<std::decay_t<decltype(held)>, std::monostate>)
          return nullptr;
        else
          return held;
      },
      value);
}

// What a live stream brought, for --print-state: each streamed sequence with its text and values
// (the first kShownValues of each channel, NaN as null, and the sum and count of the finite ones).
nlohmann::json StreamStateJson(const Session& session, const StreamServer& server, const StreamIngest& ingest,
                               const ui::FrameContext::Stream& stream) {
  constexpr size_t kShownValues = 256;
  constexpr size_t kShownTextBytes = 4096;
  nlohmann::json sequences = nlohmann::json::array();
  for (const StreamIngest::StreamedSequence& streamed : ingest.Sequences()) {
    const Sequence& sequence = session.Doc().sequences[streamed.index];
    std::string text;
    for (size_t i = 0; i < sequence.TokenCount() && text.size() < kShownTextBytes; ++i) text += sequence.Token(i);
    nlohmann::json channels = nlohmann::json::array();
    for (const Channel& channel : sequence.channels) {
      nlohmann::json values = nlohmann::json::array();
      double sum = 0;
      uint64_t finite = 0;
      for (size_t i = 0; i < channel.values.size(); ++i) {
        const float value = channel.values[i];
        if (std::isfinite(value)) sum += value, ++finite;
        if (i < kShownValues) values.push_back(std::isfinite(value) ? nlohmann::json(value) : nlohmann::json());
      }
      channels.push_back({{"name", channel.name}, {"finite", finite}, {"sum", sum}, {"values", values}});
    }
    sequences.push_back({{"name", sequence.name},
                         {"client_name", streamed.client_name},
                         {"client", streamed.connection},
                         {"index", streamed.index},
                         {"open", streamed.open},
                         {"tokens", sequence.TokenCount()},
                         {"text", text},
                         {"channels", channels}});
  }
  return {{"path", server.Path()},
          {"connections", server.Connections()},
          {"frames", server.FramesReceived()},
          {"bytes", server.BytesReceived()},
          {"messages", stream.messages},
          {"new_tokens", stream.new_tokens},
          {"sequences", sequences}};
}

std::string StateJson(const Session& session, const ViewOptions& view, const ui::FrameContext& context,
                      const PlatformWindow& window, const nlohmann::json& stream) {
  nlohmann::json state = {{"source", session.Doc().source},
                          {"tokens", session.CurrentSequence().TokenCount()},
                          {"values", session.ValueLabel()},
                          {"top_token", session.TopToken()},
                          {"scroll", session.ScrollPixels()},
                          {"norm", NormName(session.Mapping().kind)},
                          {"low", session.Low()},
                          {"high", session.High()},
                          {"panel_text_size", context.panel_text_size},
                          {"panels_hidden", context.panels_hidden},
                          {"dark_theme", context.dark_theme}};
  // The options' own fields, as the option table names them ("sequence", "mapping.norm",
  // "value_source.layer"...); a value source's fields only when set.
  for (const OptionSpec& option : Options()) {
    if (option.state.key.empty()) continue;
    const StateValue value = option.state.shown(session, view);
    if (std::holds_alternative<std::monostate>(value)) continue;
    const std::string key(option.state.key);
    const size_t dot = key.find('.');
    if (dot == std::string::npos)
      state[key] = StateJsonValue(value);
    else
      state[key.substr(0, dot)][key.substr(dot + 1)] = StateJsonValue(value);
  }
  const WindowSize size = window.WindowedSize();
  state["window"] = {{"width", size.width}, {"height", size.height}, {"text_scale", window.TextScale()},
                     {"panel_font_pixels", ImGui::GetIO().Fonts->Fonts[0]->FontSize}};
  const UiFontStats& font = window.FontStats();
  state["panel_font"] = {{"fallback_glyphs", font.fallback_glyphs},
                         {"fallback_faces", font.fallback_faces},
                         {"last_build_ms", font.last_build_ms},
                         {"max_build_ms", font.max_build_ms}};
  // The sequence heading the stacked view (null in the running text).
  const std::optional<uint32_t> top_sequence =
      session.Settings().stacked ? session.Stacked().TopSequence() : std::nullopt;
  state["stacked_top_sequence"] = top_sequence ? nlohmann::json(*top_sequence) : nlohmann::json();
  const TextSearch& search = session.Search();
  const MatchColours colours = MatchMarkColours(session.CurrentPalette(), context.canvas);
  state["search"] = {{"text", search.Query().pattern},
                     {"regex", search.Query().regex},
                     {"matches", search.Matches().size()},
                     {"current", search.Current() ? nlohmann::json(*search.Current() + 1) : nlohmann::json()},
                     {"current_colour", HexColour(colours.current)},
                     {"other_colour", HexColour(colours.other)}};
  if (!stream.is_null()) state["stream"] = stream;
  return state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

int RunViewer(const CommandLine& parsed) {
  CommandLine line = parsed;
  if (line.reset_settings) ForgetSettings();
  SavedSettings saved = LoadSettings();
  ApplySavedSettings(saved, line);
  std::optional<ScriptPlayer> script;
  if (line.script) script.emplace(*line.script);

  // --listen with no file: a waiting document until the first streamed sequence arrives, whose
  // data the view options apply to then.
  const bool stream_only = line.listen && !line.view.input && !line.demo;
  const std::string socket_path = line.listen ? (line.listen->empty() ? StreamServer::DefaultPath() : *line.listen) : "";
  Session session(stream_only ? StreamIngest::WaitingDocument(socket_path) : LoadInput(line.view));
  if (!stream_only) ConfigureSession(session, line.view);
  if (line.jump) {
    // Before the window opens, so that a jump to nowhere is a usage error like any other option;
    // the view scrolls there once the text is wrapped.
    try {
      JumpByValue(session, *line.jump);
    } catch (const std::invalid_argument& error) {
      throw UsageError(line.jump_option + ": " + error.what());
    }
  }
  // A screenshot that would replace an input is a usage error before any window opens (the check
  // at the frame covers a file opened since).
  if (line.screenshot) InputFiles(line.view).CheckNotOverwritten(*line.screenshot);
  // The socket too, so that a path it cannot listen on is said before a window opens; its reader
  // wakes the main loop once there is one.
  std::atomic<bool> window_open{false};
  std::optional<StreamServer> server;
  if (line.listen) server.emplace(socket_path, [&window_open] { if (window_open) PlatformWindow::Wake(); });
  PlatformWindow window("tokenheat - " + session.Doc().source, saved.window_size);
  window_open = true;
  // The reader stops before the window (and GLFW) goes, however the loop ends.
  const struct StopStreamsFirst {
    std::optional<StreamServer>& server;
    ~StopStreamsFirst() { server.reset(); }
  } stop_streams_first{server};
  ui::NoteDocumentGlyphs(session.Doc());

  HeatmapView heatmap(line.view.font, session.Settings().font_size);
  heatmap.SetGlyphBudget(HeatmapView::kFrameGlyphBudgetMs);  // a page of new text never stalls a frame
  ui::FrameContext context;
  context.heatmap_texture = heatmap.TextureId();
  context.font = heatmap.Font();
  context.font_file = heatmap.Atlas().PrimaryFontPath();
  context.panel_text_size = saved.panel_text_size.value_or(context.panel_text_size);
  context.panels_hidden = saved.panels_hidden;
  context.dark_theme = saved.dark_theme;
  ui::ApplyTheme(context.dark_theme);

  PlatformWindow::CloseOnSignals();
  std::optional<StreamIngest> ingest;
  if (server) {
    ingest.emplace(stream_only);
    std::printf("tokenheat: listening on %s\n", server->Path().c_str());
    std::fflush(stdout);
    context.stream.listening = true;
    context.stream.path = server->Path();
  }
  bool follow_tail = true;  // the view follows the end of a growing sequence until scrolled away
  int64_t rendered_scroll = 0;  // where the last frame was drawn: a scroll since is the user's (or a script's)

  FileWatch watch;
  if (line.view.input) {
    saved.AddRecent(*line.view.input);
    watch.Watch(*line.view.input);
  }
  // What exports and screenshots never replace: the files read at the start and the file open now.
  const InputFiles start_inputs(line.view);
  const auto inputs_now = [&] {
    InputFiles inputs = start_inputs;
    if (!watch.Path().empty()) inputs.AddDocument(watch.Path());
    return inputs;
  };
  context.recent_files = saved.recent_files;
  ScrollGlide glide;
  DocumentLoader loader;          // every file after the first loads in the background
  std::string script_open_place;  // the script step whose file is loading, to name in its error
  bool restore_top = false;  // after a reload: bring top_token back to the top
  uint64_t top_token = 0;
  bool laid_out = false;  // the heatmap has been laid out at least once

  uint64_t seen_events = window.EventCount();
  int active_frames = kFramesAfterEvent;
  int frames_left = line.frames.value_or(0);
  while (!window.ShouldClose()) {
    // A script's last `open` is still part of it until the file is in, its last search until
    // the matches are.
    const bool scripted = script && (!script->Finished() || loader.Busy() || session.Search().Pending());
    if (line.frames || scripted || active_frames > 0)
      window.PollEvents();
    else
      window.WaitEvents(loader.Busy() ? kLoadingRedrawSeconds : kIdleWaitSeconds);
    if (window.EventCount() != seen_events) {
      seen_events = window.EventCount();
      active_frames = kFramesAfterEvent;
    }
    const auto frame_start = std::chrono::steady_clock::now();
    const double now = Seconds();
    const std::string source_before = session.Doc().source;
    // Steps start once the text has been laid out, so that `goto` has lines to go to, and wait
    // for the file an `open` step loads and the matches a search step asked for.
    if (scripted && laid_out && !loader.Busy() && !session.Search().Pending()) script->Advance(session, line.view, now);
    // A step set a view option the session does not take yet (--attention, --source...): it is in
    // line.view, which --print-state shows.
    if (script && script->TakeViewChange()) active_frames = kFramesAfterEvent;
    if (script)
      if (auto open = script->TakeOpen()) {
        script_open_place = std::move(open->place);
        loader.Start(std::move(open->path), LoadKind::kScript);
      }

    // Files dropped onto the window open in place of the current one; a changed file reloads.
    for (const std::string& path : window.TakeDroppedPaths()) loader.Start(path, LoadKind::kOpen);
    if (!loader.Busy() && watch.Changed(now)) loader.Start(watch.Path(), LoadKind::kReload);
    // A load that ended: the session has the new document now (or still the old one).
    if (const auto outcome = loader.Poll(session)) {
      active_frames = kFramesAfterEvent;
      context.open_note.clear();
      switch (outcome->end) {
        case LoadOutcome::End::kLoaded:
          context.open_error.clear();
          ui::NoteDocumentGlyphs(session.Doc());
          if (outcome->kind == LoadKind::kReload) {
            watch.Loaded();
            restore_top = true;
            top_token = outcome->top_token;
          }
          break;
        case LoadOutcome::End::kFailed:
          if (outcome->kind == LoadKind::kScript) throw std::runtime_error(script_open_place + ": " + outcome->error);
          context.open_error = outcome->error;  // a failed reload is tried again at the next check
          break;
        case LoadOutcome::End::kCancelled:
          if (outcome->kind == LoadKind::kReload) watch.Loaded();  // not again until the file changes again
          context.open_note = "cancelled: " + outcome->path;
          break;
      }
    }
    if (server) {
      // What clients sent since the last frame, as one edit of the document. Notices are taken
      // first and acted on after: what a connection sent before it ended is among the arrivals.
      std::vector<StreamServer::Notice> notices = server->TakeNotices();
      const StreamIngest::Applied applied = ingest->Apply(session, server->TakeArrivals(StreamServer::kFrameBytes), *server);
      for (StreamServer::Notice& notice : notices) {
        if (notice.ended) ingest->ConnectionEnded(notice.connection);
        constexpr size_t kStreamMessages = 6;
        std::vector<std::string>& messages = context.stream.messages;
        messages.push_back(std::move(notice.text));
        if (messages.size() > kStreamMessages) messages.erase(messages.begin());
        context.stream.last_message_error = notice.error;
        active_frames = kFramesAfterEvent;
      }
      if (applied.first_data) {
        try {
          ConfigureSession(session, line.view);
        } catch (const std::exception& error) {  // an option the streamed data cannot take
          context.stream.messages.push_back(error.what());
          context.stream.last_message_error = true;
        }
      }
      if (applied.changed) {
        active_frames = kFramesAfterEvent;
        // The glyphs of what arrived: names of the sequences it went to and their new text.
        for (const StreamIngest::Applied::Grown& grown : applied.grown) {
          const Sequence& sequence = session.Doc().sequences[grown.sequence];
          ui::NoteGlyphsNeeded(sequence.name);
          for (uint64_t token = grown.first_token; token < sequence.TokenCount(); ++token)
            ui::NoteGlyphsNeeded(sequence.Token(token));
        }
        // Scrolled up to read: the view stays, and the button counts what arrived below. (Whether
        // the view follows is decided where it is drawn: before the first frame it has no height
        // to be at the end of.)
        if (applied.current_sequence_tokens > 0 && !follow_tail) context.stream.new_tokens += applied.current_sequence_tokens;
      }
      if (std::exchange(context.stream.follow_requested, false)) {
        follow_tail = true;
        context.stream.new_tokens = 0;
      }
      // More than a frame's budget arrived: the next frame takes more, without waiting for events.
      if (server->Pending()) active_frames = kFramesAfterEvent;
      context.stream.connections = server->Connections();
      context.range.values_growing = ingest->Growing(static_cast<size_t>(session.Settings().sequence));
    }
    context.loading.running = loader.Busy();
    context.loading.path = loader.Path();
    context.loading.bytes_done = loader.BytesDone();
    context.loading.bytes_total = loader.BytesTotal();
    context.loading.seconds = loader.Seconds();
    context.loading.cancelling = loader.Cancelling();

    if (script)
      if (const auto preset = script->TakePreset()) ui::ApplyTextPreset(session, context, *preset);
    window.SetPanelTextSize(context.panel_text_size);  // between frames: it rebuilds the UI font
    // Characters the panels showed as U+FFFD last frame (or a new document has) get their glyphs.
    if (window.AddFallbackGlyphs(ui::TakeMissingGlyphs())) active_frames = kFramesAfterEvent;
    const int64_t scroll_before = session.ScrollPixels();
    const ViewChoices choices_before = CurrentChoices(session, context);
    window.BeginFrame();
    ui::DrawPanels(session, context);
    KeepUserChanges(saved, choices_before, CurrentChoices(session, context), session);
    if (std::exchange(context.loading.cancel_requested, false)) loader.Cancel();
    if (!context.open_request.empty()) loader.Start(std::exchange(context.open_request, {}), LoadKind::kOpen);
    if (session.Doc().source != source_before) {
      // A new file (data panel, drop or script): remember it and watch it.
      saved.AddRecent(session.Doc().source);
      context.recent_files = saved.recent_files;
      watch.Watch(session.Doc().source);
      glide.Stop();
    } else if (!ImGui::IsAnyItemActive()) {
      glide.Follow(session, scroll_before, now);  // a dragged scrollbar follows the mouse at once
    }
    if (glide.Step(session, now)) active_frames = kFramesAfterEvent;
    // Statistics, the overview, wrapping and search matches arrive from background threads: keep drawing.
    if (session.StatisticsPending() || session.OverviewPending() || session.WrappingPending() ||
        session.Search().Pending())
      active_frames = kFramesAfterEvent;
    // The Files panel's Export and a script's: the panel shows what it wrote or why it could not;
    // a script step that cannot write stops the script.
    const auto write_export = [&](std::string path) {
      ExportJob job;
      job.path = std::move(path);
      job.inputs = inputs_now();
      job.font = heatmap.Font();
      job.width = std::max(context.heatmap_width, 64);
      job.scale = context.export_scale;
      job.options.legend = context.export_legend;
      job.options.caption = context.export_caption ? DefaultCaption(session) : std::string();
      job.options.font_family = FontFamily(job.font);
      session.FinishBackgroundWork();  // an export draws with the exact ranges
      context.export_message = "wrote " + job.path + " (" + WriteExport(session, job) +
                               std::to_string(session.CurrentSequence().TokenCount()) + " tokens)";
    };
    if (script)
      if (const auto step = script->TakeExport()) WriteNamingPlace(step->place, [&] { write_export(step->path); });
    if (!context.export_path.empty()) {
      try {
        write_export(std::exchange(context.export_path, {}));
      } catch (const std::exception& error) {
        context.export_message = error.what();
      }
    }
    if (context.fullscreen_requested) {
      window.ToggleFullscreen();
      context.fullscreen_requested = false;
    }

    if (context.font != heatmap.Font()) {
      try {
        heatmap.SetFont(context.font);
        context.font_error.clear();
      } catch (const std::exception& error) {  // FontError: the old font stays
        context.font_error = error.what();
        context.font = heatmap.Font();
      }
      context.font_file = heatmap.Atlas().PrimaryFontPath();
    }
    heatmap.SetContentScale(window.TextScale());
    context.canvas = context.dark_theme ? ui::kDarkCanvas : ui::kLightCanvas;
    heatmap.SetCanvas(context.canvas);

    if (context.heatmap_width > 0 && context.heatmap_height > 0) {
      // Following a growing sequence: its end stays in view, until the view is scrolled elsewhere
      // (and again once it is scrolled back to the end).
      if (server && session.ScrollPixels() != rendered_scroll) follow_tail = session.ScrollPixels() >= session.MaxScroll();
      // A frame that becomes a screenshot draws every glyph; others leave what exceeds their budget
      // to the next frames, which are drawn while any is pending.
      const bool shot_frame = (script && script->PendingScreenshot()) ||
                              (line.frames && !scripted && frames_left == 1 && line.screenshot);
      heatmap.SetGlyphBudget(shot_frame ? std::nullopt : std::optional(HeatmapView::kFrameGlyphBudgetMs));
      heatmap.Render(session, context.heatmap_width, context.heatmap_height, server && follow_tail);
      if (heatmap.PendingGlyphs() > 0) active_frames = kFramesAfterEvent;
      rendered_scroll = session.ScrollPixels();
      if (server) {
        if (session.ScrollPixels() >= session.MaxScroll()) context.stream.new_tokens = 0;
        follow_tail = session.ScrollPixels() >= session.MaxScroll();
      }
      laid_out = true;
      context.twin_texture = heatmap.TwinTextureId();
      context.upload_bytes = heatmap.LastLayoutUploadBytes();
      if (restore_top) {
        // The reloaded document has been wrapped now; the next frame shows the old top token.
        session.ScrollToToken(top_token);
        restore_top = false;
      }
    }

    const bool last_frame = line.frames && !scripted && frames_left == 1;
    // A script step's screenshot names the step when it cannot be written.
    const std::optional<ScriptPlayer::FileStep> shot =
        script && script->PendingScreenshot() ? script->PendingScreenshot()
        : last_frame && line.screenshot       ? std::optional(ScriptPlayer::FileStep{*line.screenshot, "--screenshot"})
                                              : std::nullopt;
    window.EndFrame([&] {
      if (!shot) return;
      WriteNamingPlace(shot->place, [&] {
        inputs_now().CheckNotOverwritten(shot->path);
        const int width = window.FramebufferWidth();
        const int height = window.FramebufferHeight();
        WritePng(shot->path, width, height, gl::ReadDefaultFramebuffer(width, height));
      });
    });
    if (script && script->PendingScreenshot()) script->ScreenshotTaken();
    gl::CheckErrors("viewer frame");
    context.frame_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count();
    if (active_frames > 0) --active_frames;
    // Keep drawing while ImGui animates or a button is held (dragging a slider or the scrollbar).
    if (ImGui::IsAnyItemActive()) active_frames = kFramesAfterEvent;
    // With a script, --frames counts the frames after its last step.
    if (line.frames && !scripted && --frames_left == 0) break;
  }
  // A size the user gave the window is kept; one the monitor imposed is not a choice.
  if (window.WindowedSize() != window.OpenedSize()) saved.window_size = window.WindowedSize();
  SaveSettings(saved);
  if (line.print_state) {
    const nlohmann::json stream = server ? StreamStateJson(session, *server, *ingest, context.stream) : nlohmann::json();
    std::printf("%s\n", StateJson(session, line.view, context, window, stream).c_str());
  }
  return 0;
}

}  // namespace th::app
