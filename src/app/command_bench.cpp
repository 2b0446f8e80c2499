// `tokenheat bench`: a scripted, headless session on one document that anyone can rerun to check
// the frame-rate targets for long documents. It opens the document, draws the first complete
// frame, scrolls, scrubs to random places (what dragging the overview does), jumps (PageDown,
// End, Home, go to token), recolours (range and palette) and, on a document with attention
// patterns, switches the source token, layer and head, timing every frame to glFinish, in
// wall-clock time and in the CPU time of the whole process (llvmpipe's threads included), which
// a shared machine's load does not inflate.
// The last line of output is one JSON object, so scripts can compare runs.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "app/commands.hpp"
#include "app/heatmap_view.hpp"
#include "core/attention.hpp"
#include "core/palette_registry.hpp"
#include "core/synthetic_document.hpp"
#include "gfx/egl_context.hpp"
#include "gfx/gl_objects.hpp"

namespace th::app {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Resident memory of one kind from /proc/self/status ("RssAnon": the process's own allocations;
// "RssFile": pages of mapped files, which the kernel takes back when it needs them), in MB; -1
// where the kernel does not say.
double StatusMegabytes(const char* field) {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (!status) return -1.0;
  char line[256];
  double megabytes = -1.0;
  const size_t length = std::strlen(field);
  while (std::fgets(line, sizeof line, status))
    if (std::strncmp(line, field, length) == 0 && line[length] == ':') megabytes = std::atof(line + length + 1) / 1024.0;
  std::fclose(status);
  return megabytes;
}

// The size of the input's file mappings in MB (a folder's: the files under it), from
// /proc/self/maps: what the document uses in place from its files, which the kernel can drop and
// read again; 0 for a generated document.
double MappedMegabytes(const std::optional<std::string>& input) {
  if (!input) return 0.0;
  std::error_code error;
  const std::string path = std::filesystem::weakly_canonical(*input, error).string();
  std::FILE* maps = std::fopen("/proc/self/maps", "r");
  if (!maps || path.empty()) {
    if (maps) std::fclose(maps);
    return 0.0;
  }
  char line[4096];
  uint64_t bytes = 0;
  while (std::fgets(line, sizeof line, maps)) {
    unsigned long long begin = 0, end = 0;
    int name_at = 0;
    if (std::sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &begin, &end, &name_at) < 2 || name_at <= 0) continue;
    std::string name(line + name_at);
    while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
    if (name == path || (name.size() > path.size() && name.starts_with(path) && name[path.size()] == '/'))
      bytes += end - begin;
  }
  std::fclose(maps);
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

// The largest RssAnon seen, sampled every 10 ms on a thread of its own while it lives: what the
// process held of its own at its peak (background work's transient buffers included), apart from
// the pages of mapped files that the peak RSS also counts.
class AnonPeak {
 public:
  AnonPeak()
      : m_thread([this](std::stop_token stop) {
          while (!stop.stop_requested()) {
            Sample();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
        }) {}
  void Sample() {
    const double now = StatusMegabytes("RssAnon");
    double seen = m_peak.load();
    while (now > seen && !m_peak.compare_exchange_weak(seen, now)) {
    }
  }
  double Megabytes() {
    Sample();
    return m_peak.load();
  }

 private:
  std::atomic<double> m_peak{0.0};
  std::jthread m_thread;
};

double PeakRssMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}


// CPU time of every thread of the process, in milliseconds.
double ProcessCpuMs() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

class FrameClock {
 public:
  FrameClock(HeatmapView& view, Session& session, int width, int height)
      : m_view(view), m_session(session), m_width(width), m_height(height) {}

  // One complete frame (layout, upload, draw, glFinish); returns its time in milliseconds and
  // keeps its CPU time.
  double Frame() {
    const Clock::time_point start = Clock::now();
    const double cpu_start = ProcessCpuMs();
    m_view.Render(m_session, m_width, m_height);
    gl::Finish();
    cpu_ms.push_back(ProcessCpuMs() - cpu_start);
    if (m_view.PendingGlyphs() > 0) ++placeholder_frames;
    ++frames;
    return SecondsSince(start) * 1000.0;
  }

  std::vector<double> cpu_ms;
  size_t frames = 0;
  size_t placeholder_frames = 0;  // frames that showed a placeholder for a glyph

 private:
  HeatmapView& m_view;
  Session& m_session;
  int m_width;
  int m_height;
};

}  // namespace

double PercentileMs(std::vector<double> times, double p) {
  if (times.empty()) return 0.0;
  std::sort(times.begin(), times.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(times.size())));
  return times[std::clamp<size_t>(rank, 1, times.size()) - 1];
}

int RunBench(const CommandLine& line) {
  double generate_s = 0.0;
  Document document;
  const Clock::time_point generate_start = Clock::now();
  const bool synthetic = line.synthetic_tokens || line.synthetic_cjk;
  if (line.synthetic_tokens) document = MakeSyntheticDocument(*line.synthetic_tokens);
  if (line.synthetic_cjk) document = MakeSyntheticCjkDocument(*line.synthetic_cjk);
  generate_s = SecondsSince(generate_start);

  // First frame: from opening the file (or handing over the generated document) to a complete
  // frame on screen, with the GL context made before, as the viewer's window is.
  AnonPeak anon_peak;
  const auto context = gl::HeadlessContext::Create();
  const Clock::time_point open_start = Clock::now();
  const double open_cpu_start = ProcessCpuMs();
  timespec thread_start{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &thread_start);
  Session session(synthetic ? std::move(document) : LoadInput(line.view));
  ConfigureSession(session, line.view);
  HeatmapView view(line.view.font, line.view.font_size);
  view.SetGlyphBudget(HeatmapView::kFrameGlyphBudgetMs);  // as the viewer's frames
  FrameClock clock(view, session, line.view.width, line.height);
  clock.Frame();
  session.OverviewRows(static_cast<size_t>(line.height));  // the overview strip beside the text
  const double first_frame_s = SecondsSince(open_start);
  // The same in CPU time, which other load on a shared machine does not inflate: of the whole
  // process (the bounds pass's second thread, llvmpipe's threads and the background wrapping
  // included), and of the main thread alone.
  const double first_frame_cpu_s = (ProcessCpuMs() - open_cpu_start) / 1000.0;
  timespec thread_end{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &thread_end);
  const double first_frame_main_cpu_s = static_cast<double>(thread_end.tv_sec - thread_start.tv_sec) +
                                        static_cast<double>(thread_end.tv_nsec - thread_start.tv_nsec) / 1e9;
  // What a long document does in the background (sorted statistics, wrapping past the first
  // screen) is finished before the timed frames, so that they scrub the whole document.
  session.FinishBackgroundWork();
  const double whole_document_s = SecondsSince(open_start);
  // The first screen's glyphs, as the viewer draws them over its first frames.
  while (view.PendingGlyphs() > 0) clock.Frame();
  clock.cpu_ms.clear();  // the CPU time of the timed frames only
  clock.frames = clock.placeholder_frames = 0;
  const uint64_t tokens = session.CurrentSequence().TokenCount();

  std::mt19937_64 random(1);
  std::vector<double> navigation_ms;
  const int64_t pitch = session.Geometry().LinePitch();
  const int frames = line.bench_frames;
  // Wheel scrolling: three lines a notch.
  for (int i = 0; i < frames; ++i) {
    session.ScrollBy(3 * pitch);
    navigation_ms.push_back(clock.Frame());
  }
  // Scrubbing: anywhere in the document each frame.
  for (int i = 0; i < frames; ++i) {
    session.ScrollTo(std::uniform_int_distribution<int64_t>(0, session.MaxScroll())(random));
    navigation_ms.push_back(clock.Frame());
  }
  // Jumps, in turn: a page down, the end, the start, a token chosen at random (go to token), and
  // the next value above the 99.9th percentile (found through the overview's pyramid).
  const float threshold = session.Summary().Percentile(99.9f);
  std::vector<double> glyphs_complete_ms;  // from a jump to the end of its first frame without placeholders
  std::vector<double> glyphs_complete_frames;
  for (int i = 0; i < frames; ++i) {
    switch (i % 5) {
      case 0: session.ScrollBy(session.ViewportHeight() - pitch); break;
      case 1: session.ScrollTo(session.MaxScroll()); break;
      case 2: session.ScrollTo(0); break;
      case 3:
        session.ScrollToToken(std::uniform_int_distribution<uint64_t>(0, std::max<uint64_t>(tokens, 1) - 1)(random));
        break;
      default:
        session.ScrollToToken(session.Pyramid().NextAbove(session.TopToken(), threshold).value_or(0));
    }
    // The jump's frame, then the frames the viewer draws until no glyph is a placeholder.
    const Clock::time_point jump_start = Clock::now();
    navigation_ms.push_back(clock.Frame());
    int settle_frames = 1;
    for (; view.PendingGlyphs() > 0; ++settle_frames) navigation_ms.push_back(clock.Frame());
    glyphs_complete_ms.push_back(SecondsSince(jump_start) * 1000.0);
    glyphs_complete_frames.push_back(settle_frames);
  }
  const size_t navigation_frames = clock.frames;
  const size_t placeholder_frames = clock.placeholder_frames;
  // Recolouring: a new range and palette each frame, nothing per token uploaded.
  const Palette palettes[] = {*FindPalette("viridis"), *FindPalette("RdBu_r")};
  std::vector<double> recolor_ms;
  const size_t uploaded_before = view.UploadedBytesTotal();
  for (int i = 0; i < frames; ++i) {
    session.SetPalette(palettes[i % 2]);
    const float spread = 1.0f + static_cast<float>(i % 10) * 0.2f;
    session.SetManualRange(-spread, spread);
    recolor_ms.push_back(clock.Frame());
  }
  const double recolor_bytes_per_frame =
      static_cast<double>(view.UploadedBytesTotal() - uploaded_before) / std::max(frames, 1);
  // Attention: another source token each frame (a click), every fifth frame another layer and
  // head too; each reads one row per head shown, never the tensor.
  std::vector<double> switch_ms;
  if (const AttentionPatterns* patterns = session.CurrentSequence().Attention().get(); patterns && tokens > 0) {
    ValueSourceSpec spec = session.CurrentSourceSpec();
    spec.kind = ValueSourceSpec::Kind::kAttention;
    for (int i = 0; i < frames; ++i) {
      spec.source_token = std::uniform_int_distribution<uint64_t>(0, tokens - 1)(random);
      if (i % 5 == 4) {
        spec.layer.index = std::uniform_int_distribution<uint32_t>(0, patterns->Layers() - 1)(random);
        spec.head.index = std::uniform_int_distribution<uint32_t>(0, patterns->Heads() - 1)(random);
      }
      const Clock::time_point start = Clock::now();
      session.SetSource(spec);
      switch_ms.push_back(SecondsSince(start) * 1000.0 + clock.Frame());
    }
  }

  const double median = PercentileMs(navigation_ms, 50.0);
  const double p95 = PercentileMs(navigation_ms, 95.0);
  const double recolor = PercentileMs(recolor_ms, 50.0);
  const double cpu_median = PercentileMs(clock.cpu_ms, 50.0);
  const double peak_rss_mb = PeakRssMegabytes();
  std::printf("document      %s: %llu tokens, %zu lines at %d columns\n", session.Doc().source.c_str(),
              static_cast<unsigned long long>(tokens), session.Lines().LineCount(), session.Lines().Columns());
  std::printf("device        %s, %dx%d\n", context->Description().c_str(), line.view.width, line.height);
  if (synthetic) std::printf("generated     %.3f s (not part of the first frame)\n", generate_s);
  std::printf("first frame   %.3f s (statistics and wrapping complete at %.3f s)\n", first_frame_s, whole_document_s);
  std::printf("first frame   %.3f s of CPU, %.3f s of it on the main thread\n", first_frame_cpu_s, first_frame_main_cpu_s);
  std::printf("navigation    %zu frames (scroll, scrub, jump): median %.2f ms, p95 %.2f ms\n", navigation_ms.size(),
              median, p95);
  std::printf("glyphs        %zu of %zu navigation frames showed placeholders; after a jump, every glyph drawn in "
              "median %.1f frames / %.2f ms, p95 %.0f frames / %.2f ms (%zu glyphs rasterised)\n",
              placeholder_frames, navigation_frames, PercentileMs(glyphs_complete_frames, 50.0),
              PercentileMs(glyphs_complete_ms, 50.0), PercentileMs(glyphs_complete_frames, 95.0),
              PercentileMs(glyphs_complete_ms, 95.0), view.Atlas().RasterisedCount());
  std::printf("recolour      %zu frames: median %.2f ms, %.0f bytes uploaded a frame\n", recolor_ms.size(), recolor,
              recolor_bytes_per_frame);
  if (!switch_ms.empty())
    std::printf("source switch %zu frames (token, layer, head): median %.2f ms, p95 %.2f ms\n", switch_ms.size(),
                PercentileMs(switch_ms, 50.0), PercentileMs(switch_ms, 95.0));
  std::printf("cpu time      median %.2f ms a frame, all threads\n", cpu_median);
  // A mapped file's pages read (an attention tensor's rows) count in the peak; they are the
  // kernel's to take back. What the process holds of its own is the anonymous part.
  const double anon_mb = StatusMegabytes("RssAnon");
  const double file_mb = StatusMegabytes("RssFile");
  const double anon_peak_mb = anon_peak.Megabytes();
  const double mapped_mb = MappedMegabytes(line.view.input);  // 0 for a generated document
  std::printf("peak memory   %.1f MB, %.1f MB beyond the %.1f MB of the input's mappings; own (anonymous) at most %.1f MB\n",
              peak_rss_mb, peak_rss_mb - mapped_mb, mapped_mb, anon_peak_mb);
  std::printf("at the end    %.1f MB own, %.1f MB of mapped files\n", anon_mb, file_mb);
  nlohmann::json result = {{"tokens", tokens},
                                 {"width", line.view.width},
                                 {"height", line.height},
                                 {"generate_s", generate_s},
                                 {"first_frame_s", first_frame_s},
                                 {"first_frame_cpu_s", first_frame_cpu_s},
                                 {"first_frame_main_cpu_s", first_frame_main_cpu_s},
                                 {"whole_document_s", whole_document_s},
                                 {"frame_ms_median", median},
                                 {"frame_ms_p95", p95},
                                 {"frame_cpu_ms_median", cpu_median},
                                 {"frame_cpu_ms_p95", PercentileMs(clock.cpu_ms, 95.0)},
                                 {"navigation_frames", navigation_frames},
                                 {"placeholder_frames", placeholder_frames},
                                 {"jump_glyphs_complete_ms", PercentileMs(glyphs_complete_ms, 50.0)},
                                 {"jump_glyphs_complete_ms_p95", PercentileMs(glyphs_complete_ms, 95.0)},
                                 {"jump_glyphs_complete_frames_p95", PercentileMs(glyphs_complete_frames, 95.0)},
                                 {"glyphs_rasterised", view.Atlas().RasterisedCount()},
                                 {"recolor_frame_ms", recolor},
                                 {"recolor_upload_bytes_per_frame", recolor_bytes_per_frame},
                                 {"peak_rss_mb", peak_rss_mb},
                                 {"mapped_mb", mapped_mb},
                                 {"peak_beyond_mapped_mb", peak_rss_mb - mapped_mb},
                                 {"rss_anon_peak_mb", anon_peak_mb},
                                 {"rss_anon_mb", anon_mb},
                                 {"rss_file_mb", file_mb}};
  if (!switch_ms.empty()) {
    result["source_switch_ms"] = PercentileMs(switch_ms, 50.0);
    result["source_switch_ms_p95"] = PercentileMs(switch_ms, 95.0);
  }
  std::printf("%s\n", result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  return 0;
}

}  // namespace th::app
