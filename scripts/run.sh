#!/usr/bin/env bash
# Installs what is missing (Debian, as root), builds, and runs the default
# suite. Extra arguments go to `accelbench run`, e.g. --out results/h100/report.json.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_deps
# The tool only: the tests are test.sh's to build.
configure_and_build release accelbench
mkdir -p "$root/out"
args=("$@")
# What the caller chose: --out (and whether it is ''), --format, --resume;
# each as "--opt value" or "--opt=value".
has_out=0 no_file=0 has_format=0 has_resume=0
for ((i = 0; i < $#; i++)); do
  case "${args[i]}" in
    --out) has_out=1; [[ -n ${args[i + 1]-} ]] || no_file=1 ;;
    --out=*) has_out=1; [[ -n ${args[i]#--out=} ]] || no_file=1 ;;
    --format | --format=*) has_format=1 ;;
    --resume | --resume=*) has_resume=1 ;;
  esac
done
# The default output is scratch space: overwritten on every run. A resumed
# run goes back into its own file.
if ((!has_out && !has_resume)); then
  args+=(--out "$root/out/report.json" --force)
fi
# Every format beside the report; --out '' writes no file, so none beside it.
if ((!has_format && !no_file)); then
  args+=(--format console,json,csv,md,html,gbench,bench-speedup,junit)
fi
exec "$root/build/release/bench/accelbench" run "${args[@]}"
