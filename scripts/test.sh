#!/usr/bin/env bash
# Installs what is missing (Debian, as root), builds, and runs the whole test
# suite. GPU tests skip with the driver's reason where no GPU is usable.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_deps
configure_and_build release
cd "$root/build/release"
ctest --output-on-failure -j"$(nproc)" --timeout 600
