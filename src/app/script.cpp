#include "app/script.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "app/cli.hpp"
#include "app/export.hpp"
#include "app/options.hpp"
#include "ui/panels.hpp"

namespace th::app {

namespace {

// Each verb that is not a view option's and how many arguments it takes (-1: the rest of the
// line, as one argument). The view options' steps are the option table's (FindStep).
const std::map<std::string, int>& Verbs() {
  static const std::map<std::string, int> verbs = {{"open", -1},         {"goto", 1},          {"top", 1},
                                                   {"bottom", 1},        {"next-above", 1},    {"wait", 1},
                                                   {"screenshot", -1},   {"export", -1},       {"preset", 1},
                                                   {"search", -1},       {"search-regex", -1}, {"next-match", 0},
                                                   {"previous-match", 0}};
  return verbs;
}

std::string VerbList() {
  std::set<std::string> verbs;
  for (const auto& [verb, arguments] : Verbs()) verbs.insert(verb);
  for (const OptionSpec& option : Options())
    if (!option.step.verb.empty()) verbs.insert(std::string(option.step.verb));
  std::string list;
  for (const std::string& verb : verbs) list += (list.empty() ? "" : ", ") + verb;
  return list;
}

bool IsNumber(const std::string& text, bool whole) {
  if (whole) {
    uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
  }
  size_t used = 0;
  try {
    const float value = std::stof(text, &used);
    return used == text.size() && std::isfinite(value);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

ScriptPlayer::ScriptPlayer(const std::string& path)
    : m_path(path), m_folder(std::filesystem::path(path).parent_path().string()) {
  std::ifstream in(path);
  if (!in) throw UsageError("--script " + path + ": cannot open");
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    std::istringstream words(text);
    Step step;
    step.line = line;
    if (!(words >> step.verb) || step.verb.starts_with("#")) continue;
    step.option = FindStep(step.verb);
    const auto verb = Verbs().find(step.verb);
    if (verb == Verbs().end() && !step.option)
      throw UsageError(Where(step) + ": unknown step \"" + step.verb + "\" (" + VerbList() + ")");
    const int arguments = step.option ? step.option->step.words : verb->second;
    if (arguments < 0) {
      std::string rest;
      std::getline(words >> std::ws, rest);
      if (rest.empty()) throw UsageError(Where(step) + ": " + step.verb + " needs an argument");
      step.args.push_back(rest);
    } else {
      for (std::string word; words >> word;) step.args.push_back(word);
      if (static_cast<int>(step.args.size()) != arguments)
        throw UsageError(Where(step) + ": " + step.verb + " takes " + std::to_string(arguments) + " argument" +
                         (arguments == 1 ? "" : "s"));
    }
    if (step.option) {
      // Read as the option reads its value (range LO HI as --range LO:HI), so that a bad one stops
      // the script before it plays.
      step.value = step.args.size() == 2 ? step.args[0] + ":" + step.args[1] : step.args[0];
      try {
        CommandLine scratch;
        step.option->read(scratch, step.verb, step.value);
      } catch (const UsageError& error) {
        throw UsageError(Where(step) + ": " + error.what());
      }
      m_steps.push_back(std::move(step));
      continue;
    }
    const bool rank = step.verb == "top" || step.verb == "bottom";
    const bool whole = step.verb == "goto" || rank;
    if (whole || step.verb == "wait" || step.verb == "next-above")
      for (const std::string& arg : step.args)
        if (!IsNumber(arg, whole))
          throw UsageError(Where(step) + ": " + step.verb + ": \"" + arg + "\" is not " +
                           (whole ? "a whole number" : "a number"));
    if (rank && std::stoull(step.args[0]) == 0)
      throw UsageError(Where(step) + ": " + step.verb + ": ranks start at 1 (the " +
                       (step.verb == "top" ? "highest" : "lowest") + " value)");
    if (step.verb == "export") {
      try {
        FormatOfPath(step.args[0]);
      } catch (const UsageError& error) {
        throw UsageError(Where(step) + ": export " + error.what());
      }
    }
    if (step.verb == "preset" && (step.args[0].size() != 1 || step.args[0][0] < '1' ||
                                  step.args[0][0] >= '1' + static_cast<int>(std::size(ui::kTextPresets))))
      throw UsageError(Where(step) + ": preset: \"" + step.args[0] + "\" is not 1, 2 or 3");
    m_steps.push_back(std::move(step));
  }
}

std::string ScriptPlayer::Where(const Step& step) const { return m_path + ":" + std::to_string(step.line); }

void ScriptPlayer::Advance(Session& session, ViewOptions& view, double now) {
  if (m_screenshot) return;
  // The app calls this only once the matches of a search step are in.
  const std::optional<std::string> search_step = std::exchange(m_search_step, std::nullopt);
  if (search_step && !session.Search().Error().empty())
    throw std::runtime_error(*search_step + ": " + session.Search().Error());
  if (m_waiting) {
    if (now < m_wait_until) return;
    m_waiting = false;
  }
  if (m_next < m_steps.size()) Play(m_steps[m_next++], session, view, now);
}

void ScriptPlayer::Play(const Step& step, Session& session, ViewOptions& view, double now) {
  const std::string arg = step.args.empty() ? std::string() : step.args.front();
  const auto fail = [&](const std::string& why) { throw std::runtime_error(Where(step) + ": " + why); };
  const auto file = [&] { return FileStep{(std::filesystem::path(m_folder) / arg).string(), Where(step)}; };
  if (step.option) {
    // A view option's step: the option's reader sets it (its value was checked at load), then the
    // session takes it, or the app does.
    CommandLine line;
    line.view = view;
    step.option->read(line, step.verb, step.value);
    view = std::move(line.view);
    if (!step.option->step.play) {
      m_view_changed = true;
      return;
    }
    try {
      step.option->step.play(session, view);
    } catch (const std::invalid_argument& error) {
      fail(error.what());
    }
  } else if (step.verb == "open") {
    m_open = file();
  } else if (step.verb == "goto") {
    const uint64_t token = std::stoull(arg);
    if (token >= session.CurrentSequence().TokenCount()) fail("no token " + arg + " in this sequence");
    session.ScrollToToken(token);
  } else if (step.verb == "top" || step.verb == "bottom" || step.verb == "next-above") {
    ValueJump jump;
    if (step.verb == "next-above") {
      jump.kind = ValueJump::Kind::kNextAbove;
      jump.threshold = std::stof(arg);
    } else {
      jump.kind = step.verb == "top" ? ValueJump::Kind::kHighest : ValueJump::Kind::kLowest;
      jump.rank = std::stoull(arg);
    }
    try {
      JumpByValue(session, jump);
    } catch (const std::invalid_argument& error) {
      fail(step.verb + " " + arg + ": " + error.what());
    }
  } else if (step.verb == "wait") {
    m_waiting = true;
    m_wait_until = now + std::stod(arg);
  } else if (step.verb == "screenshot") {
    m_screenshot = file();
  } else if (step.verb == "export") {
    m_export = file();
  } else if (step.verb == "preset") {
    m_preset = arg[0] - '1';
  } else if (step.verb == "search" || step.verb == "search-regex") {
    // The matches come from a background search; the next step waits for them (the app checks
    // Session::Search().Pending()), and the first is shown once they are in.
    session.Search().SetQuery({arg, step.verb == "search-regex"});
    session.Search().Step(true, session.TopToken());
    m_search_step = Where(step) + ": " + step.verb;
  } else if (step.verb == "next-match" || step.verb == "previous-match") {
    if (session.Search().Query().pattern.empty()) fail(step.verb + ": no search step before it");
    if (session.Search().Matches().empty()) fail(step.verb + ": the search found no match to go to");
    if (const auto token = session.Search().Step(step.verb == "next-match", session.TopToken()))
      session.ShowToken(*token);
  }
}

}  // namespace th::app
