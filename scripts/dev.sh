#!/usr/bin/env bash
# tokenheat's two entry points on a fresh Debian 12 machine:
#   scripts/dev.sh run    install what is missing, build, open the viewer on the built-in demo
#                         (with no display: render the demo to demo.png instead)
#   scripts/dev.sh test   install what is missing, build, run the whole test suite
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake make pkg-config
  libglfw3-dev libimgui-dev libstb-dev python3-glad python3-jinja2
  libfreetype-dev libfontconfig-dev libharfbuzz-dev nlohmann-json3-dev
  libgl1-mesa-dri libegl-mesa0 libegl1 libegl-dev libgl-dev
  libxrandr2 libxcursor1 libxi6 libxinerama1
  xvfb xauth
  libgtest-dev libgmock-dev libbenchmark-dev
  fonts-dejavu-core fontconfig
  # fallback fonts: Arabic, Hebrew, Devanagari, Thai... (noto-core), CJK, monochrome emoji and symbols
  fonts-noto-core fonts-noto-cjk fonts-symbola
  python3-numpy zlib1g-dev
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

build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build build -j "$(nproc)"
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
    build
    cd build
    exec ctest --output-on-failure -j 2 --timeout 300
    ;;
  *)
    echo "usage: scripts/dev.sh run|test" >&2
    exit 2
    ;;
esac
