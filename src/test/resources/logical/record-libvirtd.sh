#!/usr/bin/env bash
# Records what the REAL libvirt 9.0 libvirtd (root, Debian 12) answers to the virsh steps LogicalPoolIT
# runs against our daemon, on a loop device, into libvirtd-reference.txt. Everything happens inside a
# private mount namespace (unshare -m) with tmpfs over libvirt's directories and a private /etc/lvm whose
# filter accepts only the loop device made here, so the host's libvirt and LVM state are not touched.
# (libvirtd gives lvm2 a clean environment, so LVM_SYSTEM_DIR would not reach it: hence the bind mount.)
# Normalised: /dev/loopN -> @LOOP@, the work dir -> @WORK@, uuids -> @UUID@.
#   usage (root): bash record-libvirtd.sh [OUTFILE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/libvirtd-reference.txt}
work=$(mktemp -d /tmp/record-libvirtd.XXXXXX)
truncate -s 64M "$work/d1.img"
loop=$(losetup -f --show "$work/d1.img")
trap 'vgremove -f libvirt_it_vg >/dev/null 2>&1 || true; pvremove "$loop" >/dev/null 2>&1 || true; losetup -d "$loop"; rm -rf "$work"' EXIT
mkdir -p "$work/lvm"
cat > "$work/lvm/lvm.conf" <<CONF
devices {
  filter = [ "a|^$loop\$|", "r|.*|" ]
  global_filter = [ "a|^$loop\$|", "r|.*|" ]
  use_devicesfile = 0
  obtain_device_list_from_udev = 0
}
global { locking_dir = "$work/lock" }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
CONF
export LOOP=$loop WORK=$work HERE=$here
unshare -m --propagation private bash -s > "$work/raw.txt" 2>&1 <<'INNER'
set -u
for d in /run/libvirt /etc/libvirt /var/lib/libvirt /var/cache/libvirt; do mkdir -p $d; mount -t tmpfs tmpfs $d; done
mount --bind "$WORK/lvm" /etc/lvm
libvirtd --timeout 0 >"$WORK/libvirtd.log" 2>&1 &
for _ in $(seq 100); do [[ -S /run/libvirt/libvirt-sock ]] && break; sleep 0.1; done
v() { echo "\$ virsh $*"; LC_ALL=C virsh -c storage:///system "$@" 2>&1; echo "[exit $?]"; }
h() { echo "\$ $*"; LC_ALL=C LVM_SUPPRESS_FD_WARNINGS=1 "$@" 2>&1; echo "[exit $?]"; }
cat > "$WORK/pool.xml" <<XML
<pool type='logical'>
  <name>libvirt_it_vg</name>
  <source>
    <device path='$LOOP'/>
    <name>libvirt_it_vg</name>
    <format type='lvm2'/>
  </source>
  <target>
    <path>/dev/libvirt_it_vg</path>
  </target>
</pool>
XML
. "$HERE/it-steps.sh"
kill %1; wait
INNER
sed -e "s#$loop\\b#@LOOP@#g" -e "s#$work#@WORK@#g" \
    -e 's/[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}/@UUID@/g' "$work/raw.txt" > "$out"
echo "recorded $out"
