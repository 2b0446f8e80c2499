#pragma once
// The things tokenheat does. Each returns the process exit code.

#include "app/cli.hpp"

namespace th::app {

int RunRender(const CommandLine& line);  // command_render.cpp
int RunInfo(const CommandLine& line);    // command_info.cpp
int RunViewer(const CommandLine& line);  // viewer.cpp
int RunBench(const CommandLine& line);   // command_bench.cpp
int RunGenerate(const CommandLine& line);  // command_generate.cpp

}  // namespace th::app
