#!/usr/bin/env bash
# A throw-away iSCSI target for the iscsi and iscsi-direct pool tests: tgt's tgtd on 127.0.0.1 only, everything
# (LUN files, control socket, pid, log) under DIR, so it never meets a system tgtd. Two targets, each bound to
# initiator address 127.0.0.1 (any initiator name), LUNs as sparse files (LUN 0 is tgt's controller LUN):
#   IQN       LUN 1 (64 MiB), LUN 2 (128 MiB), LUN 3.. (16 MiB each, see ISCSI_LUNS), no auth
#   IQN_CHAP  LUN 1 (32 MiB), incoming CHAP account CHAP_USER/CHAP_PASS (left out with NO_CHAP=1)
# SendTargets discovery lists both targets, so a caller that wants a portal of one target sets NO_CHAP=1.
# Usage: iscsi-target.sh start DIR    prints, and writes to DIR/target.env:  PORTAL=127.0.0.1:PORT  IQN=
#          [IQN_CHAP=  CHAP_USER=  CHAP_PASS=]  LUNS=IQN/LUN=SIZE,...  PID=  SOCKET=
#        iscsi-target.sh stop DIR     stops only the tgtd whose pid file is under DIR; removes DIR
# Environment: ISCSI_PORT (default: the first port in 3260..3399 where tgtd can listen); ISCSI_LUNS (disk
#   LUNs of IQN, default 2); NO_CHAP=1 (no IQN_CHAP target); CHAP_USER (default chapuser); CHAP_PASS
#   (default chapsecret1234: 14 characters, inside the 12..16 some initiators insist on).
# Installs nothing (CI's .ci/run does): a missing binary fails naming its Debian package.
# Why this shape: tgtd -f stays in the foreground (its pid is $!); its control socket is named by
# TGT_IPC_SOCKET and -C PORT; it ignores SIGTERM, so stop deletes the targets, asks it to quit and kills
# it if it is still there after 5 s.
set -euo pipefail
die() { echo "iscsi-target.sh: $*" >&2; exit 1; }
[[ $# == 2 && $1 =~ ^(start|stop)$ ]] || die "usage: iscsi-target.sh start|stop DIR"
IQN=iqn.2026-12.org.example:storage
IQN_CHAP=iqn.2026-12.org.example:storage-chap
CHAP_USER=${CHAP_USER:-chapuser}
CHAP_PASS=${CHAP_PASS:-chapsecret1234}
LUN_COUNT=${ISCSI_LUNS:-2}
DIR=$(readlink -m "$2")

port_busy() {   # a listening TCP socket on port $1, any address
  local hex; hex=$(printf ':%04X' "$1")
  awk -v h="$hex" 'FNR>1 && $4=="0A" && substr($2, length($2)-4)==h {f=1} END {exit !f}' /proc/net/tcp /proc/net/tcp6
}
holds_port() {  # process $1 itself listens on 127.0.0.1:$2 (a tgtd that lost that bind may sit on [::]:$2)
  local addr ino; addr=$(printf '0100007F:%04X' "$2")
  for ino in $(awk -v a="$addr" 'FNR>1 && $4=="0A" && $2==a {print $10}' /proc/net/tcp); do
    find "/proc/$1/fd" -maxdepth 1 -lname "socket:\[$ino\]" 2>/dev/null | grep -q . && return 0
  done
  return 1
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
    for tid in 2 1; do adm --mode target --op delete --force --tid "$tid" >/dev/null 2>&1 || true; done
    TGT_IPC_SOCKET=$DIR/tgtd.sock timeout 10 tgtadm -C "$PORT" --op delete --mode system >/dev/null 2>&1 || true
    for _ in $(seq 50); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$DIR"
  exit 0
fi

command -v tgtd >/dev/null && command -v tgtadm >/dev/null || die "tgtd not found: install Debian's tgt"
[[ $LUN_COUNT =~ ^[0-9]+$ ]] && (( LUN_COUNT >= 1 && LUN_COUNT <= 64 )) || die "ISCSI_LUNS must be 1..64: $LUN_COUNT"
(( ${#DIR} + 20 < 107 )) || die "DIR too long for tgtd's control socket: $DIR"
mkdir -p "$DIR"
# launch PORT: tgtd on 127.0.0.1:PORT, ready to take tgtadm commands; fails when tgtd exits (the port was
# taken between the check and its bind, by another test's target)
launch() {
  TGT_IPC_SOCKET=$DIR/tgtd.sock setsid tgtd -f -C "$1" --iscsi "portal=127.0.0.1:$1" \
    >"$DIR/tgtd.log" 2>&1 </dev/null &
  echo $! >"$DIR/tgtd.pid"
  local pid; pid=$(cat "$DIR/tgtd.pid")
  for _ in $(seq 100); do
    [[ $(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null) =~ ^[^Z]$ ]] || return 1   # gone or a zombie
    # until the background shell has exec'd tgtd, $pid is not tgtd yet: not a tgtd that exited
    if [[ $(our_pid) == "$pid" ]] && adm --mode target --op show >/dev/null 2>&1; then
      # once tgtd answers tgtadm its portals are set up: 127.0.0.1:PORT is ours, or lost
      holds_port "$pid" "$1" && return 0
      break
    fi
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  for _ in $(seq 20); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
  return 1
}
if [[ -n ${ISCSI_PORT:-} ]]; then
  PORT=$ISCSI_PORT
  launch "$PORT" ||
    die "tgtd did not come up on 127.0.0.1:$PORT; see $DIR/tgtd.log: $(tail -3 "$DIR/tgtd.log" | tr '\n' ' ')"
else
  PORT=
  for p in $(seq 3260 3399); do
    port_busy "$p" && continue
    PORT=$p; launch "$PORT" && break
    PORT=
  done
  [[ -n $PORT ]] || die "no port in 3260..3399 where tgtd could listen; see $DIR/tgtd.log"
fi
lun_size() { case $1 in 1) echo 64;; 2) echo 128;; *) echo 16;; esac; }   # MiB
adm --mode target --op new --tid 1 --targetname "$IQN"
luns=
for lun in $(seq "$LUN_COUNT"); do
  truncate -s "$(lun_size "$lun")M" "$DIR/lun$lun.img"
  adm --mode logicalunit --op new --tid 1 --lun "$lun" --backing-store "$DIR/lun$lun.img"
  luns+="${luns:+,}$IQN/$lun=$(lun_size "$lun")MiB"
done
adm --mode target --op bind --tid 1 --initiator-address 127.0.0.1
if [[ -z ${NO_CHAP:-} ]]; then
  truncate -s 32M "$DIR/chap-lun1.img"
  adm --mode target --op new --tid 2 --targetname "$IQN_CHAP"
  adm --mode logicalunit --op new --tid 2 --lun 1 --backing-store "$DIR/chap-lun1.img"
  adm --mode target --op bind --tid 2 --initiator-address 127.0.0.1
  adm --mode account --op new --user "$CHAP_USER" --password "$CHAP_PASS"
  adm --mode account --op bind --tid 2 --user "$CHAP_USER"
  luns+=",$IQN_CHAP/1=32MiB"
fi
{
  echo "PORTAL=127.0.0.1:$PORT"; echo "IQN=$IQN"
  [[ -n ${NO_CHAP:-} ]] || printf 'IQN_CHAP=%s\nCHAP_USER=%s\nCHAP_PASS=%s\n' "$IQN_CHAP" "$CHAP_USER" "$CHAP_PASS"
  echo "LUNS=$luns"; echo "PID=$(cat "$DIR/tgtd.pid")"; echo "SOCKET=$DIR/tgtd.sock.$PORT"
} | tee "$DIR/target.env"
