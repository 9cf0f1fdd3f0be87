#!/usr/bin/env bash
# bench/sources.cmake digests each workload's CPU and GPU code and the
# harness: changing one workload's GPU file changes that digest alone, a file
# both paths include changes both, and a listed file that is gone stops the
# build with its name.
# Usage: sources_test.sh CMAKE REPO_ROOT
set -uo pipefail
cmake=$1 root=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
src=$tmp/src
mkdir -p "$src"
cp -r "$root"/{bench,common,cpu,gpu} "$src/"
# snapshot NAME: the digests of the tree as it is now, one per line, in $tmp/NAME.txt.
snapshot() {
  "$cmake" -DSRC="$src" -DOUT="$tmp/$1.hpp" -P "$src/bench/sources.cmake" &&
    grep -o '{"[^"]*", "[0-9a-f]*"}' "$tmp/$1.hpp" >"$tmp/$1.txt"
}
# changed A B: the names whose digest differs between snapshots A and B.
changed() { diff "$tmp/$1.txt" "$tmp/$2.txt" | grep '^>' | grep -o '{"[^"]*"' | tr -d '{"' | sort | paste -sd' ' -; }

snapshot base || fail "the script failed on the sources"
[ "$(wc -l <"$tmp/base.txt")" -eq 13 ] || fail "13 digests expected (harness + 6 workloads x 2): $(cat "$tmp/base.txt")"
echo '// x' >>"$src/gpu/sort.cu" && snapshot sort
[ "$(changed base sort)" = "sort/gpu" ] || fail "gpu/sort.cu changed: '$(changed base sort)', expected sort/gpu alone"
echo '// x' >>"$src/bench/workloads/scan.cpp" && snapshot scan
[ "$(changed sort scan)" = "scan/cpu scan/gpu" ] || fail "bench/workloads/scan.cpp: '$(changed sort scan)'"
echo '// x' >>"$src/cpu/stream_store.cpp" && snapshot stream
[ "$(changed scan stream)" = "elementwise/cpu" ] || fail "cpu/stream_store.cpp: '$(changed scan stream)'"
echo '// x' >>"$src/common/stats.cpp" && snapshot stats
[ "$(changed stream stats)" = "harness" ] || fail "common/stats.cpp: '$(changed stream stats)', expected harness"
rm "$src/gpu/kernels/reduce.cuh"
msg=$("$cmake" -DSRC="$src" -DOUT="$tmp/gone.hpp" -P "$src/bench/sources.cmake" 2>&1) && fail "a gone file must stop it"
echo "$msg" | grep -q 'gpu/kernels/reduce.cuh is gone' || fail "the message must name the file: $msg"
echo "sources.cmake: ok"
