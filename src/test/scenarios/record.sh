#!/usr/bin/env bash
# Records the expected transcripts of the virsh scenarios against the reference daemon, libvirt 9.0's
# libvirtd (started by /work/shared/tools/anchor-libvirtd.sh as user lvanchor): every scenario gets a
# fresh daemon and a fresh base directory. Run as root.
# Usage: record.sh [SCENARIO.virsh ...]      (default: every *.virsh beside this script)
#        OUT=DIR record.sh ...               writes DIR/NAME.expected instead (e.g. to compare two
#                                            recordings: OUT=/tmp/again record.sh && diff -r ...)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
user=lvanchor
out=${OUT:-$here}
mkdir -p "$out"
(( $# )) || set -- "$here"/*.virsh
for scenario in "$@"; do
  name=$(basename "$scenario" .virsh)
  run=$(mktemp -d /tmp/vscen-anchor.XXXXXXXX)
  # the base directory has the same length as VirshScenarioIT's: virsh pads table columns to path widths
  base=$(mktemp -d /tmp/vscen.XXXXXXXX)
  info=$(bash "$anchor" "$run")
  uri=$(sed -n 's/^URI=//p' <<<"$info")
  pid=$(sed -n 's/^PID=//p' <<<"$info")
  chown "$user:$user" "$base"
  rc=0
  /usr/bin/python3 "$here/virsh_scenario.py" --uri "$uri" --base "$base" \
      --uid "$(id -u $user)" --gid "$(id -g $user)" --sh-user "$user" "$scenario" >"$out/$name.expected" || rc=$?
  bash "$anchor" --stop "$run"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -rf "$run" "$base"
  (( rc == 0 )) || { echo "$name: virsh_scenario.py failed ($rc)" >&2; exit 1; }
  echo "recorded $out/$name.expected"
done
