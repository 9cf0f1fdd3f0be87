#!/usr/bin/env bash
# A rebuild during a run deletes the running binary's file (the linker writes
# a new one). The run's child processes (CPU rounds, the first-request
# fallback) must still start, from the running build, and the run finish.
# Usage: replaced_binary_test.sh ACCELBENCH
set -u
bin=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
cp "$bin" "$d/accelbench"

# Progress goes to stderr unbuffered: the first "running" line comes before
# any child process starts (a point's rounds follow its inputs and checks).
"$d/accelbench" run --suite quick --workloads reduce --rounds 2 --max-time 0.3 --min-time 0.05 \
  --out "$d/r.json" 2>&1 | {
  while IFS= read -r line; do
    printf '%s\n' "$line"
    case $line in *running*) break ;; esac
  done
  rm "$d/accelbench"
  echo "test: deleted $d/accelbench"
  cat
} >"$d/log"
rc=${PIPESTATUS[0]}
cat "$d/log"

fail() { echo "FAIL: $*"; exit 1; }
[ "$rc" = 0 ] || fail "exit $rc after the binary was deleted (expected 0)"
[ ! -e "$d/accelbench" ] || fail "the binary was not deleted"
# Children started after the deletion: rounds and the fallback's first requests.
sed -n '/^test: deleted/,$p' "$d/log" | grep -q 'child process' || fail "no child process ran after the deletion"
grep -Eq '"first_request_ns": *\{' "$d/r.json" || fail "no fallback first-request figures in the report"
echo "ok: the run finished from its own build after its file was deleted"
