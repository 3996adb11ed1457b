#!/usr/bin/python3
"""The iscsi pool type (kernel initiator through iscsiadm) through a storage daemon, as normalized JSON.

Usage: iscsi_transcript.py STORAGE_URI PORTAL IQN OUTPUT
PORTAL is 127.0.0.1:PORT of an iSCSI target (tgt) offering IQN. Run as root: before the calls it runs
`iscsiadm --mode iface` once, which makes open-iscsi's /etc/iscsi/ifaces and its lock directory
/run/lock/iscsi (both root's, mode 0700), so that the daemon (unprivileged) meets the same initiator state on
a fresh machine as on the one that recorded. (Were an unprivileged iscsiadm the first to run, the lock
directory would be that user's, and the answers to the interface list would differ.)

On a machine without the iscsi_tcp module and iscsid, every iscsiadm step fails: the transcript holds how
(iscsiadm's exit status and stderr, as the daemon reports them). Steps, each {"step": NAME, ...}:
- find-storage-pool-sources against the portal (with and without port, with an initiator IQN) and the
  refusals (no spec, no host, two hosts, unknown flags);
- definitions refused (no host name, no target path);
- pools defined without and with CHAP (secret by usage and by uuid), with auth type ceph, with an initiator
  IQN, without a device, with two hosts; for each: define, start, info, XML, refresh, stop, undefine.

A result is {"ok": ...} or {"error": {"code", "domain", "message"}}. Normalized: the portal's port becomes
@PORT@, except in the steps whose host has no port: they show iSCSI's default port 3260 as it is, whatever
port the target has. Nothing else.
"""
import json
import subprocess
import sys

import libvirt
from answers import err

libvirt.registerErrorHandler(lambda ctx, e: None, None)

URI, PORTAL, IQN, OUTPUT = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
HOST, PORT = PORTAL.rsplit(":", 1)
INITIATOR = "iqn.2026-12.org.example:initiator"
SECRET_UNKNOWN = "5f1c0d9e-2b7a-4c3e-9a11-0000000000aa"

subprocess.run(["iscsiadm", "--mode", "iface"], capture_output=True)
conn = libvirt.open(URI)
steps = []


def normalize(value):
    if isinstance(value, str):
        return value.replace(HOST + ":" + PORT + ",", HOST + ":@PORT@,").replace("port='%s'" % PORT,
                                                                                 "port='@PORT@'")
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def call(fn, raw=False):
    """raw: for a host without port, whose answers name the default port 3260 whatever the target's."""
    keep = (lambda v: v) if raw else normalize
    try:
        return {"ok": keep(fn())}
    except libvirt.libvirtError as e:
        r = err(e)
        r["error"]["message"] = keep(r["error"]["message"])
        return r


def record(step, **results):
    steps.append(dict(step=step, **results))


def find(spec, flags=0, raw=False):
    return call(lambda: conn.findStoragePoolSources("iscsi", spec, flags), raw)


# ---- find-storage-pool-sources -------------------------------------------------------------------
record("find", result=find("<source><host name='%s' port='%s'/></source>" % (HOST, PORT)))
record("find without port", result=find("<source><host name='%s'/></source>" % HOST, raw=True))
record("find with initiator", result=find(
    "<source><host name='%s' port='%s'/><initiator><iqn name='%s'/></initiator></source>" % (HOST, PORT, INITIATOR)))
record("find without spec", result=find(None))
record("find without host", result=find("<source/>"))
record("find with two hosts", result=find("<source><host name='%s'/><host name='%s'/></source>" % (HOST, HOST)))
record("find with flags", result=find("<source><host name='%s'/></source>" % HOST, 1))

# ---- pools -------------------------------------------------------------------------------------------


def pool_xml(name, uuid, source, target="<target><path>/dev/disk/by-path</path></target>"):
    return ("<pool type='iscsi'><name>%s</name><uuid>%s</uuid><source>%s</source>%s</pool>"
            % (name, uuid, source, target))


def host(port=True):
    return "<host name='%s' port='%s'/>" % (HOST, PORT) if port else "<host name='%s'/>" % HOST


def device(suffix=""):
    return "<device path='%s%s'/>" % (IQN, suffix)


record("define without host name", result=call(lambda: conn.storagePoolDefineXML(
    pool_xml("nohost", "00000000-0000-4000-8000-0000000000a0", "<host/>" + device("-a0"))).name()))
record("define without host", result=call(lambda: conn.storagePoolDefineXML(
    pool_xml("nohost", "00000000-0000-4000-8000-0000000000a1", device("-a1"))).name()))
record("define without target", result=call(lambda: conn.storagePoolDefineXML(
    pool_xml("notarget", "00000000-0000-4000-8000-0000000000a2", host() + device("-a2"), "")).name()))

CHAP = "<auth type='chap' username='chapuser'><secret %s/></auth>"
NO_PORT = "no-port"
POOLS = [
    ("plain", host() + device()),
    (NO_PORT, host(False) + device("-noport")),
    ("chap-usage", host() + device("-chap") + CHAP % "usage='iscsi-chap'"),
    ("chap-uuid", host() + device("-chapuuid") + CHAP % ("uuid='%s'" % SECRET_UNKNOWN)),
    ("ceph-auth", host() + device("-ceph") + "<auth type='ceph' username='admin'><secret usage='c'/></auth>"),
    ("initiator", host() + device("-init") + "<initiator><iqn name='%s'/></initiator>" % INITIATOR),
    ("no-device", host()),
    ("two-hosts", host() + "<host name='%s' port='3400'/>" % HOST + device("-two")),
]

for i, (name, source) in enumerate(POOLS):
    uuid = "00000000-0000-4000-8000-%012x" % (0xb0 + i)
    raw = name == NO_PORT
    record(name + ": define", result=call(lambda: conn.storagePoolDefineXML(pool_xml(name, uuid, source)).name()))
    try:
        pool = conn.storagePoolLookupByName(name)
    except libvirt.libvirtError:
        continue
    record(name + ": start", result=call(lambda: pool.create(0), raw))
    record(name + ": info", result=call(lambda: list(pool.info())))
    record(name + ": xml", result=call(lambda: pool.XMLDesc(0), raw))
    record(name + ": inactive xml", result=call(lambda: pool.XMLDesc(libvirt.VIR_STORAGE_XML_INACTIVE), raw))
    record(name + ": volumes", result=call(lambda: sorted(pool.listVolumes())))
    record(name + ": refresh", result=call(lambda: pool.refresh(0)))
    record(name + ": stop", result=call(lambda: pool.destroy()))
    record(name + ": undefine", result=call(lambda: pool.undefine()))

with open(OUTPUT, "w") as f:
    json.dump(steps, f, indent=1, sort_keys=True)
    f.write("\n")
