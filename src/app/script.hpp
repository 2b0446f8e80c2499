#pragma once
// A scripted demo for talks (`tokenheat --script FILE`): one step per line, played in order by
// the viewer's main loop, so a sequence of views runs without touching the mouse.
//
//   open PATH          a file (relative to the script's folder)
//   goto TOKEN         scroll so that token TOKEN's line is at the top
//   top K              the token with the K-th highest value (1: the highest) at the top
//   bottom K           the token with the K-th lowest value at the top
//   next-above T       the first token after the current one with a value above T at the top
//   wait SECONDS       hold the view
//   screenshot PATH    save the window's next frame as a PNG
//   export PATH        export the current sequence as the Files panel does (.png, .svg, .html)
//   preset N           text sizes as Ctrl+N: 1 laptop, 2 meeting room, 3 lecture hall
//   search TEXT        mark every match of TEXT and go to the first from the top of the view
//   search-regex EXPR  the same with a regular expression (RE2 syntax)
//   next-match         the next match (as Enter), wrapping around
//   previous-match     the previous match (as Shift+Enter)
// and the steps that set a view option, which the option table (options.cpp) lists with the
// option: seq N, channel NAME, range LO HI, palette NAME, norm SPEC, attention NAME, source I,
// direction from|to, layer L|mean|max, head H|mean|max, feature INDEX|NAME. Each reads its value as
// its option does, when the script is loaded.
//
// Blank lines and lines starting with # are skipped. Errors name FILE:LINE: a bad line (an
// unknown step, a bad number, an export to a format that does not exist) before anything plays,
// and a step that fails (no such channel, no K-th value, a file it cannot write, a bad regular
// expression) when it plays, which stops the viewer.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/cli.hpp"
#include "session/session.hpp"

namespace th::app {

struct OptionSpec;

class ScriptPlayer {
 public:
  // Reads and checks every line; throws UsageError naming FILE:LINE.
  explicit ScriptPlayer(const std::string& path);

  // Plays the next step once its predecessor is done (one step per frame, so that the view has
  // been laid out again before a step that depends on it). now: seconds on a steady clock; view:
  // the view options, which the steps of view options set.
  // Throws std::runtime_error naming FILE:LINE when a step cannot apply (no such channel...), or
  // when the matches of the search step before it came with an error (a bad regular expression).
  void Advance(Session& session, ViewOptions& view, double now);
  // A step set a view option that the session has not taken (--attention, --source, --layer...:
  // the option's row has no play), once: the app applies the view options to the session.
  bool TakeViewChange() { return std::exchange(m_view_changed, false); }
  // Every step played, its wait over, its screenshot taken and its search checked (a search
  // step's matches may still be pending: the app waits for Session::Search() as well).
  bool Finished() const {
    return m_next >= m_steps.size() && !m_waiting && !m_screenshot && !m_open && !m_search_step;
  }
  // A file a step reads or writes, and the step's FILE:LINE: the app stops with
  // place + ": " + the error when it cannot.
  struct FileStep {
    std::string path;
    std::string place;
  };
  // A screenshot a step asked for: the app saves the frame it draws next, then calls
  // ScreenshotTaken.
  const std::optional<FileStep>& PendingScreenshot() const { return m_screenshot; }
  void ScreenshotTaken() { m_screenshot.reset(); }
  // An export a step asked for (the app writes it as the Files panel's Export does), once.
  std::optional<FileStep> TakeExport() { return std::exchange(m_export, std::nullopt); }
  // A text-size preset a step asked for (0-based, as ui::kTextPresets), once.
  std::optional<int> TakePreset() { return std::exchange(m_preset, std::nullopt); }
  // A file an `open` step asked for, once: the app loads it in the background and calls Advance
  // again only once it is in.
  std::optional<FileStep> TakeOpen() { return std::exchange(m_open, std::nullopt); }

 private:
  struct Step {
    int line = 0;
    std::string verb;
    std::vector<std::string> args;
    const OptionSpec* option = nullptr;  // a view option's step: its row in the option table
    std::string value;                   // and the value its reader reads (range: "LO:HI")
  };
  std::string Where(const Step& step) const;
  void Play(const Step& step, Session& session, ViewOptions& view, double now);

  std::string m_path;
  std::string m_folder;
  std::vector<Step> m_steps;
  size_t m_next = 0;
  bool m_waiting = false;
  double m_wait_until = 0;
  std::optional<FileStep> m_screenshot;
  std::optional<FileStep> m_export;
  std::optional<int> m_preset;
  std::optional<FileStep> m_open;
  std::optional<std::string> m_search_step;  // "FILE:LINE: search" until its matches are checked
  bool m_view_changed = false;
};

}  // namespace th::app
