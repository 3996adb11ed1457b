#!/usr/bin/env bash
# Records zfs_transcript.json (libvirt 9.0's zfs pool backend on a host without ZFS, and the vstorage pool
# type, which Debian's libvirt lacks; see zfs_transcript.py) against libvirt 9.0's libvirtd, started fresh
# under a temporary directory with /work/shared/tools/anchor-libvirtd.sh (as user lvanchor; $ANCHOR overrides
# the path), then stopped. Needs /usr/bin/python3 with python3-libvirt, and libvirt-daemon-driver-storage-zfs
# (libvirtd's zfs backend, which must be installed before libvirtd starts; it pulls in no ZFS tool). CI does
# not run this script, so .ci/run does not install it.
# Usage (as root, from anywhere):
#   bash src/test/resources/e2e/python/record_zfs_transcript.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/zfs_transcript.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=$(readlink -f "${1:-$here/../libvirtd-9.0/zfs_transcript.json}")
[[ -e /usr/lib/x86_64-linux-gnu/libvirt/storage-backend/libvirt_storage_backend_zfs.so ]] ||
  { echo "libvirtd's zfs backend is missing: apt-get install libvirt-daemon-driver-storage-zfs" >&2; exit 1; }
! command -v zfs >/dev/null && ! command -v zpool >/dev/null ||
  { echo "this recording is of a host without the zfs and zpool tools" >&2; exit 1; }
work=$(mktemp -d /tmp/record-zfs.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon"
chmod 755 "$work"
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
/usr/bin/python3 "$here/zfs_transcript.py" "$uri" "$output"
echo "recorded $output"
