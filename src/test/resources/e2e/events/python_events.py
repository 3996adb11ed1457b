#!/usr/bin/python3
"""Storage pool events as python3-libvirt and a bare RPC client see them, as JSON.

Usage: python_events.py URI BASE_DIR
URI is storage:///session?socket=PATH (the raw RPC part connects to PATH itself). BASE_DIR must exist,
be empty and be writable by the daemon. Prints one JSON document:
  "calls":  every register/deregister call: the callback id it returned, or its libvirt error
            (the bad event ids and unknown callback ids are refused by the client library itself);
  "events": per listening connection, every callback invocation in arrival order, as
            "OPAQUE POOL EVENT DETAIL" (lifecycle) or "OPAQUE POOL refresh";
  "rpc":    a hand-made client speaking the remote protocol: the daemon's own answers to
            CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY/DEREGISTER_ANY (callback ids, the errors for bad
            event ids, a callback registered twice, unknown callback ids) and the event messages it sends.
Deterministic: BASE_DIR -> @BASE@, UUIDs -> @UUIDn@ in order of first appearance. To know that every
event has arrived, each phase ends with a marker pool defined and undefined, which every listening
connection has an all-pools lifecycle callback for.
Run against libvirtd 9.0 (record.sh) to record the reference, and against our daemon to compare.
"""
import json
import os
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid as uuidlib

import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)

URI, BASE = sys.argv[1], os.path.realpath(sys.argv[2])
SOCKET = urllib.parse.parse_qs(urllib.parse.urlparse(URI).query)["socket"][0]
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
uuids = {}


def norm(s):
    s = s.replace(BASE, "@BASE@")
    return UUID_RE.sub(lambda m: uuids.setdefault(m.group(0), "@UUID%d@" % (len(uuids) + 1)), s)


libvirt.virEventRegisterDefaultImpl()


def loop():
    while True:
        libvirt.virEventRunDefaultImpl()


threading.Thread(target=loop, daemon=True).start()

LIFE = libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE
REFRESH = libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH
lock = threading.Lock()
events = {"conn": [], "ro": []}
calls = {}


def on_life(conn, pool, event, detail, opaque):
    with lock:
        events[opaque[0]].append("%s %s %d %d" % (opaque[1], pool.name(), event, detail))


def on_refresh(conn, pool, opaque):
    with lock:
        events[opaque[0]].append("%s %s refresh" % (opaque[1], pool.name()))


def err(e):
    return {"error": {"code": e.get_error_code(), "domain": e.get_error_domain(), "message": norm(str(e))}}


def call(key, fn):
    try:
        calls[key] = {"ok": fn()}
    except libvirt.libvirtError as e:
        calls[key] = err(e)


def xml(name, uuid=None):
    return ("<pool type='dir'><name>%s</name>%s<target><path>%s/%s</path></target></pool>"
            % (name, "<uuid>%s</uuid>" % uuid if uuid else "", BASE, name))


conn = libvirt.open(URI)      # listens
ro = libvirt.openReadOnly(URI)  # listens, read-only
ops = libvirt.open(URI)       # acts
markers = 0


def settle(listeners=("conn", "ro")):
    """Defines and undefines a marker pool; returns once every listener has seen it go."""
    global markers
    markers += 1
    name = "zz-marker-%d" % markers
    ops.storagePoolDefineXML(xml(name), 0).undefine()
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            if all(any(e.split()[1:3] == [name, "1"] for e in events[l]) for l in listeners):
                return
        time.sleep(0.02)
    sys.exit("events of %s did not arrive: %s" % (name, json.dumps(events, indent=1)))


a = ops.storagePoolDefineXML(xml("pa"), 0)
b = ops.storagePoolDefineXML(xml("pb"), 0)
pa = conn.storagePoolLookupByName("pa")

ids = {}


def reg(key, c, pool, event_id, listener, tag):
    cb = on_life if event_id == LIFE else on_refresh
    try:
        ids[key] = c.storagePoolEventRegisterAny(pool, event_id, cb, (listener, tag))
        calls["register " + key] = {"ok": ids[key]}
    except libvirt.libvirtError as e:
        calls["register " + key] = err(e)


reg("life-all", conn, None, LIFE, "conn", "life-all")
reg("refresh-all", conn, None, REFRESH, "conn", "refresh-all")
reg("life-pa", conn, pa, LIFE, "conn", "life-pa")
reg("refresh-pa", conn, pa, REFRESH, "conn", "refresh-pa")
reg("life-all twice", conn, None, LIFE, "conn", "life-all-2")  # the client library refuses
reg("ro life-all", ro, None, LIFE, "ro", "life-all")
reg("ro refresh-pa", ro, ro.storagePoolLookupByName("pa"), REFRESH, "ro", "refresh-pa")
reg("bad event id 2", conn, None, 2, "conn", "bad")
reg("bad event id -1", conn, None, -1, "conn", "bad")
call("deregister unknown 4711", lambda: conn.storagePoolEventDeregisterAny(4711))
settle()

# phase 1: every operation on pa and pb
a.build(0)
a.create(0)
a.refresh(0)
b.build(0)
b.create(0)
b.refresh(0)
a.destroy()
b.destroy()
a.setAutostart(1)
a.setAutostart(0)
ops.storagePoolDefineXML(xml("pa", a.UUIDString()), 0)
t = ops.storagePoolCreateXML(xml("pt"), libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD)
t.refresh(0)
t.destroy()
settle()

# phase 2: fewer callbacks
call("deregister life-pa", lambda: conn.storagePoolEventDeregisterAny(ids["life-pa"]))
call("deregister refresh-all", lambda: conn.storagePoolEventDeregisterAny(ids["refresh-all"]))
call("deregister refresh-all again", lambda: conn.storagePoolEventDeregisterAny(ids["refresh-all"]))
reg("refresh-all again", conn, None, REFRESH, "conn", "refresh-all-again")
a.create(0)
a.refresh(0)
b.create(0)
b.refresh(0)
a.destroy()
b.destroy()
settle()

# phase 3: the read-only connection goes away; its callbacks with it
ro.close()
a.delete(0)
a.undefine()
b.delete(0)
b.undefine()
settle(("conn",))

# the daemon's own answers, without the client library in between
REMOTE, MESSAGE, REPLY = 0x20008086, 2, 1


def xdr_string(s):
    data = s.encode()
    return struct.pack(">I", len(data)) + data + b"\0" * (-len(data) % 4)


class Raw:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.serial = 0
        self.messages = []

    def read(self):
        head = self.recv(4)
        (n,) = struct.unpack(">I", head)
        body = self.recv(n - 4)
        prog, vers, proc, typ, serial, status = struct.unpack(">6i", body[:24])
        return proc, typ, serial, status, body[24:]

    def recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError("daemon closed the connection")
            buf += chunk
        return buf

    def call(self, proc, payload=b""):
        self.serial += 1
        frame = struct.pack(">7i", 28 + len(payload), REMOTE, 1, proc, 0, self.serial, 0) + payload
        self.s.sendall(frame)
        while True:
            rproc, typ, serial, status, body = self.read()
            if typ == REPLY and serial == self.serial:
                break
            self.messages.append(event_message(rproc, body))
        if status == 0:
            return {"ok": list(struct.unpack(">%di" % (len(body) // 4), body))}
        code, domain, mlen = struct.unpack(">i i 4x I", body[:16])  # code, domain, message present, length
        return {"error": {"code": code, "domain": domain, "message": norm(body[16:16 + mlen].decode())}}

    def wait_messages(self, count):
        self.s.settimeout(30)
        while len(self.messages) < count:
            rproc, typ, serial, status, body = self.read()
            self.messages.append(event_message(rproc, body) if typ == MESSAGE else "unexpected %d" % typ)


def event_message(proc, body):
    cb, nlen = struct.unpack(">iI", body[:8])
    name = body[8:8 + nlen].decode()
    off = 8 + nlen + (-nlen % 4)
    uuid = str(uuidlib.UUID(bytes=body[off:off + 16]))
    rest = struct.unpack(">%di" % ((len(body) - off - 16) // 4), body[off + 16:])
    return norm("proc %d callback %d pool %s %s %s" % (proc, cb, name, uuid, " ".join(map(str, rest)))).strip()


def reg_args(event_id, pool=None):
    if pool is None:
        return struct.pack(">ii", event_id, 0)
    name, uuid = pool
    return struct.pack(">ii", event_id, 1) + xdr_string(name) + uuidlib.UUID(uuid).bytes


rpc = {}
raw = Raw(SOCKET)
rpc["open"] = raw.call(1, struct.pack(">i", 1) + xdr_string("storage:///session") + struct.pack(">i", 0))
rpc["register event 2"] = raw.call(368, reg_args(2))
rpc["register event -1"] = raw.call(368, reg_args(-1))
rpc["register lifecycle"] = raw.call(368, reg_args(0))
rpc["register lifecycle again"] = raw.call(368, reg_args(0))
rpc["register refresh"] = raw.call(368, reg_args(1))
ghost = ("ghost", "0badcafe-0000-4000-8000-000000000001")
rpc["register lifecycle for a pool that does not exist"] = raw.call(368, reg_args(0, ghost))
rpc["register lifecycle for it again"] = raw.call(368, reg_args(0, ghost))
rpc["deregister 4711"] = raw.call(369, struct.pack(">i", 4711))
rpc["deregister -1"] = raw.call(369, struct.pack(">i", -1))
first_id = rpc["register lifecycle"].get("ok", [None])[0]
rpc["deregister another client's callback 0"] = raw.call(369, struct.pack(">i", 0))
ops.storagePoolCreateXML(xml(ghost[0], ghost[1]), libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD).refresh(0)
ops.storagePoolLookupByName(ghost[0]).destroy()
raw.wait_messages(5)
if first_id is not None:
    rpc["deregister lifecycle"] = raw.call(369, struct.pack(">i", first_id))
    rpc["deregister lifecycle again"] = raw.call(369, struct.pack(">i", first_id))
ops.storagePoolCreateXML(xml("pr"), libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD).destroy()  # nobody listens to pr any more
ops.storagePoolCreateXML(xml(ghost[0], ghost[1]), libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD).destroy()
raw.wait_messages(7)
rpc["messages"] = raw.messages
settle(("conn",))
for key in ("life-all", "refresh-pa", "refresh-all again"):
    call("deregister " + key, lambda: conn.storagePoolEventDeregisterAny(ids[key]))

print(json.dumps({"calls": calls, "events": events, "rpc": rpc}, indent=1))
