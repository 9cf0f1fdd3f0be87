# shellcheck shell=bash
# Shared by run.sh and test.sh: install what is missing, configure, build.
# Sourced, not run.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages the build needs. CUDA is optional and never installed here:
# with nvcc on PATH (or in /usr/local/cuda) the GPU paths are built too.
ensure_deps() {
  local need=()
  command -v cmake >/dev/null || need+=(cmake)
  command -v ninja >/dev/null || need+=(ninja-build)
  command -v g++ >/dev/null || need+=(g++)
  command -v git >/dev/null || need+=(git)
  [ -f /usr/share/eigen3/cmake/Eigen3Config.cmake ] || need+=(libeigen3-dev)
  [ -f /usr/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake ] || need+=(nlohmann-json3-dev)
  [ -f /usr/share/cmake/CLI11/CLI11Config.cmake ] || need+=(libcli11-dev)
  compgen -G "/usr/lib/*/cmake/GTest/GTestConfig.cmake" >/dev/null || need+=(libgtest-dev)
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  # An offline prefix made by shared/offline-deps/pack.sh stands in for the packages.
  if [ ${#need[@]} -gt 0 ] && [ -d "$root/.deps/prefix" ]; then
    echo "using $root/.deps/prefix for the libraries"
    return 0
  fi
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null && return 0
  fi
  echo "accelbench: missing packages; install them with:" >&2
  echo "  apt-get install ${need[*]}" >&2
  exit 2
}

# nvcc is often installed but not on PATH.
find_nvcc() {
  if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
    export PATH=/usr/local/cuda/bin:$PATH
  fi
}

has_gpu() { command -v nvidia-smi >/dev/null && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; }

# configure_and_build PRESET [TARGET...]: incremental; every target unless
# some are named. ACCEL_CUDA_ARCHS overrides the architectures. Without a GPU
# one architecture suffices (nothing runs there), which keeps CUDA builds
# short on small CI machines.
configure_and_build() {
  local preset=$1
  shift
  local targets=()
  [ $# -eq 0 ] || targets=(--target "$@")
  find_nvcc
  local args=(--preset "$preset")
  [ -d "$root/.deps/prefix" ] && args+=("-DCMAKE_PREFIX_PATH=$root/.deps/prefix")
  if [ -n "${ACCEL_CUDA_ARCHS:-}" ]; then
    args+=("-DCMAKE_CUDA_ARCHITECTURES=$ACCEL_CUDA_ARCHS")
  elif ! has_gpu; then
    args+=("-DCMAKE_CUDA_ARCHITECTURES=90")
  fi
  (cd "$root" && cmake "${args[@]}" >/dev/null)
  cmake --build "$root/build/$preset" -j"$(nproc)" "${targets[@]}"
}
