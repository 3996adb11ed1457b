#!/usr/bin/env bash
# Records gluster_transcript.json (libvirt 9.0's gluster pool backend against a live GlusterFS volume; see
# gluster_transcript.py): starts a fresh volume with src/test/scripts/gluster-volume.sh, libvirt 9.0's
# libvirtd with /work/shared/tools/anchor-libvirtd.sh (user lvanchor; $ANCHOR overrides the path), runs
# the script, stops both. Takes 2-3 minutes (libvirt spends ~10 s in glfs_fini after every call).
# Needs, besides what .ci/run installs: libvirt-daemon-driver-storage-gluster (libvirtd's gluster backend,
# which must be installed before libvirtd starts). CI does not run this script.
# Usage (as root, from anywhere; no other glusterd may run on the machine):
#   bash src/test/resources/e2e/python/record_gluster_transcript.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/gluster_transcript.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
volume=$here/../../../scripts/gluster-volume.sh
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=$(readlink -f "${1:-$here/../libvirtd-9.0/gluster_transcript.json}")
[[ -e /usr/lib/x86_64-linux-gnu/libvirt/storage-backend/libvirt_storage_backend_gluster.so ]] ||
  { echo "libvirtd's gluster backend is missing: apt-get install libvirt-daemon-driver-storage-gluster" >&2; exit 1; }
work=$(mktemp -d /tmp/record-gluster.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; bash "$volume" stop "$work/gluster" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon"
chmod 755 "$work"
bash "$volume" start "$work/gluster" >/dev/null
env_of() { sed -n "s/^$1=//p" "$work/gluster/gluster.env"; }
mkdir "$work/gluster/mnt"
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
/usr/bin/python3 "$here/gluster_transcript.py" "$uri" "$(env_of GLUSTER_HOST)" "$(env_of GLUSTER_VOLUME)" \
  "$work/gluster/mnt" "$output"
echo "recorded $output"
