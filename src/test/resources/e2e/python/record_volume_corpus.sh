#!/usr/bin/env bash
# Records volume_corpus.json (libvirt's storagevolxml2xmlin corpus and storagevolxml2argvtest's list
# created, cloned and read back; see volume_corpus.py) against libvirt 9.0's libvirtd, started fresh (no
# pools) under a temporary directory with /work/shared/tools/anchor-libvirtd.sh (as user lvanchor; $ANCHOR
# overrides the path), stopped and started again between the two phases, then stopped. Needs
# /usr/bin/python3 with python3-libvirt, qemu-img (qemu-utils), libvirt 9.0.0's source ($LIBVIRT_SOURCE,
# else src/test/scripts/libvirt-source.sh fetches it) and about 7 GiB free under /tmp (vol-logical is a
# fully allocated 2 GiB file, and so are its copies).
# Usage (as root, from anywhere):
#   bash src/test/resources/e2e/python/record_volume_corpus.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/volume_corpus.json; record twice into two files
# and compare them before committing a new reference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=${1:-$here/../libvirtd-9.0/volume_corpus.json}
source=${LIBVIRT_SOURCE:-$(bash "$here/../../../scripts/libvirt-source.sh" | tail -n 1)}
work=$(mktemp -d /tmp/record-volume-corpus.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon" "$work/base"
chmod 755 "$work"
# the pools' target directories are made by the daemon, which runs as lvanchor
chown lvanchor "$work/base"
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
/usr/bin/python3 "$here/volume_corpus.py" "$uri" "$work/base" "$source" create "$output.tmp"
# the same daemon home: libvirtd finds its running pools in its state directory and refreshes them
bash "$anchor" --stop "$work/daemon"
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
/usr/bin/python3 "$here/volume_corpus.py" "$uri" "$work/base" "$source" restarted "$output.tmp"
mv "$output.tmp" "$output"
echo "recorded $output"
