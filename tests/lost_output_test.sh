#!/usr/bin/env bash
# The --out folder disappears while a run is going (a cleaned workspace, an
# unmounted disk): the run must stop with exit 3 and one line that says what
# failed and what is left, after printing the finished cases; no crash.
# Usage: lost_output_test.sh ACCELBENCH
set -u
bin=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
trap 'exit 143' TERM INT
mkdir "$d/out"
printf '%s\n' '{"name": "lost", "workloads": {"reduce": [{"op": "sum", "n": [65536, 1048576]}]}}' >"$d/suite.json"

# The first "running" line comes before the first point's checkpoint.
"$bin" run --suite "$d/suite.json" --rounds 1 --max-time 0.3 --min-time 0.05 --no-fallback \
  --format console,json,md --out "$d/out/r.json" 2>&1 | {
  while IFS= read -r line; do
    printf '%s\n' "$line"
    case $line in *running*) break ;; esac
  done
  rm -rf "$d/out"
  echo "test: removed $d/out"
  cat
} >"$d/log"
rc=${PIPESTATUS[0]}
cat "$d/log"

fail() { echo "FAIL: $*"; exit 1; }
[ "$rc" = 3 ] || fail "exit $rc after the output folder was removed (expected 3)"
last=$(tail -n 1 "$d/log")
case $last in
  "accelbench: error: cannot write $d/out/r.json"*"no report file remains; the results are the console output above") ;;
  *) fail "the last line does not say what failed and what is left: $last" ;;
esac
grep -q '^summary: ' "$d/log" || fail "the finished cases were not printed"
echo "ok: exit 3, one line naming the lost file, the finished cases on the console"
