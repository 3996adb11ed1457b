#!/usr/bin/env bash
# Daemon control for virsh_scenario.py --control: our virtstoraged (target/quarkus-app/quarkus-run.jar or
# $VIRTSTORAGED_JAR, run by $JAVA or java), a session daemon with its XDG directories under HOME, as
# e2e/DaemonProcess runs it. Usage: ours-ctl.sh HOME start|stop|kill|hup|log
set -euo pipefail
home=$(readlink -f "$1"); action=$2
jar=${VIRTSTORAGED_JAR:-target/quarkus-app/quarkus-run.jar}
java=${JAVA:-java}
sock=$home/run/libvirt/virtstoraged-sock
pidfile=$home/ctl.pid
pid() { cat "$pidfile" 2>/dev/null || true; }
wait_gone() { for _ in $(seq 400); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done; echo "pid $1 did not exit" >&2; exit 1; }
case $action in
  start)
    mkdir -p "$home/run" "$home/config"
    XDG_RUNTIME_DIR=$home/run XDG_CONFIG_HOME=$home/config HOME=$home VIRTSTORAGED_MODE=session \
      setsid "$java" -jar "$jar" >>"$home/daemon.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 600); do
      if /usr/bin/python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$sock" 2>/dev/null; then
        exit 0
      fi
      kill -0 "$(pid)" 2>/dev/null || { echo "daemon exited:" >&2; tail -20 "$home/daemon.log" >&2; exit 1; }
      sleep 0.1
    done
    echo "daemon socket $sock did not appear" >&2; exit 1 ;;
  stop) p=$(pid); [[ -n $p ]] && { kill -TERM "$p" 2>/dev/null || true; wait_gone "$p"; } ;;
  kill) p=$(pid); [[ -n $p ]] && { kill -KILL "$p" 2>/dev/null || true; wait_gone "$p"; } ;;
  hup) kill -HUP "$(pid)"; sleep 1.5 ;;
  log) cat "$home/daemon.log" 2>/dev/null || true ;;
  *) echo "unknown action $action" >&2; exit 2 ;;
esac
