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
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

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
    return SecondsSince(start) * 1000.0;
  }

  std::vector<double> cpu_ms;

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
  if (line.synthetic_tokens) document = MakeSyntheticDocument(*line.synthetic_tokens);
  generate_s = SecondsSince(generate_start);

  // First frame: from opening the file (or handing over the generated document) to a complete
  // frame on screen, with the GL context made before, as the viewer's window is.
  const auto context = gl::HeadlessContext::Create();
  const Clock::time_point open_start = Clock::now();
  Session session(line.synthetic_tokens ? std::move(document) : LoadInput(line.view));
  ConfigureSession(session, line.view);
  HeatmapView view(line.view.font, line.view.font_size);
  FrameClock clock(view, session, line.view.width, line.height);
  clock.Frame();
  session.OverviewRows(static_cast<size_t>(line.height));  // the overview strip beside the text
  const double first_frame_s = SecondsSince(open_start);
  // What a long document does in the background (sorted statistics, wrapping past the first
  // screen) is finished before the timed frames, so that they scrub the whole document.
  session.FinishBackgroundWork();
  const double whole_document_s = SecondsSince(open_start);
  clock.cpu_ms.clear();  // the CPU time of the timed frames only
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
    navigation_ms.push_back(clock.Frame());
  }
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
  if (line.synthetic_tokens) std::printf("generated     %.3f s (not part of the first frame)\n", generate_s);
  std::printf("first frame   %.3f s (statistics and wrapping complete at %.3f s)\n", first_frame_s, whole_document_s);
  std::printf("navigation    %zu frames (scroll, scrub, jump): median %.2f ms, p95 %.2f ms\n", navigation_ms.size(),
              median, p95);
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
  std::printf("peak memory   %.1f MB (at the end: %.1f MB own, %.1f MB of mapped files)\n", peak_rss_mb, anon_mb, file_mb);
  nlohmann::json result = {{"tokens", tokens},
                                 {"width", line.view.width},
                                 {"height", line.height},
                                 {"generate_s", generate_s},
                                 {"first_frame_s", first_frame_s},
                                 {"whole_document_s", whole_document_s},
                                 {"frame_ms_median", median},
                                 {"frame_ms_p95", p95},
                                 {"frame_cpu_ms_median", cpu_median},
                                 {"recolor_frame_ms", recolor},
                                 {"recolor_upload_bytes_per_frame", recolor_bytes_per_frame},
                                 {"peak_rss_mb", peak_rss_mb},
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
