#!/usr/bin/env bash
# Records iscsi_direct_transcript.json (libvirt 9.0's iscsi-direct pool backend against tgt targets on
# 127.0.0.1; see iscsi_direct_transcript.py): starts two targets with src/test/scripts/iscsi-target.sh (the
# default one with its CHAP target, and one with NO_CHAP=1 for find-storage-pool-sources, which crashes
# libvirtd 9.0 on a portal of two targets), libvirt 9.0's libvirtd with /work/shared/tools/anchor-libvirtd.sh
# (user lvanchor; $ANCHOR overrides the path), runs the script twice and stops all of them. The CHAP
# passwords come from the secret driver inside that libvirtd (a monolithic libvirtd asks its own, never a
# virtsecretd). The two runs must agree, or nothing is written. Takes about 10 s.
# Needs, besides what .ci/run installs: libvirt-daemon-driver-storage-iscsi-direct (libvirtd's iscsi-direct
# backend, which must be installed before libvirtd starts). CI does not run this script.
# Usage (as root, from anywhere):
#   bash src/test/resources/e2e/python/record_iscsi_direct_transcript.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/iscsi_direct_transcript.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=$here/../../../scripts/iscsi-target.sh
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=$(readlink -f "${1:-$here/../libvirtd-9.0/iscsi_direct_transcript.json}")
[[ -e /usr/lib/x86_64-linux-gnu/libvirt/storage-backend/libvirt_storage_backend_iscsi-direct.so ]] ||
  { echo "libvirtd's iscsi-direct backend is missing: apt-get install libvirt-daemon-driver-storage-iscsi-direct" >&2
    exit 1; }
work=$(mktemp -d /tmp/record-iscsid.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; bash "$target" stop "$work/t" || true
      bash "$target" stop "$work/t1" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon"
chmod 755 "$work"
portal=$(bash "$target" start "$work/t" | sed -n 's/^PORTAL=//p')
single=$(NO_CHAP=1 bash "$target" start "$work/t1" | sed -n 's/^PORTAL=//p')
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
for run in 1 2; do
  TARGET_DIR=$work/t SINGLE_PORTAL=$single /usr/bin/python3 "$here/iscsi_direct_transcript.py" "$uri" \
    "secret:///session?socket=${uri#*socket=}" "$portal" "$work/run$run.json"
done
diff -u "$work/run1.json" "$work/run2.json" >&2 || { echo "the two runs differ: nothing recorded" >&2; exit 1; }
cp "$work/run1.json" "$output"
echo "recorded $output"
