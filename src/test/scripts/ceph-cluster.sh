#!/usr/bin/env bash
# A throw-away Ceph 16.2 cluster for the rbd pool tests: one mon, one mgr and one memstore OSD, all on
# 127.0.0.1, everything (data, logs, pid files, keys) under DIR, an RBD pool 'rbdpool', cephx on.
# Usage: ceph-cluster.sh start DIR    prints, and writes to DIR/cluster.env:
#          CEPH_CONF=  MON_HOST=127.0.0.1:PORT  MON_PORT=  KEYRING=  ADMIN_KEY=<client.admin's base64
#          cephx key, empty without cephx>  FSID=  POOL=rbdpool  AUTH=cephx|none  START_SECONDS=
#        ceph-cluster.sh stop DIR     kills only the daemons whose pid files are under DIR; removes DIR
#        ceph-cluster.sh status DIR   prints DIR/cluster.env, the daemons' pids and 'ceph -s'
# Environment: CEPH_AUTH=none (no cephx), CEPH_PORT (default: a free port in 20000..31999; never the
#              default ports 3300/6789, so that no system cluster is ever reached), CEPH_WAIT (s, 120).
# Root needed. Installs nothing (CI's .ci/run does): a missing binary fails naming its Debian package.
# Why this shape:
# - the mon binds msgr2 only; libvirt hands librados "127.0.0.1:PORT" (from <host name= port=>), which
#   librados speaks msgr2 to unless PORT is 6789;
# - the mgr is needed for statistics: without it rados_cluster_stat()/pool stats (libvirt's pool
#   capacity, allocation, available) read 0;
# - memstore keeps the data in the OSD's memory: nothing to allocate on disk, mkfs is instant;
# - one librados session in python3 does the setup (each 'ceph' CLI call costs ~0.3 s).
set -euo pipefail
die() { echo "ceph-cluster.sh: $*" >&2; exit 1; }
[[ $# == 2 && $1 =~ ^(start|stop|status)$ ]] || die "usage: ceph-cluster.sh start|stop|status DIR"
cmd=$1

# pids named by DIR/run/*.pid that still run with our ceph.conf (a stale pid file names someone else)
our_pids() {
  local f pid
  for f in "$DIR"/run/*.pid; do
    [[ -f $f ]] && pid=$(<"$f") && [[ $pid =~ ^[0-9]+$ ]] || continue
    tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$DIR/ceph.conf" && echo "$pid"
  done
  return 0
}

kill_ours() {
  local pids; pids=$(our_pids)
  [[ -n $pids ]] || return 0
  kill -KILL $pids 2>/dev/null || true   # the data is thrown away; SIGTERM makes the OSD linger ~5 s
  for _ in $(seq 100); do                # until exited (a zombie has released its ports already)
    local alive=
    for p in $pids; do [[ $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) =~ ^[^Z]$ ]] && alive=1; done
    [[ -z $alive ]] && return 0
    sleep 0.05
  done
  echo "ceph-cluster.sh: pids" $pids "still alive after 5 s" >&2
}

port_free() {   # nothing listens on TCP port $1, IPv4 or IPv6
  ! awk -v h=":$(printf '%04X' "$1")" 'NR>1 && $4=="0A" && substr($2, length($2)-4)==h {f=1} END {exit !f}' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

if [[ $cmd == stop ]]; then
  [[ -e $2 ]] || exit 0
  DIR=$(readlink -f "$2")
  [[ -f $DIR/.ceph-cluster ]] || die "$DIR holds no cluster of this script; not touching it"
  kill_ours
  rm -rf "${DIR:?}"
  exit 0
fi
if [[ $cmd == status ]]; then
  DIR=$(readlink -f "$2")
  [[ -f $DIR/cluster.env ]] || die "no cluster under $DIR"
  cat "$DIR/cluster.env"
  echo "PIDS=$(our_pids | tr '\n' ' ')"
  exec timeout 15 ceph -c "$DIR/ceph.conf" --connect-timeout 10 -s
fi

t0=$(date +%s.%N)
[[ $(id -u) == 0 ]] || die "must run as root"
for b in ceph-mon:ceph-mon ceph-osd:ceph-osd ceph-mgr:ceph-mgr ceph-authtool:ceph-common \
         monmaptool:ceph-common ceph:ceph-common rbd:ceph-common; do
  command -v "${b%%:*}" >/dev/null || die "${b%%:*} is missing: apt-get install ${b#*:}"
done
/usr/bin/python3 -c 'import rados, rbd' 2>/dev/null || die "python3's rados/rbd are missing: apt-get install python3-rados python3-rbd"
AUTH=${CEPH_AUTH:-cephx}; [[ $AUTH =~ ^(cephx|none)$ ]] || die "CEPH_AUTH must be cephx or none"
mkdir -p "$2"; DIR=$(readlink -f "$2")
if [[ -f $DIR/.ceph-cluster ]]; then kill_ours; rm -rf "${DIR:?}"; mkdir -p "$DIR"; fi   # start afresh
[[ -z $(ls -A "$DIR") ]] || die "$DIR is not empty and holds no cluster of this script"
touch "$DIR/.ceph-cluster"
trap 'rc=$?; ((rc == 0)) || kill_ours; exit $rc' EXIT    # a failed start leaves DIR (its logs) only
if [[ -n ${CEPH_PORT:-} ]]; then
  PORT=$CEPH_PORT
  [[ $PORT != 6789 && $PORT != 3300 ]] || die "CEPH_PORT must not be a default Ceph port"
  port_free "$PORT" || die "port $PORT is in use"
else
  PORT=
  for _ in $(seq 50); do p=$((20000 + RANDOM % 12000)); port_free "$p" && { PORT=$p; break; }; done
  [[ -n $PORT ]] || die "no free port found"
fi
FSID=$(</proc/sys/kernel/random/uuid)
CONF=$DIR/ceph.conf KEYRING=$DIR/ceph.client.admin.keyring
mkdir -p "$DIR"/{mon,osd,mgr,run,log,crash}
daemon_conf() {   # the per-daemon section: everything under DIR
  printf '[%s]\n%s_data = %s\nkeyring = %s/keyring\nlog_file = %s/log/$name.log\n' "$1" "$1" "$DIR/$1" "$DIR/$1" "$DIR"
  printf 'admin_socket = %s/run/$name.asok\npid_file = %s/run/$name.pid\n' "$DIR" "$DIR"
}
{ cat <<EOF
# a single-node test cluster on 127.0.0.1 only, written by ceph-cluster.sh
[global]
fsid = $FSID
mon_host = [v2:127.0.0.1:$PORT]
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv6 = false
ms_bind_msgr1 = false
auth_cluster_required = $AUTH
auth_service_required = $AUTH
auth_client_required = $AUTH
auth_allow_insecure_global_id_reclaim = false
keyring = $KEYRING
run_dir = $DIR/run
crash_dir = $DIR/crash
mon_cluster_log_file = $DIR/log/cluster.log
# one OSD: size-1 pools, few PGs, no redundancy or disk-space warnings
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
mon_warn_on_pool_no_redundancy = false
mon_data_avail_warn = 2
mon_data_avail_crit = 0
paxos_propose_interval = 0.1
# statistics every second rather than every 5 s; no mgr module that serves HTTP
mgr_stats_period = 1
mgr_tick_period = 1
mon_mgr_digest_period = 1
mgr_initial_modules = iostat
mgr_disabled_modules = diskprediction_local,restful,dashboard,prometheus,influx,insights,zabbix,telegraf,alerts,k8sevents,cephadm,rook,test_orchestrator,selftest,localpool,mirroring,nfs,snap_schedule,mds_autoscaler
EOF
  daemon_conf mon; daemon_conf mgr; daemon_conf osd
  echo "osd_objectstore = memstore"
  echo "memstore_device_bytes = 4294967296"
  printf '[client]\nadmin_socket =\nlog_file =\n'
} >"$CONF"
# keys: the mon imports every key of the keyring given to its --mkfs
key() { ceph-authtool --create-keyring "$1" --gen-key -n "$2" "${@:3}" >/dev/null; }
key "$KEYRING" client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *'
key "$DIR/osd/keyring" osd.0 --cap mon 'allow profile osd' --cap mgr 'allow profile osd' --cap osd 'allow *'
key "$DIR/mgr/keyring" mgr.x --cap mon 'allow profile mgr' --cap osd 'allow *' --cap mds 'allow *'
key "$DIR/mon.keyring" mon. --cap mon 'allow *'
cat "$KEYRING" "$DIR/osd/keyring" "$DIR/mgr/keyring" >>"$DIR/mon.keyring"
chmod 644 "$KEYRING"   # an unprivileged test user may read it too
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$PORT]" "$DIR/monmap" >/dev/null
ceph-mon -c "$CONF" -i a --mkfs --monmap "$DIR/monmap" --keyring "$DIR/mon.keyring" >"$DIR/log/mon-mkfs.out" 2>&1 \
  || die "ceph-mon --mkfs failed; see $DIR/log/mon-mkfs.out"
rm -f "$DIR/mon.keyring" "$DIR/monmap"
# the daemons fork into the background once up (their pid files are DIR/run/*.pid)
timeout 30 ceph-mon -c "$CONF" -i a >"$DIR/log/mon.out" 2>&1 || die "ceph-mon failed; see $DIR/log"
timeout 30 ceph-mgr -c "$CONF" -i x >"$DIR/log/mgr.out" 2>&1 || die "ceph-mgr failed; see $DIR/log"
DIR=$DIR CONF=$CONF WAIT=${CEPH_WAIT:-120} timeout $((${CEPH_WAIT:-120} + 60)) /usr/bin/python3 - <<'EOF' \
  || die "the cluster did not come up; see $DIR/log"
import json, os, subprocess, sys, time
import rados, rbd
d, conf, wait = os.environ["DIR"], os.environ["CONF"], int(os.environ["WAIT"])
r = rados.Rados(conffile=conf, name="client.admin")
for k, v in [("client_mount_timeout", "20"), ("rados_mon_op_timeout", "30"), ("rados_osd_op_timeout", "30")]:
    r.conf_set(k, v)
r.connect(timeout=20)
def mon(**cmd):
    ret, out, err = r.mon_command(json.dumps(cmd), b"", timeout=30)
    if ret < 0:
        sys.exit("%s: %d %s" % (cmd["prefix"], ret, err))
    return out
def run(log, *args):
    with open(os.path.join(d, "log", log), "w") as f:
        if subprocess.call(["ceph-osd", "-c", conf, "-i", "0"] + list(args), stdout=f, stderr=f, timeout=60):
            sys.exit("ceph-osd %s failed; see %s/log/%s" % (" ".join(args), d, log))
# devicehealth (always on) would otherwise create a pool of its own
mon(prefix="config set", who="mgr", name="mgr/devicehealth/enable_monitoring", value="false", force=True)
uuid = open("/proc/sys/kernel/random/uuid").read().strip()
if mon(prefix="osd new", uuid=uuid).decode().strip() != "0":
    sys.exit("the OSD did not get id 0")
run("osd-mkfs.out", "--mkfs", "--osd-uuid", uuid)
run("osd.out")
mon(prefix="osd pool create", pool="rbdpool", pg_num=8, pgp_num=8, pool_type="replicated")
io = r.open_ioctx("rbdpool")
rbd.RBD().pool_init(io, False)   # = 'rbd pool init rbdpool'
io.close()
# ready: all PGs active+clean, the OSD up, the mgr serving statistics
deadline, state = time.time() + wait, ""
while True:
    st = json.loads(mon(prefix="status", format="json"))
    pgs, osds = st.get("pgmap", {}), st.get("osdmap", {})
    n = pgs.get("num_pgs", 0)
    clean = sum(s["count"] for s in pgs.get("pgs_by_state", []) if s["state_name"] == "active+clean")
    if (n > 0 and clean == n and osds.get("num_up_osds") == 1 and st.get("mgrmap", {}).get("available")
            and r.get_cluster_stats()["kb"] > 0):
        break
    state = "%d/%d PGs active+clean, %s OSDs up" % (clean, n, osds.get("num_up_osds"))
    if time.time() > deadline:
        sys.exit("not ready after %d s: %s" % (wait, state))
    time.sleep(0.25)
r.shutdown()
EOF
KEY=; [[ $AUTH == none ]] || KEY=$(ceph-authtool -p -n client.admin "$KEYRING")
cat >"$DIR/cluster.env" <<EOF
CEPH_CONF=$CONF
MON_HOST=127.0.0.1:$PORT
MON_PORT=$PORT
KEYRING=$KEYRING
ADMIN_KEY=$KEY
FSID=$FSID
POOL=rbdpool
AUTH=$AUTH
START_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
EOF
trap - EXIT
cat "$DIR/cluster.env"
