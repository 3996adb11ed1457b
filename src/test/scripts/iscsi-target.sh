#!/usr/bin/env bash
# A throw-away iSCSI target for the iscsi pool tests: tgt's tgtd on 127.0.0.1 only, everything (LUN files,
# control socket, pid, log) under DIR, so it never meets a system tgtd. Target IQN below with LUN 1 (64 MiB)
# and LUN 2 (128 MiB), sparse files, no auth, bound to initiator address 127.0.0.1.
# Usage: iscsi-target.sh start DIR    prints, and writes to DIR/target.env:  PORTAL=127.0.0.1:PORT  IQN=
#          LUNS=  PID=  SOCKET=
#        iscsi-target.sh stop DIR     stops only the tgtd whose pid file is under DIR; removes DIR
# Environment: ISCSI_PORT (default: the first free port in 3260..3399).
# Installs nothing (CI's .ci/run does): a missing binary fails naming its Debian package.
# Why this shape: tgtd -f stays in the foreground (its pid is $!); its control socket is named by
# TGT_IPC_SOCKET and -C PORT; it ignores SIGTERM, so stop deletes the target, asks it to quit and kills
# it if it is still there after 5 s.
set -euo pipefail
die() { echo "iscsi-target.sh: $*" >&2; exit 1; }
[[ $# == 2 && $1 =~ ^(start|stop)$ ]] || die "usage: iscsi-target.sh start|stop DIR"
IQN=iqn.2026-12.org.example:storage
DIR=$(readlink -m "$2")

port_busy() {   # a listening TCP socket on port $1, any address
  local hex; hex=$(printf ':%04X' "$1")
  awk -v h="$hex" 'FNR>1 && $4=="0A" && substr($2, length($2)-4)==h {f=1} END {exit !f}' /proc/net/tcp /proc/net/tcp6
}
our_pid() {     # tgtd started under DIR, if it still runs
  local pid; pid=$(cat "$DIR/tgtd.pid" 2>/dev/null) || return 0
  [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == tgtd ]] || return 0
  tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "TGT_IPC_SOCKET=$DIR/tgtd.sock" && echo "$pid"
}
adm() { TGT_IPC_SOCKET=$DIR/tgtd.sock timeout 10 tgtadm -C "$PORT" --lld iscsi "$@"; }

if [[ $1 == stop ]]; then
  [[ -d $DIR ]] || exit 0
  PORT=$(sed -n 's/^PORTAL=127.0.0.1://p' "$DIR/target.env" 2>/dev/null || true)
  pid=$(our_pid)
  if [[ -n $pid ]]; then
    adm --mode target --op delete --force --tid 1 >/dev/null 2>&1 || true
    TGT_IPC_SOCKET=$DIR/tgtd.sock timeout 10 tgtadm -C "$PORT" --op delete --mode system >/dev/null 2>&1 || true
    for _ in $(seq 50); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$DIR"
  exit 0
fi

command -v tgtd >/dev/null && command -v tgtadm >/dev/null || die "tgtd not found: install Debian's tgt"
(( ${#DIR} + 20 < 107 )) || die "DIR too long for tgtd's control socket: $DIR"
PORT=${ISCSI_PORT:-}
if [[ -z $PORT ]]; then
  for p in $(seq 3260 3399); do port_busy "$p" || { PORT=$p; break; }; done
  [[ -n $PORT ]] || die "no free port in 3260..3399"
fi
mkdir -p "$DIR"
TGT_IPC_SOCKET=$DIR/tgtd.sock setsid tgtd -f -C "$PORT" --iscsi "portal=127.0.0.1:$PORT" \
  >"$DIR/tgtd.log" 2>&1 </dev/null &
echo $! >"$DIR/tgtd.pid"
for _ in $(seq 100); do
  [[ -n $(our_pid) ]] || die "tgtd exited; see $DIR/tgtd.log: $(tail -3 "$DIR/tgtd.log" | tr '\n' ' ')"
  port_busy "$PORT" && adm --mode target --op show >/dev/null 2>&1 && break
  sleep 0.1
done
port_busy "$PORT" || { kill -9 "$(our_pid)" 2>/dev/null; die "tgtd did not listen on 127.0.0.1:$PORT"; }
truncate -s 64M "$DIR/lun1.img"; truncate -s 128M "$DIR/lun2.img"
adm --mode target --op new --tid 1 --targetname "$IQN"
adm --mode logicalunit --op new --tid 1 --lun 1 --backing-store "$DIR/lun1.img"
adm --mode logicalunit --op new --tid 1 --lun 2 --backing-store "$DIR/lun2.img"
adm --mode target --op bind --tid 1 --initiator-address 127.0.0.1
{
  echo "PORTAL=127.0.0.1:$PORT"; echo "IQN=$IQN"; echo "LUNS=$IQN/1=64MiB,$IQN/2=128MiB"
  echo "PID=$(cat "$DIR/tgtd.pid")"; echo "SOCKET=$DIR/tgtd.sock.$PORT"
} | tee "$DIR/target.env"
