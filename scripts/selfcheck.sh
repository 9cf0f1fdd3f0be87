#!/usr/bin/env bash
# The two self-checks of the statistics (README "Self-checks"), on this machine:
#  1. A/A: the same build, the same suite, twice; `accelbench compare` must
#     find no case faster or slower beyond the noise threshold in >= 95 % of cases.
#  2. Planted change: the CPU paths on all cores against --cpu-threads 1;
#     every parallel CPU case (".../cpu/all") must be classified `slower`.
# Usage: scripts/selfcheck.sh [OUTDIR] [SUITE] [RUN OPTIONS...]
#   (default out/selfcheck, quick; options go to every run, e.g. --rounds 1)
# Writes the three reports and both comparisons (md, json) to OUTDIR.
# Exit 0 when both checks hold, 1 when one does not.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_deps
configure_and_build release accelbench >/dev/null
bin="$root/build/release/bench/accelbench"
out=${1:-$root/out/selfcheck}
suite=${2:-quick}
shift $(( $# < 2 ? $# : 2 ))
extra=("$@")
mkdir -p "$out"
if [ "$(nproc)" -lt 2 ]; then
  echo "selfcheck: one CPU: the planted change (1 thread vs all) plants nothing here" >&2
fi
run() { "$bin" run --suite "$suite" --no-fallback --force --format console,json "${extra[@]}" "$@" >"$out/$name.log" 2>&1; }
start=$(date +%s)
name=a1 run --out "$out/a1.json"
echo "selfcheck: run a1 took $(( $(date +%s) - start )) s"
name=a2 run --out "$out/a2.json"
name=one_thread run --cpu-threads 1 --out "$out/one_thread.json"

# compare exits 1 when a case is slower past --fail: judged below instead.
for pair in "aa a1 a2" "planted a1 one_thread"; do
  set -- $pair
  "$bin" compare "$out/$2.json" "$out/$3.json" --format md >"$out/$1.md" || true
  "$bin" compare "$out/$2.json" "$out/$3.json" --format json >"$out/$1.json" || true
done

# Markdown rows: | case | base | candidate | ratio [CI] | p | class |
total=$(grep -c '^| [a-z_]*/' "$out/aa.md" || true)
moved=$(grep '^| [a-z_]*/' "$out/aa.md" | awk -F'|' '$7 ~ /faster|slower/' | wc -l)
parallel=$(grep '^| [a-z_]*/.*/cpu/all |' "$out/planted.md" | wc -l)
slower=$(grep '^| [a-z_]*/.*/cpu/all |' "$out/planted.md" | awk -F'|' '$7 ~ /slower/' | wc -l)
echo "selfcheck A/A: $moved of $total matched cases faster or slower beyond the noise threshold"
# The --noise under which 95 % of the A/A cases would stay inside: this
# machine's run-to-run drift, which the within-run CIs cannot see.
grep '^| [a-z_]*/' "$out/aa.md" | awk -F'|' '{split($5, r, " "); d = r[1] - 1; if (d < 0) d = -d; print d}' |
  sort -g | awk '{v[NR] = $1} END {if (NR) printf "selfcheck A/A: 95th percentile of |ratio - 1| = %.3f (roughly the --noise under which A/A would pass here)\n", v[int(0.95 * NR + 0.999)]}'
echo "selfcheck planted change: $slower of $parallel parallel CPU cases classified slower"
grep '^| [a-z_]*/.*/cpu/all |' "$out/planted.md" | awk -F'|' '$7 !~ /slower/ {print "  not slower:" $2 "->" $7}'
status=0
[ "$total" -gt 0 ] && [ $((moved * 100)) -le $((total * 5)) ] || { echo "selfcheck: A/A FAILED" >&2; status=1; }
[ "$parallel" -gt 0 ] && [ "$slower" -eq "$parallel" ] || { echo "selfcheck: planted change FAILED" >&2; status=1; }
exit $status
