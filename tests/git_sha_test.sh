#!/usr/bin/env bash
# bench/git_sha.cmake names the commit a build is of: '-dirty' when a tracked
# file outside results/ differs from it, not for a changed report under
# results/ (a GPU lease unpacks its partial report there, and --resume needs the
# next build to carry the same name), 'unknown' outside git.
# Usage: git_sha_test.sh CMAKE SCRIPT   (exit 77, skipped, without git)
set -uo pipefail
cmake=$1 script=$2
command -v git >/dev/null || { echo "skipped: no git"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
sha() { "$cmake" -DSRC="$1" -DOUT="$tmp/sha.hpp" -P "$script" && sed -E 's/.*"(.*)"/\1/' "$tmp/sha.hpp"; }

repo=$tmp/repo
mkdir -p "$repo/results/gpu" "$repo/cpu"
echo '{}' >"$repo/results/gpu/report.json" && echo 'int f();' >"$repo/cpu/f.cpp"
git -C "$repo" init -q && git -C "$repo" add . &&
  git -C "$repo" -c user.name=t -c user.email=t@t commit -qm one || fail "git repo"
head=$(git -C "$repo" rev-parse --short=12 HEAD)

[ "$(sha "$repo")" = "$head" ] || fail "a clean tree: $(sha "$repo"), expected $head"
echo '{"interrupted": true}' >"$repo/results/gpu/report.json" && echo x >"$repo/results/gpu/console.log"
[ "$(sha "$repo")" = "$head" ] || fail "a changed report under results/ must not mark it dirty: $(sha "$repo")"
echo x >"$repo/notes.txt"
[ "$(sha "$repo")" = "$head" ] || fail "an untracked file must not mark it dirty: $(sha "$repo")"
echo 'int g();' >>"$repo/cpu/f.cpp"
[ "$(sha "$repo")" = "$head-dirty" ] || fail "a changed source: $(sha "$repo"), expected $head-dirty"

mkdir "$tmp/plain"
[ "$(GIT_CEILING_DIRECTORIES=$tmp sha "$tmp/plain")" = unknown ] || fail "outside git: $(sha "$tmp/plain")"
echo ok
