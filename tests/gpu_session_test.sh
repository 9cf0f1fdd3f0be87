#!/usr/bin/env bash
# scripts/gpu_session.sh's own flow, on any machine: usage errors exit 2, and
# its `sanitize` step, with stand-ins for nvidia-smi and compute-sanitizer on
# PATH (an H100 that reports no errors), names the results folder, runs every
# tool over every GPU test binary, copies the logs under $OUT (the nine tool
# logs as one file) and ends with its summary; where the test binaries see no
# GPU under the tool (a stand-in that hides it), it says NOT RUN and exits 2,
# never "ok". Then `lease` with a 30-s
# budget (stand-ins for cmake and ctest too, so it neither rebuilds nor runs
# this test again; the real accelbench runs the default suite, on the CPU
# here): the suite is stopped at the deadline and leaves a valid partial
# report, everything comes back as one tarball under $OUT, and a second
# lease resumes that report, or the copy it keeps under build/ when the
# checkout has none; a lease killed outright mid-suite leaves its checkpoint
# under $OUT, which a later lease resumes; `tune`'s runs come back as
# one tarball. The tools' real verdicts
# need a GPU; this checks the script.
# Usage: gpu_session_test.sh REPO_ROOT   (exit 77, skipped, without build/release's test binaries)
set -uo pipefail
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# compute_sanitizer.sh runs build/release's GPU test binaries (stand-ins here).
for t in test_mlp_gpu test_batched_gpu test_dispatcher; do
  [ -x "$root/build/release/tests/$t" ] || { echo "skipped: build/release/tests/$t not built"; exit 77; }
done

"$root/scripts/gpu_session.sh" >/dev/null 2>&1; [ $? -eq 2 ] || fail "no argument must exit 2"
"$root/scripts/gpu_session.sh" bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "an unknown step must exit 2"

mkdir -p "$tmp/bin"
cat >"$tmp/bin/nvidia-smi" <<'SMI'
#!/bin/sh
case "$*" in
  -L) echo "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-stand-in)" ;;
  *query-gpu=name*) echo "NVIDIA H100 80GB HBM3" ;;
  *query-gpu=compute_cap*) echo "9.0" ;;
esac
SMI
# A tool run whose test binary saw the GPU (its first line, tests/gpu_test_env.cpp).
printf '#!/bin/sh\necho "accelbench GPU tests: on NVIDIA H100 80GB HBM3 (compute capability 9.0)"\necho "========= ERROR SUMMARY: 0 errors"\n' \
  >"$tmp/bin/compute-sanitizer"
chmod +x "$tmp/bin/"*
out=$(PATH="$tmp/bin:$PATH" OUT="$tmp/out" "$root/scripts/gpu_session.sh" sanitize 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || fail "sanitize step exited $rc"
echo "$out" | grep -q '^== summary: NVIDIA H100 80GB HBM3 -> results/nvidia-h100-80gb-hbm3 ==$' ||
  fail "summary heading"
echo "$out" | grep -qE '^sanitize +rc=0 .* 9 ok, 0 failed$' || fail "summary line"
[ -f "$tmp/out/logs/sanitize.log" ] || fail "step log not under \$OUT"
# At most 8 files come back from a lent machine: the nine tool logs travel as one.
[ -f "$tmp/out/logs/compute-sanitizer.logs" ] || fail "tool logs not under \$OUT"
n=$(grep -c '^==> .*compute-sanitizer\..*\.log <==$' "$tmp/out/logs/compute-sanitizer.logs")
[ "$n" -eq 9 ] || fail "9 tool logs expected in \$OUT/logs/compute-sanitizer.logs, found $n"

# A compute-sanitizer that runs the real test binaries with the GPU hidden (as one that
# cannot instrument the device leaves them without one): they skip or fall back to the CPU,
# and exit 0 with a clean summary. That checked no GPU code: not "ok", stopped after the
# first run, exit 2.
mkdir -p "$tmp/hidden"
cat >"$tmp/hidden/compute-sanitizer" <<'CS'
#!/bin/sh
while [ $# -gt 0 ] && [ ! -x "$1" ]; do shift; done
CUDA_VISIBLE_DEVICES= "$@" || exit $?
echo "========= ERROR SUMMARY: 0 errors"
CS
chmod +x "$tmp/hidden/compute-sanitizer"
out=$(PATH="$tmp/hidden:$tmp/bin:$PATH" OUT="$tmp/out-hidden" "$root/scripts/gpu_session.sh" sanitize 2>&1)
rc=$?
echo "$out"
[ $rc -eq 2 ] || fail "sanitize step with the GPU hidden from the tests exited $rc, not 2"
echo "$out" | grep -q '^ok ' && fail "a tool run whose tests saw no GPU must not count as ok"
[ "$(echo "$out" | grep -c '^NOT RUN memcheck test_mlp_gpu ')" -eq 1 ] || fail "one NOT RUN line, then stop"
echo "$out" | grep -qE '^sanitize +rc=2 .* 0 ok, 0 failed; not run: the tests saw no GPU' || fail "not-run summary line"

# lease, into a scratch results folder (never the checkout's).
cat >"$tmp/bin/cmake" <<'CM'
#!/bin/sh
exit 0
CM
printf '#!/bin/sh\necho "$*" >"%s/ctest.args"\necho "100%% tests passed, 0 tests failed out of 3"\n%s\n' "$tmp" \
  'printf "\\nThe following tests did not run:\\n\\t  7 - Variants/MlpGpu.MatchesCpuPath/0 (Skipped)\\n"' \
  >"$tmp/bin/ctest"
chmod +x "$tmp/bin/"*
lease() {  # [RESULTS_DIR [KEEP_DIR]]
  rm -rf "$tmp/out" && mkdir -p "$tmp/out"
  PATH="$tmp/bin:$PATH" OUT="$tmp/out" ACCEL_RESULTS_DIR="${1:-$tmp/results}" ACCEL_KEEP_DIR="${2:-$tmp/keep}" \
    ACCEL_LEASE_SECONDS=30 \
    ACCEL_PACK_SECONDS=5 ACCEL_SUITE_MIN_SECONDS=10 "$root/scripts/gpu_session.sh" lease 2>&1
}
# (An nvidia-smi that lists no GPU: on a GPU machine the real one would start a real lease.)
mkdir -p "$tmp/nogpu" && printf '#!/bin/sh\nexit 0\n' >"$tmp/nogpu/nvidia-smi" && chmod +x "$tmp/nogpu/nvidia-smi"
PATH="$tmp/nogpu:$PATH" "$root/scripts/gpu_session.sh" lease >/dev/null 2>&1
[ $? -eq 2 ] || fail "lease without a GPU must exit 2"
out=$(ACCEL_LEASE_SECONDS=soon PATH="$tmp/bin:$PATH" "$root/scripts/gpu_session.sh" lease 2>&1)
[ $? -eq 2 ] || fail "a lease budget that is not a number must exit 2"
echo "$out" | grep -q "'soon' is not a number of seconds" || fail "bad budget message: $out"
out=$(lease)
rc=$?
echo "$out"
[ $rc -eq 124 ] || fail "a lease whose suite is stopped at the deadline must exit 124, not $rc"
echo "$out" | grep -qE '^build +rc=0 ' || fail "lease: build summary"
echo "$out" | grep -qE '^tests +rc=0 .*100% tests passed.*; 1 skipped$' || fail "lease: test summary"
# What accelbench's own probe sees (here: no GPU, whatever the stand-in nvidia-smi says).
echo "$out" | grep -qE '^gpu +accelbench sees (none: |\[0\] )' || fail "lease: the GPU accelbench sees"
echo "$out" | grep -qE '^sanitize +rc=0 .* 9 ok, 0 failed$' || fail "lease: sanitizer summary"
# The self-checks run in CI, and this test would run a lease inside the lease.
grep -qF -- '-E ^SelfCheck\.|^GpuSessionScript$' "$tmp/ctest.args" || fail "lease: ctest got $(cat "$tmp/ctest.args")"
echo "$out" | grep -qE '^suite +rc=124 .*stopped at its time limit' || fail "lease: suite summary"
# The kernel aims on what ran: here (no GPU cases) every rule is a warning.
echo "$out" | grep -qE '^aims +passed: 0 pass, .* 4 warning$' || fail "lease: aims summary"
[ "$(ls "$tmp/out")" = "$(printf 'lease.tar.gz\nlogs')" ] || fail "lease: \$OUT holds $(ls "$tmp/out")"
mkdir "$tmp/unpacked" && tar xzf "$tmp/out/lease.tar.gz" -C "$tmp/unpacked" || fail "lease: tarball"
r="$tmp/unpacked/results/nvidia-h100-80gb-hbm3"
# (The stand-in build writes an empty log.)
for f in report.json report.md console.log logs/lease-build.log logs/lease-test.log logs/lease-sanitize.log \
  logs/lease-compute-sanitizer.logs logs/lease-suite.log; do
  [ -f "$r/$f" ] || fail "lease: $f missing from the tarball"
done
grep -q '"interrupted": true' "$r/report.json" || fail "lease: the stopped suite's report must say interrupted"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$r/report.json" || fail "lease: report.json is not JSON"

# A second lease resumes the partial report and leaves the checks out.
out=$(lease)
echo "$out"
echo "$out" | grep -qE '^suite .*[0-9]+ of [0-9]+ point\(s\) already finished' ||
  fail "second lease: the suite must resume"
echo "$out" | grep -qE '^(tests|sanitize) ' && fail "second lease: tests and compute-sanitizer must not run again"
tar xzf "$tmp/out/lease.tar.gz" -C "$tmp/unpacked" || fail "second lease: tarball"
grep -qE '"resumed_from": ".*/report.json"' "$r/report.json" || fail "second lease: report has no resumed_from"
for f in logs/lease-suite.log logs/lease-resume-build.log logs/lease-resume-suite.log; do
  [ -f "$r/$f" ] || fail "second lease: $f missing (the first call's logs must stay)"
done

# A warm machine keeps build/ between calls: a lease resumes the copy it kept
# there when the checkout it was sent has no partial report (the tarball not
# unpacked, or a committed report of the same GPU in its place).
[ -f "$tmp/keep/nvidia-h100-80gb-hbm3/report.json" ] || fail "lease: no partial report kept"
rm -rf "$tmp/results"
out=$(lease)
echo "$out" | grep -qE '^suite .*[1-9][0-9]* of [0-9]+ point\(s\) already finished' ||
  fail "a lease must resume the kept report: $(echo "$out" | grep -E '^suite ')"
grep -qE '"resumed_from": ".*/keep/nvidia-h100-80gb-hbm3/report.json"' "$tmp/results/nvidia-h100-80gb-hbm3/report.json" ||
  fail "the resumed report does not name the kept one"

# A call killed at its limit before the packing (the device tool kills every
# process of the command): the suite's last checkpoint is under $OUT, with the
# step logs, and a later lease resumes it.
rm -rf "$tmp/out" && mkdir -p "$tmp/out"
PATH="$tmp/bin:$PATH" OUT="$tmp/out" ACCEL_RESULTS_DIR="$tmp/results-killed" ACCEL_KEEP_DIR="$tmp/keep-killed" \
  ACCEL_LEASE_SECONDS=120 \
  ACCEL_PACK_SECONDS=5 ACCEL_SUITE_MIN_SECONDS=10 setsid "$root/scripts/gpu_session.sh" lease >/dev/null 2>&1 &
pid=$!
for _ in $(seq 120); do
  grep -qE '"completed_points": \[$' "$tmp/out/report.json" 2>/dev/null && break
  sleep 0.5
done
kill -KILL -- -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
[ ! -e "$tmp/out/lease.tar.gz" ] || fail "killed lease: it must have been killed before the packing"
[ -f "$tmp/out/logs/lease-suite.log" ] || fail "killed lease: no suite log under \$OUT"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["interrupted"] and r["completed_points"]' \
  "$tmp/out/report.json" || fail "killed lease: \$OUT/report.json is not a partial report with a finished point"
k="$tmp/results-killed/nvidia-h100-80gb-hbm3"
cp "$tmp/out/report.json" "$k/report.json" || fail "killed lease: no results folder"
out=$(lease "$tmp/results-killed" "$tmp/keep-killed")
echo "$out" | grep -qE '^suite .*[1-9][0-9]* of [0-9]+ point\(s\) already finished' ||
  fail "killed lease: a later lease must resume its checkpoint: $(echo "$out" | grep -E '^suite ')"

# A lease too short for the checks leaves them out, says so, and exits 124.
out=$(PATH="$tmp/bin:$PATH" OUT="$tmp/out" ACCEL_RESULTS_DIR="$tmp/results-short" ACCEL_KEEP_DIR="$tmp/keep-short" \
  ACCEL_LEASE_SECONDS=10 ACCEL_PACK_SECONDS=5 ACCEL_SUITE_MIN_SECONDS=10 "$root/scripts/gpu_session.sh" lease 2>&1)
rc=$?
[ $rc -eq 124 ] || fail "short lease: exit $rc, expected 124"
for step in tests sanitize; do
  echo "$out" | grep -qE "^$step +not run: no time left before the suite's share" || fail "short lease: $step line"
done

# Tests stopped at their limit: ctest prints no summary, so the lease counts what finished.
cat >"$tmp/bin/ctest" <<'CT'
#!/bin/sh
echo "  1/9 Test  #4: Report.FailedWriteKeepsTheOld .........   Passed    0.01 sec"
echo "  2/9 Test  #7: Cli.Something ...........................***Failed    0.20 sec"
sleep 60
CT
out=$(PATH="$tmp/bin:$PATH" OUT="$tmp/out" ACCEL_RESULTS_DIR="$tmp/results-cut" ACCEL_KEEP_DIR="$tmp/keep-cut" \
  ACCEL_LEASE_SECONDS=12 \
  ACCEL_TEST_SECONDS=2 ACCEL_PACK_SECONDS=8 ACCEL_SUITE_MIN_SECONDS=0 "$root/scripts/gpu_session.sh" lease 2>&1)
echo "$out"
echo "$out" | grep -qE '^tests +rc=124 .*stopped at its time limit; 1 passed, 1 failed, of 9 before the stop$' ||
  fail "lease: a stopped test step's summary"

# tune: its runs come back as one tarball laid out as results/, since a file three
# folders down ($OUT/results/<gpu>/tune/x) does not come back from a lent machine.
# Stopped after 5 s, so only the first run's (interrupted) report is in it.
rm -rf "$tmp/out" && mkdir -p "$tmp/out"
PATH="$tmp/bin:$PATH" OUT="$tmp/out" ACCEL_RESULTS_DIR="$tmp/tune/results" ACCEL_STEP_TIMEOUT=5 \
  "$root/scripts/gpu_session.sh" tune >/dev/null 2>&1
[ -f "$tmp/out/tune.tar.gz" ] || fail "tune: no \$OUT/tune.tar.gz"
[ -z "$(find "$tmp/out" -mindepth 3 -type f)" ] || fail "tune: files three folders down under \$OUT"
tar tzf "$tmp/out/tune.tar.gz" | grep -qx 'results/nvidia-h100-80gb-hbm3/tune/gemm.json' ||
  fail "tune: the tarball must hold results/<gpu>/tune/gemm.json: $(tar tzf "$tmp/out/tune.tar.gz")"
echo "ok"
