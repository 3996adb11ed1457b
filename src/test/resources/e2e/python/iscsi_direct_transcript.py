#!/usr/bin/python3
"""libvirt's iscsi-direct pool backend (libiscsi, in the daemon) against a live tgt target, as normalized JSON.

Usage: iscsi_direct_transcript.py STORAGE_URI SECRET_URI PORTAL OUTPUT
PORTAL is "127.0.0.1:PORT" of src/test/scripts/iscsi-target.sh started with its defaults (target IQN with
LUN 1 of 64 MiB and LUN 2 of 128 MiB, target IQN_CHAP with LUN 1 of 32 MiB behind CHAP). The environment gives
TARGET_DIR (that fixture's DIR: its target.env, LUN files and control socket; the script runs as root, writes the
LUN files and adds a LUN with tgtadm) and SINGLE_PORTAL, the portal of a second fixture started with NO_CHAP=1:
find-storage-pool-sources is recorded against that one only, because libvirt 9.0 writes its second discovered
target through a wild pointer (virISCSIDirectUpdateTargets: `*targets[i++]`) and crashes on a portal with two or
more targets. A pool without <device path> is defined here but never started: libvirtd 9.0 dereferences the
missing device in the refresh of a start, after writing the pool's state file (so again at every restart).
IscsiDirectTranscriptIT checks ours on both.

Steps, each {"step": NAME, ...} with results {"ok": ...} or {"error": {"code", "domain", "message"}}:
- secrets (usage type iscsi): the CHAP password, a wrong one, one without a value, one of usage type volume;
- find-storage-pool-sources on the one-target portal, and the ways it is refused;
- pool 'direct' on IQN: define, build (with flags), start, info, XML, volumes (unit:0:0:LUN, key and path
  ip-127.0.0.1:PORT-iscsi-IQN-lun-LUN, capacities), lookups by name, key and path, refresh, a LUN added and
  removed behind libvirt's back, every refused volume and pool operation, wipe (zero: the LUN's backing file
  is all zeros after it; the other algorithms and flags refused), destroy, undefine;
- pools that start or not: CHAP with the right password (secret by usage and by uuid), a wrong one, a wrong
  user, none, a secret without a value, of usage type volume, undefined; auth type ceph; a target that does
  not exist; a port with nothing listening; ::1; an empty host name; two hosts;
- definitions refused or reshaped: no initiator IQN, no host, no device path, no port, a target path, ...

Normalized: the fixture ports become @PORT@ / @SINGLE_PORT@ / @DOWN_PORT@, pool uuids @UUID@. Secret uuids are
fixed here. Durations are recorded rounded, never raw.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time

import libvirt
from answers import normalized

libvirt.registerErrorHandler(lambda ctx, e: None, None)

STORAGE_URI, SECRET_URI, PORTAL, OUTPUT = sys.argv[1:5]
TARGET_DIR = os.environ["TARGET_DIR"]
SINGLE_PORTAL = os.environ["SINGLE_PORTAL"]
HOST, PORT = PORTAL.rsplit(":", 1)
SINGLE_PORT = SINGLE_PORTAL.rsplit(":", 1)[1]
MIB = 1024 * 1024
INITIATOR = "iqn.2026-12.org.example:initiator"


def target_env():
    with open(os.path.join(TARGET_DIR, "target.env"), encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)


TARGET = target_env()
IQN, IQN_CHAP, CHAP_USER, CHAP_PASS = TARGET["IQN"], TARGET["IQN_CHAP"], TARGET["CHAP_USER"], TARGET["CHAP_PASS"]
SECRETS = {  # uuid, usage target, value
    "chap": ("6a1f0c2e-3d4b-4c5d-9e6f-000000000001", "chap password", CHAP_PASS.encode()),
    "wrong": ("6a1f0c2e-3d4b-4c5d-9e6f-000000000002", "wrong password", b"wrongsecret987"),
    "novalue": ("6a1f0c2e-3d4b-4c5d-9e6f-000000000003", "no value", None),
}
VOLUME_SECRET = "6a1f0c2e-3d4b-4c5d-9e6f-000000000004"   # usage type volume, holding the right password
UNKNOWN_SECRET = "6a1f0c2e-3d4b-4c5d-9e6f-0000000000ff"


def free_port():
    """a 127.0.0.1 port nothing listens on (bound then released)"""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


DOWN_PORT = str(free_port())
ports = {PORT: "@PORT@", SINGLE_PORT: "@SINGLE_PORT@", DOWN_PORT: "@DOWN_PORT@"}
storage = libvirt.open(STORAGE_URI)
secrets = libvirt.open(SECRET_URI)
steps = []


def normalize(text):
    for port, marker in ports.items():
        text = re.sub(r"(?<![0-9])%s(?![0-9])" % port, marker, text)
    return re.sub(r"<uuid>[0-9a-f-]{36}</uuid>", "<uuid>@UUID@</uuid>", text)


def call(fn):
    return normalized(fn, normalize)


def record(step, **results):
    steps.append(dict(step=step, **results))


def rounded(seconds):
    """A duration as a coarse figure that a busy machine does not change (a 64 MiB wipe once took 2.5 s)."""
    return "under 10 s" if seconds < 10 else "about %d s" % (10 * round(seconds / 10))


def xml_lines(fn):
    return call(lambda: normalize(fn()).splitlines())


def names(p):
    return call(lambda: sorted(v.name() for v in p.listAllVolumes(0)))


def pool_xml(name, host=HOST, port=PORT, device=IQN, initiator="<initiator><iqn name='%s'/></initiator>" % INITIATOR,
             auth="", extra=""):
    host_xml = "" if host is None else "<host name='%s'%s/>" % (host, "" if port is None else " port='%s'" % port)
    device_xml = "" if device is None else "<device path='%s'/>" % device
    return ("<pool type='iscsi-direct'><name>%s</name><source>%s%s%s%s</source>%s</pool>"
            % (name, host_xml, device_xml, initiator, auth, extra))


def chap(secret, user=CHAP_USER, kind="chap"):
    """<auth>; secret is 'usage:NAME' or 'uuid:UUID'"""
    attr, value = secret.split(":", 1)
    return "<auth type='%s' username='%s'><secret %s='%s'/></auth>" % (kind, user, attr, value)


def define_secrets():
    for uuid in [s[0] for s in SECRETS.values()] + [VOLUME_SECRET]:
        try:
            secrets.secretLookupByUUIDString(uuid).undefine()
        except libvirt.libvirtError:
            pass
    for uuid, usage, value in SECRETS.values():
        s = secrets.secretDefineXML("<secret ephemeral='no' private='yes'><uuid>%s</uuid>"
                                    "<usage type='iscsi'><target>%s</target></usage></secret>" % (uuid, usage))
        if value is not None:
            s.setValue(value)
    s = secrets.secretDefineXML("<secret ephemeral='no' private='yes'><uuid>%s</uuid><usage type='volume'>"
                                "<volume>/srv/iscsi/volume-secret</volume></usage></secret>" % VOLUME_SECRET)
    s.setValue(CHAP_PASS.encode())


def tgtadm(*args):
    """tgtadm on the fixture's own tgtd (as root); its exit status and last line of stderr"""
    env = dict(os.environ, TGT_IPC_SOCKET=os.path.join(TARGET_DIR, "tgtd.sock"))
    r = subprocess.run(["tgtadm", "-C", PORT, "--lld", "iscsi"] + list(args), capture_output=True, text=True,
                       timeout=30, env=env)
    return {"exit": r.returncode, "stderr": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""}


def fill(path, byte):
    """writes the whole LUN file with one byte value, as a guest would"""
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        for _ in range(size // MIB):
            f.write(bytes([byte]) * MIB)
        f.flush()
        os.fsync(f.fileno())


def all_zeros(path):
    with open(path, "rb") as f:
        while chunk := f.read(MIB):
            if chunk.count(0) != len(chunk):
                return False
    return True


def volume_facts(p, name):
    """XML, info, key and path; each a failed call of its own when the volume is missing"""
    def v():
        return p.storageVolLookupByName(name)
    return {"xml": xml_lines(lambda: v().XMLDesc(0)), "info": call(lambda: v().info()), "key": call(lambda: v().key()),
            "path": call(lambda: v().path())}


def try_pool(step, xml):
    """defines, starts (timed), shows and removes a pool expected to fail or to work briefly."""
    defined = call(lambda: storage.storagePoolDefineXML(xml, 0).name())
    result = {"define": defined}
    if "ok" in defined:
        p = storage.storagePoolLookupByName(defined["ok"])
        t = time.monotonic()
        result["start"] = call(lambda: p.create(0))
        result["start duration"] = rounded(time.monotonic() - t)
        result["info"] = call(p.info)
        if "ok" in result["start"]:
            result["volumes"] = names(p)
            result["xml"] = xml_lines(lambda: p.XMLDesc(0))
            result["destroy"] = call(p.destroy)
        result["undefine"] = call(p.undefine)
    record(step, **result)


def define_only(step, xml):
    """a definition: refused, or accepted and shown as libvirt keeps it (never started)"""
    result = call(lambda: storage.storagePoolDefineXML(xml, 0).name())
    extra = {}
    if "ok" in result:
        q = storage.storagePoolLookupByName(result["ok"])
        extra["xml"] = xml_lines(lambda: q.XMLDesc(0))
        q.undefine()
    record(step, define=result, **extra)


def find(spec, flags=0):
    return call(lambda: storage.findStoragePoolSources("iscsi-direct", spec, flags))


def source_spec(portal, initiator=True):
    host, port = portal.rsplit(":", 1)
    ini = "<initiator><iqn name='%s'/></initiator>" % INITIATOR if initiator else ""
    return "<source><host name='%s' port='%s'/>%s</source>" % (host, port, ini)


def main():
    define_secrets()
    record("secrets", ok=sorted([u for u, _, _ in SECRETS.values()] + [VOLUME_SECRET]))

    # --- find-storage-pool-sources (a portal of one target: see the module's comment)
    record("find on a one-target portal", result=find(source_spec(SINGLE_PORTAL)))
    record("find without an initiator IQN", result=find(source_spec(SINGLE_PORTAL, initiator=False)))
    record("find without a spec", result=find(None))
    record("find without a host", result=find("<source><initiator><iqn name='%s'/></initiator></source>" % INITIATOR))
    record("find with two hosts", result=find(source_spec(SINGLE_PORTAL).replace(
        "<initiator>", "<host name='%s' port='%s'/><initiator>" % (HOST, SINGLE_PORT))))
    record("find on a port with nothing listening", result=find(source_spec("127.0.0.1:" + DOWN_PORT)))
    record("find with flags 1", result=find(source_spec(SINGLE_PORTAL), 1))
    record("find with malformed XML", result=find("<source><host"))

    # --- the main pool
    record("pool define", result=call(lambda: storage.storagePoolDefineXML(pool_xml("direct"), 0).name()))
    p = storage.storagePoolLookupByName("direct")
    record("pool XML before start", xml=xml_lines(lambda: p.XMLDesc(0)), info=call(p.info))
    record("pool build", result=call(lambda: p.build(0)))
    record("pool build with OVERWRITE", result=call(lambda: p.build(libvirt.VIR_STORAGE_POOL_BUILD_OVERWRITE)))
    record("pool build with NO_OVERWRITE", result=call(lambda: p.build(libvirt.VIR_STORAGE_POOL_BUILD_NO_OVERWRITE)))
    record("pool delete while inactive", result=call(lambda: p.delete(0)))
    record("volumes of the inactive pool", result=names(p))
    record("refresh of the inactive pool", result=call(lambda: p.refresh(0)))
    t = time.monotonic()
    record("pool start", result=call(lambda: p.create(0)), duration=rounded(time.monotonic() - t))
    record("pool info", info=call(p.info), xml=xml_lines(lambda: p.XMLDesc(0)),
           inactive_xml=xml_lines(lambda: p.XMLDesc(libvirt.VIR_STORAGE_XML_INACTIVE)))
    record("volumes", result=names(p), count=call(p.numOfVolumes), listed=call(lambda: sorted(p.listVolumes())))
    for lun in (0, 1, 2):
        record("volume unit:0:0:%d" % lun, **volume_facts(p, "unit:0:0:%d" % lun))
    # the key and path libvirt gives unit:0:0:1 (its transcript shows them equal to these)
    key = path = "ip-%s-iscsi-%s-lun-1" % (PORTAL, IQN)
    record("lookups", by_key=call(lambda: storage.storageVolLookupByKey(key).name()),
           by_path=call(lambda: storage.storageVolLookupByPath(path).name()),
           by_dev_path=call(lambda: storage.storageVolLookupByPath("/dev/disk/by-path/" + path).name()),
           by_unknown_key=call(lambda: storage.storageVolLookupByKey(key.replace("lun-1", "lun-9")).name()),
           by_unknown_name=call(lambda: p.storageVolLookupByName("unit:0:0:9").name()),
           pool_of_vol=call(lambda: p.storageVolLookupByName("unit:0:0:1").storagePoolLookupByVolume().name()))
    record("pool refresh", result=call(lambda: p.refresh(0)), info=call(p.info), volumes=names(p))
    record("pool refresh with flags 1", result=call(lambda: p.refresh(1)))

    # --- a LUN added, then removed, behind libvirt's back
    extra = os.path.join(TARGET_DIR, "lun3-added.img")
    with open(extra, "wb") as f:
        f.truncate(16 * MIB)
    added = tgtadm("--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun", "3", "--backing-store", extra)
    record("LUN 3 added by tgtadm", tgtadm=added, volumes_before_refresh=names(p))
    refreshed = call(lambda: p.refresh(0))
    vols = names(p)
    lun3 = volume_facts(p, "unit:0:0:3") if "unit:0:0:3" in vols.get("ok", []) else None
    record("refresh with LUN 3", result=refreshed, info=call(p.info), volumes=vols, lun3=lun3)
    removed = tgtadm("--mode", "logicalunit", "--op", "delete", "--tid", "1", "--lun", "3")
    record("LUN 3 removed by tgtadm", tgtadm=removed, volumes_before_refresh=names(p))
    record("refresh without LUN 3", result=call(lambda: p.refresh(0)), info=call(p.info), volumes=names(p))
    os.unlink(extra)

    # --- what the backend does not do
    def vol1():
        return p.storageVolLookupByName("unit:0:0:1")

    record("create a volume", result=call(lambda: p.createXML(
        "<volume><name>new</name><capacity>1048576</capacity></volume>", 0).name()))
    record("create a volume from unit:0:0:1", result=call(lambda: p.createXMLFrom(
        "<volume><name>copy</name><capacity>1048576</capacity></volume>", vol1(), 0).name()))
    record("delete unit:0:0:1", result=call(lambda: vol1().delete(0)), volumes=names(p))
    record("delete unit:0:0:1 with ZEROED", result=call(lambda: vol1().delete(libvirt.VIR_STORAGE_VOL_DELETE_ZEROED)))
    record("resize unit:0:0:1", result=call(lambda: vol1().resize(128 * MIB, 0)))
    record("shrink unit:0:0:1", result=call(lambda: vol1().resize(MIB, libvirt.VIR_STORAGE_VOL_RESIZE_SHRINK)))
    record("upload to unit:0:0:1", result=call(lambda: vol1().upload(storage.newStream(0), 0, 4096, 0)))
    record("download from unit:0:0:1", result=call(lambda: vol1().download(storage.newStream(0), 0, 4096, 0)))
    record("pool delete while active", result=call(lambda: p.delete(0)))
    record("pool build while active", result=call(lambda: p.build(0)))
    record("pool start while active", result=call(lambda: p.create(0)))

    # --- wipe
    lun1 = os.path.join(TARGET_DIR, "lun1.img")
    fill(lun1, 0xA5)
    t = time.monotonic()
    record("wipe unit:0:0:1 (zero)", result=call(lambda: vol1().wipePattern(libvirt.VIR_STORAGE_VOL_WIPE_ALG_ZERO, 0)),
           duration=rounded(time.monotonic() - t), backing_file_all_zeros=all_zeros(lun1),
           backing_file_size=os.path.getsize(lun1), info=call(lambda: vol1().info()))
    fill(lun1, 0x5A)
    record("wipe unit:0:0:1 (plain wipe())", result=call(lambda: vol1().wipe(0)),
           backing_file_all_zeros=all_zeros(lun1))
    record("wipe unit:0:0:0 (the controller LUN)",
           result=call(lambda: p.storageVolLookupByName("unit:0:0:0").wipePattern(0, 0)))
    fill(lun1, 0xA5)
    for name in ("TRIM", "NNSA", "DOD", "BSI", "GUTMANN", "SCHNEIER", "PFITZNER7", "PFITZNER33", "RANDOM"):
        record("wipe unit:0:0:1 (%s)" % name.lower(), result=call(lambda: vol1().wipePattern(
            getattr(libvirt, "VIR_STORAGE_VOL_WIPE_ALG_" + name), 0)))
    record("wipe unit:0:0:1 (algorithm 10)", result=call(lambda: vol1().wipePattern(10, 0)))
    record("wipe unit:0:0:1 with flags 1", result=call(lambda: vol1().wipePattern(0, 1)),
           backing_file_all_zeros=all_zeros(lun1))

    record("pool destroy", result=call(p.destroy), info=call(p.info), volumes=names(p))
    record("lookup by key of the inactive pool", result=call(lambda: storage.storageVolLookupByKey(key).name()))
    record("pool undefine", result=call(p.undefine))

    # --- pools that start, or do not
    try_pool("CHAP, secret by usage", pool_xml("chap", device=IQN_CHAP, auth=chap("usage:chap password")))
    try_pool("CHAP, secret by uuid", pool_xml("chapuuid", device=IQN_CHAP, auth=chap("uuid:" + SECRETS["chap"][0])))
    try_pool("CHAP, wrong password", pool_xml("chapwrong", device=IQN_CHAP, auth=chap("uuid:" + SECRETS["wrong"][0])))
    try_pool("CHAP, wrong user", pool_xml("chapuser", device=IQN_CHAP, auth=chap("usage:chap password", "nobody")))
    try_pool("CHAP, secret without a value",
             pool_xml("chapnovalue", device=IQN_CHAP, auth=chap("uuid:" + SECRETS["novalue"][0])))
    try_pool("CHAP, undefined secret uuid",
             pool_xml("chapnouuid", device=IQN_CHAP, auth=chap("uuid:" + UNKNOWN_SECRET)))
    try_pool("CHAP, undefined secret usage", pool_xml("chapnousage", device=IQN_CHAP, auth=chap("usage:nobody")))
    try_pool("CHAP, secret of usage type volume",
             pool_xml("chapvolsecret", device=IQN_CHAP, auth=chap("uuid:" + VOLUME_SECRET)))
    try_pool("CHAP target without <auth>", pool_xml("chapnoauth", device=IQN_CHAP))
    try_pool("auth type ceph", pool_xml("ceph", device=IQN_CHAP, auth=chap("usage:chap password", kind="ceph")))
    try_pool("CHAP credentials on the target without CHAP", pool_xml("chapopen", auth=chap("usage:chap password")))
    try_pool("a target that does not exist", pool_xml("notarget", device=IQN + "-missing"))
    try_pool("a port with nothing listening", pool_xml("down", port=DOWN_PORT))
    try_pool("host ::1 (the target listens on 127.0.0.1 only)", pool_xml("ipv6", host="::1"))
    try_pool("an empty host name", pool_xml("emptyhost", host=""))
    try_pool("two hosts", pool_xml("twohosts").replace("<device", "<host name='%s' port='%s'/><device" % (HOST, PORT)))
    try_pool("two devices, the first one missing", pool_xml("twodevices").replace(
        "<device", "<device path='%s'/><device" % (IQN + "-missing"), 1))
    try_pool("an other initiator IQN", pool_xml("otherinitiator", initiator="<initiator><iqn name="
                                                "'iqn.1994-05.com.example:other'/></initiator>"))

    # --- definitions
    define_only("define without an initiator IQN", pool_xml("x1", initiator=""))
    define_only("define with an initiator without a name", pool_xml("x2", initiator="<initiator><iqn/></initiator>"))
    define_only("define without a host", pool_xml("x3", host=None))
    define_only("define with a host without a name", pool_xml("x4").replace("<host name='%s'" % HOST, "<host"))
    define_only("define with a device without a path", pool_xml("x5", device=None).replace(
        "<initiator>", "<device/><initiator>"))
    # accepted; starting it crashes libvirtd 9.0 (not recorded: see the module's comment)
    define_only("define without a device", pool_xml("x6", device=None))
    define_only("define without a port (3260, never started here)", pool_xml("x7", port=None))
    define_only("define with port 'abc'", pool_xml("x8", port="abc"))
    define_only("define with a target path", pool_xml("x9", extra="<target><path>/dev/disk/by-path</path></target>"))
    define_only("define with auth without a secret", pool_xml("x10", auth="<auth type='chap' username='u'/>"))
    define_only("define with auth without a username", pool_xml("x11", auth="<auth type='chap'><secret usage='x'/>"
                                                                              "</auth>"))
    define_only("define with a source name and dir", pool_xml("x12").replace(
        "<initiator>", "<name>n</name><dir path='/srv'/><initiator>"))
    define_only("define with CHAP", pool_xml("x13", device=IQN_CHAP, auth=chap("usage:chap password")))

    for uuid in [s[0] for s in SECRETS.values()] + [VOLUME_SECRET]:
        secrets.secretLookupByUUIDString(uuid).undefine()
    with open(OUTPUT, "w", encoding="utf-8") as f:
        json.dump(steps, f, indent=1, sort_keys=True)
        f.write("\n")


main()
