#!/usr/bin/env bash
# NVIDIA compute-sanitizer over every GPU kernel's test: memcheck (out of
# bounds, leaks), racecheck (shared-memory races), initcheck (reads of
# uninitialised device memory) and synccheck (invalid barriers). Fails on any
# report. memcheck also runs the dispatcher's tests, which inject every fault
# (alloc, launch, sync) on the real device and must leave nothing leaked; the
# injected launch fault is a deliberately invalid launch, so the API error it
# raises is not reported there (memory errors and leaks still are).
# A run counts only where its test binary saw the GPU under the tool (its first
# line, from tests/gpu_test_env.cpp): a tool that cannot instrument this device
# (compute-sanitizer refuses the device on gVisor machines) or that never ran the
# tests would otherwise pass on tests that skipped or fell back to the CPU; the
# first such run stops the script, as every other would end the same way.
# Needs a GPU and the release build (scripts/test.sh or run.sh).
# Usage: scripts/compute_sanitizer.sh [TOOL...]   (default: all four)
# Exit: 0 clean; 1 a tool reported errors; 2 no GPU, no compute-sanitizer, no build,
# or the tests saw no GPU under the tool (nothing checked).
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
faults="$build/tests/test_dispatcher"
for t in "${tests[@]}" "$faults"; do
  [ -x "$t" ] || { echo "compute_sanitizer.sh: $t not built (scripts/test.sh)" >&2; exit 2; }
done

tools=("$@")
[ ${#tools[@]} -eq 0 ] && tools=(memcheck racecheck initcheck synccheck)
failed=0
# check TOOL TEST [OPTION...]
check() {
  local tool=$1 t=$2
  shift 2
  local log
  log="$build/compute-sanitizer.$tool.$(basename "$t").log"
  # --error-exitcode makes any report a failure even when the test itself passes.
  # The test over 2^23 rows runs the same kernels as the others on a larger
  # grid; under racecheck it would take many minutes. The real out-of-memory
  # test fills the card, and the tools need device memory of their own.
  local rc=0 saw
  "$cs" --tool "$tool" "$@" --error-exitcode 99 "$t" --gtest_filter=-*AboveGridYLimit*:*RealOutOfMemory* >"$log" 2>&1 ||
    rc=$?
  saw=$(grep -m1 '^accelbench GPU tests: ' "$log" | sed 's/^accelbench GPU tests: //')
  if [[ $saw != on\ * ]] || grep -q 'Device not supported' "$log"; then
    echo "NOT RUN $tool $(basename "$t")  (the tests saw no GPU under compute-sanitizer:" \
      "${saw:-no line from the test binary}; $(grep -m1 -E 'Device not supported|ERROR SUMMARY' "$log" ||
        echo 'no summary'); log: $log)"
    not_run=1
  elif [ "$rc" -eq 0 ]; then
    echo "ok      $tool $(basename "$t")  ($(grep -m1 'ERROR SUMMARY' "$log" || echo 'no summary'))"
  else
    echo "FAILED  $tool $(basename "$t")  (log: $log)"
    grep -m5 -E '^========= (Invalid|Race|Uninitialized|Barrier|Leaked|Program hit|ERROR)' "$log" || tail -5 "$log"
    failed=1
  fi
}
not_run=0
for tool in "${tools[@]}"; do
  extra=()
  [ "$tool" = memcheck ] && extra=(--leak-check full)
  for t in "${tests[@]}"; do
    check "$tool" "$t" "${extra[@]}"
    [ "$not_run" -eq 0 ] || break 2
  done
  [ "$tool" = memcheck ] && check memcheck "$faults" --leak-check full --report-api-errors no
  [ "$not_run" -eq 0 ] || break
done
if [ "$not_run" -ne 0 ]; then
  echo "compute_sanitizer.sh: stopped; compute-sanitizer checked no GPU code on this machine" >&2
  [ "$failed" -ne 0 ] && exit 1
  exit 2
fi
exit $failed
