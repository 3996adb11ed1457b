#!/usr/bin/env bash
# Re-records the REAL lvm2 output that LogicalBackendTest plays back (run as root; Debian 12's lvm2).
# Every command below is the argv libvirt 9.0's logical backend runs (storage_backend_logical.c),
# except the lines marked SETUP, which only make LVs exist without device-mapper (--driverloaded n)
# so that the real `lvs` can list them. It touches nothing but two loop devices it creates itself:
# a private lvm.conf (LVM_SYSTEM_DIR) accepts only those two devices.
# Output: recorded/*.rec, device names normalised to @LOOP1@/@LOOP2@.
#   usage: bash record-lvm.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/recorded}
work=$(mktemp -d /tmp/record-lvm.XXXXXX)
export LC_ALL=C LVM_SUPPRESS_FD_WARNINGS=1 LVM_SYSTEM_DIR=$work/etc
vg=libvirt_rec_vg
truncate -s 64M "$work/d1.img" "$work/d2.img"
l1=$(losetup -f --show "$work/d1.img"); l2=$(losetup -f --show "$work/d2.img")
cleanup() {
  vgremove -f $vg >/dev/null 2>&1 || true
  pvremove "$l1" "$l2" >/dev/null 2>&1 || true
  losetup -d "$l1" "$l2" || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/etc" "$out"
cat > "$work/etc/lvm.conf" <<CONF
devices {
  filter = [ "a|^$l1\$|", "a|^$l2\$|", "r|.*|" ]
  global_filter = [ "a|^$l1\$|", "a|^$l2\$|", "r|.*|" ]
  use_devicesfile = 0
  obtain_device_list_from_udev = 0
}
global { locking_dir = "$work/lock" }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
CONF
norm() { sed -e "s#$l1\\b#@LOOP1@#g" -e "s#$l2\\b#@LOOP2@#g" -e "s#$work#@WORK@#g"; }
# rec NAME ARGV...: appends one entry (argv, exit status, stdout, stderr) to recorded/NAME.rec
rec() {
  local name=$1; shift
  local so se rc=0
  so=$("$@" 2>"$work/stderr" ; echo "~$?") || true
  rc=${so##*'~'}; so=${so%'~'*}
  se=$(cat "$work/stderr"; echo "~"); se=${se%'~'}
  {
    echo "== argv"; printf '%s\n' "$@" | norm
    echo "== exit"; echo "$rc"
    echo "== stdout"; printf '%s' "$so" | norm; [[ -z $so || $so == *$'\n' ]] || echo
    echo "== stderr"; printf '%s' "$se" | norm; [[ -z $se || $se == *$'\n' ]] || echo
    echo "== end"
  } >> "$out/$name.rec"
}
rm -f "$out"/*.rec
lvs_opts=(--separator '#' --noheadings --units b --unbuffered --nosuffix --options
  lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr)
vgs_opts=(--separator : --noheadings --units b --unbuffered --nosuffix --options vg_size,vg_free)
# pool-build: pvcreate each device, then vgcreate
rec build /sbin/pvcreate "$l1"
rec build /sbin/pvcreate "$l2"
rec build /sbin/vgcreate $vg "$l1" "$l2"
rec build-again /sbin/pvcreate "$l1"
# find-storage-pool-sources / checkPool / start: vgscan + pvs
rec sources /sbin/vgscan
rec sources /sbin/pvs --noheadings -o pv_name,vg_name
rec start /sbin/vgchange -aly $vg
# refresh of an empty VG
rec refresh-empty /sbin/lvs "${lvs_opts[@]}" $vg
rec refresh-empty /sbin/vgs "${vgs_opts[@]}" $vg
# vol-create as libvirt runs it: fails on this kernel (no device-mapper)
rec lvcreate-thick /sbin/lvcreate --name vol1 -L 8192K $vg --yes
rec lvcreate-sparse /sbin/lvcreate --name sparse1 -L 4096K --type snapshot --virtualsize 16384K $vg --yes
# SETUP: LVs that exist in the metadata only (never activated), for a real lvs listing
/sbin/lvcreate --driverloaded n -an -Zn --name vol1 -L 8M $vg --yes >/dev/null 2>&1
/sbin/lvcreate --driverloaded n -an -Zn --name striped1 -i 2 -I 64K -L 8M $vg --yes >/dev/null 2>&1
/sbin/lvcreate --driverloaded n -an -Zn --name multi1 -L 4M $vg "$l1" --yes >/dev/null 2>&1
/sbin/lvcreate --driverloaded n -an -Zn --name spacer -L 4M $vg "$l1" --yes >/dev/null 2>&1
/sbin/lvextend --driverloaded n -L +4M $vg/multi1 "$l2" >/dev/null 2>&1
rec snapshot-create /sbin/lvcreate --name snap1 -L 4096K -s /dev/$vg/vol1 --yes
rec refresh-lvs /sbin/lvs "${lvs_opts[@]}" $vg
rec refresh-lvs /sbin/vgs "${vgs_opts[@]}" $vg
rec sources-lvs /sbin/pvs --noheadings -o pv_name,vg_name
# vol-delete as libvirt runs it (lvremove, then lvchange -aln and lvremove again on failure)
rec lvremove /sbin/lvremove -f /dev/$vg/spacer
rec stop /sbin/vgchange -aln $vg
# pool-delete
rec delete /sbin/vgremove -f $vg
rec sources-after-delete /sbin/pvs --noheadings -o pv_name,vg_name
rec delete /sbin/pvremove "$l1"
rec delete /sbin/pvremove "$l2"
rec delete-missing /sbin/vgremove -f $vg
echo "recorded into $out:"; ls "$out"
