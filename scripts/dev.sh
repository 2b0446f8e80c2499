#!/usr/bin/env bash
# tokenheat's two entry points on a fresh Debian 12 machine:
#   scripts/dev.sh run    install what is missing, build, open the viewer on the built-in demo
#                         (with no display: render the demo to demo.png instead)
#   scripts/dev.sh test   install what is missing, build (Release, warnings as errors, in
#                         build-release), run the whole test suite; then the suite again under
#                         ASan/UBSan (build-asan) and each parser's fuzzer briefly (build-fuzz,
#                         clang). TH_QUICK=1 stops after the plain suite.
#   scripts/dev.sh fuzz [SECONDS [PARALLEL]]
#                         every fuzzer for SECONDS (600) each, PARALLEL (the cores) at a time
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake make pkg-config
  libglfw3-dev libimgui-dev libstb-dev python3-glad python3-jinja2
  libfreetype-dev libfontconfig-dev libharfbuzz-dev nlohmann-json3-dev
  libfribidi-dev libutf8proc-dev  # bidi order inside a token (UAX #9), grapheme clusters (UAX #29)
  libgl1-mesa-dri libegl-mesa0 libegl1 libegl-dev libgl-dev
  libxrandr2 libxcursor1 libxi6 libxinerama1
  xvfb xauth
  chromium  # the HTML export's test opens the page in headless Chromium
  libgtest-dev libgmock-dev libbenchmark-dev
  fonts-dejavu-core fontconfig
  # fallback fonts: Arabic, Hebrew, Devanagari, Thai... (noto-core), CJK, monochrome emoji and symbols
  fonts-noto-core fonts-noto-cjk fonts-symbola
  python3-numpy zlib1g-dev libsimdjson-dev libpng-dev libre2-dev
  python3-pandas  # the CSV test fixtures are written by pandas' own DataFrame.to_csv
  python3-torch python3-venv  # the Python bridge's tests: real tensors, and pip installs into a venv
  python3-dask python3-distributed  # the feature index build (python3 -m tokenheat.index), local and on a cluster
  clang-14 libclang-rt-14-dev  # libFuzzer for the fuzz stage of the test command
  python3-fonttools  # fonts made by a test: a GSUB ligature for an emoji sequence
  help2man desktop-file-utils  # the installed man page (made from --help), and the check of the .desktop file
)

install_missing() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return
  echo "tokenheat: installing ${missing[*]}"
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# The viewer's build: what a user builds (warnings are warnings).
build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build build -j "$(nproc)"
}

# The test command's plain suite runs on a Release build (-O3, where GCC's optimiser raises
# warnings that -O2 does not), with warnings as errors in our own targets.
build_release() {
  cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DTH_STRICT_WARNINGS=ON
  cmake --build build-release -j "$(nproc)"
}

run_tests() {
  (cd "$1" && ctest --output-on-failure -j 2 --timeout "$2")
}

# The whole suite again with AddressSanitizer and UndefinedBehaviorSanitizer (tests/lsan.supp).
# -O1 -g1: line tables are all a sanitizer report needs, and they keep this build short.
sanitize_test() {
  local flags="-O1 -g1 -DNDEBUG"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTH_SANITIZE=ON -DTH_STRICT_WARNINGS=ON -DTH_BUILD_BENCH=OFF \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="$flags" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags"
  cmake --build build-asan -j "$(nproc)"
  run_tests build-asan 600
}

# Every fuzz target for $1 seconds (5 in the test command) from its seeds in
# tests/fuzz/corpus/<target> (new inputs go to the build tree, not into the repository), $2 targets
# at a time; a crash, leak or timeout fails and is left in build-fuzz/fuzz_runs/<target>/. Each
# target's last line says what it did: runs, coverage (cov: edges, ft: features), corpus size.
fuzz_test() {
  local seconds=${1:-5} parallel=${2:-1}
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTH_FUZZ=ON -DTH_STRICT_WARNINGS=ON \
    -DTH_BUILD_TESTS=OFF -DTH_BUILD_BENCH=OFF
  cmake --build build-fuzz -j "$(nproc)" --target th_fuzzers
  local seeds failed=0
  for seeds in tests/fuzz/corpus/*/; do
    # Wait for a free slot; a finished job's failure is counted when all are done.
    while [[ $(jobs -rp | wc -l) -ge $parallel ]]; do wait -n || failed=1; done
    fuzz_one "$(basename "$seeds")" "$seeds" "$seconds" &
  done
  while [[ $(jobs -rp | wc -l) -gt 0 ]]; do wait -n || failed=1; done
  return $failed
}

fuzz_one() {
  local target=$1 seeds=$2 seconds=$3
  local work=build-fuzz/fuzz_runs/$target
  mkdir -p "$work/corpus"
  echo "tokenheat: fuzzing $target for $seconds s"
  if ! "build-fuzz/tests/fuzz/th_fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds" >"$work/log" 2>&1; then
    tail -n 60 "$work/log"
    echo "tokenheat: fuzzer $target failed; the input is in $work/" >&2
    return 1
  fi
  echo "tokenheat: $target: $(grep -E '^#[0-9]+' "$work/log" | tail -n 1)"
}

case "${1:-}" in
  run)
    install_missing
    build
    if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
      exec ./build/tokenheat
    fi
    echo "tokenheat: no display; rendering the demo headlessly instead"
    ./build/tokenheat render --demo -o demo.png --layout demo.layout.json
    echo "tokenheat: open demo.png to see it (token boxes in demo.layout.json)"
    ;;
  test)
    install_missing
    build_release
    run_tests build-release 300
    [[ "${TH_QUICK:-}" == "1" ]] && exit 0
    sanitize_test
    fuzz_test 5 "$(nproc)"  # two fuzzers at a time on two cores: the same work in half the wait
    ;;
  fuzz)
    # Longer fuzzing than the test command's: scripts/dev.sh fuzz SECONDS [PARALLEL]
    install_missing
    fuzz_test "${2:-600}" "${3:-$(nproc)}"
    ;;
  *)
    echo "usage: scripts/dev.sh run|test|fuzz [SECONDS [PARALLEL]]" >&2
    exit 2
    ;;
esac
