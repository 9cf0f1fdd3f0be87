#!/usr/bin/env bash
# Everything a GPU machine must show. Build there with no packages and no
# network: carry the `.deps` prefix from shared/offline-deps/pack.sh along.
#   scripts/gpu_session.sh lease     the plan for one call of a lent machine (below): build, tests,
#                                    compute-sanitizer, then the default suite, all inside
#                                    ACCEL_LEASE_SECONDS, packed into $OUT/lease.tar.gz
#   scripts/gpu_session.sh test      build for this GPU, the release tests (GPU tests included;
#                                    not the self-checks, see ACCEL_CTEST_EXCLUDE below)
#   scripts/gpu_session.sh suite     the default suite -> results/<gpu>/report.{json,csv,md,html} + console.log
#   scripts/gpu_session.sh tune      short runs for tuning -> results/<gpu>/tune/<name>.{json,md}:
#                                    gemm and mlp_layers (scripts/<name>_suite.json, the kernel aims;
#                                    gpu/TUNING.md reads them), mlp_threads (the MLP at small batches,
#                                    the CPU on 1, 4 and all threads) and mlp_cold (the same with
#                                    --cache cold); with $OUT set, packed into $OUT/tune.tar.gz
#   scripts/gpu_session.sh sanitize  scripts/compute_sanitizer.sh (memcheck, racecheck, initcheck, synccheck)
#   scripts/gpu_session.sh all       test, suite, tune and sanitize in order (more than one call's ten minutes)
# When $OUT is set (the lent machine's output folder) each step logs straight
# into $OUT/logs, so a call cut off at its limit still returns what ran, and
# the files a step wrote under results/<gpu>/ are copied to $OUT/results, the tune
# runs as $OUT/tune.tar.gz (at most eight files come back from a call, none more than
# two folders down). A one-line summary per step comes last.
#   ACCEL_STEP_TIMEOUT=S   stop a step after S seconds (SIGTERM: the suite saves
#                          every finished case first); default: no limit
#   ACCEL_RESULTS_DIR=D    where results/<gpu>/ goes (default: the repository's results/)
#   ACCEL_KEEP_DIR=D       where lease keeps <gpu>/{report.json,console.log} of a cut suite
#                          (default: build/gpu_session; tests point both elsewhere)
#
# lease: a session gets 15 minutes of device time in all, a machine's start
# included, so the checks go in one call of at most ten minutes. In order:
#   build     configure and build for this GPU (as test.sh and run.sh do; their later builds are no-ops);
#             then a `gpu` summary line: the GPU accelbench's own probe sees, or why none
#   tests     scripts/test.sh as the test step runs it, also without this script's own test, stopped
#             after ACCEL_TEST_SECONDS (default 150); the summary counts skipped tests
#   sanitize  compute_sanitizer.sh, stopped after ACCEL_SANITIZE_SECONDS (default 110)
#   suite     the default suite, stopped (SIGTERM: every finished case saved, "interrupted": true)
#             where ACCEL_LEASE_SECONDS (default 550) would be passed, less ACCEL_PACK_SECONDS (default
#             45: accelbench may take seconds to stop, it gets 30 before SIGKILL, then the packing).
#             tests and sanitize are cut shorter where they would leave the suite less than
#             ACCEL_SUITE_MIN_SECONDS (default 180). Run again while results/<gpu>/report.json is such
#             a partial report, `lease` resumes it (--resume), without tests and sanitize, its logs
#             named lease-resume-*: extract the tarball into the checkout first, so the partial report
#             travels with the next call. On a machine still warm from the first call the copy kept
#             under build/gpu_session/<gpu>/ (ACCEL_KEEP_DIR) is resumed without that.
#   aims      accelbench validate --targets bench/targets.aims.json on the suite's report: a summary
#             line (and the suite's log), not the exit code
#   pack      results/<gpu>/{report.*,console.log} and the step logs (as results/<gpu>/logs/lease-*)
#             into $OUT/lease.tar.gz: `tar xzf lease.tar.gz` in the repository root puts them in place.
# With $OUT set, the suite checkpoints its JSON report to $OUT/report.json (every 2 s; CSV,
# Markdown and HTML are rendered from it when it stops) and the steps log to $OUT/logs, so a
# call killed before the packing still returns every finished case: copy $OUT/report.json to
# results/<gpu>/report.json and the next lease resumes it. The device tool's limit for a call
# can be shorter than the lease (what is left of the session's device time): a second call
# sets ACCEL_LEASE_SECONDS below it.
# Exit: 0 all passed; the first failing step's exit code otherwise; 2 no GPU or usage.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib.sh"

usage() {
  echo "usage: scripts/gpu_session.sh lease|test|suite|tune|sanitize|all" >&2
  exit 2
}
[ $# -eq 1 ] || usage
case $1 in
  lease | test | suite | tune | sanitize) steps=("$1") ;;
  all) steps=(test suite tune sanitize) ;;
  *) usage ;;
esac

if ! has_gpu; then
  echo "gpu_session.sh: no GPU on this machine (nvidia-smi lists none); nothing to do" >&2
  exit 2
fi
# results/<gpu>: the GPU's name as nvidia-smi gives it, lower case, words joined by '-'.
gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
slug=$(echo "$gpu_name" | tr '[:upper:]' '[:lower:]' | sed -E 's/[^a-z0-9]+/-/g; s/^-+|-+$//g')
[ -n "$slug" ] || { echo "gpu_session.sh: nvidia-smi gave no GPU name" >&2; exit 2; }
results=${ACCEL_RESULTS_DIR:-$root/results}/$slug
# Build for this GPU only: its compute capability, e.g. 9.0 -> 90.
cc=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d ' .')
export ACCEL_CUDA_ARCHS=${ACCEL_CUDA_ARCHS:-$cc}
export ACCEL_SKIP_SANITIZERS=1  # the host sanitizers and fuzzing run in CI, not on the lent time
# The A/A and planted-change self-checks run alone (RUN_SERIAL): on the H100 machine
# 271 + 113 s of the test step's 444. They run in CI; ACCEL_CTEST_EXCLUDE= keeps them here.
export ACCEL_CTEST_EXCLUDE=${ACCEL_CTEST_EXCLUDE-'^SelfCheck\.'}
# In a lease its own test (a 30-s lease with stand-ins, twice) is left out too.
[ "$1" = lease ] && ACCEL_CTEST_EXCLUDE="${ACCEL_CTEST_EXCLUDE:+$ACCEL_CTEST_EXCLUDE|}^GpuSessionScript\$"

logs=${OUT:+$OUT/logs}
logs=${logs:-$root/build/gpu_session}
mkdir -p "$logs"
# What ran, for the log: the machine, its CPU and the tools the build uses.
echo "== $gpu_name, driver $(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1);" \
  "$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
find_nvcc
echo "   nvcc $(nvcc --version 2>/dev/null | grep -o 'release [0-9.]*'); $(cmake --version 2>/dev/null | head -1);" \
  "$(g++ --version 2>/dev/null | head -1)"
summary=()
status=0

# The default suite, its console output appended to results/<gpu>/console.log;
# extra arguments go to accelbench run. run.sh ends in `exec accelbench`, so
# the `wrap` command (a timeout) signals accelbench itself. The report goes to
# $suite_out (default results/<gpu>/report.json) in $suite_formats.
wrap=()
suite_run() {
  mkdir -p "$results"
  "${wrap[@]}" "$root/scripts/run.sh" --out "${suite_out:-$results/report.json}" --force \
    --format "${suite_formats:-console,json,csv,md,html}" "$@" | tee -a "$results/console.log"
}

# partial_report FILE: FILE is a partial report of the suite (written by a lease cut short), to resume.
partial_report() { [ -f "$1" ] && grep -q '"interrupted": *true' "$1"; }
# Where a lease also keeps a partial report and its console log: build/ is git-ignored, so a warm
# lent machine keeps them between calls, and the next call resumes even if the first call's
# tarball was not unpacked into the checkout it sent (a tracked report there would have
# replaced the partial one).
keep=${ACCEL_KEEP_DIR:-$root/build/gpu_session}/$slug

# summarize STEP LOG RC START: the step's summary line, and the first failing exit code.
summarize() {
  local step=$1 log=$2 rc=$3 start=$4 detail
  case $step in
    test | tests)
      detail=$(grep -E 'tests passed|tests failed' "$log" | tail -1)
      # Skipped tests pass in ctest's count; on a GPU machine GPU tests should not skip.
      local skipped
      skipped=$(grep -cE '^[[:space:]]*[0-9]+ - .* \(Skipped\)$' "$log")
      [ -n "$detail" ] && [ "$skipped" -gt 0 ] && detail+="; $skipped skipped"
      # Stopped at its limit, ctest prints no summary: count what finished.
      if [ -z "$detail" ]; then
        local total
        total=$(grep -oE '[0-9]+/[0-9]+ Test' "$log" | head -1 | grep -oE '/[0-9]+' | tr -d /)
        detail="$(grep -cE 'Test +#[0-9]+: .* Passed +[0-9.]+ sec$' "$log") passed, $(grep -cE \
          'Test +#[0-9]+: .*\*\*\*(Failed|Exception|Timeout)' "$log") failed,${total:+ of $total} before the stop"
      fi
      ;;
    suite)
      local said='^summary: .*|interrupted; [0-9]+ finished case\(s\)|[0-9]+ of [0-9]+ point\(s\) already finished'
      detail=$(grep -oE "$said" "$log" | sed -E 's/ \(target.*//' | paste -sd ';' -)
      ;;
    tune) detail=$(grep -E '^summary: ' "$log" | sed -E 's/^summary: //; s/ \(target.*//' | paste -sd ';' -) ;;
    sanitize)
      detail="$(grep -cE '^ok ' "$log") ok, $(grep -cE '^FAILED ' "$log") failed"
      grep -q '^NOT RUN ' "$log" && detail+="; not run: the tests saw no GPU under compute-sanitizer"
      ;;
    build) detail=$(grep -E '^\[[0-9]+/[0-9]+\]' "$log" | tail -1 | cut -c1-60) ;;
  esac
  [ "$rc" -eq 124 ] && detail="stopped at its time limit; $detail"
  summary+=("$(printf '%-14s rc=%-3s %4ss  %s' "$step" "$rc" "$((SECONDS - start))" "$detail")")
  [ "$rc" -eq 0 ] || { [ "$status" -ne 0 ] || status=$rc; }
}

run_step() {
  local step=$1 log="$logs/$1.log" rc start=$SECONDS
  local limit=()
  [ -n "${ACCEL_STEP_TIMEOUT:-}" ] && limit=(timeout -s TERM -k 30 "$ACCEL_STEP_TIMEOUT")
  echo "== $step ($gpu_name, sm_$ACCEL_CUDA_ARCHS) =="
  case $step in
    test) "${limit[@]}" "$root/scripts/test.sh" ;;
    suite) rm -f "$results/console.log" && wrap=("${limit[@]}") && suite_run ;;
    tune)
      # One sample round, 0.2-1 s per case, no fallback section: minutes, not the suite's
      # statistics; the same flags as the runs gpu/TUNING.md compares with. The console
      # tables go to the step's log.
      tune_run() {
        local name=$1
        shift
        "${limit[@]}" "$root/scripts/run.sh" "$@" --max-time 1 --min-time 0.2 --rounds 1 --no-fallback \
          --out "$results/tune/$name.json" --force --format console,json,md
      }
      mkdir -p "$results/tune"
      tune_run gemm --suite "$root/scripts/gemm_suite.json" &&
        tune_run mlp_layers --suite "$root/scripts/mlp_layers_suite.json" &&
        tune_run mlp_threads --workloads mlp --batch-sizes 1,16,64,256 --cpu-threads 1,4,all &&
        tune_run mlp_cold --workloads mlp --batch-sizes 1,16,64,256 --cpu-threads 1,4,all --cache cold
      ;;
    sanitize) "${limit[@]}" "$root/scripts/compute_sanitizer.sh" ;;
  esac >"$log" 2>&1
  rc=$?
  tail -25 "$log"
  summarize "$step" "$log" "$rc" "$start"
  if [ -n "${OUT:-}" ]; then
    # At most 8 files come back from a call: the sanitizer's nine logs as one.
    [ "$step" = sanitize ] &&
      tail -n +1 "$root"/build/release/compute-sanitizer.*.log >"$OUT/logs/compute-sanitizer.logs" 2>/dev/null
    # Only what this step wrote: results/<gpu>/ may hold committed files (logs/, earlier runs).
    if [ "$step" = suite ]; then
      mkdir -p "$OUT/results/$slug" &&
        cp "$results"/{report.{json,csv,md,html},console.log} "$OUT/results/$slug/" 2>/dev/null
    fi
    # The tune runs as one tarball laid out as the checkout's results/: a file
    # three folders down ($OUT/results/<gpu>/tune/x) would not come back.
    if [ "$step" = tune ]; then
      (cd "$(dirname "$results")/.." &&
        tar czf "$OUT/tune.tar.gz" "$(basename "$(dirname "$results")")/$slug/tune" 2>/dev/null)
    fi
  fi
}

# not_run STEP WHY: a lease step left out for want of time; the lease then exits 124.
not_run() {
  summary+=("$(printf '%-14s not run: %s' "$1" "$2")")
  [ "$status" -ne 0 ] || status=124
}

# capped S: S, or what is left of the lease before the suite's minimum share if that is less
# (lease's deadline, pack_s and suite_min_s).
capped() {
  local left=$((deadline - SECONDS - pack_s - suite_min_s))
  ((left < $1)) && echo "$((left > 0 ? left : 0))" || echo "$1"
}

# lease_check STEP SECONDS LOG COMMAND...: COMMAND into LOG, stopped after SECONDS as capped
# cuts them, and its summary line; false (and a "not run" line) when no time is left for it.
lease_check() {
  local step=$1 s log=$3 start=$SECONDS
  s=$(capped "$2")
  if ((s <= 0)); then
    not_run "$step" "no time left before the suite's share (ACCEL_SUITE_MIN_SECONDS)"
    return 1
  fi
  shift 3
  timeout -s TERM -k 10 "$s" "$@" >"$log" 2>&1
  summarize "$step" "$log" $? "$start"
}

lease() {
  local budget=${ACCEL_LEASE_SECONDS:-550} test_s=${ACCEL_TEST_SECONDS:-150}
  local sanitize_s=${ACCEL_SANITIZE_SECONDS:-110} n start rc s resume=() tag=lease
  local bin=$root/build/release/bench/accelbench
  # Local, and seen by capped (called from here, through lease_check): bash scopes dynamically.
  local pack_s=${ACCEL_PACK_SECONDS:-45} suite_min_s=${ACCEL_SUITE_MIN_SECONDS:-180} deadline
  for n in "$budget" "$test_s" "$sanitize_s" "$pack_s" "$suite_min_s"; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "gpu_session.sh: lease: '$n' is not a number of seconds" >&2; exit 2; }
  done
  deadline=$((SECONDS + budget))
  echo "== lease: $budget s for build, tests, compute-sanitizer and the suite ($gpu_name, sm_$ACCEL_CUDA_ARCHS) =="
  if partial_report "$results/report.json"; then
    resume=(--resume "$results/report.json")
  elif partial_report "$keep/report.json"; then
    resume=(--resume "$keep/report.json")
    mkdir -p "$results" && { [ -f "$results/console.log" ] || cp "$keep/console.log" "$results/" 2>/dev/null; }
  fi
  [ ${#resume[@]} -eq 0 ] || tag=lease-resume

  start=$SECONDS
  ensure_deps >"$logs/$tag-build.log" 2>&1 && configure_and_build release >>"$logs/$tag-build.log" 2>&1
  rc=$?
  summarize build "$logs/$tag-build.log" "$rc" "$start"
  if [ "$rc" -ne 0 ]; then
    tail -25 "$logs/$tag-build.log"
    return
  fi
  # What the tool itself sees (its probe, as a run would): a GPU, or why none.
  local seen
  seen=$("$bin" list 2>&1 | sed -n '/^GPUs:/{n;p;}' | sed 's/^ *//')
  summary+=("$(printf '%-14s accelbench sees %s' gpu "${seen:-nothing (accelbench list failed)}")")

  if [ ${#resume[@]} -eq 0 ]; then
    # One after the other: some tests fill the card (the capacity check, the
    # real out-of-memory), which would fail a sanitized test beside them.
    # The `test` step's command (its build is a no-op now); ACCEL_SKIP_SANITIZERS and
    # ACCEL_CTEST_EXCLUDE above reach its ctest.
    lease_check tests "$test_s" "$logs/lease-test.log" "$root/scripts/test.sh" &&
      grep -E -A20 'tests passed|tests failed' "$logs/lease-test.log"
    if lease_check sanitize "$sanitize_s" "$logs/lease-sanitize.log" "$root/scripts/compute_sanitizer.sh"; then
      tail -n +1 "$root"/build/release/compute-sanitizer.*.log >"$logs/lease-compute-sanitizer.logs" 2>/dev/null
      grep -E '^(ok|FAILED|NOT RUN) ' "$logs/lease-sanitize.log"
    fi
  else
    echo "resuming the suite from ${resume[1]} (tests and compute-sanitizer ran in the first call)"
  fi

  s=$((deadline - SECONDS - pack_s))
  if ((s > 0)); then
    start=$SECONDS
    [ ${#resume[@]} -eq 0 ] && rm -f "$results/console.log"
    # --foreground: the signal goes to accelbench alone, which stops its own rounds' child processes.
    wrap=(timeout --foreground -s TERM -k 30 "$s")
    # Under $OUT the report's checkpoints (every 2 s) come back even from a call
    # killed before the packing (a limit shorter than the lease); the other
    # formats are rendered from it afterwards, as the run would write them.
    local f suite_out=$results/report.json suite_formats=console,json,csv,md,html
    [ -n "${OUT:-}" ] && suite_out=$OUT/report.json suite_formats=console,json
    suite_run "${resume[@]}" >"$logs/$tag-suite.log" 2>&1
    rc=$?
    if [ "$suite_out" != "$results/report.json" ] && [ -f "$suite_out" ]; then
      cp "$suite_out" "$results/report.json"
      for f in csv md html; do
        "$bin" report "$results/report.json" --format $f --out "$results/report.$f" --force >>"$logs/$tag-suite.log" 2>&1
      done
    fi
    if partial_report "$results/report.json"; then
      mkdir -p "$keep" && cp "$results/report.json" "$results/console.log" "$keep/" 2>/dev/null
    else
      rm -rf "$keep"
    fi
    tail -15 "$logs/$tag-suite.log"
    summarize suite "$logs/$tag-suite.log" "$rc" "$start"
    # The issues' kernel aims (bench/targets.aims.json), judged on what the suite
    # measured: a summary line and the log, not the lease's exit code.
    if [ -f "$results/report.json" ]; then
      echo "== aims: accelbench validate --targets bench/targets.aims.json ==" >>"$logs/$tag-suite.log"
      "$bin" validate "$results/report.json" --targets "$root/bench/targets.aims.json" >>"$logs/$tag-suite.log" 2>&1
      summary+=("$(printf '%-14s %s' aims "$(grep -oE '^validate [A-Za-z]+: .*' "$logs/$tag-suite.log" | tail -1 |
        sed -E 's/^validate //')")")
    fi
  else
    not_run suite "no time left in the lease"
  fi

  # pack: one file back (at most eight come back from a call), laid out as the checkout's results/.
  mkdir -p "$results/logs"
  cp "$logs"/lease-* "$results/logs/" 2>/dev/null
  if [ -n "${OUT:-}" ]; then
    local base
    base=$(dirname "$results")
    (cd "$base/.." && tar czf "$OUT/lease.tar.gz" \
      "$(basename "$base")/$slug"/{report.{json,csv,md,html},console.log} \
      "$(basename "$base")/$slug/logs"/lease-* 2>/dev/null)
    # The suite's report is in the tarball now: one file back, not two.
    # (grep reads the whole list: with -q, tar could die of SIGPIPE and fail the pipeline.)
    tar tzf "$OUT/lease.tar.gz" 2>/dev/null | grep "/$slug/report.json\$" >/dev/null && rm -f "$OUT/report.json"
    echo "packed: $(tar tzf "$OUT/lease.tar.gz" 2>/dev/null | grep -vc '/$') files in \$OUT/lease.tar.gz" \
      "($(du -h "$OUT/lease.tar.gz" | cut -f1))"
  fi
}

if [ "${steps[0]}" = lease ]; then
  lease
else
  for s in "${steps[@]}"; do run_step "$s"; done
fi
echo "== summary: $gpu_name -> results/$slug =="
printf '%s\n' "${summary[@]}"
exit "$status"
