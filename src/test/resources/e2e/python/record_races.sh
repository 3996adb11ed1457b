#!/usr/bin/env bash
# Records races.json (same-pool races: pool and volume calls during an upload, a wipe, a clone and a
# refresh; see races.py) against libvirt 9.0's libvirtd, started fresh (no pools) under a temporary
# directory with /work/shared/tools/anchor-libvirtd.sh (as user lvanchor; $ANCHOR overrides the path),
# then stopped. Needs /usr/bin/python3 with python3-libvirt, and about 600 MiB free under /tmp (1.5 GiB
# if a first attempt of the wipe or the clone race is discarded and redone larger).
# Usage (as root, from anywhere):
#   bash src/test/resources/e2e/python/record_races.sh [OUTPUT]
# OUTPUT defaults to src/test/resources/e2e/libvirtd-9.0/races.json; record twice into two files and
# compare them before committing a new reference. The script's diagnostics (which attempts raced,
# timings) go to stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
output=${1:-$here/../libvirtd-9.0/races.json}
work=$(mktemp -d /tmp/record-races.XXXXXX)
trap 'bash "$anchor" --stop "$work/daemon" || true; rm -rf "$work"' EXIT
mkdir -p "$work/daemon" "$work/base"
chmod 755 "$work"
uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
# the pools' target directories are made by the daemon, which runs as lvanchor
chown lvanchor "$work/base"
/usr/bin/python3 "$here/races.py" "$uri" "$work/base" >"$output.tmp"
mv "$output.tmp" "$output"
echo "recorded $output"
