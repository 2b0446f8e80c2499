#pragma once

#include <vector>
// The things tokenheat does. Each returns the process exit code.

#include "app/cli.hpp"

namespace th::app {

// Exit codes besides 0: 1 an input, font or GL failure, 2 a usage error (main.cpp), and this one:
// `render` drew nothing because the picture would have no value in it (--allow-empty draws it).
inline constexpr int kExitEmptyPicture = 3;

int RunRender(const CommandLine& line);  // command_render.cpp
int RunInfo(const CommandLine& line);    // command_info.cpp
int RunViewer(const CommandLine& line);  // viewer.cpp
int RunBench(const CommandLine& line);   // command_bench.cpp
int RunStreamBench(const CommandLine& line);  // command_bench_stream.cpp: bench --listen
// Nearest-rank percentile of times in milliseconds, p in [0, 100]; 0 for none (command_bench.cpp).
double PercentileMs(std::vector<double> times, double p);
int RunGenerate(const CommandLine& line);  // command_generate.cpp

}  // namespace th::app
