#!/usr/bin/env bash
# NVIDIA compute-sanitizer over every GPU kernel's test: memcheck (out of
# bounds, leaks), racecheck (shared-memory races), initcheck (reads of
# uninitialised device memory) and synccheck (invalid barriers). Fails on any
# report. Needs a GPU and the release build (scripts/test.sh or run.sh).
# Usage: scripts/compute_sanitizer.sh [TOOL...]   (default: all four)
# Exit: 0 clean; 1 a tool reported errors; 2 no GPU, no compute-sanitizer or no build.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/release"

cs=$(command -v compute-sanitizer || true)
for d in /usr/local/cuda/bin /usr/local/cuda-*/bin /usr/local/cuda/compute-sanitizer; do
  [ -z "$cs" ] && [ -x "$d/compute-sanitizer" ] && cs="$d/compute-sanitizer"
done
[ -n "$cs" ] || { echo "compute_sanitizer.sh: compute-sanitizer not found (CUDA toolkit's bin/)" >&2; exit 2; }
if ! nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  echo "compute_sanitizer.sh: no GPU on this machine; nothing to check" >&2
  exit 2
fi
tests=("$build/tests/test_mlp_gpu" "$build/tests/test_batched_gpu")
for t in "${tests[@]}"; do
  [ -x "$t" ] || { echo "compute_sanitizer.sh: $t not built (scripts/test.sh)" >&2; exit 2; }
done

tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=(memcheck racecheck initcheck synccheck)
failed=0
for tool in "${tools[@]}"; do
  extra=()
  [ "$tool" = memcheck ] && extra=(--leak-check full)
  for t in "${tests[@]}"; do
    log="$build/compute-sanitizer.$tool.$(basename "$t").log"
    # --error-exitcode makes any report a failure even when the test itself passes.
    if "$cs" --tool "$tool" "${extra[@]}" --error-exitcode 99 "$t" >"$log" 2>&1; then
      echo "ok      $tool $(basename "$t")  ($(grep -m1 'ERROR SUMMARY' "$log" || echo 'no summary'))"
    else
      echo "FAILED  $tool $(basename "$t")  (log: $log)"
      grep -m5 -E '^========= (Invalid|Race|Uninitialized|Barrier|Leaked|Program hit|ERROR)' "$log" || tail -5 "$log"
      failed=1
    fi
  done
done
exit $failed
