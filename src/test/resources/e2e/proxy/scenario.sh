#!/usr/bin/env bash
# virsh -> libvirt 9.0's virtproxyd -> a storage daemon: the storage scenario of a directory pool with
# streams (define, build, start, volumes, upload / download with checksums, sparse streams, refresh,
# clone, wipe, delete, destroy, undefine) and a few errors, one virsh per step.
#
# The storage daemon is either OURS (java -jar quarkus-run.jar) or the REFERENCE, libvirt 9.0's own
# modular virtstoraged built from Debian's source by src/test/scripts/libvirt-modular.sh. virtproxyd
# (same build) listens with auth none; virsh connects to it with storage:///MODE?socket=<virtproxyd's
# socket>, so virtproxyd receives storage:///MODE, opens it with its remote driver on the storage daemon's
# socket and forwards the client's identity there (CONNECT_SET_IDENTITY, remoteOpenConn) before proxying
# every call and stream.
#   system:  everything as root; virtproxyd on /run/libvirt/libvirt-sock, the storage daemon on
#            /run/libvirt/virtstoraged-sock (libvirt's remote driver spells it /var/run/libvirt/...)
#   session: everything (both daemons, virsh, the shell steps) as an unprivileged user (SESSION_USER,
#            default nobody) with HOME and XDG_RUNTIME_DIR / XDG_CONFIG_HOME / XDG_CACHE_HOME in the
#            temporary directory: sockets $XDG_RUNTIME_DIR/libvirt/{libvirt,virtstoraged}-sock
#
# Both modes run inside a private mount namespace (unshare -m --propagation private, so root starts it)
# with tmpfs over /run, /etc/libvirt, /var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt; the pool
# lives on a 64 MiB tmpfs mounted on a temporary directory under $TMPDIR or /tmp (so capacity, allocation
# and available space are the same in every run): the host is untouched.
#
# Usage (as root):
#   scenario.sh ours|reference OUT_DIR [system|session]
#       one run; writes OUT_DIR/transcript.txt (per step: the command, exit code, stdout, stderr; the
#       temporary directory shown as @TMP@, UUIDs as @UUID@, timestamps as @TIME@), route.txt (from the
#       debug logs: the socket virtproxyd's remote driver connected to, how many identities it forwarded,
#       how many connections the storage daemon served), virtproxyd.log, storage.log, *.stderr, pids
#   scenario.sh compare OUT_DIR [system|session]
#       both runs into OUT_DIR/reference and OUT_DIR/ours, then diff -u (exit 1 when they differ)
# Env: VIRTPROXYD, VIRTSTORAGED   libvirt's binaries (default: from src/test/scripts/libvirt-modular.sh,
#                                 which builds them on first use, into LIBVIRT_MODULAR_CACHE if set)
#      VIRTSTORAGED_JAR, JAVA     our daemon (default target/quarkus-app/quarkus-run.jar, java)
#      TMPDIR                     where the temporary directory goes (its name's length shows in the
#                                 column widths of vol-list --details: compare runs with the same TMPDIR;
#                                 in session mode the user must be able to reach it)
#      SESSION_USER               the unprivileged user of session mode (default nobody)
# ProxiedStorageIT runs both storage daemons in both modes and compares the transcripts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../../.." && pwd)
die() { echo "scenario.sh: $*" >&2; exit 2; }

server=${1:-}
out=${2:-}
mode=${3:-system}
[[ ($server == ours || $server == reference || $server == compare) && -n $out \
   && ($mode == system || $mode == session) ]] \
  || die "usage: scenario.sh ours|reference|compare OUT_DIR [system|session]"
[[ $(id -u) == 0 ]] || die "must run as root (mount namespace; system mode)"

if [[ $server == compare ]]; then
  mkdir -p "$out"
  bash "$0" reference "$out/reference" "$mode" || exit 2
  bash "$0" ours "$out/ours" "$mode" || exit 2
  if diff -u --label reference --label ours "$out/reference/transcript.txt" "$out/ours/transcript.txt"; then
    echo "transcripts identical ($(grep -c '^### ' "$out/ours/transcript.txt") steps)"
  else
    exit 1
  fi
  exit 0
fi

if [[ ${4:-} != --inside ]]; then
  command -v virsh >/dev/null || die "virsh is missing (Debian package libvirt-clients)"
  command -v unshare >/dev/null || die "unshare is missing (Debian package util-linux)"
  command -v setpriv >/dev/null || die "setpriv is missing (Debian package util-linux)"
  command -v python3 >/dev/null || die "python3 is missing (Debian package python3)"
  if [[ -z ${VIRTPROXYD:-} || ( $server == reference && -z ${VIRTSTORAGED:-} ) ]]; then
    built=$(bash "$repo/src/test/scripts/libvirt-modular.sh" ${LIBVIRT_MODULAR_CACHE:+"$LIBVIRT_MODULAR_CACHE"}) \
      || die "cannot build libvirt's modular daemons (src/test/scripts/libvirt-modular.sh failed)"
    VIRTPROXYD=${VIRTPROXYD:-$(sed -n 's/^VIRTPROXYD=//p' <<<"$built")}
    VIRTSTORAGED=${VIRTSTORAGED:-$(sed -n 's/^VIRTSTORAGED=//p' <<<"$built")}
    export VIRTPROXYD VIRTSTORAGED
  fi
  [[ -x $VIRTPROXYD ]] || die "virtproxyd not found: $VIRTPROXYD"
  if [[ $server == reference ]]; then
    [[ -x $VIRTSTORAGED ]] || die "virtstoraged not found: $VIRTSTORAGED"
  else
    VIRTSTORAGED_JAR=$(readlink -f "${VIRTSTORAGED_JAR:-$repo/target/quarkus-app/quarkus-run.jar}")
    export VIRTSTORAGED_JAR
    [[ -f $VIRTSTORAGED_JAR ]] || die "our daemon is not built: $VIRTSTORAGED_JAR (run mvn package)"
  fi
  rm -rf "$out"; mkdir -p "$out"
  out=$(readlink -f "$out")
  exec unshare -m --propagation private bash "$0" "$server" "$out" "$mode" --inside
fi

# ---------------------------------------------------------------- inside the private mount namespace
for d in /run /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
  mkdir -p "$d"; mount -t tmpfs -o mode=0755 tmpfs "$d"
done
if [[ $mode == session ]]; then
  user=${SESSION_USER:-nobody}
  uid=$(id -u "$user") && gid=$(id -g "$user") || die "no user $user"
  [[ $uid != 0 ]] || die "SESSION_USER must be an unprivileged user"
else
  uid=0 gid=0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/proxied-storage.XXXXXX")
[[ -n $work && -d $work ]] || die "mktemp failed"
# exec_as_user COMMAND...: replaces the (sub)shell by COMMAND run as root (system) or as the session user,
# with HOME (and the XDG dirs) in $work. Only in a subshell: `exec_as_user ... &`, `(exec_as_user ...)`,
# so that $! of a daemon is the daemon itself.
exec_as_user() {
  if [[ $mode == session ]]; then
    exec setpriv --reuid="$uid" --regid="$gid" --clear-groups -- env HOME="$work/home" \
      XDG_RUNTIME_DIR="$work/run" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" "$@"
  else
    exec env HOME="$work/home" "$@"
  fi
}
chmod 755 "$work"
mkdir "$work/fs" "$work/home" "$work/conf" "$work/logs" "$work/run" "$work/config" "$work/cache"
chmod 700 "$work/run"
mount -t tmpfs -o "size=64m,mode=0755,uid=$uid,gid=$gid" tmpfs "$work/fs"
chown "$uid:$gid" "$work" "$work/home" "$work/logs" "$work/run" "$work/config" "$work/cache"
if [[ $mode == session ]]; then
  (exec_as_user test -w "$work") || die "$user cannot reach $work (TMPDIR must be traversable by $user)"
  (exec_as_user test -r "${VIRTSTORAGED_JAR:-$VIRTSTORAGED}") || die "$user cannot read ${VIRTSTORAGED_JAR:-$VIRTSTORAGED}"
  sockdir=$work/run/libvirt confdir=$work/config/libvirt
else
  sockdir=/run/libvirt confdir=/etc/libvirt
fi
transcript=$out/transcript.txt
: >"$transcript"

pids=()
stop_all() {  # virtproxyd first, then the storage daemon: TERM, then KILL after 15 s
  local pid i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
cleanup() {
  stop_all
  cp "$work/logs/"*.log "$out/" 2>/dev/null || true
  umount "$work/fs" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

await_socket() {  # PATH PID WHAT STDERR-FILE
  for _ in $(seq 600); do
    [[ -S $1 ]] && return 0
    kill -0 "$2" 2>/dev/null || { tail -50 "$4" >&2; die "$3 exited before creating $1"; }
    sleep 0.1
  done
  tail -50 "$4" >&2; die "$3 did not create $1 within 60 s"
}

# --- the storage daemon on $sockdir/virtstoraged-sock ----------------------------------------------------
if [[ $server == ours ]]; then
  # server.* is our connection layer: "client N connected on RW socket" for every client
  filters="1:server"
else
  # daemon.remote is remote_daemon_dispatch.c: "Received forwarded identity" on CONNECT_SET_IDENTITY
  filters="1:daemon.remote"
fi
printf '%s\n' 'auth_unix_rw = "none"' 'auth_unix_ro = "none"' "log_filters = \"$filters\"" \
  "log_outputs = \"1:file:$work/logs/storage.log\"" >"$work/conf/storage.conf"
if [[ $server == ours ]]; then
  exec_as_user VIRTSTORAGED_MODE="$mode" "${JAVA:-java}" -jar "$VIRTSTORAGED_JAR" -f "$work/conf/storage.conf" \
    >>"$out/storage.stderr" 2>&1 </dev/null &
else
  exec_as_user "$VIRTSTORAGED" -f "$work/conf/storage.conf" >>"$out/storage.stderr" 2>&1 </dev/null &
fi
pids+=($!)
echo "storage=$!" >"$out/pids"
await_socket "$sockdir/virtstoraged-sock" "$!" "the storage daemon ($server)" "$out/storage.stderr"

# --- virtproxyd on $sockdir/libvirt-sock ----------------------------------------------------------------
# remote: remote_driver.c / remote_sockets.c ("Chosen UNIX socket ..." for the secondary connection) and
# daemon.remote (remoteOpenConn: "Forwarded current identity to secondary driver")
printf '%s\n' 'auth_unix_rw = "none"' 'auth_unix_ro = "none"' 'log_filters = "1:remote 1:daemon.remote"' \
  "log_outputs = \"1:file:$work/logs/virtproxyd.log\"" >"$work/conf/virtproxyd.conf"
exec_as_user "$VIRTPROXYD" -f "$work/conf/virtproxyd.conf" >>"$out/virtproxyd.stderr" 2>&1 </dev/null &
pids+=($!)
echo "virtproxyd=$!" >>"$out/pids"
await_socket "$sockdir/libvirt-sock" "$!" virtproxyd "$out/virtproxyd.stderr"

# --- the steps -------------------------------------------------------------------------------------------
URI="storage:///$mode?socket=$sockdir/libvirt-sock"
unset LIBVIRT_DEFAULT_URI
normalize() {
  sed -E -e "s#$work#@TMP@#g" \
    -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/@UUID@/g' \
    -e 's#<(atime|mtime|ctime|btime)>[0-9.]+</#<\1>@TIME@</#g'
}
record() {  # NAME LABEL COMMAND...: runs COMMAND in $work, appends the normalized result to the transcript
  local name=$1 label=$2 rc=0; shift 2
  (cd "$work" && exec_as_user "$@") >"$work/stdout" 2>"$work/stderr" </dev/null || rc=$?
  {
    echo "### $name: $label"
    echo "exit: $rc"
    echo "--- stdout"; cat "$work/stdout"
    echo "--- stderr"; cat "$work/stderr"
  } | normalize >>"$transcript"
}
step() {  # NAME virsh-arguments...
  local name=$1; shift
  record "$name" "virsh $*" timeout 120 virsh -c "$URI" "$@"
}
shell() {  # NAME shell-command (run in $work)
  record "$1" "$2" bash -c "$2"
}
P=$work/fs/pool

# deterministic contents: 5 MiB + 4321 bytes of pseudo-random data; a sparse file of 6 MiB with data at
# 0-1 MiB and 3-4 MiB
python3 -c '
import random, sys
r = random.Random(2024)
with open(sys.argv[1] + "/upload.bin", "wb") as f:
    f.write(r.randbytes(5 * 1048576 + 4321))
with open(sys.argv[1] + "/sparse.bin", "wb") as f:
    f.write(r.randbytes(1048576))
    f.seek(3 * 1048576)
    f.write(r.randbytes(1048576))
    f.truncate(6 * 1048576)
' "$work"

step uri                 uri
step hostname            hostname
step version             version
step list_empty          pool-list --all
step define              pool-define-as p1 dir --target "$P"
step list_defined        pool-list --all --details
step build               pool-build p1
shell build_dir          'stat -c "%F %a %U:%G %n" fs/pool'
step start               pool-start p1
step start_again         pool-start p1
step autostart           pool-autostart p1
step list_all            pool-list --all
step list_autostart      pool-list --autostart
shell config_files       "cd $confdir/storage && find . | sort && cat p1.xml && readlink autostart/p1.xml"
shell state_files        "cd $sockdir/storage && find . | sort"
step info                pool-info p1
step dumpxml             pool-dumpxml p1
step vol_create          vol-create-as p1 v1 8M --format raw
step vol_create_dup      vol-create-as p1 v1 1M
step vol_create_badsize  vol-create-as p1 v2 10X
step vol_create_nospace  vol-create-as p1 huge 100M --allocation 100M
step vol_list            vol-list p1
step vol_info            vol-info --pool p1 v1
step vol_path            vol-path --pool p1 v1
step vol_key             vol-key --pool p1 v1
step vol_upload          vol-upload --pool p1 v1 upload.bin
step vol_info_uploaded   vol-info --pool p1 v1
step vol_download        vol-download --pool p1 v1 download.bin --length 5247201
step vol_download_all    vol-download --pool p1 v1 download-all.bin
shell checksums          'sha256sum upload.bin download.bin download-all.bin; stat -c "%s %n" download.bin download-all.bin'
step vol_download_offset vol-download --pool p1 v1 part.bin --offset 1048576 --length 65536
shell checksum_offset    'tail -c +1048577 upload.bin | head -c 65536 | sha256sum; sha256sum part.bin'
step vol_dumpxml         vol-dumpxml --pool p1 v1
step vol_upload_beyond   vol-upload --pool p1 v1 upload.bin --offset 4194304
step vol_info_beyond     vol-info --pool p1 v1 --bytes
step vol_create_sparse   vol-create-as p1 s1 6M
step vol_upload_sparse   vol-upload --sparse --pool p1 s1 sparse.bin
step vol_info_sparse     vol-info --pool p1 s1
step vol_download_sparse vol-download --sparse --pool p1 s1 sparse-down.bin
shell checksums_sparse   'sha256sum sparse.bin sparse-down.bin; stat -c "%s %n" sparse-down.bin; du -k sparse-down.bin'
step vol_resize          vol-resize --pool p1 v1 16M
step vol_clone           vol-clone --pool p1 v1 v1clone
shell outside_file       'truncate -s 3M fs/pool/outside.img'
step vol_list_before     vol-list p1 --details
step refresh             pool-refresh p1
step vol_list_refreshed  vol-list p1 --details
step info_refreshed      pool-info p1
step vol_wipe            vol-wipe --pool p1 v1clone
step vol_download_wiped  vol-download --pool p1 v1clone wiped.bin
shell checksum_wiped     'head -c 16777216 /dev/zero | sha256sum; sha256sum wiped.bin'
step vol_delete          vol-delete --pool p1 v1
step vol_delete_missing  vol-delete --pool p1 v1
step vol_info_missing    vol-info --pool p1 v1
step vol_list_after      vol-list p1
step info_missing        pool-info nosuchpool
step destroy             pool-destroy p1
step destroy_again       pool-destroy p1
step list_inactive       pool-list --all
step vol_list_inactive   vol-list p1
step pool_delete_full    pool-delete p1
step restart             pool-start p1
step vol_delete_rest     vol-delete --pool p1 s1
step vol_delete_clone    vol-delete --pool p1 v1clone
step vol_delete_outside  vol-delete --pool p1 outside.img
step destroy_empty       pool-destroy p1
step pool_delete         pool-delete p1
shell pool_dir_gone      'ls -A fs'
step undefine            pool-undefine p1
step list_end            pool-list --all
step info_undefined      pool-info p1

# --- who served the calls -------------------------------------------------------------------------------
stop_all
cp "$work/logs/"*.log "$out/"
{
  # remote_sockets.c builds LOCALSTATEDIR/run/libvirt/... as root: /var/run/libvirt/virtstoraged-sock
  sockets=$(sed -n 's/.*doRemoteOpen:.* Chosen UNIX socket \(.*\)$/\1/p' "$out/virtproxyd.log" | sort -u)
  echo "proxy_socket=$(for s in $sockets; do readlink -f "$s" 2>/dev/null || echo "$s"; done | sort -u \
    | tr '\n' ' ' | sed 's/ $//' | normalize)"
  echo "proxy_forwarded_identity=$(grep -c 'Forwarded current identity to secondary driver' "$out/virtproxyd.log" || true)"
  if [[ $server == ours ]]; then
    echo "storage_clients=$(grep -c 'connected on RW socket' "$out/storage.log" || true)"
  else
    echo "storage_clients=$(grep -c 'Received forwarded identity' "$out/storage.log" || true)"
  fi
  echo "steps=$(grep -c '^### ' "$transcript")"
} >"$out/route.txt"
cat "$out/route.txt"
