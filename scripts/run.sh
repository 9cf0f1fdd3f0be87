#!/usr/bin/env bash
# Installs what is missing (Debian, as root), builds, and runs the default
# suite. Extra arguments go to `accelbench run`, e.g. --out results/h100/report.json.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_deps
# The tool only: the tests are test.sh's to build.
configure_and_build release accelbench
mkdir -p "$root/out"
args=("$@")
# The default output is scratch space: overwritten on every run. Every format is written beside it.
[[ " $* " == *" --out "* ]] || args+=(--out "$root/out/report.json" --force)
[[ " $* " == *" --format "* ]] || args+=(--format console,json,csv,md,html,gbench,bench-speedup,junit)
exec "$root/build/release/bench/accelbench" run "${args[@]}"
