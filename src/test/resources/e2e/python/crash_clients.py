#!/usr/bin/python3
"""Concurrent python3-libvirt clients for CrashSafetyIT, and the checker of what survives a SIGKILL.

Usage: crash_clients.py --uri URI --base DIR --config-dir DIR --run-dir DIR [--clients N] [--seed S]

Every client thread owns two pool names (cNpM, directory BASE/cNpM) and loops at random over define,
build+start, create (transient, with build), vol-create (1 MiB raw, sparse), vol-delete, destroy,
undefine, keeping a model of what the daemon acknowledged. Commands on stdin, one per line:
  run     the clients go (they reconnect first)
  stop    the daemon was just killed: every client stops before its next call (a call that failed because
          of the kill leaves its outcome unknown: "pending"); prints "parked" once all have stopped
  check   the daemon was restarted: checks the invariants, prints "checked N" or "FAIL: ..." lines
  quit
Invariants checked (the "acknowledged" state is the model; a pending call allows its before and after):
  * every *.xml under the config and run directories parses (ElementTree), root <pool> / <poolstate>
  * no other file there: no *.new or other temporary file (only autostart/, driver.pid, autostarted)
  * an acknowledged define exists (persistent, same uuid) unless an acknowledged undefine followed; an
    undefined pool does not exist
  * a pool acknowledged started (or created) is active unless destroyed; a persistent inactive pool is
    inactive, except that one whose directory exists comes back active (libvirt 9.0's dir checkPool:
    at start-up every dir pool whose directory exists is active)
  * an acknowledged vol-create exists with capacity 1 MiB, an acknowledged vol-delete is gone; a file in
    a pool directory that no client acknowledged is allowed only for a vol-create in flight at the kill
    (libvirt lists every file of a dir pool as a volume: a create that was never acknowledged may show)
"""

import argparse
import os
import random
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET

import libvirt

MIB = 1024 * 1024
libvirt.registerErrorHandler(lambda ctx, err: None, None)


class Pool:
    def __init__(self, name, target):
        self.name = name
        self.target = target
        self.state = "absent"        # absent | inactive | active
        self.persistent = False
        self.uuid = None
        self.vols = set()
        self.unsized = set()         # volumes adopted from a create cut by the kill: any capacity
        self.pending = None          # (op, arg) of a call whose outcome the kill hid


class Client(threading.Thread):
    def __init__(self, idx, h):
        super().__init__(daemon=True)
        self.idx = idx
        self.h = h
        self.rng = random.Random(h.seed * 1000 + idx)
        self.pools = [Pool("c%dp%d" % (idx, k), os.path.join(h.base, "c%dp%d" % (idx, k))) for k in range(2)]
        self.conn = None
        self.counter = 0
        self.ops = 0

    def park(self):
        with self.h.cv:
            self.h.parked += 1
            self.h.cv.notify_all()
            while self.h.paused and not self.h.quit:
                self.h.cv.wait()
            self.h.parked -= 1
        self.conn = None

    def run(self):
        while not self.h.quit:
            if self.h.paused:
                self.park()
                continue
            try:
                if self.conn is None:
                    self.conn = libvirt.open(self.h.uri)
                self.step()
                self.ops += 1
            except libvirt.libvirtError as e:
                # a call cut by the kill, or a real error: the harness pauses right after a kill
                deadline = time.time() + 3
                while time.time() < deadline and not self.h.paused:
                    time.sleep(0.01)
                if not self.h.paused:
                    self.h.fail("client %d: unexpected error: %s" % (self.idx, e))
                    time.sleep(0.5)
                    self.conn = None
            time.sleep(self.rng.random() * 0.03)

    def pool_xml(self, p):
        return ("<pool type='dir'><name>%s</name><uuid>%s</uuid><target><path>%s</path></target></pool>"
                % (p.name, p.uuid, p.target))

    def call(self, p, op, arg, fn):
        """Runs fn with p.pending set; the pending mark is cleared only once the answer came."""
        p.pending = (op, arg)
        r = fn()
        p.pending = None
        return r

    def step(self):
        p = self.rng.choice(self.pools)
        c = self.conn
        if p.state == "absent":
            p.uuid = str(uuid.uuid4())
            if self.rng.random() < 0.7:
                self.call(p, "define", None, lambda: c.storagePoolDefineXML(self.pool_xml(p), 0))
                p.state, p.persistent, p.vols = "inactive", True, set()
            else:
                self.call(p, "create", None, lambda: c.storagePoolCreateXML(
                    self.pool_xml(p), libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD))
                p.state, p.persistent = "active", False
                p.vols = set(os.listdir(p.target)) if os.path.isdir(p.target) else set()
        elif p.state == "inactive":
            pool = c.storagePoolLookupByName(p.name)
            if self.rng.random() < 0.65:
                pool.build(0)
                self.call(p, "start", None, lambda: pool.create(0))
                p.state = "active"
                p.vols = set(os.listdir(p.target))
            else:
                self.call(p, "undefine", None, pool.undefine)
                p.state, p.persistent = "absent", False
        else:
            pool = c.storagePoolLookupByName(p.name)
            r = self.rng.random()
            if r < 0.45:
                self.counter += 1
                name = "v%d.raw" % self.counter
                xml = ("<volume><name>%s</name><capacity>%d</capacity><allocation>0</allocation>"
                       "<target><format type='raw'/></target></volume>" % (name, MIB))
                self.call(p, "vol-create", name, lambda: pool.createXML(xml, 0))
                p.vols.add(name)
            elif r < 0.8 and p.vols:
                name = self.rng.choice(sorted(p.vols))
                vol = pool.storageVolLookupByName(name)
                self.call(p, "vol-delete", name, lambda: vol.delete(0))
                p.vols.discard(name)
            else:
                self.call(p, "destroy", None, pool.destroy)
                p.state = "inactive" if p.persistent else "absent"


class Harness:
    def __init__(self, a):
        self.uri, self.base, self.seed = a.uri, a.base, a.seed
        self.config_dir, self.run_dir = a.config_dir, a.run_dir
        self.cv = threading.Condition()
        self.paused = True
        self.quit = False
        self.parked = 0
        self.failures = []
        self.checks = 0
        self.clients = [Client(i, self) for i in range(a.clients)]

    def fail(self, msg):
        with self.cv:
            self.failures.append(msg)

    def check_files(self):
        for top, root_tag in ((self.config_dir, "pool"), (self.run_dir, "poolstate")):
            if not os.path.isdir(top):
                continue
            for dirpath, dirnames, files in os.walk(top):
                for f in files:
                    path = os.path.join(dirpath, f)
                    rel = os.path.relpath(path, top)
                    if f.endswith(".xml"):
                        self.checks += 1
                        if os.path.islink(path):
                            continue  # autostart links
                        try:
                            root = ET.parse(path).getroot()
                        except ET.ParseError as e:
                            self.fail("%s does not parse: %s" % (path, e))
                            continue
                        if root.tag != root_tag:
                            self.fail("%s: root element <%s>, expected <%s>" % (path, root.tag, root_tag))
                    elif rel not in ("driver.pid", "autostarted"):
                        self.fail("left-over file %s" % path)

    def check_pools(self):
        conn = libvirt.open(self.uri)
        seen = {}
        for pool in conn.listAllStoragePools(0):
            seen[pool.name()] = pool
        known = set()
        for cl in self.clients:
            for p in cl.pools:
                known.add(p.name)
                self.check_pool(p, seen.get(p.name))
        for name in seen:
            self.checks += 1
            if name not in known:
                self.fail("unknown pool %s exists" % name)
        conn.close()

    def observed_state(self, pool):
        if pool is None:
            return "absent"
        return "active" if pool.isActive() else "inactive"

    def check_pool(self, p, pool):
        self.checks += 1
        obs = self.observed_state(pool)
        pend = p.pending
        p.pending = None
        # libvirt: at start-up a dir pool whose directory exists is found active
        expected = p.state
        if expected == "inactive" and os.path.isdir(p.target):
            expected = "active"
        allowed = {expected}
        if pend is not None:
            op = pend[0]
            after = {"define": "inactive", "create": "active", "start": "active", "undefine": "absent",
                     "destroy": "inactive" if p.persistent else "absent"}.get(op)
            if after == "inactive" and os.path.isdir(p.target):
                after = "active"
            if after:
                allowed.add(after)
            if op in ("define", "create") and obs != "absent":
                p.persistent = op == "define"
        if obs not in allowed:
            self.fail("pool %s: %s, expected %s (pending %s)" % (p.name, obs, "/".join(sorted(allowed)), pend))
            return
        if obs != "absent":
            self.checks += 1
            if pool.UUIDString() != p.uuid:
                self.fail("pool %s: uuid %s, expected %s" % (p.name, pool.UUIDString(), p.uuid))
            if bool(pool.isPersistent()) != p.persistent:
                self.fail("pool %s: persistent=%s, expected %s" % (p.name, pool.isPersistent(), p.persistent))
        if obs == "active" and p.state != "active":
            p.vols = set(os.listdir(p.target)) if os.path.isdir(p.target) else set()
        p.state = obs
        if obs == "absent":
            p.persistent = False
            p.vols = set()
            return
        if obs != "active":
            return
        names = set(pool.listVolumes())
        for v in sorted(p.vols | names):
            self.checks += 1
            flight = pend is not None and pend[0] in ("vol-create", "vol-delete") and pend[1] == v
            if v in p.vols and v not in names:
                if flight and pend[0] == "vol-delete":
                    p.vols.discard(v)
                else:
                    self.fail("pool %s: acknowledged volume %s is missing" % (p.name, v))
            elif v not in p.vols and v in names:
                if flight and pend[0] == "vol-create":
                    p.vols.add(v)   # the create went through, unacknowledged: libvirt would list it too
                    p.unsized.add(v)
                else:
                    self.fail("pool %s: volume %s exists without an acknowledged create" % (p.name, v))
            elif v in names and not flight and v not in p.unsized:
                cap = pool.storageVolLookupByName(v).info()[1]
                if cap != MIB:
                    self.fail("pool %s: volume %s has capacity %d, expected %d" % (p.name, v, cap, MIB))

    def main(self):
        for c in self.clients:
            c.start()
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "run":
                with self.cv:
                    self.paused = False
                    self.cv.notify_all()
            elif cmd == "stop":
                with self.cv:
                    self.paused = True
                    if not self.cv.wait_for(lambda: self.parked == len(self.clients), timeout=60):
                        self.failures.append("clients did not stop within 60 s")
                print("parked", flush=True)
            elif cmd == "check":
                before = self.checks
                try:
                    self.check_files()
                    self.check_pools()
                except libvirt.libvirtError as e:
                    self.fail("check: %s" % e)
                with self.cv:
                    failures, self.failures = self.failures, []
                for f in failures:
                    print("FAIL: " + f, flush=True)
                print("checked %d ops=%d" % (self.checks - before, sum(c.ops for c in self.clients)), flush=True)
            elif cmd == "quit":
                break
        with self.cv:
            self.quit = True
            self.cv.notify_all()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--uri", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--config-dir", required=True)
    ap.add_argument("--run-dir", required=True)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    Harness(ap.parse_args()).main()


if __name__ == "__main__":
    main()
