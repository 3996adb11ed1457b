#!/usr/bin/env bash
# Runs one virsh scenario against a storage daemon running as root in SYSTEM mode inside a private mount
# namespace (unshare -m): tmpfs over /run/libvirt, /etc/libvirt, /var/lib/libvirt, /var/cache/libvirt and
# /var/log/libvirt, so that neither the daemon's state nor its mounts (pool-start of fs pools) touch the host.
# The scenario runner (virsh_scenario.py) runs inside the same namespace, so its !sh lines see the pool mounts.
# Prints the normalized transcript on stdout. Run as root.
#
# Usage: run-system.sh libvirtd SCENARIO BASE          the reference: libvirt 9.0's libvirtd (Debian package)
#        run-system.sh JAR SCENARIO BASE               ours: java -jar JAR (target/quarkus-app/quarkus-run.jar)
# BASE is a fresh /tmp/vscen.XXXXXXXX directory (see ../README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemon=${1:?usage: run-system.sh libvirtd|JAR SCENARIO BASE}
scenario=$(readlink -f "${2:?scenario}")
base=${3:?base}
(( EUID == 0 )) || { echo "run-system.sh: must run as root" >&2; exit 2; }
[[ $daemon == libvirtd ]] || daemon=$(readlink -f "$daemon")
java=${JAVA:-java}
export here daemon scenario base java
exec unshare -m --propagation private bash -c '
set -euo pipefail
for d in /run/libvirt /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
  mkdir -p "$d"; mount -t tmpfs -o mode=0755 tmpfs "$d"
done
log=$(mktemp /tmp/vscen-daemon.XXXXXXXX)
if [[ $daemon == libvirtd ]]; then
  sock=/run/libvirt/libvirt-sock
  libvirtd --timeout 0 -d -p /run/libvirt/libvirtd.pid >"$log" 2>&1
  pidfile=/run/libvirt/libvirtd.pid
else
  sock=/run/libvirt/virtstoraged-sock
  VIRTSTORAGED_MODE=system setsid "$java" -jar "$daemon" -p /run/libvirt/virtstoraged.pid >"$log" 2>&1 </dev/null &
  pidfile=/run/libvirt/virtstoraged.pid
fi
for _ in $(seq 600); do [[ -S $sock ]] && break; sleep 0.1; done
[[ -S $sock ]] || { echo "the daemon did not start:" >&2; cat "$log" >&2; exit 1; }
rc=0
/usr/bin/python3 "$here/../virsh_scenario.py" --uri "storage:///system?socket=$sock" --base "$base" "$scenario" || rc=$?
pid=$(cat "$pidfile" 2>/dev/null || true)
if [[ -n $pid ]]; then
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
if (( rc != 0 )); then echo "daemon log:" >&2; cat "$log" >&2; fi
rm -f "$log"
exit $rc
'
