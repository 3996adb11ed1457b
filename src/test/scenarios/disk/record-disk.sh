#!/usr/bin/env bash
# Records disk-pool.expected: the transcript of disk-pool.virsh against libvirt 9.0's libvirtd running
# as root (a disk pool partitions a real block device) on a fresh 100 MiB loop device. The daemon runs
# in a private mount namespace with empty tmpfs over its configuration and state directories, so the
# host's libvirt configuration is neither read nor changed. Run as root; needs parted (Debian parted),
# libvirtd (libvirt-daemon, whose disk backend runs /usr/lib/libvirt/libvirt_parthelper), virsh.
# Usage: record-disk.sh [SCENARIO.virsh]     OUT=DIR record-disk.sh   writes DIR/NAME.expected
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scenario=${1:-$here/disk-pool.virsh}
name=$(basename "$scenario" .virsh)
out=${OUT:-$here}
mkdir -p "$out"
for tool in parted losetup unshare libvirtd virsh; do
  command -v $tool >/dev/null || { echo "$tool is missing (apt-get install -y parted util-linux mount libvirt-daemon libvirt-clients)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/vdisk-anchor.XXXXXXXX)
base=$(mktemp -d /tmp/vscen.XXXXXXXX)
truncate -s 100M "$work/disk.img"
dev=$(losetup -fP --show "$work/disk.img")
rc=0
unshare -m --propagation private bash -s "$here/../virsh_scenario.py" "$base" "$dev" "$scenario" \
    >"$out/$name.expected" <<'INNER' || rc=$?
set -euo pipefail
for d in /run/libvirt /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
  mkdir -p "$d"; mount -t tmpfs tmpfs "$d"
done
libvirtd --timeout 0 -d -p /run/libvirt/libvirtd.pid
for _ in $(seq 100); do [[ -S /run/libvirt/libvirt-sock ]] && break; sleep 0.1; done
rc=0
/usr/bin/python3 "$1" --uri "storage:///system?socket=/run/libvirt/libvirt-sock" --base "$2" --device "$3" "$4" || rc=$?
kill "$(cat /run/libvirt/libvirtd.pid)" || true
sleep 1
exit $rc
INNER
losetup -d "$dev"
rm -rf "$work" "$base"
(( rc == 0 )) || { echo "$name: recording failed ($rc)" >&2; exit 1; }
echo "recorded $out/$name.expected"
