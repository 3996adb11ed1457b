#!/usr/bin/python3
"""Benchmark of the rbd backend: our daemon against libvirt 9.0's libvirtd on one throw-away Ceph cluster.

    /usr/bin/python3 src/bench/rbd_bench.py [--volumes 200] [--reps 5] [--markdown FILE] [--keep]

Run as root. Starts a Ceph cluster on 127.0.0.1 with src/test/scripts/ceph-cluster.sh (auth none, so that
neither daemon needs a secret daemon; cephx would add a handshake to each of libvirt's connects), a second
RADOS pool so that each daemon has its own, both daemons as in storage_bench.py, an rbd pool in each, and
times with python3-libvirt, the same calls on both:
  creates   N volume creates of 1 MiB, one after another (volumes per second)
  list      listAllVolumes of the pool of N volumes (median of 20 after 50 untimed)
  refresh   pool refresh of the pool of N images (median of --reps)
  clone     createXMLFrom of a 64 MiB volume (median of --reps; each clone deleted untimed)
  deletes   the N volumes deleted one after another (volumes per second)
and prints one table: metric, ours, libvirtd, ratio (ours' throughput over libvirtd's; > 1 is faster).
libvirtd needs its rbd backend (Debian: libvirt-daemon-driver-storage-rbd) installed before it starts.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storage_bench as sb  # noqa: E402  (the daemons, started as the storage bench starts them)
import libvirt  # noqa: E402

REPO = sb.REPO
CLUSTER = os.path.join(REPO, "src", "test", "scripts", "ceph-cluster.sh")
RBD_BACKEND = "/usr/lib/x86_64-linux-gnu/libvirt/storage-backend/libvirt_storage_backend_rbd.so"
MiB = 1024 * 1024


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise sb.BenchError("'%s' failed (%d): %s" % (" ".join(argv), r.returncode, r.stderr.strip()[-2000:]))
    return r.stdout


def start_cluster(base):
    env = dict(os.environ, CEPH_AUTH="none")
    out = run(["bash", CLUSTER, "start", os.path.join(base, "ceph")], env=env)
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    conf = values["CEPH_CONF"]
    # the reference gets a RADOS pool of its own, so that neither daemon sees the other's images
    run(["ceph", "-c", conf, "osd", "pool", "create", "rbdref", "8"])
    run(["rbd", "-c", conf, "pool", "init", "rbdref"])
    return values


def pool_xml(rados_pool, port):
    return ("<pool type='rbd'><name>bench</name><source><name>%s</name><host name='127.0.0.1' port='%s'/>"
            "</source></pool>" % (rados_pool, port))


def vol_xml(name, size):
    return ("<volume><name>%s</name><capacity unit='bytes'>%d</capacity><target><format type='raw'/></target>"
            "</volume>" % (name, size))


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def measure(conn, rados_pool, port, n, reps):
    pool = conn.storagePoolCreateXML(pool_xml(rados_pool, port), 0)
    fig = {}
    names = ["v%04d" % i for i in range(n)]
    fig["creates"] = n / timed(lambda: [pool.createXML(vol_xml(x, MiB), 0) for x in names])
    # untimed calls first, as the storage bench's lookups have a warm-up: a JIT compiles the path after some
    # calls, which a C daemon does not need
    for _ in range(50):
        pool.listAllVolumes(0)
    fig["list"] = statistics.median(timed(lambda: pool.listAllVolumes(0)) for _ in range(max(reps, 20)))
    fig["refresh"] = statistics.median(timed(lambda: pool.refresh(0)) for _ in range(reps))
    source = pool.createXML(vol_xml("source", 64 * MiB), 0)
    clones = []
    for i in range(reps):
        xml = vol_xml("clone%d" % i, 64 * MiB)
        clones.append(timed(lambda: pool.createXMLFrom(xml, source, 0)))
        pool.storageVolLookupByName("clone%d" % i).delete(0)
    fig["clone"] = statistics.median(clones)
    vols = [pool.storageVolLookupByName(x) for x in names]
    fig["deletes"] = n / timed(lambda: [v.delete(0) for v in vols])
    source.delete(libvirt.VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS)
    pool.destroy()
    return fig


ROWS = [("creates", "volume creates", "vol/s", True), ("list", "list of the volumes", "s", False),
        ("refresh", "pool refresh", "s", False), ("clone", "clone (createXMLFrom)", "s", False),
        ("deletes", "volume deletes", "vol/s", True)]


def table(results, n):
    lines = ["| metric (%d volumes) | ours | libvirtd 9.0 | ratio (ours faster when > 1) |" % n,
             "| --- | --- | --- | --- |"]
    for key, label, unit, higher_better in ROWS:
        o, r = results["ours"][key], results["libvirtd"][key]
        ratio = o / r if higher_better else r / o
        fmt = "%.1f %s" if unit == "vol/s" else "%.4f %s"
        lines.append("| %s | %s | %s | %.2f |" % (label, fmt % (o, unit), fmt % (r, unit), ratio))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--volumes", type=int, default=200)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--dir", default="/var/tmp")
    p.add_argument("--markdown", metavar="FILE")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--jar", default=os.path.join(REPO, "target", "quarkus-app", "quarkus-run.jar"))
    p.add_argument("--launcher", default=os.path.join(REPO, "deploy", "virtstoraged"))
    p.add_argument("--ref-user", default="lvbench")
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("rbd_bench: run as root (the Ceph cluster's daemons run as root)")
    if not os.path.exists(RBD_BACKEND):
        sys.exit("rbd_bench: libvirtd's rbd backend is missing: apt-get install libvirt-daemon-driver-storage-rbd")
    base = tempfile.mkdtemp(prefix="virtstoraged-rbd-bench.", dir=args.dir)
    os.chmod(base, 0o755)
    ours = sb.Ours(os.path.join(base, "ours"), os.path.abspath(args.launcher), os.path.abspath(args.jar), "", "")
    ref = sb.Reference(os.path.join(base, "libvirtd"), args.ref_user, "libvirtd")
    started = []
    try:
        cluster = start_cluster(base)
        port = cluster["MON_PORT"]
        results = {}
        for daemon, rados_pool in ((ours, "rbdpool"), (ref, "rbdref")):
            daemon.start()
            started.append(daemon)
            conn = libvirt.open(daemon.uri)
            sb.log("measuring %s ..." % daemon.name)
            results[daemon.name] = measure(conn, rados_pool, port, args.volumes, args.reps)
            conn.close()
        text = table(results, args.volumes)
        print(text)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(text + "\n")
    finally:
        for d in started:
            d.stop()
        subprocess.run(["bash", CLUSTER, "stop", os.path.join(base, "ceph")], capture_output=True)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
