#!/usr/bin/python3
"""The storage API as a python3-libvirt program sees it, beyond what virsh reaches, as JSON.

Usage: storage_api.py URI BASE_DIR
Defines and starts dir pools under BASE_DIR (which must exist, be empty and be writable by the daemon)
in a mix of states, creates volumes in them, and prints one entry per call: {"ok": result} or
{"error": {"code", "domain", "message"}}. The output is deterministic: BASE_DIR becomes @BASE@, UUIDs
become @UUIDn@ in order of first appearance, the daemon's uid/gid @UID@/@GID@, volume timestamps @TIME@,
and the host-dependent sizes of pools (capacity, allocation, available) @SIZE@.
Run against libvirtd 9.0 (record.sh) to record the reference, and against our daemon to compare.

The call results that our daemon deliberately answers differently (the storage pool capabilities and
the host capabilities, which list the loaded backends) are printed under the key "deviating" in a
second JSON document after a line "--- deviating ---", so the test can compare the first document
byte for byte and check the second one specifically.
"""
import hashlib
import json
import os
import re
import sys

import libvirt
from answers import err, plain

libvirt.registerErrorHandler(lambda ctx, err: None, None)  # keep libvirt's own stderr report quiet

URI, BASE = sys.argv[1], os.path.realpath(sys.argv[2])
conn = libvirt.open(URI)
out = {}
deviating = {}



def call(key, fn, target=None):
    """Records fn's result (or its libvirt error) under key; returns the raw result or None."""
    target = out if target is None else target
    try:
        value = fn()
    except libvirt.libvirtError as e:
        target[key] = err(e)
        return None
    target[key] = {"ok": plain(value)}
    return value



def pool_names(pools):
    return sorted(p.name() for p in pools)


SIZE_TAGS = re.compile(r"<(capacity|allocation|available) unit='bytes'>\d+</\1>")


def pool_xml(xml):
    """Pool sizes depend on the host's file system: keep zero (never refreshed) apart from the rest."""
    return SIZE_TAGS.sub(lambda m: m.group(0) if ">0<" in m.group(0)
                         else "<%s unit='bytes'>@SIZE@</%s>" % (m.group(1), m.group(1)), xml)


def pool_info(info):
    state, capacity, allocation, available = info
    return [state] + [v if v == 0 else "@SIZE@" for v in (capacity, allocation, available)]


def dir_pool_xml(name, target):
    return ("<pool type='dir'>\n  <name>%s</name>\n  <target>\n    <path>%s</path>\n  </target>\n</pool>\n"
            % (name, target))


def vol_xml(name, capacity, fmt, allocation=None):
    alloc = "" if allocation is None else "  <allocation unit='bytes'>%d</allocation>\n" % allocation
    return ("<volume>\n  <name>%s</name>\n  <capacity unit='bytes'>%d</capacity>\n%s"
            "  <target>\n    <format type='%s'/>\n  </target>\n</volume>\n" % (name, capacity, alloc, fmt))


def file_facts(path):
    """What is on disk, as the client sees it: apparent size, and whether the content is all zero."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return {"error": e.strerror}
    return {"size": len(data), "all_zero": data.count(0) == len(data),
            "sha256_prefix": hashlib.sha256(data).hexdigest()[:16] if data.count(0) != len(data) else None}


F = libvirt
MiB = 1024 * 1024

# ---------------------------------------------------------------- pools in every state
paths = {n: os.path.join(BASE, n) for n in
         ("active-auto", "inactive", "inactive-auto", "active-noauto", "transient", "unbuilt")}

call("define active-auto", lambda: conn.storagePoolDefineXML(dir_pool_xml("active-auto", paths["active-auto"]), 0).name())
call("define inactive", lambda: conn.storagePoolDefineXML(dir_pool_xml("inactive", paths["inactive"]), 0).name())
call("define inactive-auto",
     lambda: conn.storagePoolDefineXML(dir_pool_xml("inactive-auto", paths["inactive-auto"]), 0).name())
call("define active-noauto",
     lambda: conn.storagePoolDefineXML(dir_pool_xml("active-noauto", paths["active-noauto"]), 0).name())
call("define unbuilt", lambda: conn.storagePoolDefineXML(dir_pool_xml("unbuilt", paths["unbuilt"]), 0).name())
call("define duplicate name",
     lambda: conn.storagePoolDefineXML(dir_pool_xml("inactive", paths["inactive"] + "-other"), 0).name())
call("define duplicate target",
     lambda: conn.storagePoolDefineXML(dir_pool_xml("other", paths["inactive"]), 0).name())
call("define bad flags", lambda: conn.storagePoolDefineXML(dir_pool_xml("badflags", BASE + "/badflags"), 1 << 10))
call("define malformed", lambda: conn.storagePoolDefineXML("<pool type='dir'><name>x</name>", 0))

pool = {n: conn.storagePoolLookupByName(n) for n in ("active-auto", "inactive", "inactive-auto", "active-noauto", "unbuilt")}

call("create unbuilt (target missing)", lambda: pool["unbuilt"].create(0))
for n in ("active-auto", "inactive", "inactive-auto", "active-noauto"):
    call("build " + n, lambda n=n: pool[n].build(0))
call("build bad flags", lambda: pool["inactive"].build(1 << 10))
for n in ("active-auto", "active-noauto"):
    call("create " + n, lambda n=n: pool[n].create(0))
call("create already active", lambda: pool["active-auto"].create(0))
call("destroy inactive", lambda: pool["inactive"].destroy())
call("create bad flags", lambda: pool["inactive"].create(1 << 10))
call("setAutostart active-auto", lambda: pool["active-auto"].setAutostart(1))
call("setAutostart inactive-auto", lambda: pool["inactive-auto"].setAutostart(1))
call("transient createXML with build", lambda: conn.storagePoolCreateXML(
    dir_pool_xml("transient", paths["transient"]), F.VIR_STORAGE_POOL_CREATE_WITH_BUILD).name())
call("transient createXML duplicate", lambda: conn.storagePoolCreateXML(
    dir_pool_xml("transient", paths["transient"] + "2"), 0).name())
call("createXML bad flags", lambda: conn.storagePoolCreateXML(dir_pool_xml("t2", BASE + "/t2"), 1 << 10))
pool["transient"] = conn.storagePoolLookupByName("transient")
call("setAutostart transient", lambda: pool["transient"].setAutostart(1))

# the daemon's uid and gid, as the owner of a directory it made
st = os.stat(paths["active-auto"])
UID, GID = st.st_uid, st.st_gid

# ---------------------------------------------------------------- listing
LIST_FLAGS = [
    ("INACTIVE", F.VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE),
    ("ACTIVE", F.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE),
    ("PERSISTENT", F.VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT),
    ("TRANSIENT", F.VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT),
    ("AUTOSTART", F.VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART),
    ("NO_AUTOSTART", F.VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART),
    ("DIR", F.VIR_CONNECT_LIST_STORAGE_POOLS_DIR),
    ("FS", F.VIR_CONNECT_LIST_STORAGE_POOLS_FS),
    ("NETFS", F.VIR_CONNECT_LIST_STORAGE_POOLS_NETFS),
    ("LOGICAL", F.VIR_CONNECT_LIST_STORAGE_POOLS_LOGICAL),
    ("DISK", F.VIR_CONNECT_LIST_STORAGE_POOLS_DISK),
    ("ISCSI", F.VIR_CONNECT_LIST_STORAGE_POOLS_ISCSI),
    ("SCSI", F.VIR_CONNECT_LIST_STORAGE_POOLS_SCSI),
    ("MPATH", F.VIR_CONNECT_LIST_STORAGE_POOLS_MPATH),
    ("RBD", F.VIR_CONNECT_LIST_STORAGE_POOLS_RBD),
    ("SHEEPDOG", F.VIR_CONNECT_LIST_STORAGE_POOLS_SHEEPDOG),
    ("GLUSTER", F.VIR_CONNECT_LIST_STORAGE_POOLS_GLUSTER),
    ("ZFS", F.VIR_CONNECT_LIST_STORAGE_POOLS_ZFS),
    ("VSTORAGE", F.VIR_CONNECT_LIST_STORAGE_POOLS_VSTORAGE),
    ("ISCSI_DIRECT", F.VIR_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT),
]
FLAG = dict(LIST_FLAGS)
ALL_TYPES = 0
for name, value in LIST_FLAGS[6:]:
    ALL_TYPES |= value

call("listAllStoragePools 0", lambda: pool_names(conn.listAllStoragePools(0)))
for name, value in LIST_FLAGS:
    call("listAllStoragePools " + name, lambda v=value: pool_names(conn.listAllStoragePools(v)))
COMBOS = [
    ("ACTIVE|INACTIVE", FLAG["ACTIVE"] | FLAG["INACTIVE"]),
    ("PERSISTENT|TRANSIENT", FLAG["PERSISTENT"] | FLAG["TRANSIENT"]),
    ("AUTOSTART|NO_AUTOSTART", FLAG["AUTOSTART"] | FLAG["NO_AUTOSTART"]),
    ("ACTIVE|PERSISTENT", FLAG["ACTIVE"] | FLAG["PERSISTENT"]),
    ("ACTIVE|TRANSIENT", FLAG["ACTIVE"] | FLAG["TRANSIENT"]),
    ("INACTIVE|PERSISTENT", FLAG["INACTIVE"] | FLAG["PERSISTENT"]),
    ("INACTIVE|TRANSIENT", FLAG["INACTIVE"] | FLAG["TRANSIENT"]),
    ("ACTIVE|AUTOSTART", FLAG["ACTIVE"] | FLAG["AUTOSTART"]),
    ("ACTIVE|NO_AUTOSTART", FLAG["ACTIVE"] | FLAG["NO_AUTOSTART"]),
    ("INACTIVE|AUTOSTART", FLAG["INACTIVE"] | FLAG["AUTOSTART"]),
    ("INACTIVE|NO_AUTOSTART", FLAG["INACTIVE"] | FLAG["NO_AUTOSTART"]),
    ("PERSISTENT|NO_AUTOSTART", FLAG["PERSISTENT"] | FLAG["NO_AUTOSTART"]),
    ("TRANSIENT|NO_AUTOSTART", FLAG["TRANSIENT"] | FLAG["NO_AUTOSTART"]),
    ("ACTIVE|PERSISTENT|AUTOSTART", FLAG["ACTIVE"] | FLAG["PERSISTENT"] | FLAG["AUTOSTART"]),
    ("INACTIVE|PERSISTENT|AUTOSTART", FLAG["INACTIVE"] | FLAG["PERSISTENT"] | FLAG["AUTOSTART"]),
    ("ACTIVE|DIR", FLAG["ACTIVE"] | FLAG["DIR"]),
    ("INACTIVE|DIR", FLAG["INACTIVE"] | FLAG["DIR"]),
    ("DIR|FS", FLAG["DIR"] | FLAG["FS"]),
    ("FS|NETFS|LOGICAL", FLAG["FS"] | FLAG["NETFS"] | FLAG["LOGICAL"]),
    ("every type", ALL_TYPES),
    ("every type|TRANSIENT", ALL_TYPES | FLAG["TRANSIENT"]),
    ("every flag", ALL_TYPES | 0x3f),
]
for name, value in COMBOS:
    call("listAllStoragePools " + name, lambda v=value: pool_names(conn.listAllStoragePools(v)))
call("listAllStoragePools invalid 1<<20", lambda: conn.listAllStoragePools(1 << 20))
call("listAllStoragePools invalid 1<<31", lambda: conn.listAllStoragePools(1 << 31))
call("numOfStoragePools", conn.numOfStoragePools)
call("listStoragePools", lambda: sorted(conn.listStoragePools()))
call("numOfDefinedStoragePools", conn.numOfDefinedStoragePools)
call("listDefinedStoragePools", lambda: sorted(conn.listDefinedStoragePools()))

# ---------------------------------------------------------------- per pool state
for n in sorted(pool):
    p = pool[n]
    call("pool %s info" % n, lambda p=p: pool_info(p.info()))
    call("pool %s isActive" % n, p.isActive)
    call("pool %s isPersistent" % n, p.isPersistent)
    call("pool %s autostart" % n, p.autostart)
    call("pool %s XMLDesc 0" % n, lambda p=p: pool_xml(p.XMLDesc(0)))
    call("pool %s XMLDesc INACTIVE" % n, lambda p=p: pool_xml(p.XMLDesc(F.VIR_STORAGE_XML_INACTIVE)))
    call("pool %s UUIDString" % n, p.UUIDString)
    call("pool %s numOfVolumes" % n, p.numOfVolumes)
    call("pool %s listVolumes" % n, lambda p=p: sorted(p.listVolumes()))
    call("pool %s listAllVolumes 0" % n, lambda p=p: sorted(v.name() for v in p.listAllVolumes(0)))
    call("pool %s lookupByUUIDString" % n, lambda p=p: conn.storagePoolLookupByUUIDString(p.UUIDString()).name())
    call("pool %s lookupByTargetPath" % n, lambda n=n: conn.storagePoolLookupByTargetPath(paths[n]).name())
    call("pool %s lookupByTargetPath with trailing slash" % n,
         lambda n=n: conn.storagePoolLookupByTargetPath(paths[n] + "/").name())
call("pool active-auto XMLDesc bad flags", lambda: pool["active-auto"].XMLDesc(1 << 5))
call("pool active-auto listAllVolumes bad flags", lambda: pool["active-auto"].listAllVolumes(1))
call("pool active-auto refresh", lambda: pool["active-auto"].refresh(0))
call("pool active-auto refresh bad flags", lambda: pool["active-auto"].refresh(1))
call("pool inactive refresh", lambda: pool["inactive"].refresh(0))
call("pool inactive listAllVolumes", lambda: pool["inactive"].listAllVolumes(0))
call("pool inactive numOfVolumes", lambda: pool["inactive"].numOfVolumes())
call("pool transient undefine", lambda: pool["transient"].undefine())
call("pool active-auto setAutostart bad value then autostart",
     lambda: (pool["active-auto"].setAutostart(2), pool["active-auto"].autostart()))

# ---------------------------------------------------------------- missing objects
call("lookup pool by name missing", lambda: conn.storagePoolLookupByName("no-such-pool"))
call("lookup pool by uuid missing",
     lambda: conn.storagePoolLookupByUUIDString("00000000-1111-2222-3333-444444444444"))
call("lookup pool by uuid malformed", lambda: conn.storagePoolLookupByUUIDString("not-a-uuid"))
call("lookup pool by target path missing", lambda: conn.storagePoolLookupByTargetPath(BASE + "/nowhere"))
call("lookup vol by key missing", lambda: conn.storageVolLookupByKey(BASE + "/active-auto/missing.img"))
call("lookup vol by path missing", lambda: conn.storageVolLookupByPath(BASE + "/active-auto/missing.img"))
call("lookup vol by path outside pools", lambda: conn.storageVolLookupByPath("/nonexistent/x.img"))
call("lookup vol by name missing", lambda: pool["active-auto"].storageVolLookupByName("missing.img"))
call("lookup vol by name in inactive pool", lambda: pool["inactive"].storageVolLookupByName("x.img"))

# ---------------------------------------------------------------- volumes
pa = pool["active-auto"]
call("vol create raw sparse", lambda: pa.createXML(vol_xml("sparse.raw", 4 * MiB, "raw", 0), 0).name())
call("vol create raw full", lambda: pa.createXML(vol_xml("full.raw", 1 * MiB, "raw"), 0).name())
call("vol create qcow2", lambda: pa.createXML(vol_xml("disk.qcow2", 16 * MiB, "qcow2"), 0).name())
call("vol create qcow2 prealloc metadata",
     lambda: pa.createXML(vol_xml("meta.qcow2", 2 * MiB, "qcow2"), F.VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA).name())
call("vol create raw prealloc metadata",
     lambda: pa.createXML(vol_xml("meta.raw", 1 * MiB, "raw"), F.VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA).name())
call("vol create duplicate", lambda: pa.createXML(vol_xml("sparse.raw", MiB, "raw"), 0).name())
call("vol create bad flags", lambda: pa.createXML(vol_xml("bad.raw", MiB, "raw"), 1 << 10).name())
call("vol create malformed", lambda: pa.createXML("<volume><name>x</name>", 0))
call("vol create in inactive pool", lambda: pool["inactive"].createXML(vol_xml("x.raw", MiB, "raw"), 0))
call("vol create in transient pool", lambda: pool["transient"].createXML(vol_xml("t.raw", MiB, "raw", 0), 0).name())

sparse = pa.storageVolLookupByName("sparse.raw")
full = pa.storageVolLookupByName("full.raw")
qcow = pa.storageVolLookupByName("disk.qcow2")
call("vol createXMLFrom raw->raw", lambda: pa.createXMLFrom(vol_xml("clone.raw", 4 * MiB, "raw"), full, 0).name())
call("vol createXMLFrom raw->qcow2", lambda: pa.createXMLFrom(vol_xml("conv.qcow2", 4 * MiB, "qcow2"), full, 0).name())
call("vol createXMLFrom qcow2->raw other pool",
     lambda: pool["active-noauto"].createXMLFrom(vol_xml("fromq.raw", 16 * MiB, "raw", 0), qcow, 0).name())
call("vol createXMLFrom bad flags", lambda: pa.createXMLFrom(vol_xml("c2.raw", MiB, "raw"), full, 1 << 10))
call("vol createXMLFrom duplicate", lambda: pa.createXMLFrom(vol_xml("full.raw", MiB, "raw"), sparse, 0))

call("pool active-auto listAllVolumes after create", lambda: sorted(v.name() for v in pa.listAllVolumes(0)))
call("pool active-auto listVolumes after create", lambda: sorted(pa.listVolumes()))
call("pool active-auto numOfVolumes after create", pa.numOfVolumes)

TIME = re.compile(r"<(atime|mtime|ctime|btime)>[^<]*</\1>")


def vol_desc(xml):
    return TIME.sub(lambda m: "<%s>@TIME@</%s>" % (m.group(1), m.group(1)), xml)


vols = {}
for name in sorted(pa.listVolumes()):
    vols[name] = pa.storageVolLookupByName(name)
for name, v in sorted(vols.items()):
    call("vol %s info" % name, v.info)
    call("vol %s infoFlags 0" % name, lambda v=v: v.infoFlags(0))
    call("vol %s infoFlags GET_PHYSICAL" % name, lambda v=v: v.infoFlags(F.VIR_STORAGE_VOL_GET_PHYSICAL))
    call("vol %s XMLDesc 0" % name, lambda v=v: vol_desc(v.XMLDesc(0)))
    call("vol %s key/path/name" % name, lambda v=v: [v.key(), v.path(), v.name()])
    call("vol %s lookupByKey" % name, lambda v=v: conn.storageVolLookupByKey(v.key()).name())
    call("vol %s lookupByPath" % name, lambda v=v: conn.storageVolLookupByPath(v.path()).name())
    call("vol %s storagePoolLookupByVolume" % name, lambda v=v: v.storagePoolLookupByVolume().name())
    call("vol %s on disk" % name, lambda v=v: file_facts(v.path()))
call("vol infoFlags bad flags", lambda: sparse.infoFlags(1 << 4))
call("vol XMLDesc bad flags", lambda: sparse.XMLDesc(1))
call("vol lookupByPath unnormalized", lambda: conn.storageVolLookupByPath(BASE + "/active-auto//./sparse.raw").name())
call("pool active-auto info after volumes", lambda: pool_info(pa.info()))
call("pool transient info", lambda: pool_info(pool["transient"].info()))

# ---------------------------------------------------------------- resize
R = F.VIR_STORAGE_VOL_RESIZE_ALLOCATE, F.VIR_STORAGE_VOL_RESIZE_DELTA, F.VIR_STORAGE_VOL_RESIZE_SHRINK
call("resize sparse grow 8MiB", lambda: (sparse.resize(8 * MiB, 0), sparse.info())[1])
call("resize sparse shrink without flag", lambda: sparse.resize(2 * MiB, 0))
call("resize sparse shrink 2MiB SHRINK", lambda: (sparse.resize(2 * MiB, R[2]), sparse.info())[1])
call("resize sparse DELTA +1MiB", lambda: (sparse.resize(MiB, R[1]), sparse.info())[1])
call("resize sparse DELTA|SHRINK -1MiB", lambda: (sparse.resize(MiB, R[1] | R[2]), sparse.info())[1])
call("resize sparse SHRINK to 0", lambda: sparse.resize(0, R[2]))
call("resize full ALLOCATE 2MiB", lambda: (full.resize(2 * MiB, R[0]), full.info())[1])
call("resize full ALLOCATE|DELTA +1MiB", lambda: (full.resize(MiB, R[0] | R[1]), full.info())[1])
call("resize full ALLOCATE|SHRINK", lambda: full.resize(MiB, R[0] | R[2]))
call("resize qcow2 grow 32MiB", lambda: (qcow.resize(32 * MiB, 0), qcow.info())[1])
call("resize qcow2 shrink SHRINK", lambda: qcow.resize(8 * MiB, R[2]))
call("resize bad flags", lambda: sparse.resize(8 * MiB, 1 << 5))
call("vol sparse.raw info after resize", sparse.info)
call("vol full.raw info after resize", full.info)
call("vol full.raw on disk after resize", lambda: file_facts(full.path()))
call("vol disk.qcow2 XMLDesc after resize", lambda: vol_desc(qcow.XMLDesc(0)))

# ---------------------------------------------------------------- wipe
with open(full.path(), "r+b") as f:  # give the zero wipe something to clear
    f.write(b"\xff" * 4096)
call("vol full.raw on disk before wipe", lambda: file_facts(full.path()))
call("wipe full.raw ZERO", lambda: full.wipePattern(F.VIR_STORAGE_VOL_WIPE_ALG_ZERO, 0))
call("vol full.raw on disk after wipe ZERO", lambda: file_facts(full.path()))
call("vol full.raw info after wipe ZERO", full.info)
call("wipe sparse.raw ZERO", lambda: sparse.wipePattern(F.VIR_STORAGE_VOL_WIPE_ALG_ZERO, 0))
call("vol sparse.raw info after wipe ZERO", sparse.info)
call("wipe sparse.raw (virStorageVolWipe)", lambda: sparse.wipe(0))
small = None
if call("vol create small.raw for scrub", lambda: pa.createXML(vol_xml("small.raw", 64 * 1024, "raw"), 0).name()):
    small = pa.storageVolLookupByName("small.raw")
ALGS = [("NNSA", 1), ("DOD", 2), ("BSI", 3), ("GUTMANN", 4), ("SCHNEIER", 5), ("PFITZNER7", 6),
        ("PFITZNER33", 7), ("RANDOM", 8)]
for name, alg in ALGS:
    call("wipe small.raw " + name, lambda alg=alg: small.wipePattern(alg, 0))
call("vol small.raw on disk after scrub", lambda: {k: v for k, v in file_facts(small.path()).items() if k != "sha256_prefix"})
call("wipe TRIM (unsupported)", lambda: sparse.wipePattern(F.VIR_STORAGE_VOL_WIPE_ALG_TRIM, 0))
call("wipe algorithm 10 (invalid)", lambda: sparse.wipePattern(10, 0))
call("wipe algorithm 1000 (invalid)", lambda: sparse.wipePattern(1000, 0))
call("wipe bad flags", lambda: sparse.wipePattern(0, 1))
call("wipe qcow2 ZERO", lambda: qcow.wipePattern(F.VIR_STORAGE_VOL_WIPE_ALG_ZERO, 0))
call("vol disk.qcow2 after wipe", lambda: [qcow.info(), vol_desc(qcow.XMLDesc(0))])

# ---------------------------------------------------------------- connection-level storage calls
call("findStoragePoolSources dir", lambda: conn.findStoragePoolSources("dir", None, 0))
call("findStoragePoolSources bogus type", lambda: conn.findStoragePoolSources("bogus", None, 0))
call("findStoragePoolSources dir bad flags", lambda: conn.findStoragePoolSources("dir", None, 1))
call("findStoragePoolSources fs", lambda: conn.findStoragePoolSources("fs", None, 0))
call("getStoragePoolCapabilities bad flags", lambda: conn.getStoragePoolCapabilities(1))
call("getStoragePoolCapabilities", lambda: conn.getStoragePoolCapabilities(0), deviating)
call("getCapabilities", conn.getCapabilities, deviating)

# ---------------------------------------------------------------- deleting
call("vol clone.raw delete", lambda: pa.storageVolLookupByName("clone.raw").delete(0))
call("vol delete bad flags", lambda: full.delete(1 << 5))
call("vol clone.raw lookup after delete", lambda: pa.storageVolLookupByName("clone.raw"))
call("vol clone.raw file exists after delete", lambda: os.path.exists(BASE + "/active-auto/clone.raw"))
call("pool active-auto delete while active", lambda: pa.delete(0))
call("pool active-auto undefine while active", lambda: pa.undefine())
call("pool active-auto isPersistent after failed undefine", pa.isPersistent)
call("pool active-auto destroy", pa.destroy)
call("pool active-auto isActive after destroy", pa.isActive)
call("pool active-auto info after destroy", lambda: pool_info(pa.info()))
call("pool active-auto listAllVolumes after destroy", lambda: pa.listAllVolumes(0))
call("pool active-auto lookup vol by path after destroy", lambda: conn.storageVolLookupByPath(full.path()))
call("pool active-auto undefine after destroy", pa.undefine)
call("pool active-auto lookup after undefine", lambda: conn.storagePoolLookupByName("active-auto"))
call("pool active-auto files kept after undefine", lambda: sorted(os.listdir(paths["active-auto"])))
call("pool transient destroy", pool["transient"].destroy)
call("pool transient lookup after destroy", lambda: conn.storagePoolLookupByName("transient"))
call("pool inactive delete", lambda: pool["inactive"].delete(0))
call("pool inactive target exists after delete", lambda: os.path.exists(paths["inactive"]))
call("pool inactive undefine", pool["inactive"].undefine)
call("pool inactive undefine again", pool["inactive"].undefine)
call("pool handle name after undefine", pool["inactive"].name)
call("listAllStoragePools at end", lambda: pool_names(conn.listAllStoragePools(0)))
call("listDefinedStoragePools at end", lambda: sorted(conn.listDefinedStoragePools()))
call("listStoragePools at end", lambda: sorted(conn.listStoragePools()))


# ---------------------------------------------------------------- normalization
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normalize(text, uuids):
    text = text.replace(BASE, "@BASE@")
    text = re.sub(r"<owner>%d</owner>" % UID, "<owner>@UID@</owner>", text)
    text = re.sub(r"<group>%d</group>" % GID, "<group>@GID@</group>", text)

    def uuid(m):
        if m.group(0) == "00000000-1111-2222-3333-444444444444":
            return m.group(0)
        uuids.setdefault(m.group(0), "@UUID%d@" % (len(uuids) + 1))
        return uuids[m.group(0)]
    return UUID.sub(uuid, text)


uuids = {}
print(normalize(json.dumps(out, indent=1, sort_keys=True), uuids))
print("--- deviating ---")
print(normalize(json.dumps(deviating, indent=1, sort_keys=True), uuids))
conn.close()
