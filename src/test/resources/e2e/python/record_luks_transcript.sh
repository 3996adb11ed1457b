#!/usr/bin/env bash
# Records luks_transcript.json (LUKS volumes with passphrases from the secret driver; see
# luks_transcript.py) against libvirt 9.0's libvirtd, which serves storage and secrets on one socket,
# started fresh under a temporary directory with /work/shared/tools/anchor-libvirtd.sh (as user lvanchor;
# $ANCHOR overrides the path), then stopped. Needs /usr/bin/python3 with python3-libvirt and qemu-img.
# Usage (as root, from anywhere):
#   bash src/test/resources/e2e/python/record_luks_transcript.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/luks_transcript.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=${1:-$here/../libvirtd-9.0/luks_transcript.json}
work=$(mktemp -d /tmp/record-luks.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon" "$work/base"
chmod 755 "$work"
chown lvanchor "$work/base"
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
/usr/bin/python3 "$here/luks_transcript.py" "$uri" "secret:///session?socket=${uri#*socket=}" "$work/base" "$output"
echo "recorded $output"
