// tokenheat: parse the command line, run the command, turn every failure into one line on stderr
// and a non-zero exit code (2 for usage errors, 1 for everything else; `render` returns
// kExitEmptyPicture itself).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  using namespace th::app;
  try {
    const CommandLine line = ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
    switch (line.command) {
      case Command::kHelp:
        std::fputs(UsageText().c_str(), stdout);
        return 0;
      case Command::kVersion:
        std::puts("tokenheat " TOKENHEAT_VERSION);
        return 0;
      case Command::kRender:
        return RunRender(line);
      case Command::kInfo:
        return RunInfo(line);
      case Command::kView:
        return RunViewer(line);
      case Command::kBench:
        return line.listen ? RunStreamBench(line) : RunBench(line);
      case Command::kGenerate:
        return RunGenerate(line);
    }
  } catch (const UsageError& error) {
    std::fprintf(stderr, "tokenheat: error: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tokenheat: error: %s\n", error.what());
    return 1;
  }
  return 1;
}
