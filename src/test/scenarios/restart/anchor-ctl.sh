#!/usr/bin/env bash
# Daemon control for virsh_scenario.py --control: libvirt 9.0's libvirtd, started by anchor-libvirtd.sh
# as user lvanchor under DIR. Usage: anchor-ctl.sh DIR start|stop|kill|hup|log
# The anchor truncates DIR/libvirtd.out on every start, so the log of earlier runs is kept in DIR/earlier.log.
set -euo pipefail
dir=$(readlink -f "$1"); action=$2
anchor=${ANCHOR:-/work/shared/tools/anchor-libvirtd.sh}
pid() { cat "$dir/libvirtd.pid" 2>/dev/null || true; }
wait_gone() { for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done; echo "pid $1 did not exit" >&2; exit 1; }
case $action in
  start)
    [[ -f $dir/libvirtd.out ]] && cat "$dir/libvirtd.out" >>"$dir/earlier.log"
    bash "$anchor" "$dir" >/dev/null ;;
  stop) p=$(pid); [[ -n $p ]] && { kill -TERM "$p" 2>/dev/null || true; wait_gone "$p"; } ;;
  kill) p=$(pid); [[ -n $p ]] && { kill -KILL "$p" 2>/dev/null || true; wait_gone "$p"; } ;;
  # libvirtd reloads in a thread of its own: give it time
  hup) kill -HUP "$(pid)"; sleep 1.5 ;;
  log) cat "$dir/earlier.log" "$dir/libvirtd.out" 2>/dev/null || true ;;
  *) echo "unknown action $action" >&2; exit 2 ;;
esac
