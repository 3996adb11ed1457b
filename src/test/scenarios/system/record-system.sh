#!/usr/bin/env bash
# Records the expected transcripts of the system-mode scenarios (this directory's *.virsh: fs and netfs
# pools, which need root to mount) against libvirt 9.0's libvirtd running as root in a private mount
# namespace (run-system.sh). Run as root; needs libvirt-daemon, libvirt-clients, e2fsprogs, util-linux, mount.
# Usage: record-system.sh [SCENARIO.virsh ...]      OUT=DIR record-system.sh  (to diff two recordings)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here}
mkdir -p "$out"
(( $# )) || set -- "$here"/*.virsh
for scenario in "$@"; do
  name=$(basename "$scenario" .virsh)
  base=$(mktemp -d /tmp/vscen.XXXXXXXX)
  rc=0
  bash "$here/run-system.sh" libvirtd "$scenario" "$base" >"$out/$name.expected" || rc=$?
  for img in "$base"/loop*.img; do
    [[ -e $img ]] && losetup -j "$img" | cut -d: -f1 | xargs -r -n1 losetup -d
  done
  rm -rf "$base"
  (( rc == 0 )) || { echo "$name: failed ($rc)" >&2; exit 1; }
  echo "recorded $out/$name.expected"
done
