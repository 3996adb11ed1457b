#!/usr/bin/env bash
# aot-train.sh APP_DIR: the training run that writes APP_DIR/app.aot, the JDK's AOT cache (JEP 483/514/515:
# classes loaded and linked, lambdas and method profiles of a real start-up), and APP_DIR/app.aot.jvm, which
# names the JVM that made it (the launcher uses the cache with that JVM only).
#
# Run by `mvn package` (pom.xml, after Quarkus' build) on target/quarkus-app; an administrator whose host runs
# another JDK than the build's runs it again on the installed directory, e.g.
#   VIRTSTORAGED_LAUNCHER=/usr/sbin/virtstoraged src/tools/aot-train.sh /usr/lib/virtstoraged
# The daemon is started through the launcher (so with its JVM options, which the cache must match) as a session
# daemon in a temporary home, serves a few pool and volume calls from virsh (when virsh is installed; otherwise it
# only starts and stops), and is stopped with SIGTERM: the JVM then assembles the cache. A failed training leaves
# no cache (the launcher then starts without one) and says so, but does not fail the build.
set -uo pipefail
app=$(cd "${1:?usage: aot-train.sh APP_DIR}" && pwd) || exit 1
launcher=${VIRTSTORAGED_LAUNCHER:-$(cd "$(dirname "$0")/../.." && pwd)/deploy/virtstoraged}
[[ -f $app/quarkus-run.jar ]] || { echo "aot-train: no $app/quarkus-run.jar (not a JVM build): no AOT cache"; exit 0; }
# shellcheck source=../../deploy/find-java
. "$app/find-java"
if [[ -z ${VIRTSTORAGED_JAVA:-} ]]; then
  virtstoraged_find_java || exit 1
  export VIRTSTORAGED_JAVA=$VIRTSTORAGED_JDK/bin/java
fi

rm -f "$app/app.aot" "$app/app.aot.jvm"
home=$(mktemp -d "${TMPDIR:-/tmp}/virtstoraged-aot.XXXXXX")
pid=
cleanup() {
  [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT
mkdir -m 0700 "$home/run"
export XDG_RUNTIME_DIR=$home/run XDG_CONFIG_HOME=$home/config XDG_CACHE_HOME=$home/cache HOME=$home
export VIRTSTORAGED_MODE=session VIRTSTORAGED_HOME=$app
# what the daemon and virsh said (kept for a failed training): $AOT_TRAIN_LOG, by default beside the temporary homes
log=${AOT_TRAIN_LOG:-${TMPDIR:-/tmp}/virtstoraged-aot-train.log}
: >"$log"
started=$(date +%s)
# the training JVM: the launcher's own options, then the recording (its notes go to the log, not the build output)
VIRTSTORAGED_JAVA_OPTS="${VIRTSTORAGED_JAVA_OPTS:-} -XX:AOTCacheOutput=$app/app.aot -Xlog:aot*=warning,cds*=warning:file=$home/aot.log" \
  "$launcher" >>"$log" 2>&1 </dev/null &
pid=$!
sock=$home/run/libvirt/virtstoraged-sock
for _ in $(seq 600); do
  [[ -S $sock ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [[ ! -S $sock ]]; then
  echo "aot-train: the daemon did not start; no AOT cache (see $log)"
  exit 0
fi

uri="storage:///session?socket=$sock"
if command -v virsh >/dev/null; then
  v() { virsh -q -c "$uri" "$@" >>"$log" 2>&1; }
  pool=$home/pool
  mkdir -p "$pool"
  head -c 1048576 /dev/urandom >"$home/data"
  v pool-list --all
  v pool-define-as aot dir --target "$pool"
  v pool-build aot
  v pool-start aot
  v pool-autostart aot
  v pool-info aot
  v pool-dumpxml aot
  v vol-create-as aot raw.img 4M --format raw
  command -v qemu-img >/dev/null && v vol-create-as aot disk.qcow2 8M --format qcow2
  v vol-list aot --details
  v vol-info raw.img --pool aot
  v vol-dumpxml raw.img --pool aot
  v vol-path raw.img --pool aot
  v vol-upload raw.img "$home/data" --pool aot
  v vol-download raw.img "$home/back" --pool aot
  v vol-resize raw.img 8M --pool aot
  v vol-clone raw.img copy.img --pool aot
  v vol-wipe copy.img --pool aot
  v vol-delete copy.img --pool aot
  v pool-refresh aot
  # the hot paths again and again, in one virsh: their method profiles (JEP 515) let the JIT compile them early
  # and once, instead of while the first few thousand calls of a new daemon are served
  many=
  for i in $(seq 300); do
    many="$many vol-create-as aot many$i.img 1M --format raw; vol-info many$i.img --pool aot;"
    many="$many vol-dumpxml many$i.img --pool aot; pool-info aot;"
  done
  for i in $(seq 300); do many="$many vol-delete many$i.img --pool aot;"; done
  v "$many pool-refresh aot"
  v pool-list --all --details
  v vol-delete raw.img --pool aot
  v pool-destroy aot
  v pool-undefine aot
  v pool-list --all
  command -v virt-admin >/dev/null && virt-admin -q -c "virtstoraged:///session?socket=$home/run/libvirt/virtstoraged-admin-sock" \
      srv-list >>"$log" 2>&1
else
  echo "aot-train: no virsh; the cache covers start-up only" >>"$log"
fi
kill -TERM "$pid"
wait "$pid"
pid=
cat "$home/aot.log" >>"$log" 2>/dev/null
if [[ ! -s $app/app.aot ]]; then
  echo "aot-train: no AOT cache was written (see $log)"
  exit 0
fi
virtstoraged_java_id "$VIRTSTORAGED_JAVA"
echo "$VIRTSTORAGED_JAVA_ID" >"$app/app.aot.jvm"
echo "aot-train: $app/app.aot ($(( $(stat -c %s "$app/app.aot") / 1048576 )) MiB, $(( $(date +%s) - started )) s) for $(cat "$app/app.aot.jvm")"
