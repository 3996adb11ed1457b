#!/usr/bin/env bash
# A throw-away GlusterFS volume 'gv0' (a single brick) for the tests of 'gluster' pools: glusterd and the
# brick run from files under DIR and listen on 127.0.0.1 only. Root needed (glusterd writes trusted.*
# extended attributes on the brick). Debian packages: glusterfs-server, glusterfs-client (.ci/run).
#
#   gluster-volume.sh start DIR   prints KEY=VALUE lines (also kept in DIR/gluster.env):
#       GLUSTER_HOST    the volfile server, 127.0.0.1
#       GLUSTER_VOLUME  gv0
#       GLUSTER_PORT    24007 (glusterd's port; `gluster --remote-host` has no port option, so it is fixed
#                       and only one instance can run on a machine)
#       GLUSTER_BRICK   DIR/bricks/gv0, mode 0777 so unprivileged daemons may create and remove files
#       GLUSTER_CLI     the admin command line for this glusterd (its own socket and log)
#   gluster-volume.sh stop DIR    unmounts what is mounted under DIR, stops the volume, ends the glusterd
#                                 and brick processes started for DIR (and nothing else), removes DIR
#
# glusterd allows clients on unprivileged ports (rpc-auth-allow-insecure) and the volume does too
# (server.allow-insecure): libgfapi in an unprivileged daemon binds one. The brick's host must be a name
# gluster accepts as local: it refuses 'localhost' and '127.0.0.1' but takes '127.1'.
set -euo pipefail

VOLUME=gv0
PORT=24007
STAMP=.virtstoraged-gluster

fail() { echo "gluster-volume.sh: $*" >&2; exit 1; }

# running PID: the process exists, is a gluster daemon and names DIR in its arguments (no recycled pid)
ours() {
  local pid=$1
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  case $(readlink "/proc/$pid/exe" 2>/dev/null) in */glusterd|*/glusterfsd|*/glusterfs) ;; *) return 1 ;; esac
  tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qF -- "$DIR/"
}

# stop PID: TERM, then KILL after 5 s
terminate() {
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do [[ -d /proc/$pid ]] || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

listening() {
  local hex; hex=$(printf ':%04X' "$1")
  awk -v h="$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == h {found = 1} END {exit !found}' \
    /proc/net/tcp /proc/net/tcp6
}

cli() {
  timeout "${CLI_TIMEOUT:-30}" gluster --mode=script --glusterd-sock="$DIR/run/glusterd.socket" \
    --log-file="$DIR/log/cli.log" "$@"
}

stop() {
  [[ -d $DIR ]] || return 0
  [[ -e $DIR/$STAMP ]] || fail "$DIR was not made by this script"
  local m pid
  for m in $(awk -v d="$DIR/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r); do
    timeout 20 umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  if pid=$(cat "$DIR/glusterd.pid" 2>/dev/null) && ours "$pid"; then
    cli volume stop "$VOLUME" force >/dev/null 2>&1 || true
  fi
  # the brick (glusterfsd), any helper glusterd spawned for DIR, then glusterd itself
  for pid in $(pgrep -f -- "$DIR/" || true); do
    [[ $pid != $(cat "$DIR/glusterd.pid" 2>/dev/null) ]] && ours "$pid" && terminate "$pid"
  done
  pid=$(cat "$DIR/glusterd.pid" 2>/dev/null) && ours "$pid" && terminate "$pid"
  # glusterd always puts the brick's socket into /run/gluster
  local sock; sock=$(cat "$DIR/brick.socket" 2>/dev/null || true)
  [[ $sock =~ ^(/var)?/run/gluster/[0-9a-f]+\.socket$ ]] && rm -f "$sock"
  rm -rf --one-file-system "$DIR"
}

start() {
  [[ -e $DIR/$STAMP ]] && stop
  [[ -d $DIR && -n $(ls -A "$DIR") ]] && fail "$DIR is not empty"
  command -v glusterd >/dev/null || fail "glusterd not found: install the Debian package glusterfs-server"
  command -v mount.glusterfs >/dev/null || fail "mount.glusterfs not found: install the Debian package glusterfs-client"
  listening $PORT && fail "TCP port $PORT is in use: another glusterd runs on this machine"
  mkdir -p "$DIR/state" "$DIR/run" "$DIR/log" "$DIR/bricks/$VOLUME"
  touch "$DIR/$STAMP"
  (( ${#DIR} < 80 )) || fail "DIR is too long for glusterd's unix socket: $DIR"
  chmod 0777 "$DIR/bricks/$VOLUME"
  cat >"$DIR/glusterd.vol" <<EOF
volume management
    type mgmt/glusterd
    option working-directory $DIR/state
    option run-directory $DIR/run
    option logging-directory $DIR/log
    option glusterd-sockfile $DIR/run/glusterd.socket
    option transport-type socket
    option transport.address-family inet
    option transport.socket.bind-address 127.0.0.1
    option transport.socket.listen-port $PORT
    option rpc-auth-allow-insecure on
    option ping-timeout 0
    option event-threads 1
end-volume
EOF
  local t0=$SECONDS
  timeout 30 glusterd -f "$DIR/glusterd.vol" -p "$DIR/glusterd.pid" -l "$DIR/log/glusterd.log" \
    </dev/null >"$DIR/log/glusterd.out" 2>&1 || { stop; fail "glusterd did not start"; }
  local i up=
  for i in $(seq 150); do cli volume list >/dev/null 2>&1 && { up=1; break; }; sleep 0.2; done
  [[ -n $up ]] || { stop; fail "glusterd did not answer within 30 s (see its log)"; }
  local out
  # 'force': the brick is on the root file system, which gluster refuses otherwise
  out=$(cli volume create "$VOLUME" "127.1:$DIR/bricks/$VOLUME" force 2>&1) || { stop; fail "$out"; }
  out=$(cli volume set "$VOLUME" server.allow-insecure on 2>&1) || { stop; fail "$out"; }
  out=$(cli volume start "$VOLUME" 2>&1) || { stop; fail "$out"; }
  local xml brick=
  for i in $(seq 150); do
    xml=$(cli volume status "$VOLUME" --xml 2>/dev/null || true)
    brick=$(sed -n 's:.*<pid>\([0-9][0-9]*\)</pid>.*:\1:p' <<<"$xml" | head -1)
    port=$(sed -n 's:.*<port>\([0-9][0-9]*\)</port>.*:\1:p' <<<"$xml" | head -1)
    [[ -n $brick && -n $port ]] && grep -q '<status>1</status>' <<<"$xml" && listening "$port" && break
    brick=
    sleep 0.2
  done
  [[ -n $brick ]] || { stop; fail "the brick of $VOLUME did not come up within 30 s"; }
  tr '\0' '\n' <"/proc/$brick/cmdline" | sed -n '/^-S$/{n;p}' >"$DIR/brick.socket"
  {
    echo "GLUSTER_HOST=127.0.0.1"
    echo "GLUSTER_VOLUME=$VOLUME"
    echo "GLUSTER_PORT=$PORT"
    echo "GLUSTER_BRICK=$DIR/bricks/$VOLUME"
    echo "GLUSTER_CLI=gluster --mode=script --glusterd-sock=$DIR/run/glusterd.socket --log-file=$DIR/log/cli.log"
    echo "START_SECONDS=$((SECONDS - t0))"
  } | tee "$DIR/gluster.env"
}

[[ $# == 2 ]] || fail "usage: gluster-volume.sh start|stop DIR"
[[ $(id -u) == 0 ]] || fail "must run as root"
DIR=$(readlink -m "$2")
case $1 in
  start) start ;;
  stop) stop ;;
  *) fail "usage: gluster-volume.sh start|stop DIR" ;;
esac
