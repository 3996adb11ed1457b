#!/usr/bin/env bash
# Re-records what libvirt 9.0's daemon does in system (root) mode: socket file modes and group, what a
# read-only client may and may not do (with virsh's exact output), and what polkit authentication says
# when there is no system D-Bus. Debian 12 ships no modular virtstoraged, so the reference is libvirtd
# (same storage driver, same RPC server), run as root inside a private mount namespace with tmpfs over
# /run, /etc/libvirt, /var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt: the host is untouched
# except that the test group below is created when missing.
# Usage (as root, from anywhere):  bash src/test/resources/e2e/libvirtd-9.0/system/record.sh
# Steps whose socket is user-rw / user-ro run virsh as nobody instead of root.
# SystemModeIT runs this same script against our daemon: with VIRTSTORAGED_JAR=path/to/quarkus-run.jar
# (and JAVA=java binary) it starts `java -jar JAR` instead of libvirtd and writes into OUT_DIR.
# Writes beside this script (or into OUT_DIR): modes_SCENARIO.txt ("ROLE MODE GROUP" per socket) and, per step of
# steps.tsv, NAME.stdout / NAME.stderr / NAME.exit. The socket path is replaced by @SOCKET@.
# identity_rw.json / identity_ro.json: src/test/resources/e2e/python/identity.py over either socket.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT_DIR:-$here}
group=virtstoraged-test
jar=${VIRTSTORAGED_JAR:-}
if [[ -n $jar ]]; then prefix=virtstoraged; pidfile=/run/virtstoraged.pid; else prefix=libvirt; pidfile=/run/libvirtd.pid; fi
if [[ ${1:-} != --inside ]]; then
  [[ -n $jar ]] || command -v libvirtd >/dev/null && command -v virsh >/dev/null || {
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvirt-daemon libvirt-clients >/dev/null
  }
  getent group $group >/dev/null || groupadd -r $group
  exec unshare -m --propagation private bash "$0" --inside
fi
for d in /run /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
  mkdir -p "$d"; mount -t tmpfs -o mode=0755 tmpfs "$d"
done
# the QEMU driver inside libvirtd refuses to start without these accounts (they exist on the host already
# when anchor-libvirtd.sh ran; created here otherwise)
getent group kvm >/dev/null || groupadd -r kvm
getent passwd libvirt-qemu >/dev/null || { getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu; useradd -r -g libvirt-qemu -G kvm libvirt-qemu; }
work=$(mktemp -d /tmp/system-record.XXXXXX)
chmod 755 "$work"; mkdir -p "$out"; mkdir "$work/home"; chown nobody "$work/home"
stop() {
  local pid; pid=$(cat "$pidfile" 2>/dev/null || true)
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
}
trap 'stop; rm -rf "$work"' EXIT

start() {  # $1: configuration text
  stop
  rm -rf /run/libvirt; mkdir -p /run/libvirt
  printf '%s\n' "$1" >"$work/daemon.conf"
  if [[ -n $jar ]]; then
    VIRTSTORAGED_MODE=system setsid "${JAVA:-java}" -jar "$jar" -f "$work/daemon.conf" >>"$out/daemon.log" 2>&1 </dev/null &
  else
    setsid libvirtd -f "$work/daemon.conf" -p "$pidfile" --timeout 0 >"$work/daemon.log" 2>&1 </dev/null &
  fi
  for _ in $(seq 300); do [[ -S /run/libvirt/$prefix-admin-sock && -s $pidfile ]] && break; sleep 0.2; done
  [[ -S /run/libvirt/$prefix-admin-sock ]] || { cat "$work/daemon.log" "$out/daemon.log" >&2 2>/dev/null; exit 1; }
}
modes() {  # "ROLE MODE GROUP" of the three sockets
  for r in rw:$prefix-sock ro:$prefix-sock-ro admin:$prefix-admin-sock; do
    echo "${r%%:*} $(stat -c '%a %G' "/run/libvirt/${r#*:}")"
  done >"$out/modes_$1.txt"
}
step() {  # NAME SOCKET(rw|ro) virsh-args...
  local name=$1 which=$2; shift 2
  local sock=/run/libvirt/$prefix-sock ro=() as=()
  [[ $which == *ro ]] && { sock=/run/libvirt/$prefix-sock-ro; ro=(-r); }
  # user-*: an unprivileged client (nobody), which polkit would have to authorise
  [[ $which == user-* ]] && as=(runuser -u nobody -- env HOME="$work/home")
  local rc=0
  "${as[@]}" virsh "${ro[@]}" -c "storage:///system?socket=$sock" "$@" >"$work/out" 2>"$work/err" </dev/null || rc=$?
  sed "s#$sock#@SOCKET@#g" "$work/out" >"$out/$name.stdout"
  sed "s#$sock#@SOCKET@#g" "$work/err" >"$out/$name.stderr"
  echo $rc >"$out/$name.exit"
}
run_steps() {  # SCENARIO: the steps of steps.tsv for that scenario
  local want=$1 scenario name which args
  while IFS=$'\t' read -r scenario name which args; do
    [[ -z $scenario || $scenario == \#* || $scenario != "$want" ]] && continue
    eval "set -- $args"
    step "$name" "$which" "$@"
  done <"$here/steps.tsv"
}

# 1. libvirt's defaults as root: polkit on both sockets; no system D-Bus in the namespace
start "# libvirt's defaults"
modes default
run_steps default

# 2. no authentication, a socket group and a narrower rw mode: read-only access rules
mkdir -p /var/lib/libvirt/images
start 'auth_unix_rw = "none"
auth_unix_ro = "none"
unix_sock_group = "'$group'"
unix_sock_rw_perms = "0770"
unix_sock_ro_perms = "0775"'
modes none
run_steps none

# 3. what a forwarding daemon does (CONNECT_SET_IDENTITY, then storage calls), on both sockets
if [[ -n $jar ]]; then server=virtstoraged; else server=libvirtd; fi
identity() {  # NAME SOCKET-SUFFIX MODE
  /usr/bin/python3 "$here/../../python/identity.py" "storage:///system?socket=/run/libvirt/$prefix-sock$2" "$3" \
    /var/lib/libvirt/images "$server:///system?socket=/run/libvirt/$prefix-admin-sock" $server \
    | sed "s#/run/libvirt/$prefix-#/run/libvirt/@PREFIX@-#g" >"$out/$1.json"
}
identity identity_rw "" rw
identity identity_ro -ro ro
