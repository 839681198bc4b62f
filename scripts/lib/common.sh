# Shared by scripts/run and scripts/test: the one list of packages the project needs on Debian 12,
# and the steps that install them and configure the build. Sourced, not executed.

# Everything the build, the tests, the demo and the benchmarks use, by Debian package name.
DATARECS_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang
  # Qt 6 and the libraries we link
  qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-tools-dev-tools
  libqt6sql6-sqlite libqt6sql6-psql qtkeychain-qt6-dev libsodium-dev libsimdjson-dev zlib1g-dev libgl-dev libsqlite3-dev
  # real services the tests start
  postgresql nodejs npm
  # GUI tests, screenshots, keychain and accessibility under a virtual display
  xvfb xauth xclip imagemagick dbus dbus-x11 gnome-keyring at-spi2-core python3 python3-pyatspi
  # benchmarks
  wrk nginx-light
)

root_dir() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: need root (or sudo) to run: $*" >&2; return 1
  fi
}

# Installs whichever of DATARECS_PACKAGES are missing; does nothing when all are present.
install_missing_packages() {
  local missing=()
  for p in "${DATARECS_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # node/npm may come from elsewhere than Debian; only install them when no node is on the PATH.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  fi
  local wanted=()
  for p in "${missing[@]}"; do [ -n "$p" ] && wanted+=("$p"); done
  [ ${#wanted[@]} -eq 0 ] && return 0
  echo "==> installing missing packages: ${wanted[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}"
}

# Installs the pinned contract tools (Prism, Spectral, Redocly) from scripts/contract/package-lock.json.
install_contract_tools() {
  local dir; dir="$(root_dir)/scripts/contract"
  if [ ! -x "$dir/node_modules/.bin/prism" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.installed" ]; then
    echo "==> installing pinned contract tools (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed)
  fi
}

# configure_and_build BUILD_DIR [extra cmake args...]
configure_and_build() {
  local dir=$1; shift
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    # Relative paths in the cache keys let a fresh clone elsewhere reuse earlier compilations.
    export CCACHE_BASEDIR; CCACHE_BASEDIR="$(root_dir)"
    export CCACHE_NOHASHDIR=1
  fi
  cmake -S "$(root_dir)" -B "$dir" -G Ninja "${launcher[@]}" "$@" >/dev/null
  cmake --build "$dir"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
