#!/usr/bin/python3
"""What a forwarding daemon (virtproxyd, virtqemud) does on a storage daemon's socket, as JSON: libvirt's
C client (python3-libvirt) sends CONNECT_SET_IDENTITY with the identity a daemon forwards, then uses the
same connection; a bare RPC client sends what the C library never would (ill-typed, repeated, too many
or unknown-typed parameters; go-libvirt's boolean form). Run against libvirtd 9.0 to record the reference
and against our daemon to compare.

Usage: identity.py URI MODE DIR [ADMIN_URI SERVER]
  URI        storage URI with ?socket=...  MODE rw (whole storage scenario) or ro (read-only socket)
  DIR        a directory the daemon may create pools under (shown as @DIR@)
  ADMIN_URI  when given, virt-admin's client-info of this connection on SERVER after the identity is set
"""
import hashlib
import json
import os
import pwd
import re
import struct
import subprocess
import sys
import urllib.parse

import libvirt
from rawrpc import Raw, xdr_string

libvirt.registerErrorHandler(lambda ctx, err: None, None)  # keep libvirt's own stderr report quiet

uri, mode, base = sys.argv[1], sys.argv[2], sys.argv[3]
admin = sys.argv[4:6]
sock = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["socket"][0]
result = {}


def norm(s):
    return s.replace(base, "@DIR@").replace(sock, "@SOCKET@")


def outcome(key, fn):
    try:
        value = fn()
        result[key] = {"ok": norm(value) if isinstance(value, str) else value}
    except libvirt.libvirtError as e:
        result[key] = {"code": e.get_error_code(), "domain": e.get_error_domain(), "message": norm(str(e))}


# what virtproxyd's remoteOpenConn forwards (virIdentityGetParameters of its client's identity)
FORWARDED = {
    libvirt.VIR_CONNECT_IDENTITY_USER_NAME: "alice",
    libvirt.VIR_CONNECT_IDENTITY_UNIX_USER_ID: 1234,
    libvirt.VIR_CONNECT_IDENTITY_GROUP_NAME: "staff",
    libvirt.VIR_CONNECT_IDENTITY_UNIX_GROUP_ID: 50,
    libvirt.VIR_CONNECT_IDENTITY_PROCESS_ID: 4242,
    libvirt.VIR_CONNECT_IDENTITY_PROCESS_TIME: 987654321,
    "system.token": "3f1c2a9e5b7d4c6a8e0f1b2c3d4e5f60",
}

conn = libvirt.open(uri) if mode == "rw" else libvirt.openReadOnly(uri)
outcome("setIdentity", lambda: conn.setIdentity(FORWARDED))
if admin:
    # the admin socket admits only its daemon's user: run virt-admin as that user
    owner = os.stat(urllib.parse.parse_qs(urllib.parse.urlparse(admin[0]).query)["socket"][0]).st_uid
    as_owner = ["runuser", "-u", pwd.getpwuid(owner).pw_name, "--"] if os.geteuid() != owner else []

    def client_info():
        virt_admin = as_owner + ["virt-admin", "-c", admin[0]]
        ids = subprocess.run(virt_admin + ["srv-clients-list", admin[1]], capture_output=True, text=True,
                             check=True).stdout
        infos = []
        for cid in re.findall(r"^\s*(\d+)\s", ids, re.M):
            out = subprocess.run(virt_admin + ["client-info", "--server", admin[1], "--client", cid],
                                 capture_output=True, text=True).stdout
            fields = dict(re.findall(r"^(\w+)\s*:\s*(.*?)\s*$", out, re.M))
            if fields.get("unix_process_id") == "4242":
                fields.pop("id", None)
                fields.pop("connection_time", None)
                infos.append(fields)
        return infos
    result["admin client-info of the forwarded client"] = client_info()

outcome("listAllStoragePools", lambda: sorted(p.name() for p in conn.listAllStoragePools(0)))
outcome("getURI", conn.getURI)
outcome("unknown parameter", lambda: conn.setIdentity({"bogus": "x"}))
outcome("unknown parameter, 79 characters", lambda: conn.setIdentity({"a" * 79: "x"}))
outcome("unknown flags are ignored", lambda: conn.setIdentity({}, 0xffff))
outcome("identity replaced", lambda: conn.setIdentity({libvirt.VIR_CONNECT_IDENTITY_USER_NAME: "bob",
                                                        libvirt.VIR_CONNECT_IDENTITY_UNIX_USER_ID: 4321}))

if mode == "rw":
    # the storage scenario, on the connection that now acts for the forwarded identity
    pool_xml = ("<pool type='dir'><name>idpool</name><target><path>%s/idpool</path></target></pool>" % base)
    vol_xml = ("<volume><name>v1.raw</name><capacity unit='bytes'>1048576</capacity>"
               "<target><format type='raw'/></target></volume>")
    data = bytes((i * 7 + 3) % 251 for i in range(1048576))
    outcome("poolDefineXML", lambda: conn.storagePoolDefineXML(pool_xml, 0).name())
    pool = conn.storagePoolLookupByName("idpool")
    outcome("pool.build", lambda: pool.build(0))
    outcome("pool.create", lambda: pool.create(0))
    outcome("volCreateXML", lambda: pool.createXML(vol_xml, 0).name())
    vol = pool.storageVolLookupByName("v1.raw")

    def upload():
        st = conn.newStream(0)
        vol.upload(st, 0, len(data), 0)
        st.send(data)
        st.finish()
        return hashlib.sha256(data).hexdigest()

    def download():
        st = conn.newStream(0)
        vol.download(st, 0, len(data), 0)
        got = bytearray()
        st.recvAll(lambda s, buf, opaque: got.extend(buf), None)
        st.finish()
        return hashlib.sha256(bytes(got)).hexdigest()

    outcome("vol.upload sha256", upload)
    outcome("vol.download sha256", download)
    outcome("vol.info", lambda: vol.info()[:2])
    outcome("pool volumes", lambda: sorted(v.name() for v in pool.listAllVolumes(0)))

    outcome("vol.delete", lambda: vol.delete(0))
    outcome("pool.destroy", lambda: pool.destroy())
    outcome("pool.undefine", lambda: pool.undefine())

outcome("close", conn.close)

# ---------------------------------------------------------------- a bare RPC client
T_INT, T_UINT, T_LLONG, T_ULLONG, T_STRING = 1, 2, 3, 4, 7


def typed(name, typ, value):
    body = xdr_string(name) + struct.pack(">i", typ)
    if typ in (T_INT, T_UINT):
        return body + struct.pack(">I", value & 0xffffffff)
    if typ in (T_LLONG, T_ULLONG):
        return body + struct.pack(">Q", value & 0xffffffffffffffff)
    if typ == T_STRING:
        return body + xdr_string(value)
    return body + struct.pack(">I", value)  # a type libvirt's union has no arm for


def identity_args(params, flags=0):
    return struct.pack(">I", len(params)) + b"".join(typed(*p) for p in params) + struct.pack(">I", flags)


SET_IDENTITY, GET_URI, OPEN = 419, 110, 1
raw = Raw(sock, norm)
result["raw: set identity before open"] = raw.call(SET_IDENTITY, identity_args([]))
result["raw: get URI before open"] = raw.call(GET_URI, string_reply=True)
# go-libvirt's CONNECT_OPEN: the optional name's presence flag is the word 0x01000000
name = "storage:///system" if "/system" in uri else "storage:///session"
result["raw: open, presence flag 0x01000000"] = raw.call(OPEN, b"\x01\0\0\0" + xdr_string(name) + struct.pack(">I", 0))
result["raw: get URI"] = raw.call(GET_URI, string_reply=True)
result["raw: every parameter"] = raw.call(SET_IDENTITY, identity_args([
    ("user-name", T_STRING, "alice"), ("unix-user-id", T_ULLONG, 1234), ("group-name", T_STRING, "staff"),
    ("unix-group-id", T_ULLONG, 50), ("process-id", T_LLONG, 4242), ("process-time", T_ULLONG, 987654321),
    ("sasl-user-name", T_STRING, "alice@EXAMPLE"), ("x509-distinguished-name", T_STRING, "CN=alice"),
    ("selinux-context", T_STRING, "system_u:system_r:virtd_t:s0"), ("system.token", T_STRING, "00ff")]))
result["raw: user-name as int"] = raw.call(SET_IDENTITY, identity_args([("user-name", T_INT, 5)]))
result["raw: unix-user-id as uint"] = raw.call(SET_IDENTITY, identity_args([("unix-user-id", T_UINT, 5)]))
result["raw: process-id as ullong"] = raw.call(SET_IDENTITY, identity_args([("process-id", T_ULLONG, 5)]))
result["raw: user-name twice"] = raw.call(SET_IDENTITY, identity_args([("user-name", T_STRING, "a"),
                                                                        ("user-name", T_STRING, "b")]))
result["raw: unknown before ill-typed in name order"] = raw.call(SET_IDENTITY, identity_args([
    ("user-name", T_INT, 1), ("aaa", T_STRING, "x")]))
result["raw: ill-typed before unknown in name order"] = raw.call(SET_IDENTITY, identity_args([
    ("zzz", T_STRING, "x"), ("group-name", T_INT, 1)]))
result["raw: 20 parameters"] = raw.call(SET_IDENTITY, identity_args([("p%02d" % i, T_STRING, "x") for i in range(20)]))
result["raw: 21 parameters"] = raw.call(SET_IDENTITY, identity_args([("p%02d" % i, T_STRING, "x") for i in range(21)]))
result["raw: type 9"] = raw.call(SET_IDENTITY, identity_args([("user-name", 9, 0)]))
result["raw: name of 80 bytes"] = raw.call(SET_IDENTITY, identity_args([("n" * 80, T_STRING, "x")]))
result["raw: name of 80 bytes after an unknown one"] = raw.call(SET_IDENTITY, identity_args([
    ("bogus", T_STRING, "x"), ("n" * 80, T_STRING, "x")]))
result["raw: flags"] = raw.call(SET_IDENTITY, identity_args([], 0x7fffffff))
result["raw: still serving"] = raw.call(GET_URI, string_reply=True)

if mode == "rw":
    # a pool event to the bare client: the message header's serial
    poolname = "idevents"
    c2 = libvirt.open(uri)
    p = c2.storagePoolDefineXML("<pool type='dir'><name>%s</name><target><path>%s/%s</path></target></pool>"
                                % (poolname, base, poolname), 0)
    result["raw: register refresh events"] = raw.call(368, struct.pack(">ii", 1, 0))  # REFRESH, any pool
    p.build(0)
    p.create(0)
    p.refresh(0)
    (prog, vers, proc, typ, serial, status), body = raw.read()
    result["raw: event message header"] = {"program": prog, "procedure": proc, "type": typ, "serial": serial,
                                           "status": status}
    p.destroy()
    p.undefine()
    c2.close()

print(json.dumps(result, indent=1, sort_keys=True))
