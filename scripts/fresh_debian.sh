#!/usr/bin/env bash
# Checks the README's "on a fresh Debian machine, as root": makes a minimal
# Debian root with debootstrap, clones this repository's committed HEAD into
# it, and runs scripts/run.sh or scripts/test.sh there, in a chroot with a
# bare environment. CI runs on a machine that already has the packages, so a
# green CI can hide a missing install step; this cannot.
#   scripts/fresh_debian.sh run|test DIR    (as root, with a Debian mirror reachable)
#   ACCEL_DEBIAN_SUITE (default: this machine's release, else bookworm)
#   ACCEL_DEBIAN_MIRROR (default http://deb.debian.org/debian)
# DIR must not exist yet. It is left in place to look into, unmounted;
# remove it with rm -rf once done. No nvcc there: the build without CUDA.
set -euo pipefail
usage() { echo "usage: scripts/fresh_debian.sh run|test DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
case $1 in run | test) ;; *) usage ;; esac
script=$1 dir=$2
root=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "fresh_debian.sh: needs root (debootstrap, chroot)" >&2; exit 2; }
[ ! -e "$dir" ] || { echo "fresh_debian.sh: $dir exists; give a new folder" >&2; exit 2; }
suite=${ACCEL_DEBIAN_SUITE:-$( (. /etc/os-release && echo "${VERSION_CODENAME:-}") 2>/dev/null)}
suite=${suite:-bookworm}
mirror=${ACCEL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
if ! command -v debootstrap >/dev/null; then
  command -v apt-get >/dev/null || { echo "fresh_debian.sh: needs debootstrap" >&2; exit 2; }
  apt-get install -y -qq debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
fi

echo "== debootstrap --variant=minbase $suite into $dir =="
debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 ||
  { echo "fresh_debian.sh: debootstrap failed, see $dir.debootstrap.log" >&2; exit 1; }
git clone -q "$root" "$dir/root/accelbench"
echo "accelbench at $(git -C "$dir/root/accelbench" log --oneline -1)"
cp /etc/resolv.conf "$dir/etc/resolv.conf"

# The chroot needs /proc, /sys and /dev (Chromium, ctest); they are bind
# mounts, so they must be gone before anyone removes the folder.
mounted=()
unmount() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" || true; done
}
trap unmount EXIT
for d in proc sys dev dev/pts; do
  mount --bind "/$d" "$dir/$d"
  mounted+=("$dir/$d")
done

echo "== scripts/$script.sh in the fresh root =="
start=$SECONDS
rc=0
env -i HOME=/root TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  chroot "$dir" /bin/bash -c "cd /root/accelbench && scripts/$script.sh" || rc=$?
echo "fresh_debian.sh: scripts/$script.sh exited $rc after $((SECONDS - start)) s in a fresh $suite root"
exit "$rc"
