#!/usr/bin/python3
"""Benchmark of the gluster backend: our daemon against libvirt 9.0's libvirtd on one GlusterFS volume.

    /usr/bin/python3 src/bench/gluster_bench.py [--files 20] [--reps 3] [--markdown FILE] [--keep]

Run as root. Starts a single-brick GlusterFS volume on 127.0.0.1 with src/test/scripts/gluster-volume.sh,
mounts it through FUSE to make, in a directory per daemon, FILES raw files of 1 MiB and as many qcow2 files
backed by them, starts both daemons as storage_bench.py does, and times with python3-libvirt, the same calls
on a transient gluster pool on each daemon's directory, REPS times (median):
  start     storagePoolCreateXML (connect, list and probe every file, statvfs)
  refresh   pool refresh
  delete    one volume delete
  total     the three together, the sequence the issue names (libvirt's: ~30 s)
then the pool is destroyed (untimed); each run deletes another qcow2 file. Prints one table: metric, ours,
libvirtd, ratio (libvirtd's time over ours; > 1 is faster). libvirtd needs its gluster backend (Debian:
libvirt-daemon-driver-storage-gluster) installed before it starts.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import storage_bench as sb  # noqa: E402  (the daemons, started as the storage bench starts them)
from rbd_bench import run, timed  # noqa: E402
import libvirt  # noqa: E402

REPO = sb.REPO
VOLUME_SCRIPT = os.path.join(REPO, "src", "test", "scripts", "gluster-volume.sh")
GLUSTER_BACKEND = "/usr/lib/x86_64-linux-gnu/libvirt/storage-backend/libvirt_storage_backend_gluster.so"


def make_files(directory, n):
    os.makedirs(directory, exist_ok=True)
    os.chmod(directory, 0o777)
    for i in range(n):
        run(["qemu-img", "create", "-q", "-f", "raw", "base%03d.img" % i, "1M"], cwd=directory)
        run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", "base%03d.img" % i, "-F", "raw", "top%03d.qcow2" % i,
             "8M"], cwd=directory)


def pool_xml(host, volume, directory):
    return ("<pool type='gluster'><name>bench</name><source><host name='%s'/><name>%s</name><dir path='/%s'/>"
            "</source></pool>" % (host, volume, directory))


def measure(conn, xml, reps):
    fig = {"start": [], "refresh": [], "delete": [], "total": []}
    for rep in range(reps):
        holder = {}
        start = timed(lambda: holder.setdefault("pool", conn.storagePoolCreateXML(xml, 0)))
        pool = holder["pool"]
        refresh = timed(lambda: pool.refresh(0))
        # each run deletes another file: one made again at once through the FUSE mount can meet a stale handle
        vol = pool.storageVolLookupByName("top%03d.qcow2" % rep)
        delete = timed(lambda: vol.delete(0))
        pool.destroy()
        for key, value in (("start", start), ("refresh", refresh), ("delete", delete),
                           ("total", start + refresh + delete)):
            fig[key].append(value)
    return {key: statistics.median(values) for key, values in fig.items()}


ROWS = [("start", "pool start"), ("refresh", "pool refresh"), ("delete", "volume delete"),
        ("total", "start + refresh + delete")]


def table(results, files):
    lines = ["| metric (%d files: raw and qcow2 backed by them) | ours | libvirtd 9.0 | ratio (ours faster when > 1) |"
             % (2 * files), "| --- | --- | --- | --- |"]
    for key, label in ROWS:
        o, r = results["ours"][key], results["libvirtd"][key]
        lines.append("| %s | %.3f s | %.3f s | %.1f |" % (label, o, r, r / o))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, default=20)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--dir", default="/var/tmp")
    p.add_argument("--markdown", metavar="FILE")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--jar", default=os.path.join(REPO, "target", "quarkus-app", "quarkus-run.jar"))
    p.add_argument("--launcher", default=os.path.join(REPO, "deploy", "virtstoraged"))
    p.add_argument("--ref-user", default="lvbench")
    args = p.parse_args()
    if args.reps > args.files:
        sys.exit("gluster_bench: --reps may not exceed --files (each run deletes one file)")
    if os.geteuid() != 0:
        sys.exit("gluster_bench: run as root (glusterd and the FUSE mount)")
    if not os.path.exists(GLUSTER_BACKEND):
        sys.exit("gluster_bench: libvirtd's gluster backend is missing: "
                 "apt-get install libvirt-daemon-driver-storage-gluster")
    base = tempfile.mkdtemp(prefix="vsg-bench.", dir=args.dir)
    os.chmod(base, 0o755)
    volume_dir = os.path.join(base, "gluster")
    ours = sb.Ours(os.path.join(base, "ours"), os.path.abspath(args.launcher), os.path.abspath(args.jar), "", "")
    ref = sb.Reference(os.path.join(base, "libvirtd"), args.ref_user, "libvirtd")
    started = []
    try:
        env = dict(line.split("=", 1) for line in run(["bash", VOLUME_SCRIPT, "start", volume_dir]).splitlines()
                   if "=" in line)
        host, volume = env["GLUSTER_HOST"], env["GLUSTER_VOLUME"]
        mount = os.path.join(volume_dir, "mnt")
        os.makedirs(mount)
        run(["mount", "-t", "glusterfs", "-o", "log-file=/dev/null", "%s:/%s" % (host, volume), mount])
        results = {}
        for daemon in (ours, ref):
            directory = daemon.name
            make_files(os.path.join(mount, directory), args.files)
            daemon.start()
            started.append(daemon)
            conn = libvirt.open(daemon.uri)
            sb.log("measuring %s ..." % daemon.name)
            results[daemon.name] = measure(conn, pool_xml(host, volume, directory), args.reps)
            conn.close()
        text = table(results, args.files)
        print(text)
        if args.markdown:
            with open(args.markdown, "w") as f:
                f.write(text + "\n")
    finally:
        for d in started:
            d.stop()
        subprocess.run(["bash", VOLUME_SCRIPT, "stop", volume_dir], capture_output=True)
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
