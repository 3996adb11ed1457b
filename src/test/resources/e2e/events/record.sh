#!/usr/bin/env bash
# Records the storage pool event references against libvirt 9.0's libvirtd, started fresh (no pools)
# under a temporary directory with /work/shared/tools/anchor-libvirtd.sh (as user lvanchor; $ANCHOR
# overrides the path), then stopped, once per script:
#   virsh_events.py  -> src/test/resources/e2e/libvirtd-9.0/pool_events_virsh.txt
#   python_events.py -> src/test/resources/e2e/libvirtd-9.0/pool_events_python.json
# Needs virsh (libvirt-clients) and /usr/bin/python3 with python3-libvirt. Run as root, from anywhere:
#   bash src/test/resources/e2e/events/record.sh [OUTPUT_DIR]
# Record twice into two directories and compare them before committing a new reference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
out=${1:-$here/../libvirtd-9.0}
mkdir -p "$out"
record() { # SCRIPT OUTPUT [ARGS...]
  local script=$1 output=$2; shift 2
  local work
  work=$(mktemp -d /tmp/record-events.XXXXXX)
  mkdir -p "$work/daemon" "$work/base"
  chmod 755 "$work"
  local uri
  uri=$(bash "$anchor" "$work/daemon" | sed -n 's/^URI=//p')
  # the pools' target directories are made by the daemon, which runs as lvanchor
  chown lvanchor "$work/base"
  local rc=0
  /usr/bin/python3 "$here/$script" "$@" "$uri" "$work/base" >"$output.tmp" || rc=$?
  bash "$anchor" --stop "$work/daemon" || true
  rm -rf "$work"
  (( rc == 0 )) || { echo "$script failed ($rc)" >&2; exit 1; }
  mv "$output.tmp" "$output"
  echo "recorded $output"
}
record virsh_events.py "$out/pool_events_virsh.txt" --sh-user lvanchor
record python_events.py "$out/pool_events_python.json"
