#!/usr/bin/env bash
# Records rbd_transcript.json (libvirt 9.0's rbd pool backend against a live Ceph cluster; see
# rbd_transcript.py): starts two fresh clusters with src/test/scripts/ceph-cluster.sh (one with cephx,
# one with 'auth none'), libvirt 9.0's libvirtd with /work/shared/tools/anchor-libvirtd.sh (user
# lvanchor; $ANCHOR overrides the path), runs the script, stops all of them. Takes about 2 minutes
# (three cases wait for librados' 30 s mount timeout).
# Needs, besides what .ci/run installs: libvirt-daemon-driver-storage-rbd (libvirtd's rbd backend, which
# must be installed before libvirtd starts). CI does not run this script, so .ci/run does not install it.
# Usage (as root, from anywhere):
#   bash src/test/resources/e2e/python/record_rbd_transcript.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/rbd_transcript.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cluster=$here/../../../scripts/ceph-cluster.sh
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=$(readlink -f "${1:-$here/../libvirtd-9.0/rbd_transcript.json}")
[[ -e /usr/lib/x86_64-linux-gnu/libvirt/storage-backend/libvirt_storage_backend_rbd.so ]] ||
  { echo "libvirtd's rbd backend is missing: apt-get install libvirt-daemon-driver-storage-rbd" >&2; exit 1; }
work=$(mktemp -d /tmp/record-rbd.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; bash "$cluster" stop "$work/ceph" || true
      bash "$cluster" stop "$work/ceph-noauth" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon"
chmod 755 "$work"
env_of() { sed -n "s/^$1=//p" "$2/cluster.env"; }
bash "$cluster" start "$work/ceph" >/dev/null
CEPH_AUTH=none bash "$cluster" start "$work/ceph-noauth" >/dev/null
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
CEPH_CONF=$(env_of CEPH_CONF "$work/ceph") NOAUTH_MON_HOST=$(env_of MON_HOST "$work/ceph-noauth") \
  /usr/bin/python3 "$here/rbd_transcript.py" "$uri" "secret:///session?socket=${uri#*socket=}" \
  "$(env_of MON_HOST "$work/ceph")" "$(env_of ADMIN_KEY "$work/ceph")" "$output"
echo "recorded $output"
