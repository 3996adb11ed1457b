#!/usr/bin/python3
"""Same-pool races on a dir pool, as a python3-libvirt program sees them, as JSON.

Usage: races.py URI BASE_DIR
BASE_DIR must exist, be empty and be writable by the daemon. Each section starts a long operation, waits
until it is observably in flight, then issues the racing calls, and prints what every call answered
({"ok": result} or {"error": {"code", "domain", "message"}}), the volume's state afterwards, and the storage
pool events (lifecycle and refresh, on every pool) that arrived during the section. BASE_DIR becomes
@BASE@, UUIDs @UUIDn@ in order of first appearance.

What libvirt 9.0 guards, and so what the sections show (src/storage/storage_driver.c):
 - vol.upload() raises the pool's async-job count and the volume's in_use only while it sets the stream up;
   once it has returned, the open stream guards nothing: the pool can be refreshed, destroyed and undefined,
   the volume uploaded again and deleted. When the stream closes (finish or abort), a thread refreshes the
   pool (found by name, active or not) and queues a "refresh" event, unless the pool is gone or has jobs.
 - a wipe holds in_use and a job for its whole run; a clone holds the source's in_use, the new volume's
   building flag and a job: vol-delete/wipe/upload/resize answer "still in use" / "still being allocated",
   pool-refresh/destroy "has asynchronous jobs running" (pool-delete/undefine: "still active").
 - a refresh holds the pool's lock for its whole run and raises no job: an undefine or destroy issued
   meanwhile waits for it, then sees an active pool (undefine: "still active"; destroy: succeeds).

Only deterministic outcomes are printed. How each race is made deterministic:
 - upload: after vol.upload() has returned and the data sent so far is on disk (polled), the stream is open
   and idle on the daemon's side; every racing call is issued then, in sequence, so nothing depends on
   timing. After finish/abort, the script waits (up to 2 s) for the pool's refresh event, and records
   whether it came: in libvirt the refresh thread runs unless the pool is undefined.
 - wipe and clone: the long call runs in a thread on a second connection; the script probes the volume
   with a harmless vol.resize() to its own capacity until that is refused with "still in use" (the job is
   in flight), issues the racing calls, then probes again. Only if the job was still in flight after the
   racing calls is the attempt kept; otherwise (the job ended in between, e.g. on a very fast disk) the
   attempt is discarded and redone with a larger volume (256 MiB, then 1 GiB, then 2 GiB). Nothing
   size-dependent is printed.
 - refresh vs undefine/destroy: the refresh runs in a thread on a second connection over a pool of
   10000 files; inotify shows the daemon opening the pool's directory, i.e. the refresh is running and
   holds the pool's lock, and the racing call is issued only then (and only if the refresh has not yet
   answered; else the attempt is redone). Whether the racing call arrives while the refresh still runs
   or just after it, its answer is the same, so the outcome does not depend on timing. Undefine and
   destroy are never both queued behind the refresh: libvirt's pool lock is a plain mutex, not fair, so
   their order would not be deterministic; undefine is issued after destroy has answered.
Diagnostics (attempts, timings) go to stderr. Run against libvirtd 9.0 (record_races.sh) to record the
reference, and against our daemon to compare (SamePoolRacesIT).
"""
import ctypes
import hashlib
import json
import os
import re
import select
import stat
import sys
import threading
import time

import libvirt
from answers import err, plain

libvirt.registerErrorHandler(lambda ctx, err: None, None)  # keep libvirt's own stderr report quiet

URI, BASE = sys.argv[1], os.path.realpath(sys.argv[2])
KiB, MiB = 1024, 1024 * 1024
REFRESH_WAIT = 2.0  # seconds to wait for a refresh event that may not come
MANY_FILES = 10000

STARTED = time.monotonic()
libvirt.virEventRegisterDefaultImpl()


def event_loop():
    while True:
        libvirt.virEventRunDefaultImpl()


threading.Thread(target=event_loop, daemon=True).start()

conn = libvirt.open(URI)
bg = libvirt.open(URI)  # the long-running calls, so that the racing calls never queue behind them on the client
out = {}

# ---------------------------------------------------------------- events
cond = threading.Condition()
events = []      # the current section's events, in arrival order
refreshes = {}   # pool name -> refresh events seen so far
markers_gone = set()


def on_life(c, pool, event, detail, opaque):
    with cond:
        name = pool.name()
        if name.startswith("zz-marker-"):
            if event == libvirt.VIR_STORAGE_POOL_EVENT_UNDEFINED:
                markers_gone.add(name)
        else:
            events.append("%s lifecycle %d %d" % (name, event, detail))
        cond.notify_all()


def on_refresh(c, pool, opaque):
    with cond:
        events.append("%s refresh" % pool.name())
        refreshes[pool.name()] = refreshes.get(pool.name(), 0) + 1
        cond.notify_all()


conn.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, on_life, None)
conn.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH, on_refresh, None)

marker_count = 0


def settle():
    """Defines and undefines a marker pool and waits for it to go: every event queued before has arrived."""
    global marker_count
    marker_count += 1
    name = "zz-marker-%d" % marker_count
    p = conn.storagePoolDefineXML(pool_xml(name), 0)
    p.undefine()
    with cond:
        if not cond.wait_for(lambda: name in markers_gone, 30):
            raise SystemExit("the marker pool's events did not arrive")


def take_events():
    settle()
    with cond:
        taken = list(events)
        events.clear()
    return taken


def refresh_count(pool_name):
    with cond:
        return refreshes.get(pool_name, 0)


def await_refresh(pool_name, before):
    """Whether a refresh event for the pool arrives (after `before` of them) within REFRESH_WAIT seconds."""
    with cond:
        return cond.wait_for(lambda: refreshes.get(pool_name, 0) > before, REFRESH_WAIT)


# ---------------------------------------------------------------- calls and facts
def note(text):
    """Diagnostics (attempts, timings) go to stderr: they are not part of the compared output."""
    print("races.py: %s" % text, file=sys.stderr, flush=True)


def section(title, answers):
    out[title] = answers
    note("%.1f s: %s" % (time.monotonic() - STARTED, title))




def outcome(fn):
    try:
        return {"ok": plain(fn())}
    except libvirt.libvirtError as e:
        return err(e)


def refused(result, text):
    return "error" in result and text in result["error"]["message"]


def pool_xml(name):
    return ("<pool type='dir'>\n  <name>%s</name>\n  <target>\n    <path>%s</path>\n  </target>\n</pool>\n"
            % (name, os.path.join(BASE, name)))


def vol_xml(name, capacity, allocation):
    return ("<volume>\n  <name>%s</name>\n  <capacity unit='bytes'>%d</capacity>\n"
            "  <allocation unit='bytes'>%d</allocation>\n"
            "  <target>\n    <format type='raw'/>\n  </target>\n</volume>\n" % (name, capacity, allocation))


def pool_info(pool):
    state, capacity, allocation, available = pool.info()
    return [state] + [v if v == 0 else "@SIZE@" for v in (capacity, allocation, available)]


def vol_names(pool):
    return sorted(v.name() for v in pool.listAllVolumes(0))


def file_facts(path):
    """The file as the client sees it: apparent size and content digest (None when all zero)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return {"error": e.strerror}
    zero = data.count(0) == len(data)
    return {"size": len(data), "sha256_prefix": None if zero else hashlib.sha256(data).hexdigest()[:16]}


def pattern(seed, n):
    block = bytes((i * seed + 3) % 251 for i in range(64 * KiB))
    return (block * (n // len(block) + 1))[:n]


def on_disk(path, offset, data, timeout=10.0):
    """Polls until the file holds data at offset: what the stream sent so far has been written."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                if f.read(len(data)) == data:
                    return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


def new_pool(name):
    """A defined, built and started dir pool; the setup calls' answers go into the section."""
    r = {}
    r["define"] = outcome(lambda: conn.storagePoolDefineXML(pool_xml(name), 0).name())
    pool = conn.storagePoolLookupByName(name)
    r["build"] = outcome(lambda: pool.build(0))
    r["create"] = outcome(lambda: pool.create(0))
    return pool, r


class Background(threading.Thread):
    """A call on its own thread (and the second connection); result once joined."""

    def __init__(self, fn):
        super().__init__(daemon=True)
        self.fn = fn
        self.result = None
        self.start()

    def run(self):
        self.result = outcome(self.fn)
        self.done = time.monotonic()


def probe_in_use(vol, capacity):
    """A harmless call that libvirt refuses while the volume is in use: resize to its own capacity."""
    return refused(outcome(lambda: vol.resize(capacity, 0)), "is still in use")


def upload_refused(vol):
    """vol.upload() as a racing call; a stream it opened after all is aborted at once."""
    st = conn.newStream(0)
    r = outcome(lambda: vol.upload(st, 0, KiB, 0))
    if "ok" in r:
        st.abort()
    return r


def await_in_use(vol, capacity, job, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and job.is_alive():
        if probe_in_use(vol, capacity):
            return True
        time.sleep(0.005)
    return False


# ================================================================ 1. pool calls during an upload
# The upload stream is opened and half sent; the racing calls come while it stays open.
s = {}
pool, s["setup"] = new_pool("up")
s["vol create"] = outcome(lambda: pool.createXML(vol_xml("u.raw", 4 * MiB, 0), 0).name())
vol = pool.storageVolLookupByName("u.raw")
path = vol.path()
data = pattern(7, 2 * MiB)
st = conn.newStream(0)
s["upload open"] = outcome(lambda: vol.upload(st, 0, len(data), 0))
s["send first MiB"] = outcome(lambda: st.send(data[:MiB]))
s["first MiB on disk"] = on_disk(path, 0, data[:MiB])
st2 = conn.newStream(0)
s["second upload of the volume while the stream is open"] = outcome(lambda: vol.upload(st2, 0, 4 * KiB, 0))
before = refresh_count("up")
s["second stream abort"] = outcome(st2.abort)
s["refresh event after the second stream closed"] = await_refresh("up", before)
s["pool refresh during upload"] = outcome(lambda: pool.refresh(0))
s["vol info after the refresh"] = outcome(lambda: vol.info()[:2])
s["pool destroy during upload"] = outcome(pool.destroy)
s["pool isActive"] = outcome(pool.isActive)
s["pool delete during upload (pool stopped, volume file still there)"] = outcome(lambda: pool.delete(0))
s["vol lookup in the stopped pool"] = outcome(lambda: pool.storageVolLookupByName("u.raw").name())
s["send second MiB"] = outcome(lambda: st.send(data[MiB:]))
before = refresh_count("up")
s["stream finish"] = outcome(st.finish)
s["refresh event after finish (stopped pool)"] = await_refresh("up", before)
s["pool isActive after finish"] = outcome(pool.isActive)
s["pool info after finish"] = outcome(lambda: pool_info(pool))
s["file after finish"] = file_facts(path)
s["file holds what was sent"] = on_disk(path, 0, data, 0)
s["pool create"] = outcome(lambda: pool.create(0))
s["volumes"] = outcome(lambda: vol_names(pool))
s["vol info"] = outcome(lambda: pool.storageVolLookupByName("u.raw").info()[:2])
s["events"] = take_events()
section("1 pool refresh, destroy, delete during an upload, then finish", s)

s = {}
vol = pool.storageVolLookupByName("u.raw")
other = pattern(13, MiB)
st = conn.newStream(0)
s["upload open"] = outcome(lambda: vol.upload(st, 0, 2 * MiB, 0))
s["send one MiB"] = outcome(lambda: st.send(other))
s["sent MiB on disk"] = on_disk(path, 0, other)
s["pool refresh during upload"] = outcome(lambda: pool.refresh(0))
before = refresh_count("up")
s["stream abort"] = outcome(st.abort)
s["refresh event after abort"] = await_refresh("up", before)
s["vol info after abort"] = outcome(lambda: pool.storageVolLookupByName("u.raw").info()[:2])
s["file after abort"] = file_facts(path)
s["file: sent MiB, then the first upload's second MiB"] = on_disk(path, 0, other + data[MiB:], 0)
s["pool destroy"] = outcome(pool.destroy)
s["pool undefine"] = outcome(pool.undefine)
s["events"] = take_events()
section("1 pool refresh during an upload, then abort", s)

# ================================================================ 2a. vol-delete during an upload
# ... and pool-delete once the pool is stopped and its directory empty, the stream still open.
s = {}
pool, s["setup"] = new_pool("up2")
s["vol create"] = outcome(lambda: pool.createXML(vol_xml("d.raw", 4 * MiB, 0), 0).name())
vol = pool.storageVolLookupByName("d.raw")
path = vol.path()
st = conn.newStream(0)
s["upload open"] = outcome(lambda: vol.upload(st, 0, len(data), 0))
s["send first MiB"] = outcome(lambda: st.send(data[:MiB]))
s["first MiB on disk"] = on_disk(path, 0, data[:MiB])
s["vol delete during upload"] = outcome(lambda: vol.delete(0))
s["vol lookup after delete"] = outcome(lambda: pool.storageVolLookupByName("d.raw").name())
s["file after delete"] = file_facts(path)
s["volumes"] = outcome(lambda: vol_names(pool))
s["pool destroy during upload"] = outcome(pool.destroy)
s["pool delete during upload (pool stopped, directory empty)"] = outcome(lambda: pool.delete(0))
s["directory exists"] = os.path.isdir(os.path.join(BASE, "up2"))
s["send second MiB"] = outcome(lambda: st.send(data[MiB:]))
before = refresh_count("up2")
s["stream finish"] = outcome(st.finish)
s["refresh event after finish (pool stopped and deleted)"] = await_refresh("up2", before)
s["pool isActive after finish"] = outcome(pool.isActive)
s["pool create without directory"] = outcome(lambda: pool.create(0))
s["pool build"] = outcome(lambda: pool.build(0))
s["pool create"] = outcome(lambda: pool.create(0))
s["volumes after restart"] = outcome(lambda: vol_names(pool))
s["pool destroy"] = outcome(pool.destroy)
s["pool undefine"] = outcome(pool.undefine)
s["events"] = take_events()
section("2a vol delete during an upload, then pool delete, then finish", s)

# ================================================================ 1b. undefine during an upload
s = {}
pool, s["setup"] = new_pool("up3")
s["vol create"] = outcome(lambda: pool.createXML(vol_xml("x.raw", MiB, 0), 0).name())
vol = pool.storageVolLookupByName("x.raw")
path = vol.path()
small = pattern(11, MiB)
st = conn.newStream(0)
s["upload open"] = outcome(lambda: vol.upload(st, 0, MiB, 0))
s["send half"] = outcome(lambda: st.send(small[:MiB // 2]))
s["half on disk"] = on_disk(path, 0, small[:MiB // 2])
s["pool undefine during upload (pool active)"] = outcome(pool.undefine)
s["pool destroy during upload"] = outcome(pool.destroy)
s["pool undefine during upload (pool stopped)"] = outcome(pool.undefine)
s["pool lookup"] = outcome(lambda: conn.storagePoolLookupByName("up3").name())
s["send second half"] = outcome(lambda: st.send(small[MiB // 2:]))
before = refresh_count("up3")
s["stream finish"] = outcome(st.finish)
s["refresh event after finish (pool undefined)"] = await_refresh("up3", before)
s["file after finish"] = file_facts(path)
s["file holds what was sent"] = on_disk(path, 0, small, 0)
s["pools"] = outcome(lambda: sorted(p.name() for p in conn.listAllStoragePools(0)))
s["events"] = take_events()
section("1b pool undefine during an upload, then finish", s)


# ================================================================ 2b. vol-delete during a wipe
def restore(name, volumes):
    """After a discarded attempt, whose racing calls may have stopped, deleted or undefined the pool once the
    job had ended: the pool defined, built and started again, without the attempt's volumes."""
    try:
        p = conn.storagePoolLookupByName(name)
    except libvirt.libvirtError:
        p = conn.storagePoolDefineXML(pool_xml(name), 0)
    if not p.isActive():
        if not os.path.isdir(os.path.join(BASE, name)):
            p.build(0)
        p.create(0)
    for v in volumes:
        try:
            p.storageVolLookupByName(v).delete(0)
        except libvirt.libvirtError:
            pass


def wipe_attempt(pool, size):
    """The racing calls' answers, or None if the wipe was not in flight all along them (the attempt is
    discarded; restore() cleans up)."""
    r = {}
    r["vol create (fully allocated)"] = outcome(lambda: pool.createXML(vol_xml("w.raw", size, size), 0).name())
    vol = pool.storageVolLookupByName("w.raw")
    path = vol.path()
    bg_vol = bg.storagePoolLookupByName("wp").storageVolLookupByName("w.raw")
    job = Background(lambda: bg_vol.wipe(0))
    if not await_in_use(vol, size, job):
        job.join()
        return None
    r["vol delete during wipe"] = outcome(lambda: vol.delete(0))
    r["vol wipe during wipe"] = outcome(lambda: vol.wipe(0))
    r["vol upload during wipe"] = upload_refused(vol)
    r["pool refresh during wipe"] = outcome(lambda: pool.refresh(0))
    r["pool destroy during wipe"] = outcome(pool.destroy)
    r["pool delete during wipe"] = outcome(lambda: pool.delete(0))
    r["pool undefine during wipe"] = outcome(pool.undefine)
    valid = probe_in_use(vol, size)
    job.join()
    r["wipe"] = job.result
    if not valid:
        return None
    r["file after wipe: all zero"] = file_facts(path)["sha256_prefix"] is None
    r["vol delete after the wipe"] = outcome(lambda: vol.delete(0))
    r["file exists"] = os.path.exists(path)
    return r


s = {}
pool, s["setup"] = new_pool("wp")
s["setup events"] = take_events()
for size in (256 * MiB, 1024 * MiB, 2048 * MiB):
    take_events()  # a discarded attempt's
    r = wipe_attempt(conn.storagePoolLookupByName("wp"), size)
    note("wipe of %d MiB: %s" % (size // MiB, "raced" if r else "not in flight during the racing calls, discarded"))
    if r is not None:
        s.update(r)
        break
    restore("wp", ["w.raw"])
else:
    s["race"] = "the wipe was never observed in flight"
pool = conn.storagePoolLookupByName("wp")
s["pool destroy"] = outcome(pool.destroy)
s["pool undefine"] = outcome(pool.undefine)
s["events"] = take_events()
section("2b vol delete during a wipe", s)


# ================================================================ 2c. deleting the source of a clone in progress
def clone_attempt(pool, size):
    """As wipe_attempt()."""
    r = {}
    r["source create (fully allocated)"] = outcome(
        lambda: pool.createXML(vol_xml("src.raw", size, size), 0).name())
    src = pool.storageVolLookupByName("src.raw")
    src_path = src.path()
    block = pattern(5, MiB)
    digest = hashlib.sha256()
    with open(src_path, "r+b") as f:  # data, so that the copy cannot skip zero blocks
        for _ in range(size // MiB):
            f.write(block)
            digest.update(block)
    bg_src = bg.storagePoolLookupByName("cp").storageVolLookupByName("src.raw")
    bg_pool = bg.storagePoolLookupByName("cp")
    job = Background(lambda: bg_pool.createXMLFrom(vol_xml("dst.raw", size, size), bg_src, 0))
    if not await_in_use(src, size, job):
        job.join()
        return None
    r["source delete during clone"] = outcome(lambda: src.delete(0))
    r["source wipe during clone"] = outcome(lambda: src.wipe(0))
    r["source upload during clone"] = upload_refused(src)
    r["clone lookup during clone"] = outcome(lambda: pool.storageVolLookupByName("dst.raw").name())
    dst = pool.storageVolLookupByName("dst.raw")
    r["clone delete during clone"] = outcome(lambda: dst.delete(0))
    r["clone wipe during clone"] = outcome(lambda: dst.wipe(0))
    r["clone resize during clone"] = outcome(lambda: dst.resize(size, 0))
    dl = conn.newStream(0)
    r["clone download during clone"] = outcome(lambda: dst.download(dl, 0, KiB, 0))
    if "ok" in r["clone download during clone"]:
        dl.abort()
    r["clone of the clone during clone"] = outcome(
        lambda: pool.createXMLFrom(vol_xml("dst2.raw", size, 0), dst, 0).name())
    r["second clone of the source during clone"] = outcome(
        lambda: pool.createXMLFrom(vol_xml("dst.raw", size, 0), src, 0).name())
    r["pool refresh during clone"] = outcome(lambda: pool.refresh(0))
    r["pool destroy during clone"] = outcome(pool.destroy)
    valid = probe_in_use(src, size)
    job.join()
    r["clone"] = job.result
    if not valid:
        return None
    r["source delete after the clone"] = outcome(lambda: src.delete(0))
    r["volumes"] = outcome(lambda: vol_names(pool))
    r["clone info: capacity as the source's"] = outcome(lambda: dst.info()[1] == size)
    copy = hashlib.sha256()
    with open(dst.path(), "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            copy.update(chunk)
    r["clone content equals the source's"] = copy.hexdigest() == digest.hexdigest()
    r["clone delete"] = outcome(lambda: dst.delete(0))
    return r


s = {}
pool, s["setup"] = new_pool("cp")
s["setup events"] = take_events()
for size in (256 * MiB, 1024 * MiB, 2048 * MiB):
    take_events()  # a discarded attempt's
    r = clone_attempt(conn.storagePoolLookupByName("cp"), size)
    note("clone of %d MiB: %s" % (size // MiB, "raced" if r else "not in flight during the racing calls, discarded"))
    if r is not None:
        s.update(r)
        break
    restore("cp", ["dst2.raw", "dst.raw", "src.raw"])
else:
    s["race"] = "the clone was never observed in flight"
pool = conn.storagePoolLookupByName("cp")
s["pool destroy"] = outcome(pool.destroy)
s["pool undefine"] = outcome(pool.undefine)
s["events"] = take_events()
section("2c vol delete of a clone's source during the clone", s)

# ================================================================ 3. undefine / destroy during a refresh
libc = ctypes.CDLL("libc.so.6", use_errno=True)
IN_OPEN = 0x20


def refresh_race(pool, racing):
    """Refreshes the pool in the background; once the daemon opens its directory, runs racing(); None if
    the refresh had already answered by then."""
    directory = os.path.join(BASE, pool.name())
    fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    if fd < 0 or libc.inotify_add_watch(fd, directory.encode(), IN_OPEN) < 0:
        raise SystemExit("inotify: %s" % os.strerror(ctypes.get_errno()))
    try:
        bg_pool = bg.storagePoolLookupByName(pool.name())
        job = Background(lambda: bg_pool.refresh(0))
        seen = []
        deadline = time.monotonic() + 60
        while not seen and job.is_alive() and time.monotonic() < deadline:
            seen, _, _ = select.select([fd], [], [], 0.05)
    finally:
        os.close(fd)
    if not seen or not job.is_alive():
        job.join()
        note("refresh: had answered before the racing call, discarded")
        return None
    issued = time.monotonic()
    r = racing()
    answered = time.monotonic()
    job.join()
    note("refresh raced: after the racing call was issued, the refresh answered in %.3f s, the racing call in %.3f s"
         % (job.done - issued, answered - issued))
    r["refresh"] = job.result
    return r


s = {}
pool, s["setup"] = new_pool("many")
many = os.path.join(BASE, "many")
for i in range(MANY_FILES):
    os.mknod(os.path.join(many, "f%05d" % i), stat.S_IFREG | 0o644)
s["pool refresh"] = outcome(lambda: pool.refresh(0))
s["number of volumes"] = outcome(pool.numOfVolumes)
s["setup events"] = take_events()
for attempt in range(5):
    take_events()  # a discarded attempt's
    r = refresh_race(pool, lambda: {"pool undefine during refresh": outcome(pool.undefine)})
    if r is not None:
        s.update(r)
        break
else:
    s["race"] = "the refresh was never observed in flight"
s["pool isActive"] = outcome(pool.isActive)
s["events"] = take_events()
section("3 pool undefine during a refresh", s)

s = {}
for attempt in range(5):
    take_events()  # a discarded attempt's (racing() was not called: the pool is still active)
    r = refresh_race(pool, lambda: {"pool destroy during refresh": outcome(pool.destroy)})
    if r is not None:
        s.update(r)
        break
else:
    s["race"] = "the refresh was never observed in flight"
s["pool undefine after the destroy"] = outcome(pool.undefine)
s["pool refresh after the undefine"] = outcome(lambda: pool.refresh(0))
s["pools"] = outcome(lambda: sorted(p.name() for p in conn.listAllStoragePools(0)))
s["events"] = take_events()
section("3 pool destroy during a refresh, then undefine", s)

# ---------------------------------------------------------------- normalization
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
uuids = {}
text = json.dumps(out, indent=1).replace(BASE, "@BASE@")
note("done in %.1f s" % (time.monotonic() - STARTED))
print(UUID.sub(lambda m: uuids.setdefault(m.group(0), "@UUID%d@" % (len(uuids) + 1)), text))
bg.close()
conn.close()
