#!/usr/bin/env bash
# A rebuild during a run deletes the running binary's file (the linker writes
# a new one). The run's child processes (here its CPU rounds; the fallback's
# first requests start the same way) must still start, from the running
# build, and the run finish. Small, so that it is quick under ASan too.
# Usage: replaced_binary_test.sh ACCELBENCH
set -u
bin=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
trap 'exit 143' TERM INT
cp "$bin" "$d/accelbench"
printf '%s\n' '{"name": "replaced", "workloads": {"reduce": [{"op": "sum", "n": [65536, 1048576]}]}}' >"$d/suite.json"

# Progress goes to stderr unbuffered: the first "running" line comes before
# any child process starts (a point's rounds follow its inputs and checks).
"$d/accelbench" run --suite "$d/suite.json" --rounds 3 --max-time 0.3 --min-time 0.05 --no-fallback \
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
# Rounds in child processes after the deletion, and a finished run's report.
sed -n '/^test: deleted/,$p' "$d/log" | grep -q 'child process' || fail "no child process ran after the deletion"
grep -Eq '"interrupted": *false' "$d/r.json" || fail "the report is not a finished run's"
echo "ok: the run finished from its own build after its file was deleted"
