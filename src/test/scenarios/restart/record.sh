#!/usr/bin/env bash
# Records the expected transcripts of the restart scenarios (*.virsh here) against libvirt 9.0's libvirtd,
# started, killed, restarted and sent SIGHUP through anchor-ctl.sh. Run as root from anywhere.
# Usage: record.sh [SCENARIO.virsh ...]      (default: every *.virsh beside this script)
#        OUT=DIR record.sh ...               writes DIR/NAME.expected instead
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
user=lvanchor
out=${OUT:-$here/../../resources/e2e/libvirtd-9.0/restart}
mkdir -p "$out"
(( $# )) || set -- "$here"/*.virsh
for scenario in "$@"; do
  name=$(basename "$scenario" .virsh)
  run=$(mktemp -d /tmp/vscen-anchor.XXXXXXXX)
  base=$(mktemp -d /tmp/vscen.XXXXXXXX)
  chown "$user:$user" "$base"
  bash "$here/anchor-ctl.sh" "$run" start
  uri="storage:///session?socket=$run/run/libvirt/libvirt-sock"
  rc=0
  /usr/bin/python3 "$here/../virsh_scenario.py" --uri "$uri" --base "$base" \
      --uid "$(id -u $user)" --gid "$(id -g $user)" --sh-user "$user" \
      --control "bash $here/anchor-ctl.sh $run" \
      --config-dir "$run/config/libvirt/storage" --run-dir "$run/run/libvirt/storage/run" \
      "$scenario" >"$out/$name.expected" || rc=$?
  bash "$here/anchor-ctl.sh" "$run" stop || true
  rm -rf "$run" "$base"
  (( rc == 0 )) || { echo "$name: virsh_scenario.py failed ($rc)" >&2; exit 1; }
  echo "recorded $out/$name.expected"
done
