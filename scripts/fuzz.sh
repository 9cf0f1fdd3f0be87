#!/usr/bin/env bash
# Bounded libFuzzer run over the report, suite and targets parsers
# (tests/fuzz/fuzz_parsers.cpp) on the seed corpus in tests/fuzz/corpus/.
# Usage: scripts/fuzz.sh [SECONDS]   (default 60). Needs the asan build:
# scripts/test.sh makes it, or `cmake --preset asan && cmake --build build/asan`.
# Exit 0 when nothing was found; a finding leaves its input in build/asan/fuzz/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
bin="$root/build/asan/tests/fuzz/fuzz_parsers"
[ -x "$bin" ] || { echo "fuzz.sh: $bin not built (cmake --preset asan && cmake --build build/asan)" >&2; exit 2; }
work="$root/build/asan/fuzz"
mkdir -p "$work/new"
# New inputs go to build/asan/fuzz/new; the committed seeds stay as they are.
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$work/" -print_final_stats=1 "$work/new" "$root/tests/fuzz/corpus" 2>&1 | tail -n 25
