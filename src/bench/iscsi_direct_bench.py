#!/usr/bin/python3
"""Benchmark of the iscsi-direct backend: our daemon against libvirt 9.0's libvirtd on one tgt target.

    /usr/bin/python3 src/bench/iscsi_direct_bench.py [--luns 8] [--reps 40] [--markdown FILE] [--keep]

Run as root. Starts tgt's tgtd on 127.0.0.1 with src/test/scripts/iscsi-target.sh (one target, no CHAP,
--luns disk LUNs: LUN 1 of 64 MiB, LUN 2 of 128 MiB, the others 16 MiB; LUN 0 is tgt's controller), both
daemons as in storage_bench.py, an iscsi-direct pool on the target in each (one after the other, never at
once), and times with python3-libvirt, the same calls on both:
  refresh   pool refresh of the pool (login, REPORT LUNS, per LUN TEST UNIT READY, INQUIRY and READ
            CAPACITY(16), logout); median of --reps after 5 untimed
  wipe      vol-wipe (zero) of LUN 1, 64 MiB; median of --reps // 8 (at least 3)
and prints one table: metric, ours, libvirtd, ratio (libvirtd's time over ours; > 1 is faster).
libvirtd needs its iscsi-direct backend (Debian: libvirt-daemon-driver-storage-iscsi-direct) installed
before it starts.
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
TARGET = os.path.join(REPO, "src", "test", "scripts", "iscsi-target.sh")
BACKEND = "/usr/lib/x86_64-linux-gnu/libvirt/storage-backend/libvirt_storage_backend_iscsi-direct.so"
INITIATOR = "iqn.2026-12.org.example:bench"


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise sb.BenchError("'%s' failed (%d): %s" % (" ".join(argv), r.returncode, r.stderr.strip()[-2000:]))
    return r.stdout


def start_target(base, luns):
    env = dict(os.environ, NO_CHAP="1", ISCSI_LUNS=str(luns))
    out = run(["bash", TARGET, "start", os.path.join(base, "target")], env=env)
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def pool_xml(portal, iqn):
    port = portal.rsplit(":", 1)[1]
    return ("<pool type='iscsi-direct'><name>bench</name><source><host name='127.0.0.1' port='%s'/>"
            "<device path='%s'/><initiator><iqn name='%s'/></initiator></source></pool>" % (port, iqn, INITIATOR))


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def measure(conn, target, luns, reps):
    pool = conn.storagePoolCreateXML(pool_xml(target["PORTAL"], target["IQN"]), 0)
    try:
        found = len(pool.listAllVolumes(0))
        if found != luns + 1:
            raise sb.BenchError("expected %d volumes (the LUNs and tgt's LUN 0), found %d" % (luns + 1, found))
        # untimed calls first: a JIT compiles the path after some calls, which a C daemon does not need
        for _ in range(5):
            pool.refresh(0)
        fig = {"refresh": statistics.median(timed(lambda: pool.refresh(0)) for _ in range(reps))}
        vol = pool.storageVolLookupByName("unit:0:0:1")
        fig["wipe"] = statistics.median(timed(lambda: vol.wipe(0)) for _ in range(max(3, reps // 8)))
        return fig
    finally:
        pool.destroy()


ROWS = [("refresh", "pool refresh (%d LUNs + LUN 0)"), ("wipe", "wipe (zero) of a 64 MiB LUN")]


def table(results, luns):
    lines = ["| metric | ours | libvirtd 9.0 | ratio (ours faster when > 1) |", "| --- | --- | --- | --- |"]
    for key, label in ROWS:
        o, r = results["ours"][key], results["libvirtd"][key]
        lines.append("| %s | %.4f s | %.4f s | %.2f |" % (label % luns if "%d" in label else label, o, r, r / o))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--luns", type=int, default=8)
    p.add_argument("--reps", type=int, default=40)
    p.add_argument("--dir", default="/var/tmp")
    p.add_argument("--markdown", metavar="FILE")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--jar", default=os.path.join(REPO, "target", "quarkus-app", "quarkus-run.jar"))
    p.add_argument("--launcher", default=os.path.join(REPO, "deploy", "virtstoraged"))
    p.add_argument("--ref-user", default="lvbench")
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("iscsi_direct_bench: run as root (tgtd runs as root)")
    if not os.path.exists(BACKEND):
        sys.exit("iscsi_direct_bench: libvirtd's iscsi-direct backend is missing: "
                 "apt-get install libvirt-daemon-driver-storage-iscsi-direct")
    base = tempfile.mkdtemp(prefix="virtstoraged-iscsi-direct-bench.", dir=args.dir)
    os.chmod(base, 0o755)
    ours = sb.Ours(os.path.join(base, "ours"), os.path.abspath(args.launcher), os.path.abspath(args.jar), "", "")
    ref = sb.Reference(os.path.join(base, "libvirtd"), args.ref_user, "libvirtd")
    started = []
    try:
        target = start_target(base, args.luns)
        results = {}
        for daemon in (ours, ref):
            daemon.start()
            started.append(daemon)
            conn = libvirt.open(daemon.uri)
            sb.log("measuring %s ..." % daemon.name)
            results[daemon.name] = measure(conn, target, args.luns, args.reps)
            conn.close()
        text = table(results, args.luns)
        print(text)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(text + "\n")
    finally:
        for d in started:
            d.stop()
        subprocess.run(["bash", TARGET, "stop", os.path.join(base, "target")], capture_output=True)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
