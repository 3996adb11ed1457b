#!/usr/bin/env bash
# Records python_storage_api.json, connect_dispatchers.json and python_identity.json against libvirt 9.0's libvirtd, started fresh (no pools) under a
# temporary directory with /work/shared/tools/anchor-libvirtd.sh (as user lvanchor; $ANCHOR overrides the
# path), then stopped. Needs /usr/bin/python3 with python3-libvirt, qemu-img (qemu-utils) and scrub.
# Usage (as root, from the repository root):
#   bash src/test/resources/e2e/python/record.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/python_storage_api.json; record twice into two
# files and compare them before committing a new reference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=${1:-$here/../libvirtd-9.0/python_storage_api.json}
work=$(mktemp -d /tmp/record-storage-api.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon" "$work/base"
chmod 755 "$work"
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
# the pools' target directories are made by the daemon, which runs as lvanchor
chown lvanchor "$work/base"
/usr/bin/python3 "$here/storage_api.py" "$uri" "$work/base" >"$output.tmp"
mv "$output.tmp" "$output"
echo "recorded $output"
dispatchers=$here/../libvirtd-9.0/connect_dispatchers.json
/usr/bin/python3 "$here/connect_dispatchers.py" "$work/daemon/run/libvirt/libvirt-sock" storage:///session >"$dispatchers.tmp"
mv "$dispatchers.tmp" "$dispatchers"
echo "recorded $dispatchers"

# identity.py (a forwarding daemon's CONNECT_SET_IDENTITY) against another fresh daemon: its callback ids
# count from 0
bash "$anchor" --stop "$work/daemon"
rm -rf "$work/daemon" "$work/base"; mkdir -p "$work/daemon" "$work/base"
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
chown lvanchor "$work/base"
identity=$here/../libvirtd-9.0/python_identity.json
/usr/bin/python3 "$here/identity.py" "$uri" rw "$work/base" \
  "libvirtd:///session?socket=$work/daemon/run/libvirt/libvirt-admin-sock" libvirtd >"$identity.tmp"
mv "$identity.tmp" "$identity"
echo "recorded $identity"
