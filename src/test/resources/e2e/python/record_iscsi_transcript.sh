#!/usr/bin/env bash
# Records iscsi_transcript.json (the iscsi pool type against a tgt target on 127.0.0.1; see
# iscsi_transcript.py) against libvirt 9.0's libvirtd, started fresh under a temporary directory with
# /work/shared/tools/anchor-libvirtd.sh (as user lvanchor; $ANCHOR overrides the path), then stopped. The
# target comes from the project's src/test/scripts/iscsi-target.sh. Needs /usr/bin/python3 with
# python3-libvirt, open-iscsi and tgt.
# Usage (as root, from anywhere):
#   bash src/test/resources/e2e/python/record_iscsi_transcript.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/iscsi_transcript.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
target=$here/../../../scripts/iscsi-target.sh
output=${1:-$here/../libvirtd-9.0/iscsi_transcript.json}
work=$(mktemp -d /tmp/record-iscsi.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; bash "$target" stop "$work/target" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon"
chmod 755 "$work"
env=$(NO_CHAP=1 bash "$target" start "$work/target")   # one target: find-pool-sources lists them all
portal=$(sed -n 's/^PORTAL=//p' <<<"$env")
iqn=$(sed -n 's/^IQN=//p' <<<"$env")
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
/usr/bin/python3 "$here/iscsi_transcript.py" "$uri" "$portal" "$iqn" "$output"
echo "recorded $output"
