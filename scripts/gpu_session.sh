#!/usr/bin/env bash
# Everything a GPU machine must show, in steps each meant to fit one
# ten-minute call on a lent machine (not yet timed on one). Build there with
# no packages and no network: carry the `.deps` prefix from
# shared/offline-deps/pack.sh along.
#   scripts/gpu_session.sh test      build for this GPU, the release tests (GPU tests included;
#                                    not the self-checks, see ACCEL_CTEST_EXCLUDE below)
#   scripts/gpu_session.sh suite     the default suite -> results/<gpu>/report.{json,csv,md,html} + console.log
#   scripts/gpu_session.sh tune      short runs for tuning -> results/<gpu>/tune/<name>.{json,md}:
#                                    gemm and mlp_layers (scripts/<name>_suite.json, the kernel aims;
#                                    gpu/TUNING.md reads them) and mlp_threads (the CPU MLP at small
#                                    batches on 1, 4 and all threads)
#   scripts/gpu_session.sh sanitize  scripts/compute_sanitizer.sh (memcheck, racecheck, initcheck, synccheck)
#   scripts/gpu_session.sh all       the four in order
# When $OUT is set (the lent machine's output folder) each step logs straight
# into $OUT/logs, so a call cut off at its limit still returns what ran, and
# the files a step wrote under results/<gpu>/ are copied to $OUT/results (at most
# eight files come back from a call). A one-line summary per step comes last.
#   ACCEL_STEP_TIMEOUT=S   stop a step after S seconds (SIGTERM: the suite saves
#                          every finished case first); default: no limit
# Exit: 0 all passed; the first failing step's exit code otherwise; 2 no GPU or usage.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"

usage() {
  echo "usage: scripts/gpu_session.sh test|suite|tune|sanitize|all" >&2
  exit 2
}
[ $# -eq 1 ] || usage
case $1 in test | suite | tune | sanitize) steps=("$1") ;; all) steps=(test suite tune sanitize) ;; *) usage ;; esac

if ! has_gpu; then
  echo "gpu_session.sh: no GPU on this machine (nvidia-smi lists none); nothing to do" >&2
  exit 2
fi
# results/<gpu>: the GPU's name as nvidia-smi gives it, lower case, words joined by '-'.
gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
slug=$(echo "$gpu_name" | tr '[:upper:]' '[:lower:]' | sed -E 's/[^a-z0-9]+/-/g; s/^-+|-+$//g')
[ -n "$slug" ] || { echo "gpu_session.sh: nvidia-smi gave no GPU name" >&2; exit 2; }
# Build for this GPU only: its compute capability, e.g. 9.0 -> 90.
cc=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d ' .')
export ACCEL_CUDA_ARCHS=${ACCEL_CUDA_ARCHS:-$cc}
export ACCEL_SKIP_SANITIZERS=1  # the host sanitizers and fuzzing run in CI, not on the lent time
# The A/A and planted-change self-checks run alone (RUN_SERIAL): on the H100 machine
# 271 + 113 s of the test step's 444. They run in CI; ACCEL_CTEST_EXCLUDE= keeps them here.
export ACCEL_CTEST_EXCLUDE=${ACCEL_CTEST_EXCLUDE-^SelfCheck\.}

logs=${OUT:+$OUT/logs}
logs=${logs:-$root/build/gpu_session}
mkdir -p "$logs"
limit=()
[ -n "${ACCEL_STEP_TIMEOUT:-}" ] && limit=(timeout -s TERM -k 30 "$ACCEL_STEP_TIMEOUT")
# What ran, for the log: the machine, its CPU and the tools the build uses.
echo "== $gpu_name, driver $(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1);" \
  "$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
find_nvcc
echo "   nvcc $(nvcc --version 2>/dev/null | grep -o 'release [0-9.]*'); $(cmake --version 2>/dev/null | head -1);" \
  "$(g++ --version 2>/dev/null | head -1)"
summary=()
status=0

run_step() {
  local step=$1 log="$logs/$1.log" rc start=$SECONDS
  echo "== $step ($gpu_name, sm_$ACCEL_CUDA_ARCHS) =="
  case $step in
    test) "${limit[@]}" "$root/scripts/test.sh" ;;
    suite)
      mkdir -p "$root/results/$slug"
      "${limit[@]}" "$root/scripts/run.sh" --out "$root/results/$slug/report.json" --force \
        --format console,json,csv,md,html | tee "$root/results/$slug/console.log"
      ;;
    tune)
      # One sample round, 0.2-1 s per case, no fallback section: minutes, not the suite's
      # statistics; the same flags as the runs gpu/TUNING.md compares with. The console
      # tables go to the step's log.
      tune_run() {
        local name=$1
        shift
        "${limit[@]}" "$root/scripts/run.sh" "$@" --max-time 1 --min-time 0.2 --rounds 1 --no-fallback \
          --out "$root/results/$slug/tune/$name.json" --force --format console,json,md
      }
      mkdir -p "$root/results/$slug/tune"
      tune_run gemm --suite "$root/scripts/gemm_suite.json" &&
        tune_run mlp_layers --suite "$root/scripts/mlp_layers_suite.json" &&
        tune_run mlp_threads --workloads mlp --batch-sizes 1,16,64,256 --cpu-threads 1,4,all
      ;;
    sanitize) "${limit[@]}" "$root/scripts/compute_sanitizer.sh" ;;
  esac >"$log" 2>&1
  rc=$?
  tail -25 "$log"
  case $step in
    test) detail=$(grep -E 'tests passed|tests failed' "$log" | tail -1) ;;
    suite) detail=$(grep -E '^summary: ' "$log" | tail -1) ;;
    tune) detail=$(grep -E '^summary: ' "$log" | sed -E 's/^summary: //; s/ \(target.*//' | paste -sd ';' -) ;;
    sanitize) detail="$(grep -cE '^ok ' "$log") ok, $(grep -cE '^FAILED ' "$log") failed" ;;
  esac
  summary+=("$(printf '%-9s rc=%-3s %4ss  %s' "$step" "$rc" "$((SECONDS - start))" "$detail")")
  if [ -n "${OUT:-}" ]; then
    # At most 8 files come back from a call: the sanitizer's nine logs as one.
    [ "$step" = sanitize ] &&
      tail -n +1 "$root"/build/release/compute-sanitizer.*.log >"$OUT/logs/compute-sanitizer.logs" 2>/dev/null
    # Only what this step wrote: results/<gpu>/ may hold committed files (logs/, earlier runs).
    if [ "$step" = suite ]; then
      mkdir -p "$OUT/results/$slug" &&
        cp "$root/results/$slug"/{report.{json,csv,md,html},console.log} "$OUT/results/$slug/" 2>/dev/null
    fi
    if [ "$step" = tune ]; then
      mkdir -p "$OUT/results/$slug/tune" &&
        cp "$root/results/$slug/tune"/{gemm,mlp_layers,mlp_threads}.{json,md} "$OUT/results/$slug/tune/" 2>/dev/null
    fi
  fi
  [ "$rc" -eq 0 ] || { [ "$status" -ne 0 ] || status=$rc; }
}

for s in "${steps[@]}"; do run_step "$s"; done
echo "== summary: $gpu_name -> results/$slug =="
printf '%s\n' "${summary[@]}"
exit "$status"
