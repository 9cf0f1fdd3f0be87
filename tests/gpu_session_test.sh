#!/usr/bin/env bash
# scripts/gpu_session.sh's own flow, on any machine: usage errors exit 2, and
# its `sanitize` step, with stand-ins for nvidia-smi and compute-sanitizer on
# PATH (an H100 that reports no errors), names the results folder, runs every
# tool over every GPU test binary, copies the logs under $OUT (the nine tool
# logs as one file) and ends with its summary. The tools' real verdicts need
# a GPU; this checks the script.
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
printf '#!/bin/sh\necho "========= ERROR SUMMARY: 0 errors"\n' >"$tmp/bin/compute-sanitizer"
chmod +x "$tmp/bin/"*
out=$(PATH="$tmp/bin:$PATH" OUT="$tmp/out" "$root/scripts/gpu_session.sh" sanitize 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || fail "sanitize step exited $rc"
echo "$out" | grep -q '^== summary: NVIDIA H100 80GB HBM3 -> results/nvidia-h100-80gb-hbm3 ==$' || fail "summary heading"
echo "$out" | grep -qE '^sanitize +rc=0 .* 9 ok, 0 failed$' || fail "summary line"
[ -f "$tmp/out/logs/sanitize.log" ] || fail "step log not under \$OUT"
# At most 8 files come back from a lent machine: the nine tool logs travel as one.
[ -f "$tmp/out/logs/compute-sanitizer.logs" ] || fail "tool logs not under \$OUT"
n=$(grep -c '^==> .*compute-sanitizer\..*\.log <==$' "$tmp/out/logs/compute-sanitizer.logs")
[ "$n" -eq 9 ] || fail "9 tool logs expected in \$OUT/logs/compute-sanitizer.logs, found $n"
echo "ok"
