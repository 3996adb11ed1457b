#!/usr/bin/python3
"""Benchmark: our daemon (virtstoraged-java) against libvirt 9.0's libvirtd, same run, same client.

Starts both daemons as session daemons in a fresh directory, drives both with python3-libvirt in
exactly the same way, and prints one table: metric, ours, libvirtd, ratio ours/libvirt.

    /usr/bin/python3 src/bench/storage_bench.py [--quick]
        [--only startup,create,refresh,upload,download,lookups,connect,isolation,rss]
                                                [--markdown FILE] [--json FILE] [--dir DIR] ...

Run it as root (libvirtd is then run as an unprivileged user, created when missing, see --ref-user)
or as an ordinary user (both daemons then run as that user). See docs/benchmarks.md.
"""

import argparse
import datetime
import json
import math
import multiprocessing
import os
import platform
import pwd
import grp
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

try:
    import libvirt
except ImportError:
    sys.exit("python3-libvirt is not importable by %s.\n"
             "Install it (Debian: apt-get install python3-libvirt) and run the bench with /usr/bin/python3 "
             "(a pyenv or venv python3 earlier on PATH does not see Debian's python3-libvirt)." % sys.executable)

MiB = 1024 * 1024
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PHASES = ["startup", "create", "refresh", "upload", "download", "lookups", "connect", "isolation", "rss"]
POOL = "benchpool"
LOOKUP_VOL = "lookup.raw"
DENSE_VOL = "dense.raw"
SPARSE_VOL = "sparse.raw"
UPLOAD_VOL = "upload.raw"

# libvirt prints every error to stderr by default; we report them ourselves
libvirt.registerErrorHandler(lambda _ctx, _err: None, None)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ----------------------------------------------------------------------------------------------------
# Test data: a 16 MiB random pattern repeated; the sparse layout is 32 extents, each starting with
# 1/32 of its length as data and the rest a hole (1 MiB of data every 32 MiB for a 1 GiB volume).

PATTERN_LEN = 16 * MiB
_pattern = os.urandom(PATTERN_LEN)
_pattern_ext = _pattern + _pattern[:MiB]


def data_at(offset, n):
    """The bytes of the test data at volume offset `offset` (n <= 1 MiB)."""
    start = offset % PATTERN_LEN
    return _pattern_ext[start:start + n]


def sparse_extents(size):
    """[(offset, length, is_data)] covering [0, size)."""
    period = size // 32
    data = period // 32
    out = []
    for i in range(32):
        out.append((i * period, data, True))
        out.append((i * period + data, period - data, False))
    return out


def sparse_data_bytes(size):
    return sum(length for _, length, d in sparse_extents(size) if d)


def fill_dense(path, size):
    with open(path, "r+b") as f:
        off = 0
        while off < size:
            n = min(PATTERN_LEN, size - off)
            f.write(_pattern[:n])
            off += n
        f.truncate(size)
        f.flush()
        os.fsync(f.fileno())


def fill_sparse(path, size):
    with open(path, "r+b") as f:
        f.truncate(0)
        f.truncate(size)
        for off, length, is_data in sparse_extents(size):
            if is_data:
                f.seek(off)
                pos = off
                while pos < off + length:
                    n = min(MiB, off + length - pos)
                    f.write(data_at(pos, n))
                    pos += n
        f.flush()
        os.fsync(f.fileno())


def verify_file(path, size, sparse):
    """Checks an uploaded volume on disk at sampled offsets; returns None or a problem description."""
    st = os.stat(path)
    if st.st_size != size:
        return "volume is %d bytes after upload, expected %d" % (st.st_size, size)
    probes = []
    if sparse:
        for off, length, is_data in sparse_extents(size)[::7]:
            probes.append((off, min(4096, length), is_data))
            probes.append((off + length - min(4096, length), min(4096, length), is_data))
    else:
        step = size // 16
        probes = [(i * step + 12345, 4096, True) for i in range(16)] + [(size - 4096, 4096, True)]
    with open(path, "rb") as f:
        for off, n, is_data in probes:
            f.seek(off)
            got = f.read(n)
            want = data_at(off, n) if is_data else bytes(n)
            if got != want:
                return "uploaded data differs from the source at offset %d" % off
    return None


# ----------------------------------------------------------------------------------------------------
# Process information


def proc_status(pid):
    """VmRSS and VmHWM of pid in MiB."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, val = line.split(":", 1)
                out[key] = int(val.split()[0]) / 1024.0
    return out


def proc_cpu_seconds(pid):
    """User+system CPU of pid and of its children it has waited for (tools the daemons run, such as
    qemu-img, count as the daemon's work too)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def run_out(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def wait_for_socket(path, proc, logfile, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if os.path.exists(path):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return
            except OSError:
                pass
            finally:
                s.close()
        if proc.poll() is not None:
            raise BenchError("%s exited with status %s before its socket appeared; its log %s ends:\n%s"
                             % (what, proc.returncode, logfile, tail(logfile)))
        time.sleep(0.05)
    raise BenchError("%s: socket %s did not appear within %ds; its log %s ends:\n%s"
                     % (what, path, seconds, logfile, tail(logfile)))


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


# ----------------------------------------------------------------------------------------------------
# The two daemons


class Daemon:
    name = "?"
    uid = None
    gid = None

    def __init__(self, home):
        self.home = home
        self.proc = None
        self.logfile = os.path.join(home, "daemon.log")
        self.pool_dir = os.path.join(home, "pool")

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.alive():
            self.proc.kill()

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Ours(Daemon):
    name = "ours"

    def __init__(self, home, launcher, jar, java, java_opts):
        super().__init__(home)
        self.launcher, self.jar, self.java, self.java_opts = launcher, jar, java, java_opts
        self.run_dir = os.path.join(home, "run")
        self.socket = os.path.join(self.run_dir, "libvirt", "virtstoraged-sock")
        self.uri = "storage:///session?socket=" + self.socket

    def prepare(self):
        if not os.path.isfile(self.jar):
            raise BenchError("our daemon is not built: %s is missing.\nBuild it first: cd %s && src/tools/mvn "
                             "-DskipTests package" % (self.jar, REPO))
        os.makedirs(self.run_dir, mode=0o700, exist_ok=True)
        os.makedirs(os.path.join(self.home, "config"), exist_ok=True)
        os.makedirs(self.pool_dir, exist_ok=True)

    def spawn(self):
        """The installed launcher (deploy/virtstoraged) with the built application as its home: the JDK it
        finds, its JVM options and AOT cache are what a user gets. It execs the JVM, so self.proc.pid is the
        JVM whose RSS we read."""
        env = dict(os.environ, XDG_RUNTIME_DIR=self.run_dir, XDG_CONFIG_HOME=os.path.join(self.home, "config"),
                   HOME=self.home, VIRTSTORAGED_MODE="session", VIRTSTORAGED_HOME=os.path.dirname(self.jar))
        if self.java:
            env["VIRTSTORAGED_JAVA"] = self.java
        if self.java_opts:
            env["VIRTSTORAGED_JAVA_OPTS"] = self.java_opts
        with open(self.logfile, "ab") as out:
            self.proc = subprocess.Popen([self.launcher], env=env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)

    def start(self):
        self.prepare()
        self.spawn()
        wait_for_socket(self.socket, self.proc, self.logfile, 90, "our daemon (%s)" % self.launcher)

    def version(self):
        head = run_out(["git", "-C", REPO, "rev-parse", "--short", "HEAD"])
        dirty = run_out(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"])
        java = run_out(["sh", "-c", 'readlink -f /proc/%d/exe' % self.pid]) if self.alive() else ""
        release = ""
        if java:
            try:
                with open(os.path.join(os.path.dirname(os.path.dirname(java)), "release")) as f:
                    release = next((l.split("=", 1)[1].strip().strip('"') for l in f
                                    if l.startswith("JAVA_RUNTIME_VERSION=")), "")
            except OSError:
                pass
        return "virtstoraged-java %s%s on %s %s" % (head or "?", "+changes" if dirty else "", java or "java ?",
                                                    release)


class Reference(Daemon):
    """libvirt 9.0's libvirtd as an unprivileged session daemon with its own XDG directories."""
    name = "libvirtd"

    def __init__(self, home, user, libvirtd):
        super().__init__(home)
        self.user, self.libvirtd = user, libvirtd
        self.run_dir = os.path.join(home, "run")
        self.socket = os.path.join(self.run_dir, "libvirt", "libvirt-sock")
        self.uri = "storage:///session?socket=" + self.socket

    def ensure_installed(self):
        if shutil.which(self.libvirtd):
            return
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise BenchError("libvirtd is not installed. Install libvirt 9.0's daemon (Debian 12: "
                             "apt-get install --no-install-recommends libvirt-daemon libvirt-clients) "
                             "or run the bench as root on Debian to have it installed.")
        log("installing Debian's libvirt-daemon and libvirt-clients ...")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for argv in (["apt-get", "update", "-qq"],
                     ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "libvirt-daemon", "libvirt-clients"]):
            r = subprocess.run(argv, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                raise BenchError("'%s' failed (%d):\n%s" % (" ".join(argv), r.returncode, r.stderr[-2000:]))
        if not shutil.which(self.libvirtd):
            raise BenchError("libvirt-daemon was installed but there is still no %s" % self.libvirtd)

    def ensure_user(self):
        if os.geteuid() != 0:
            self.uid, self.gid = os.getuid(), os.getgid()
            return
        # libvirtd's QEMU driver refuses to start when these accounts are missing
        def run(argv):
            r = subprocess.run(argv, capture_output=True, text=True)
            if r.returncode != 0:
                raise BenchError("'%s' failed: %s" % (" ".join(argv), r.stderr.strip()))
        if not _exists(grp.getgrnam, "kvm"):
            run(["groupadd", "-r", "kvm"])
        if not _exists(pwd.getpwnam, "libvirt-qemu"):
            if not _exists(grp.getgrnam, "libvirt-qemu"):
                run(["groupadd", "-r", "libvirt-qemu"])
            run(["useradd", "-r", "-g", "libvirt-qemu", "-G", "kvm", "libvirt-qemu"])
        if not _exists(pwd.getpwnam, self.user):
            log("creating the unprivileged user '%s' that runs libvirtd ..." % self.user)
            run(["useradd", "-m", "-s", "/usr/sbin/nologin", self.user])
        pw = pwd.getpwnam(self.user)
        if pw.pw_uid == 0:
            raise BenchError("--ref-user must not be root: libvirtd would run as the system daemon")
        self.uid, self.gid = pw.pw_uid, pw.pw_gid

    def prepare(self):
        self.ensure_installed()
        self.ensure_user()
        for d in ("run", "config", "cache", "pool"):
            os.makedirs(os.path.join(self.home, d), exist_ok=True)
        os.chmod(self.run_dir, 0o700)
        for root, dirs, files in os.walk(self.home):
            for p in [root] + [os.path.join(root, x) for x in dirs + files]:
                os.chown(p, self.uid, self.gid)
        # every directory above the pool must be traversable by that user
        r = subprocess.run(["test", "-w", self.pool_dir], **self.as_user())
        if r.returncode != 0:
            raise BenchError("user %s cannot write %s: choose a --dir whose parents are world-traversable "
                             "(e.g. /var/tmp)" % (self.user, self.pool_dir))

    def as_user(self):
        return dict(user=self.uid, group=self.gid, extra_groups=[]) if os.geteuid() == 0 else {}

    def spawn(self):
        pw = pwd.getpwuid(self.uid)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": pw.pw_dir, "USER": pw.pw_name, "LOGNAME": pw.pw_name,
               "XDG_RUNTIME_DIR": self.run_dir, "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
               "XDG_CACHE_HOME": os.path.join(self.home, "cache"), "LANG": "C"}
        self.argv = [shutil.which(self.libvirtd), "--timeout", "0", "-p", os.path.join(self.home, "libvirtd.pid")]
        with open(self.logfile, "ab") as out:
            self.proc = subprocess.Popen(self.argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=self.home,
                                         stdin=subprocess.DEVNULL, start_new_session=True, **self.as_user())

    def start(self):
        self.prepare()
        self.spawn()
        wait_for_socket(self.socket, self.proc, self.logfile, 60, "libvirtd (%s)" % " ".join(self.argv))

    def version(self):
        return run_out([self.libvirtd, "--version"]) + " as user " + pwd.getpwuid(self.uid).pw_name


def _exists(getter, name):
    try:
        getter(name)
        return True
    except KeyError:
        return False


# ----------------------------------------------------------------------------------------------------
# Set-up through the API: a transient dir pool with the benchmark's volumes


def vol_xml(name, size):
    return ("<volume><name>%s</name><capacity unit='bytes'>%d</capacity><allocation unit='bytes'>0</allocation>"
            "<target><format type='raw'/></target></volume>" % (name, size))


def setup_pool(daemon, size, phases):
    conn = libvirt.open(daemon.uri)
    try:
        pool = conn.storagePoolCreateXML(
            "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>" % (POOL, daemon.pool_dir), 0)
        pool.createXML(vol_xml(LOOKUP_VOL, MiB), 0)
        if "download" in phases:
            for name, fill in ((DENSE_VOL, fill_dense), (SPARSE_VOL, fill_sparse)):
                vol = pool.createXML(vol_xml(name, size), 0)
                fill(vol.path(), size)  # written by the bench directly, so download needs no upload
            pool.refresh(0)
    finally:
        conn.close()


def teardown_pool(daemon):
    try:
        conn = libvirt.open(daemon.uri)
        try:
            pool = conn.storagePoolLookupByName(POOL)
            for name in pool.listVolumes():
                try:
                    pool.storageVolLookupByName(name).delete(0)
                except libvirt.libvirtError:
                    pass
            pool.destroy()
        finally:
            conn.close()
    except libvirt.libvirtError:
        pass


# ----------------------------------------------------------------------------------------------------
# Measurements. Each returns a number, or a string starting "not supported:" / "failed:".


class Watchdog:
    """Kills a daemon whose transfer hangs, so that the client call returns with an error."""

    def __init__(self, daemon, seconds):
        self.daemon, self.seconds, self.fired = daemon, seconds, False
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True

    def _fire(self):
        self.fired = True
        log("  %s: transfer exceeded %ds, killing that daemon" % (self.daemon.name, self.seconds))
        self.daemon.kill()

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.cancel()
        return False


def describe_error(e):
    return e.get_error_message() if isinstance(e, libvirt.libvirtError) and e.get_error_message() else str(e)


def transfer_once(daemon, direction, sparse, size, timeout):
    """One timed upload or download. Returns (seconds, daemon cpu seconds, note) or raises."""
    conn = libvirt.open(daemon.uri)
    try:
        pool = conn.storagePoolLookupByName(POOL)
        if direction == "upload":
            try:
                pool.storageVolLookupByName(UPLOAD_VOL).delete(0)
            except libvirt.libvirtError:
                pass
            vol = pool.createXML(vol_xml(UPLOAD_VOL, size), 0)
        else:
            vol = pool.storageVolLookupByName(SPARSE_VOL if sparse else DENSE_VOL)
        path = vol.path()
        os.sync()  # start every transfer with no dirty pages pending
        stream = conn.newStream(0)
        state = {"pos": 0, "data": 0, "holes": 0, "first_ok": None}
        started = False
        with Watchdog(daemon, timeout) as dog:
            cpu0 = proc_cpu_seconds(daemon.pid)
            t0 = time.perf_counter()
            try:
                if direction == "upload":
                    flags = libvirt.VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM if sparse else 0
                    try:
                        vol.upload(stream, 0, size, flags)
                    except libvirt.libvirtError as e:
                        raise Refused(describe_error(e))
                    started = True
                    if sparse:
                        extents = sparse_extents(size)

                        def hole_handler(_st, s):
                            for off, length, is_data in extents:
                                if off <= s["pos"] < off + length:
                                    return [is_data, off + length - s["pos"]]
                            return [True, 0]  # end of the volume

                        def skip_handler(_st, length, s):
                            s["pos"] += length
                            return s["pos"]

                        def send_handler(_st, nbytes, s):
                            buf = data_at(s["pos"], nbytes)
                            s["pos"] += len(buf)
                            return buf

                        stream.sparseSendAll(send_handler, hole_handler, skip_handler, state)
                    else:
                        def send_handler(_st, nbytes, s):
                            n = min(nbytes, size - s["pos"])
                            buf = data_at(s["pos"], n)
                            s["pos"] += n
                            return buf

                        stream.sendAll(send_handler, state)
                else:
                    flags = libvirt.VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM if sparse else 0
                    try:
                        vol.download(stream, 0, size, flags)
                    except libvirt.libvirtError as e:
                        raise Refused(describe_error(e))
                    started = True

                    def recv_handler(_st, buf, s):
                        if s["first_ok"] is None:
                            s["first_ok"] = buf == data_at(s["pos"], len(buf))
                        s["pos"] += len(buf)
                        s["data"] += len(buf)
                        return len(buf)

                    def hole_handler(_st, length, s):
                        s["pos"] += length
                        s["holes"] += length
                        return 0

                    if sparse:
                        stream.sparseRecvAll(recv_handler, hole_handler, state)
                    else:
                        stream.recvAll(recv_handler, state)
                stream.finish()
            except Refused:
                _abort(stream)
                raise
            except Exception as e:
                _abort(stream)
                if dog.fired:
                    raise BenchError("timed out after %ds" % timeout)
                raise BenchError(("stream failed: " if started else "") + describe_error(e))
            elapsed = time.perf_counter() - t0
            cpu = proc_cpu_seconds(daemon.pid) - cpu0
    finally:
        try:
            conn.close()
        except libvirt.libvirtError:
            pass
    note = ""
    if direction == "upload":
        problem = verify_file(path, size, sparse)
        if problem:
            raise BenchError("wrong result: " + problem)
        alloc = os.stat(path).st_blocks * 512
        if sparse and alloc > 2 * sparse_data_bytes(size):
            note = "target not sparse: %d MiB allocated" % (alloc // MiB)
    else:
        if state["pos"] != size:
            raise BenchError("wrong result: received %d bytes (data+holes), expected %d" % (state["pos"], size))
        if state["first_ok"] is False:
            raise BenchError("wrong result: the first received bytes differ from the volume's")
        if sparse and state["holes"] == 0:
            note = "no holes received (sent dense)"
    return elapsed, cpu, note


class Refused(Exception):
    pass


def _abort(stream):
    try:
        stream.abort()
    except Exception:
        pass


def measure_transfers(daemons, direction, reps, warmups, size, timeout, results, details):
    for sparse in (False, True):
        key = "%s %s" % (direction, "sparse" if sparse else "dense")
        best = {d.name: None for d in daemons}
        rates = {d.name: [] for d in daemons}
        outcome = {}
        # untimed rounds first, for both daemons alike: the JVM compiles its hot paths during its first
        # transfers, and both daemons' first transfers pay for memory the kernel has not handed out yet;
        # the very first figure is kept in the details as the cold one
        for w in range(warmups):
            for d in daemons:
                if not d.alive():
                    continue
                try:
                    elapsed, _cpu, _note = transfer_once(d, direction, sparse, size, timeout)
                except (Refused, BenchError, libvirt.libvirtError):
                    continue  # the timed rounds meet it again and report it
                rate = size / MiB / elapsed
                log("  %-8s %-16s warm-up %d: %8.1f MiB/s (not counted)" % (d.name, key, w + 1, rate))
                if w == 0:
                    details.setdefault(d.name, {})[key + " first transfer, cold (MiB/s)"] = round(rate, 1)
        for rep in range(reps):
            for d in daemons:  # interleaved: ours, libvirtd, ours, libvirtd, ...
                if d.name in outcome:
                    continue
                if not d.alive():
                    outcome[d.name] = "failed: daemon not running"
                    continue
                try:
                    elapsed, cpu, note = transfer_once(d, direction, sparse, size, timeout)
                except Refused as e:
                    outcome[d.name] = "not supported: %s" % e
                    log("  %-8s %-16s not supported: %s" % (d.name, key, e))
                    continue
                except (BenchError, libvirt.libvirtError) as e:
                    outcome[d.name] = "failed: %s" % describe_error(e)
                    log("  %-8s %-16s failed: %s" % (d.name, key, describe_error(e)))
                    continue
                rate = size / MiB / elapsed
                rates[d.name].append(rate)
                log("  %-8s %-16s rep %d: %8.1f MiB/s  (%.2fs, daemon CPU %.2fs)%s"
                    % (d.name, key, rep + 1, rate, elapsed, cpu, ("  " + note) if note else ""))
                if best[d.name] is None or rate > best[d.name][0]:
                    best[d.name] = (rate, cpu, note)
        for d in daemons:
            if d.name in outcome and best[d.name] is None:
                results[d.name][key] = outcome[d.name]
            elif best[d.name] is not None:
                results[d.name][key] = best[d.name][0]
                details.setdefault(d.name, {})[key + " daemon CPU s (best rep)"] = round(best[d.name][1], 2)
                details[d.name][key + " median of the timed reps (MiB/s)"] = round(statistics.median(rates[d.name]), 1)
                if best[d.name][2]:
                    details[d.name][key + " note"] = best[d.name][2]


def lookup_rate(daemon, threads, duration, warmup):
    conns = [libvirt.open(daemon.uri) for _ in range(threads)]
    counts = [0] * threads
    errors = []
    stop = threading.Event()
    go = threading.Barrier(threads + 1)

    def worker(i):
        conn = conns[i]
        go.wait()
        try:
            while not stop.is_set():
                pool = conn.storagePoolLookupByName(POOL)
                vol = pool.storageVolLookupByName(LOOKUP_VOL)
                vol.info()
                counts[i] += 1
        except Exception as e:
            errors.append(describe_error(e))
            stop.set()

    ts = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for t in ts:
        t.start()
    go.wait()
    time.sleep(warmup)
    c0, cpu0, t0 = sum(counts), proc_cpu_seconds(daemon.pid), time.perf_counter()
    time.sleep(duration)
    c1, cpu1, t1 = sum(counts), proc_cpu_seconds(daemon.pid), time.perf_counter()
    stop.set()
    for t in ts:
        t.join(30)
    for c in conns:
        try:
            c.close()
        except libvirt.libvirtError:
            pass
    if errors:
        raise BenchError(errors[0])
    return (c1 - c0) / (t1 - t0), 100.0 * (cpu1 - cpu0) / (t1 - t0)


def measure_lookups(daemons, thread_counts, duration, warmup, results, details):
    for n in thread_counts:
        key = "lookups/s, %d thread%s" % (n, "" if n == 1 else "s")
        for d in daemons:
            try:
                rate, cpu_pct = lookup_rate(d, n, duration, warmup)
            except (BenchError, libvirt.libvirtError) as e:
                results[d.name][key] = "failed: %s" % describe_error(e)
                log("  %-8s %-24s failed: %s" % (d.name, key, describe_error(e)))
                continue
            results[d.name][key] = rate
            details.setdefault(d.name, {})[key + " daemon CPU %"] = round(cpu_pct)
            log("  %-8s %-24s %9.0f /s  (daemon CPU %3.0f%%)" % (d.name, key, rate, cpu_pct))


def measure_connect(daemons, count, results):
    samples = {d.name: [] for d in daemons}
    failed = {}
    for d in daemons:  # warm-up
        try:
            for _ in range(5):
                libvirt.open(d.uri).close()
        except libvirt.libvirtError as e:
            failed[d.name] = "failed: %s" % describe_error(e)
    for _ in range(count):  # interleaved
        for d in daemons:
            if d.name in failed:
                continue
            t0 = time.perf_counter()
            try:
                c = libvirt.open(d.uri)
                c.close()
            except libvirt.libvirtError as e:
                failed[d.name] = "failed: %s" % describe_error(e)
                continue
            samples[d.name].append((time.perf_counter() - t0) * 1000)
    for d in daemons:
        if d.name in failed:
            results[d.name]["connect median ms"] = results[d.name]["connect p99 ms"] = failed[d.name]
            continue
        s = sorted(samples[d.name])
        results[d.name]["connect median ms"] = statistics.median(s)
        results[d.name]["connect p99 ms"] = s[min(len(s) - 1, int(round(0.99 * len(s) + 0.5)) - 1)]
        log("  %-8s connect: median %.2f ms, p99 %.2f ms over %d" % (d.name, results[d.name]["connect median ms"],
                                                                     results[d.name]["connect p99 ms"], len(s)))


def proc_threads(pid):
    return len(os.listdir("/proc/%d/task" % pid))


def cold_start_once(daemon, timeout=60):
    """Exec of the daemon to the first answered pool list (a client retrying every 2 ms, as virsh would
    find the socket of a daemon just started by systemd); then, 2 s after that connection closed, its RSS
    and thread count."""
    daemon.prepare()
    t0 = time.perf_counter()
    daemon.spawn()
    try:
        while True:
            try:
                conn = libvirt.open(daemon.uri)
                try:
                    conn.listAllStoragePools(0)
                finally:
                    conn.close()
                break
            except libvirt.libvirtError as e:
                if not daemon.alive():
                    raise BenchError("%s exited during start-up (%s); its log %s ends:\n%s"
                                     % (daemon.name, describe_error(e), daemon.logfile, tail(daemon.logfile)))
                if time.perf_counter() - t0 > timeout:
                    raise BenchError("%s did not answer within %ds: %s" % (daemon.name, timeout, describe_error(e)))
                time.sleep(0.002)
        elapsed_ms = (time.perf_counter() - t0) * 1000
        time.sleep(2)
        return elapsed_ms, proc_status(daemon.pid)["VmRSS"], proc_threads(daemon.pid)
    finally:
        daemon.stop()


def measure_startup(makers, reps, results, details):
    """makers: name -> function(i) giving a fresh, not yet started daemon. Runs interleaved."""
    samples = {name: [] for name in makers}
    for i in range(reps):
        for name, make in makers.items():
            samples[name].append(cold_start_once(make(i)))
    for name, runs in samples.items():
        times = sorted(r[0] for r in runs)
        results[name]["cold start median ms"] = statistics.median(times)
        results[name]["cold start min ms"] = times[0]
        results[name]["RSS 2 s after the first connection MiB"] = statistics.median(r[1] for r in runs)
        results[name]["threads at idle"] = statistics.median(r[2] for r in runs)
        details.setdefault(name, {})["cold starts (ms)"] = " ".join("%.0f" % t for t in times)
        log("  %-8s cold start: median %.0f ms, min %.0f ms; 2 s later RSS %.1f MiB, %d threads"
            % (name, statistics.median(times), times[0], results[name]["RSS 2 s after the first connection MiB"],
               results[name]["threads at idle"]))


def _fresh_dir_pool(daemon, name):
    path = os.path.join(daemon.home, name)
    os.makedirs(path)
    if daemon.uid is not None:
        os.chown(path, daemon.uid, daemon.gid)
    conn = libvirt.open(daemon.uri)
    pool = conn.storagePoolCreateXML(
        "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>" % (name, path), 0)
    return conn, pool, path


def _drop_pool(conn, pool, path):
    try:
        pool.destroy()
    finally:
        conn.close()
        shutil.rmtree(path, ignore_errors=True)


def measure_creates(daemons, count, reps, results, details):
    """count raw volumes (1 MiB, no allocation) created one after another on one connection, each run in a new
    pool, the daemons taking turns: one untimed run first (a new daemon's first calls are its JIT's warm-up, as
    for the refresh and the transfers), then the median of reps. Every run is a file create plus an fsync, whose
    time on a shared disk varies by 2-3x from minute to minute: taking turns and the median keep that from
    deciding the ratio, which "best of" did (one lucky run of either daemon)."""
    key = "creates of %d raw volumes s" % count
    times = {d.name: [] for d in daemons}
    for rep in range(reps + 1):
        for d in daemons:
            conn, pool, path = _fresh_dir_pool(d, "create-%d" % rep)
            try:
                t0 = time.perf_counter()
                for i in range(count):
                    pool.createXML(vol_xml("c%05d.raw" % i, MiB), 0)
                t = time.perf_counter() - t0
            finally:
                _drop_pool(conn, pool, path)
            if rep:
                times[d.name].append(t)
            else:
                details.setdefault(d.name, {})[key + " (first run, untimed warm-up)"] = round(t, 3)
    for d in daemons:
        results[d.name][key] = statistics.median(times[d.name])
        details.setdefault(d.name, {})[key + " (each run)"] = [round(t, 3) for t in times[d.name]]
        log("  %-8s %d creates: median %.2f s (runs %s; untimed first run %.2f s)"
            % (d.name, count, results[d.name][key], " ".join("%.2f" % t for t in times[d.name]),
               details[d.name][key + " (first run, untimed warm-up)"]))
    return key


def measure_refresh(daemons, files, reps, results, details):
    """pool.refresh() of a dir pool holding `files` raw files of 64 KiB each, written by the bench; the
    median of reps refreshes (after one untimed)."""
    key = "refresh of %d files s" % files
    block = _pattern[:64 * 1024]
    for d in daemons:
        path = os.path.join(d.home, "refresh")
        os.makedirs(path)
        for i in range(files):
            name = os.path.join(path, "f%05d.raw" % i)
            with open(name, "wb") as f:
                f.write(block)
            if d.uid is not None:
                os.chown(name, d.uid, d.gid)
        if d.uid is not None:
            os.chown(path, d.uid, d.gid)
    times = {d.name: [] for d in daemons}
    pools = {}
    try:
        for d in daemons:
            conn = libvirt.open(d.uri)
            pools[d.name] = (conn, conn.storagePoolCreateXML(
                "<pool type='dir'><name>refresh</name><target><path>%s</path></target></pool>"
                % os.path.join(d.home, "refresh"), 0))
        for rep in range(reps):
            for d in daemons:
                t0 = time.perf_counter()
                pools[d.name][1].refresh(0)
                if rep:  # the first is a warm-up
                    times[d.name].append(time.perf_counter() - t0)
        for d in daemons:
            n = pools[d.name][1].numOfVolumes()
            if n != files:
                raise BenchError("%s lists %d volumes in the refreshed pool, not %d" % (d.name, n, files))
            results[d.name][key] = statistics.median(times[d.name])
            details.setdefault(d.name, {})[key + " (each run)"] = [round(t, 3) for t in times[d.name]]
            log("  %-8s refresh of %d files: median %.3f s" % (d.name, files, results[d.name][key]))
    finally:
        for d in daemons:
            if d.name in pools:
                _drop_pool(pools[d.name][0], pools[d.name][1], os.path.join(d.home, "refresh"))
    return key


# ----------------------------------------------------------------------------------------------------
# Isolation: while one client keeps pool A busy, how long do calls on another pool B take?
#
# Each sample is storagePoolLookupByName(B) + vol.info() + pool.info() on one connection (the volume
# handle is looked up once beforehand). The load runs in its own process (spawned, with its own
# connection), so the measuring client never waits for the load client's GIL.

ISO_POOL_B = "iso-b"
ISO_VOL_B = "b.raw"
ISO_POOL_FILES = "iso-a-files"
ISO_POOL_FS = "iso-a-fs"
ISO_POOL_UPLOAD = "iso-a-upload"
ISO_UPLOAD_VOL = "upload.raw"
ISO_GOAL_RATIO = 2.0      # ours' p99 at most this many times libvirtd's
ISO_GOAL_MAX_MS = 100.0   # and no single call on pool B slower than this


def iso_scenarios(args):
    """(id, label, load kind, pool A) in the order they run."""
    return [
        ("idle", "A idle (baseline)", None, None),
        ("refresh", "A refreshed (%d files)" % args.iso_files, "refresh", ISO_POOL_FILES),
        ("build", "A built (mkfs %s, %d GiB image)" % (args.iso_build_format, args.iso_build_gib), "build",
         ISO_POOL_FS),
        ("upload", "A receiving a %d MiB upload" % args.iso_upload_mib, "upload", ISO_POOL_UPLOAD),
    ]


def _give(daemon, *paths):
    """Files the bench makes for a daemon belong to the user that daemon runs as."""
    if daemon.uid is not None and os.geteuid() == 0:
        for p in paths:
            os.chown(p, daemon.uid, daemon.gid)


def iso_setup(daemon, args):
    """Pool B with one volume; pool A for each load: a dir pool of --iso-files files, an inactive fs
    pool on an image file (defined, so that it can be built), a dir pool with one upload volume.
    Returns {scenario id: None or "not supported: ..." / "failed: ..."}."""
    home = os.path.join(daemon.home, "iso")
    files_dir = os.path.join(home, "a-files")
    for d in (home, os.path.join(home, "b"), files_dir, os.path.join(home, "a-upload")):
        os.makedirs(d, exist_ok=True)
        _give(daemon, d)
    # the many files of pool A, written by the bench directly: 1 MiB sparse raw files
    for i in range(args.iso_files):
        f = os.path.join(files_dir, "f%05d.raw" % i)
        with open(f, "wb") as fh:
            fh.truncate(MiB)
        _give(daemon, f)
    image = os.path.join(home, "a-fs.img")
    with open(image, "wb") as fh:
        fh.truncate(args.iso_build_gib * 1024 * MiB)
    _give(daemon, image)
    state = {}
    conn = libvirt.open(daemon.uri)
    try:
        dir_xml = "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>"
        pool_b = conn.storagePoolCreateXML(dir_xml % (ISO_POOL_B, os.path.join(home, "b")), 0)
        pool_b.createXML(vol_xml(ISO_VOL_B, MiB), 0)
        state["idle"] = None
        try:
            conn.storagePoolCreateXML(dir_xml % (ISO_POOL_FILES, files_dir), 0)
            state["refresh"] = None
        except libvirt.libvirtError as e:
            state["refresh"] = "failed: creating the pool of %d files: %s" % (args.iso_files, describe_error(e))
        try:
            conn.storagePoolDefineXML(
                "<pool type='fs'><name>%s</name><source><device path='%s'/><format type='%s'/></source>"
                "<target><path>%s</path></target></pool>"
                % (ISO_POOL_FS, image, args.iso_build_format, os.path.join(home, "a-fs")), 0)
            state["build"] = None
        except libvirt.libvirtError as e:
            state["build"] = "not supported: defining an fs pool: %s" % describe_error(e)
        try:
            pool_u = conn.storagePoolCreateXML(dir_xml % (ISO_POOL_UPLOAD, os.path.join(home, "a-upload")), 0)
            pool_u.createXML(vol_xml(ISO_UPLOAD_VOL, args.iso_upload_mib * MiB), 0)
            state["upload"] = None
        except libvirt.libvirtError as e:
            state["upload"] = "failed: creating the upload pool: %s" % describe_error(e)
    finally:
        conn.close()
    return state


def iso_teardown(daemon):
    try:
        conn = libvirt.open(daemon.uri)
    except libvirt.libvirtError:
        return
    try:
        for name in (ISO_POOL_B, ISO_POOL_FILES, ISO_POOL_UPLOAD, ISO_POOL_FS):
            try:
                pool = conn.storagePoolLookupByName(name)
            except libvirt.libvirtError:
                continue
            try:
                persistent = pool.isPersistent()  # a transient pool is gone once destroyed
                if pool.isActive():
                    pool.destroy()
                if persistent:
                    pool.undefine()
            except libvirt.libvirtError as e:
                log("  %s: tearing down pool %s: %s" % (daemon.name, name, describe_error(e)))
    finally:
        conn.close()


def iso_load(kind, uri, pool_name, upload_bytes, stop, ready, out):
    """Runs in its own process: keeps pool A busy with one kind of call until `stop` is set, then puts
    {"ops": [seconds per completed call], "error": None or message} on `out`. Stops at the first error
    (the window after it would be unloaded, so its figure would not be the scenario's)."""
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    ops, error = [], None
    try:
        conn = libvirt.open(uri)
        try:
            pool = conn.storagePoolLookupByName(pool_name)
            vol = pool.storageVolLookupByName(ISO_UPLOAD_VOL) if kind == "upload" else None
            ready.set()
            while not stop.is_set():
                t0 = time.perf_counter()
                if kind == "refresh":
                    pool.refresh(0)
                elif kind == "build":
                    pool.build(libvirt.VIR_STORAGE_POOL_BUILD_OVERWRITE)  # mkfs -t FORMAT -F IMAGE
                else:
                    stream = conn.newStream(0)
                    vol.upload(stream, 0, upload_bytes, 0)
                    state = {"pos": 0}

                    def send_handler(_st, nbytes, s):
                        n = min(nbytes, upload_bytes - s["pos"])
                        buf = data_at(s["pos"], n)
                        s["pos"] += n
                        return buf
                    try:
                        stream.sendAll(send_handler, state)
                        stream.finish()
                    except Exception:
                        _abort(stream)
                        raise
                ops.append(time.perf_counter() - t0)
        finally:
            conn.close()
    except Exception as e:  # noqa: BLE001 - reported, not hidden
        error = describe_error(e)
        code = e.get_error_code() if isinstance(e, libvirt.libvirtError) else None
    else:
        code = None
    ready.set()
    out.put({"ops": ops, "error": error, "code": code})


def pct(sorted_values, q):
    """Nearest-rank percentile of an ascending list."""
    return sorted_values[max(0, int(math.ceil(q * len(sorted_values))) - 1)]


def iso_measure(daemon, duration):
    """Samples pool B for `duration` seconds. Returns (sample seconds, max seconds per call kind)."""
    conn = libvirt.open(daemon.uri)
    try:
        vol = conn.storagePoolLookupByName(ISO_POOL_B).storageVolLookupByName(ISO_VOL_B)
        samples = []
        worst = {"lookup-by-name": 0.0, "vol.info": 0.0, "pool.info": 0.0}
        pc = time.perf_counter
        end = pc() + duration
        while True:
            t0 = pc()
            if t0 >= end:
                break
            pool = conn.storagePoolLookupByName(ISO_POOL_B)
            t1 = pc()
            vol.info()
            t2 = pc()
            pool.info()
            t3 = pc()
            samples.append(t3 - t0)
            worst["lookup-by-name"] = max(worst["lookup-by-name"], t1 - t0)
            worst["vol.info"] = max(worst["vol.info"], t2 - t1)
            worst["pool.info"] = max(worst["pool.info"], t3 - t2)
        return samples, worst
    finally:
        conn.close()


def iso_run(daemon, scenario, args):
    """One scenario on one daemon: the figures, or raises BenchError / Refused."""
    sid, _label, kind, pool_a = scenario
    os.sync()  # no dirty pages of the previous scenario left for this one's writeback
    time.sleep(1)
    proc = out = stop = None
    if kind:
        ctx = multiprocessing.get_context("spawn")
        stop, ready, out = ctx.Event(), ctx.Event(), ctx.Queue()
        proc = ctx.Process(target=iso_load, args=(kind, daemon.uri, pool_a, args.iso_upload_mib * MiB, stop, ready,
                                                  out), daemon=True)
        proc.start()
        if not ready.wait(60):
            proc.kill()
            raise BenchError("the load client did not start within 60 s")
        try:  # a load that fails at once (pool A missing, the call refused) is reported without measuring
            early = out.get(timeout=0.2)
        except Exception:
            early = None
        if early is not None:
            proc.join(10)
            if early["error"] and not early["ops"] and early["code"] in (
                    libvirt.VIR_ERR_NO_SUPPORT, libvirt.VIR_ERR_OPERATION_UNSUPPORTED,
                    libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED):
                raise Refused("pool A: " + early["error"])
            raise BenchError("pool A: %s" % (early["error"] or "the load client stopped at once"))
    load = None
    try:
        with Watchdog(daemon, args.iso_duration + 120) as dog:
            cpu0 = proc_cpu_seconds(daemon.pid)
            t0 = time.perf_counter()
            try:
                samples, worst = iso_measure(daemon, args.iso_duration)
            except libvirt.libvirtError as e:
                raise BenchError(("timed out: " if dog.fired else "") + "pool B: " + describe_error(e))
            window = time.perf_counter() - t0
            cpu = proc_cpu_seconds(daemon.pid) - cpu0
            if kind:
                stop.set()
                t_stop = time.perf_counter()
                try:
                    load = out.get(timeout=args.iso_duration + 110)  # the call in progress finishes first
                except Exception:
                    raise BenchError("the load client did not finish its last call on pool A")
                drain = time.perf_counter() - t_stop
    finally:
        if proc is not None:
            if stop is not None:
                stop.set()
            proc.join(10)
            if proc.is_alive():
                proc.kill()
                proc.join()
    s = sorted(samples)
    fig = {"p50 ms": round(pct(s, 0.50) * 1000, 3), "p99 ms": round(pct(s, 0.99) * 1000, 3),
           "max ms": round(s[-1] * 1000, 3),
           "samples": len(s), "window s": round(window, 2), "daemon CPU %": round(100.0 * cpu / window),
           "max per call ms": {k: round(v * 1000, 2) for k, v in worst.items()}}
    if load is not None:
        ops = load["ops"]
        fig["pool A calls completed"] = len(ops)
        if ops:
            fig["pool A call s (mean, max)"] = [round(statistics.mean(ops), 3), round(max(ops), 3)]
        fig["pool A: last call finished after the window (s)"] = round(drain, 2)
        if load["error"]:
            if not ops and load["code"] in (libvirt.VIR_ERR_NO_SUPPORT, libvirt.VIR_ERR_OPERATION_UNSUPPORTED,
                                            libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED):
                raise Refused("pool A: " + load["error"])
            raise BenchError("pool A failed after %d completed call(s): %s" % (len(ops), load["error"]))
        if not ops:
            raise BenchError("pool A: no %s completed within the window (the load was not measured)" % kind)
    return fig


def iso_summary(fig):
    """One line of what the table does not show: the slowest call of each kind, the daemon's CPU, pool A."""
    out = "slowest call (ms): %s; daemon CPU %d%%" % (
        ", ".join("%s %.1f" % kv for kv in fig["max per call ms"].items()), fig["daemon CPU %"])
    if "pool A calls completed" in fig:
        out += "; pool A: %d call(s) done" % fig["pool A calls completed"]
        if "pool A call s (mean, max)" in fig:
            out += ", %.2f s mean, %.2f s max" % tuple(fig["pool A call s (mean, max)"])
    return out


def measure_isolation(daemons, args, results, details, iso):
    scenarios = iso_scenarios(args)
    iso["scenarios"] = [(sid, label) for sid, label, _k, _p in scenarios]
    iso["figures"] = {d.name: {} for d in daemons}
    state = {}
    for d in daemons:
        try:
            state[d.name] = iso_setup(d, args)
        except (OSError, libvirt.libvirtError) as e:
            state[d.name] = {sid: "failed: set-up: %s" % describe_error(e) for sid, *_ in scenarios}
        # untimed: the JIT's first compilations of these calls, for both alike
        if state[d.name]["idle"] is None:
            try:
                iso_measure(d, 1.0)
            except libvirt.libvirtError:
                pass
    for i, sc in enumerate(scenarios):
        sid, label = sc[0], sc[1]
        for d in (daemons if i % 2 == 0 else daemons[::-1]):  # alternating who goes first
            cell = state[d.name].get(sid)
            if cell is None and not d.alive():
                cell = "failed: daemon not running"
            if cell is None:
                try:
                    fig = iso_run(d, sc, args)
                except Refused as e:
                    cell = "not supported: %s" % e
                except (BenchError, libvirt.libvirtError) as e:
                    cell = "failed: %s" % describe_error(e)
                else:
                    iso["figures"][d.name][sid] = fig
                    results[d.name]["pool B p99, " + label] = fig["p99 ms"]
                    results[d.name]["pool B max, " + label] = fig["max ms"]
                    details.setdefault(d.name, {})["isolation, " + label] = iso_summary(fig)
                    log("  %-8s %-40s p50 %7.2f  p99 %7.2f  max %7.2f ms  %6d samples%s"
                        % (d.name, label, fig["p50 ms"], fig["p99 ms"], fig["max ms"], fig["samples"],
                           "  (pool A: %d calls, mean %.2f s)" % (fig["pool A calls completed"],
                                                                   fig["pool A call s (mean, max)"][0])
                           if "pool A calls completed" in fig else ""))
                    continue
            iso["figures"][d.name][sid] = cell
            results[d.name]["pool B p99, " + label] = cell
            log("  %-8s %-40s %s" % (d.name, label, cell))
    for d in daemons:
        if d.alive():
            iso_teardown(d)


def iso_report(iso, names=("ours", "libvirtd")):
    """The isolation table as rows of cells, and the goal check as lines."""
    head = ["pool A", "ours p50", "ours p99", "ours max", "ours n",
            "libvirtd p50", "libvirtd p99", "libvirtd max", "libvirtd n", "p99 ours/libvirtd"]
    rows, goals = [], []
    for sid, label in iso["scenarios"]:
        row = [label]
        figs = [iso["figures"].get(n, {}).get(sid) for n in names]
        for f in figs:
            if isinstance(f, dict):
                row += ["%.2f" % f["p50 ms"], "%.2f" % f["p99 ms"], "%.2f" % f["max ms"], str(f["samples"])]
            else:
                row += [f or "-", "", "", ""]
        ours, ref = figs
        ratio = None
        if isinstance(ours, dict) and isinstance(ref, dict) and ref["p99 ms"] > 0:
            ratio = ours["p99 ms"] / ref["p99 ms"]
        row.append("%.2f" % ratio if ratio is not None else "-")
        rows.append(row)
        if sid == "idle":
            continue
        if not isinstance(ours, dict) or not isinstance(ref, dict):
            goals.append("%s: cannot be judged (%s)" % (label, "; ".join(
                "%s %s" % (n, f if isinstance(f, str) else "ok") for n, f in zip(names, figs))))
            continue
        worst_call = max(ours["max per call ms"].values())
        goals.append("%s: p99 ratio %.2f (%s %.0f): %s; slowest call on pool B %.1f ms (%s), %s"
                     % (label, ratio, "≤", ISO_GOAL_RATIO, "met" if ratio <= ISO_GOAL_RATIO else "NOT met",
                        worst_call, max(ours["max per call ms"], key=ours["max per call ms"].get),
                        "≤ %.0f ms: met" % ISO_GOAL_MAX_MS if worst_call <= ISO_GOAL_MAX_MS
                        else "> %.0f ms: NOT met" % ISO_GOAL_MAX_MS)
                     + " (libvirtd's slowest call %.1f ms)" % max(ref["max per call ms"].values()))
    return head, rows, goals


def print_columns(head, rows):
    """Aligned columns, the first left, the others right; a cell holding a message ("refused: ...")
    shows its first words only (the callers print the whole message below)."""
    short = lambda c: c.split(":", 1)[0] if ":" in c else c
    cells = [[r[0]] + [short(c) for c in r[1:]] for r in rows]
    widths = [max(len(r[i]) for r in cells + [head]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r))
    print(line(head))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print(line(r))


def print_iso(iso, duration):
    head, rows, goals = iso_report(iso)
    print()
    print("isolation: pool B, storagePoolLookupByName + vol.info() + pool.info() per sample, %gs per scenario "
          "(ms; n = samples)" % duration)
    print_columns(head, rows)
    for r in rows:
        for i, c in enumerate(r):
            if i > 0 and ":" in c:
                print("  %s, %s: %s" % (r[0], head[i].split()[0], c))
    print("goal: ours' p99 on pool B at most %g× libvirtd's, and no call on pool B over %g ms"
          % (ISO_GOAL_RATIO, ISO_GOAL_MAX_MS))
    for g in goals:
        print("  " + g)


def markdown_iso(iso, duration):
    head, rows, goals = iso_report(iso)
    out = ["", "## Isolation: pool B while pool A is busy", "",
           "Per sample: `storagePoolLookupByName` + `vol.info()` + `pool.info()` on pool B, %g s per scenario, "
           "in ms; n = samples." % duration, "",
           "| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for r in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    out += ["", "Goal: ours' p99 on pool B at most %g× libvirtd's, and no call on pool B over %g ms:" %
            (ISO_GOAL_RATIO, ISO_GOAL_MAX_MS), ""]
    out += ["- " + g for g in goals]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------------
# Report

ROWS = [
    # key, label, unit, higher_is_better
    ("cold start median ms", "cold start to the first pool list, median", "ms", False),
    ("cold start min ms", "cold start to the first pool list, min", "ms", False),
    ("RSS 2 s after the first connection MiB", "RSS 2 s after the first connection", "MiB", False),
    ("threads at idle", "threads at idle", "", False),
    ("creates of ", None, "s", False),
    ("refresh of ", None, "s", False),
    ("RSS after creates and refreshes MiB", "RSS after the creates and refreshes", "MiB", False),
    ("upload dense", "upload dense", "MiB/s", True),
    ("upload sparse", "upload sparse", "MiB/s", True),
    ("download dense", "download dense", "MiB/s", True),
    ("download sparse", "download sparse", "MiB/s", True),
    ("lookups/s", None, "/s", True),  # one row per --threads count, see table_rows
    ("connect median ms", "connect+close median", "ms", False),
    ("connect p99 ms", "connect+close p99", "ms", False),
    ("pool B p99", None, "ms", False),  # isolation: one row per scenario
    ("pool B max", None, "ms", False),
    ("idle RSS MiB", "idle RSS", "MiB", False),
    ("peak RSS MiB", "peak RSS (VmHWM)", "MiB", False),
    ("final RSS MiB", "RSS after the run", "MiB", False),
]


def fmt(v, unit):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if unit == "ms":
        return "%.2f" % v
    if unit == "/s":
        return "%.0f" % v
    if unit == "s":
        return "%.3f" % v
    if unit == "":
        return "%g" % v
    return "%.1f" % v


def table_rows(results):
    rows = []
    expanded = []
    for key, label, unit, higher in ROWS:
        if label is None:
            names = dict.fromkeys(k for r in results.values() for k in r if k.startswith(key))
            expanded += [(k, k[:-len(unit) - 1] if unit and k.endswith(" " + unit) else k, unit, higher)
                         for k in names]
        else:
            expanded.append((key, label, unit, higher))
    for key, label, unit, higher in expanded:
        ours, ref = results["ours"].get(key), results["libvirtd"].get(key)
        if ours is None and ref is None:
            continue
        ratio = "-"
        if isinstance(ours, (int, float)) and isinstance(ref, (int, float)) and ref > 0:
            ratio = "%.2f" % (ours / ref)
        rows.append(["%s (%s%s)" % (label, unit + ", " if unit else "", "higher is better" if higher else "lower is better"),
                     fmt(ours, unit), fmt(ref, unit), ratio])
    return rows


def print_table(rows):
    """Plain-text table; a refusal or failure shows as its first words, with the full message below."""
    head = ["metric", "ours", "libvirtd", "ours/libvirt"]
    print_columns(head, rows)
    for r in rows:
        for i in (1, 2):
            if ":" in r[i]:
                print("  %s, %s: %s" % (head[i], r[0].split(" (")[0], r[i]))


def markdown(rows, meta, details, args, iso=None):
    out = ["# virtstoraged-java vs libvirt 9.0 libvirtd", "",
           "Run %s with `%s`." % (meta["date"], meta["command"]), "",
           "| metric | ours | libvirtd | ours/libvirt |", "|---|---:|---:|---:|"]
    for r in rows:
        out.append("| %s | %s | %s | %s |" % tuple(str(c).replace("|", "\\|") for c in r[:4]))
    out += ["", "Ratios are ours/libvirtd: above 1 is better for throughput and lookups, below 1 is better "
            "for latency and RSS."]
    if iso and iso.get("scenarios"):
        out.append(markdown_iso(iso, args.iso_duration))
    out += ["## Machine and settings", ""]
    for k, v in meta.items():
        if k not in ("date", "command"):
            out.append("- %s: %s" % (k, v))
    if details:
        out += ["", "## Details: daemon CPU (including child processes it ran), cold and median figures", ""]
        for name, d in details.items():
            for k, v in d.items():
                out.append("- %s, %s: %s" % (name, k, v))
    return "\n".join(out) + "\n"


def machine_info(base, args, size, daemons):
    mem = run_out(["free", "-g"]).splitlines()
    fstype = run_out(["findmnt", "-n", "-o", "FSTYPE,SOURCE", "--target", base]) or run_out(["df", "-T", base])
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    return {
        "CPUs (nproc)": "%d (%s)" % (os.cpu_count(), cpu or platform.machine()),
        "memory": mem[1].split()[1] + " GiB total" if len(mem) > 1 else "?",
        "kernel": platform.release(),
        "test directory": "%s (%s)" % (base, fstype),
        "load average at start": " ".join(open("/proc/loadavg").read().split()[:3]),
        "volume size": "%d MiB; sparse layout: 32 extents of %d MiB, each %d KiB data then a hole"
                       % (size // MiB, size // 32 // MiB if size >= 32 * MiB else 0, size // 32 // 32 // 1024),
        "transfer repetitions (best of)": "%d, after %d untimed warm-up transfer(s) per daemon and kind"
                                          % (args.reps, args.transfer_warmups),
        "lookup duration per figure": "%gs after %gs warm-up" % (args.duration, args.warmup),
        "connects": args.connects,
        "cold starts": "%d per daemon, taking turns, each in new directories" % args.startups,
        "creates": "%d raw 1 MiB volumes (no allocation) in a new dir pool, median of %d runs after one untimed"
                   % (args.creates, args.create_reps),
        "refresh": "a dir pool of %d raw 64 KiB files, median of %d refreshes after one untimed"
                   % (args.refresh_files, args.refresh_reps),
        "isolation": "%gs per scenario; pool A: %d files / mkfs %s on a %d GiB sparse image file / %d MiB uploads"
                     % (args.iso_duration, args.iso_files, args.iso_build_format, args.iso_build_gib,
                        args.iso_upload_mib),
        "client": "python3-libvirt %s on Python %s" % (libvirt.getVersion(), platform.python_version()),
        **{"daemon " + d.name: d.version() for d in daemons},
    }


# ----------------------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smoke run: 128 MiB volumes, best of 2, 2s per lookup figure")
    p.add_argument("--only", default=",".join(PHASES), help="comma-separated subset of " + ",".join(PHASES))
    p.add_argument("--markdown", metavar="FILE", help="also write the table and machine details as markdown")
    p.add_argument("--json", metavar="FILE", help="also write all figures as JSON")
    p.add_argument("--dir", default="/var/tmp", help="where the run directory is created (default /var/tmp)")
    p.add_argument("--keep", action="store_true", help="keep the run directory (logs, pools) afterwards")
    p.add_argument("--size", type=int, help="volume size in MiB for upload/download (default 1024, quick 128)")
    p.add_argument("--reps", type=int, help="transfer repetitions, best is reported (default 5, quick 2)")
    p.add_argument("--transfer-warmups", type=int,
                   help="untimed transfers of each kind per daemon before the timed ones (default 1, quick 0)")
    p.add_argument("--duration", type=float, help="seconds per lookup figure (default 10, quick 2)")
    p.add_argument("--warmup", type=float, help="warm-up seconds before each lookup figure (default 2, quick 0.5)")
    p.add_argument("--threads", default="1,8,32", help="client thread counts for lookups (default 1,8,32)")
    p.add_argument("--connects", type=int, help="connect+close samples (default 500, quick 100)")
    p.add_argument("--iso-duration", type=float, help="isolation: seconds per scenario (default 8, quick 2)")
    p.add_argument("--iso-files", type=int, default=16000, help="isolation: files in the refreshed pool A (16000)")
    p.add_argument("--iso-build-format", default="ext3",
                   help="isolation: file system that pool A's build makes with mkfs (default ext3)")
    p.add_argument("--iso-build-gib", type=int, default=64,
                   help="isolation: size of pool A's sparse image file in GiB (default 64)")
    p.add_argument("--iso-upload-mib", type=int, help="isolation: size of each upload to pool A (default 1024, "
                                                       "quick 256)")
    p.add_argument("--timeout", type=int, default=600, help="seconds before a hanging transfer's daemon is killed")
    p.add_argument("--jar", default=os.path.join(REPO, "target", "quarkus-app", "quarkus-run.jar"))
    p.add_argument("--launcher", default=os.path.join(REPO, "deploy", "virtstoraged"),
                   help="our daemon's launcher, run with VIRTSTORAGED_HOME = the jar's directory")
    p.add_argument("--java", default="", help="the java the launcher runs (VIRTSTORAGED_JAVA; default: the "
                                              "JDK 25 it finds)")
    p.add_argument("--java-opts", default="", help="extra JVM options for our daemon (VIRTSTORAGED_JAVA_OPTS)")
    p.add_argument("--startups", type=int, help="cold starts of each daemon (default 10, quick 3)")
    p.add_argument("--creates", type=int, default=1000, help="raw volumes created one after another (1000)")
    p.add_argument("--create-reps", type=int, help="timed runs of the creates after one untimed, median is reported (default 5, quick 1)")
    p.add_argument("--refresh-files", type=int, default=8000, help="files in the refreshed pool (8000)")
    p.add_argument("--refresh-reps", type=int, help="timed refreshes, median is reported (default 5, quick 2)")
    p.add_argument("--libvirtd", default="libvirtd", help="reference daemon binary (default libvirtd)")
    p.add_argument("--ref-user", default="lvbench",
                   help="when run as root: the unprivileged user that runs libvirtd (created if missing)")
    args = p.parse_args()

    phases = [x.strip() for x in args.only.split(",") if x.strip()]
    bad = [x for x in phases if x not in PHASES]
    if bad:
        p.error("--only: unknown %s (choose from %s)" % (",".join(bad), ",".join(PHASES)))
    q = args.quick
    size = (args.size or (128 if q else 1024)) * MiB
    if size < 32 * MiB or size % MiB:
        p.error("--size must be at least 32 (MiB)")
    args.reps = args.reps or (2 if q else 5)
    args.transfer_warmups = args.transfer_warmups if args.transfer_warmups is not None else (0 if q else 1)
    args.duration = args.duration or (2.0 if q else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (0.5 if q else 2.0)
    args.connects = args.connects or (100 if q else 500)
    args.startups = args.startups or (3 if q else 10)
    args.create_reps = args.create_reps or (1 if q else 5)
    args.refresh_reps = args.refresh_reps or (2 if q else 5)
    args.iso_duration = args.iso_duration or (2.0 if q else 8.0)
    args.iso_upload_mib = args.iso_upload_mib or (256 if q else 1024)
    thread_counts = [int(x) for x in args.threads.split(",")]

    if not os.path.isdir(args.dir):
        sys.exit("bench: --dir %s does not exist" % args.dir)
    if not os.path.isfile(args.jar):
        sys.exit("bench: our daemon is not built: %s is missing.\nBuild it first: cd %s && mvn -DskipTests package"
                 % (args.jar, REPO))
    base = tempfile.mkdtemp(prefix="virtstoraged-bench.", dir=args.dir)
    os.chmod(base, 0o755)
    ours = Ours(os.path.join(base, "ours"), os.path.abspath(args.launcher), os.path.abspath(args.jar), args.java,
                args.java_opts)
    ref = Reference(os.path.join(base, "libvirtd"), args.ref_user, args.libvirtd)
    daemons = [ours, ref]
    results = {"ours": {}, "libvirtd": {}}
    details = {}
    iso = {}
    started = []

    def on_signal(signum, _frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_signal)
    try:
        os.makedirs(ours.home)
        os.makedirs(ref.home)
        if "startup" in phases:
            log("cold start (exec to the first answered pool list, %d each, taking turns) ..." % args.startups)
            measure_startup({
                "ours": lambda i: Ours(os.path.join(base, "cold-ours-%d" % i), ours.launcher, ours.jar, args.java,
                                       args.java_opts),
                "libvirtd": lambda i: Reference(os.path.join(base, "cold-libvirtd-%d" % i), args.ref_user,
                                                args.libvirtd),
            }, args.startups, results, details)
        for d in daemons:
            log("starting %s ..." % d.name)
            d.start()
            started.append(d)
        meta = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
                "command": " ".join(["storage_bench.py"] + sys.argv[1:])}
        meta.update(machine_info(base, args, size, daemons))
        for d in daemons:
            try:
                setup_pool(d, size, phases)
            except libvirt.libvirtError as e:
                raise BenchError("setting up the pool on %s (%s) failed: %s" % (d.name, d.uri, describe_error(e)))
        time.sleep(2)
        for d in daemons:
            results[d.name]["idle RSS MiB"] = proc_status(d.pid)["VmRSS"]
        log("idle RSS: ours %.1f MiB, libvirtd %.1f MiB" % (results["ours"]["idle RSS MiB"],
                                                            results["libvirtd"]["idle RSS MiB"]))
        if "create" in phases:
            log("creates (%d raw volumes, median of %d after one untimed) ..." % (args.creates, args.create_reps))
            measure_creates(daemons, args.creates, args.create_reps, results, details)
        if "refresh" in phases:
            log("refresh (%d files, median of %d) ..." % (args.refresh_files, args.refresh_reps))
            measure_refresh(daemons, args.refresh_files, args.refresh_reps + 1, results, details)
        if "create" in phases or "refresh" in phases:
            for d in daemons:
                results[d.name]["RSS after creates and refreshes MiB"] = proc_status(d.pid)["VmRSS"]
        if "upload" in phases:
            log("upload (%d MiB, best of %d) ..." % (size // MiB, args.reps))
            measure_transfers(daemons, "upload", args.reps, args.transfer_warmups, size, args.timeout, results, details)
        if "download" in phases:
            log("download (%d MiB, best of %d) ..." % (size // MiB, args.reps))
            measure_transfers(daemons, "download", args.reps, args.transfer_warmups, size, args.timeout, results,
                              details)
        if "lookups" in phases:
            log("lookups (pool+vol lookup by name, vol.info(); %gs each) ..." % args.duration)
            measure_lookups([d for d in daemons if d.alive()], thread_counts, args.duration, args.warmup,
                            results, details)
        if "connect" in phases:
            log("connect+close (%d each) ..." % args.connects)
            measure_connect([d for d in daemons if d.alive()], args.connects, results)
        if "isolation" in phases:
            log("isolation (pool B: lookup-by-name + vol.info + pool.info while pool A is busy; %gs each) ..."
                % args.iso_duration)
            for d in daemons:
                if d.alive():  # the isolation pools (16000 volumes) grow both daemons: the peak before them
                    details.setdefault(d.name, {})["VmHWM before the isolation phase (MiB)"] = round(
                        proc_status(d.pid)["VmHWM"], 1)
            t_iso = time.perf_counter()
            measure_isolation([d for d in daemons if d.alive()], args, results, details, iso)
            meta["isolation phase took"] = "%.0f s (set-up, scenarios, tear-down)" % (time.perf_counter() - t_iso)
            log("isolation took %.0f s" % (time.perf_counter() - t_iso))
        for d in daemons:
            if d.alive():
                st = proc_status(d.pid)
                results[d.name]["peak RSS MiB"] = st["VmHWM"]
                results[d.name]["final RSS MiB"] = st["VmRSS"]
            else:
                results[d.name]["peak RSS MiB"] = "failed: daemon not running"
        if "rss" not in phases:
            for d in daemons:
                for k in ("idle RSS MiB", "peak RSS MiB", "final RSS MiB"):
                    results[d.name].pop(k, None)
        meta["load average at end"] = " ".join(open("/proc/loadavg").read().split()[:3])
        for d in daemons:
            if d.alive():
                teardown_pool(d)
    except BenchError as e:
        sys.exit("bench: %s\n(run directory kept: %s)" % (e, base))
    except libvirt.libvirtError as e:
        sys.exit("bench: libvirt error: %s\n(run directory kept: %s)" % (describe_error(e), base))
    except KeyboardInterrupt:
        sys.exit("bench: interrupted (run directory kept: %s)" % base)
    finally:
        for d in started:
            d.stop()
    rows = table_rows(results)
    print()
    print_table(rows)
    if iso.get("scenarios"):
        print_iso(iso, args.iso_duration)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(markdown(rows, meta, details, args, iso))
        log("markdown written to %s" % args.markdown)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": results, "details": details, "isolation": iso}, f, indent=2)
    if args.keep:
        log("run directory kept: %s" % base)
    else:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
