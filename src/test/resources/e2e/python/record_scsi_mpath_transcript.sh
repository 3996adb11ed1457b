#!/usr/bin/env bash
# Records scsi_mpath_transcript.json (libvirt 9.0's scsi and mpath pool backends on a host without SCSI
# hosts, FC hosts or device-mapper; see scsi_mpath_transcript.py) against libvirt 9.0's libvirtd, started
# fresh under a temporary directory with /work/shared/tools/anchor-libvirtd.sh (as user lvanchor; $ANCHOR
# overrides the path), then stopped. Needs /usr/bin/python3 with python3-libvirt.
# Usage (as root, from anywhere):
#   bash src/test/resources/e2e/python/record_scsi_mpath_transcript.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/scsi_mpath_transcript.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=$(readlink -f "${1:-$here/../libvirtd-9.0/scsi_mpath_transcript.json}")
work=$(mktemp -d /tmp/record-scsi.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon"
chmod 755 "$work"
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
/usr/bin/python3 "$here/scsi_mpath_transcript.py" "$uri" "$output"
echo "recorded $output"
