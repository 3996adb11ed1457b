#!/usr/bin/python3
"""libvirt's zfs pool backend on a host without ZFS (no zfs module, no zfs or zpool tool), as JSON; then the
vstorage pool type on a host without vstorage-mount.

Usage: zfs_transcript.py STORAGE_URI OUTPUT

Steps, each {"step": NAME, ...} with results {"ok": ...} or {"error": {"code", "domain", "message"}}:
- zfs pool definitions: source name defaulting to the pool's name, a dataset below a zpool, a target path
  given (libvirt puts /dev/zvol/NAME in its place), devices, permissions, a device another zfs pool uses;
- zfs pools' lifecycles: define, build (with and without flags), start, info, XML, refresh, volumes, volume
  creation (plain, sparse, encrypted), lookups, destroy, delete (with and without flags), undefine; the same
  for a dataset pool and for a zpool pool without devices; transient pools, with and without build;
- source discovery, and the zfs part of the pool capabilities;
- a vstorage pool: define, build, start, XML, destroy, delete, undefine.

Pool uuids are fixed in the XML, so nothing needs normalizing.
"""
import json
import os
import re
import shutil
import sys
import tempfile

import libvirt
from answers import call

libvirt.registerErrorHandler(lambda ctx, e: None, None)

STORAGE_URI, OUTPUT = sys.argv[1:3]
conn = libvirt.open(STORAGE_URI)
steps = []
UUID = "5a2f0c1e-7b3d-4e8a-9c6f-0000000000%02x"
VOL = "<volume><name>%s</name><capacity>%d</capacity>%s</volume>"
SECRET_UUID = "5a2f0c1e-7b3d-4e8a-9c6f-00000000ffff"


def record(step, **results):
    steps.append(dict(step=step, **results))


def lines(text):
    return text.splitlines()


def pool(name):
    return conn.storagePoolLookupByName(name)


def zfs_xml(n, name, source="", target=""):
    return ("<pool type='zfs'><name>%s</name><uuid>%s</uuid><source>%s</source>%s</pool>"
            % (name, UUID % n, source, target))


def definition(step, xml):
    """define, show the XML as defined, undefine"""
    name = re.search("<name>([^<]*)</name>", xml).group(1)
    result = {"define": call(lambda: conn.storagePoolDefineXML(xml, 0))}
    if "ok" in result["define"]:
        result["xml"] = call(lambda: lines(pool(name).XMLDesc(0)))
        result["undefine"] = call(lambda: pool(name).undefine())
    record(step, **result)


def volumes(name, result):
    p = pool(name)
    result["create volume"] = call(lambda: p.createXML(VOL % ("v1", 1048576, ""), 0))
    result["create sparse volume"] = call(lambda: p.createXML(
        VOL % ("v2", 10485760, "<allocation>0</allocation>"), 0))
    result["create volume with flags"] = call(lambda: p.createXML(VOL % ("v3", 1048576, ""),
                                                                  libvirt.VIR_STORAGE_VOL_CREATE_REFLINK))
    result["create encrypted volume"] = call(lambda: p.createXML(VOL % (
        "v4", 1048576, "<target><encryption format='luks'><secret type='passphrase' uuid='%s'/>"
        "</encryption></target>" % SECRET_UUID), 0))
    result["create qcow2 volume"] = call(lambda: p.createXML(VOL % (
        "v5", 1048576, "<target><format type='qcow2'/></target>"), 0))
    result["lookup volume"] = call(lambda: p.storageVolLookupByName("v1").name())
    result["lookup by path"] = call(lambda: conn.storageVolLookupByPath(
        p.XMLDesc(0).split("<path>")[1].split("</path>")[0] + "/v1").name())


def lifecycle(step, name, xml, with_volumes=True):
    result = {"define": call(lambda: conn.storagePoolDefineXML(xml, 0))}
    if "ok" in result["define"]:
        result["inactive xml"] = call(lambda: lines(pool(name).XMLDesc(0)))
        result["build"] = call(lambda: pool(name).build(0))
        result["build overwrite"] = call(lambda: pool(name).build(libvirt.VIR_STORAGE_POOL_BUILD_OVERWRITE))
        result["build no-overwrite"] = call(lambda: pool(name).build(libvirt.VIR_STORAGE_POOL_BUILD_NO_OVERWRITE))
        result["start"] = call(lambda: pool(name).create(0))
        result["active"] = call(lambda: pool(name).isActive())
        result["info"] = call(lambda: pool(name).info())
        result["xml"] = call(lambda: lines(pool(name).XMLDesc(0)))
        result["xml inactive flag"] = call(lambda: lines(pool(name).XMLDesc(libvirt.VIR_STORAGE_XML_INACTIVE)))
        result["lookup by target path"] = call(lambda: conn.storagePoolLookupByTargetPath(
            pool(name).XMLDesc(0).split("<path>")[1].split("</path>")[0]).name())
        result["refresh"] = call(lambda: pool(name).refresh(0))
        result["volumes"] = call(lambda: pool(name).listVolumes())
        result["count"] = call(lambda: pool(name).numOfVolumes())
        result["all volumes"] = call(lambda: pool(name).listAllVolumes(0))
        if with_volumes:
            volumes(name, result)
        result["build while active"] = call(lambda: pool(name).build(0))
        result["delete while active"] = call(lambda: pool(name).delete(0))
        result["destroy"] = call(lambda: pool(name).destroy())
        result["info after destroy"] = call(lambda: pool(name).info())
        result["delete"] = call(lambda: pool(name).delete(0))
        result["delete zeroed"] = call(lambda: pool(name).delete(libvirt.VIR_STORAGE_POOL_DELETE_ZEROED))
        result["undefine"] = call(lambda: pool(name).undefine())
    record(step, **result)


def transient(step, name, xml, flags):
    result = {"create": call(lambda: conn.storagePoolCreateXML(xml, flags))}
    result["lookup"] = call(lambda: pool(name).name())
    if "ok" in result["create"]:
        result["xml"] = call(lambda: lines(pool(name).XMLDesc(0)))
        result["persistent"] = call(lambda: pool(name).isPersistent())
        result["destroy"] = call(lambda: pool(name).destroy())
        result["lookup after destroy"] = call(lambda: pool(name).name())
    record(step, **result)


def capabilities(kind):
    caps = conn.getStoragePoolCapabilities(0)
    match = re.search(r"\n( *<pool type='%s'.*?</pool>)" % kind, caps, re.S)
    return lines(match.group(1)) if match else None


def main():
    definition("definition: source name defaults to the pool name", zfs_xml(1, "zdef"))
    definition("definition: a dataset below a zpool", zfs_xml(2, "zdataset", "<name>tank/vms/sub</name>"))
    definition("definition: a target path of its own", zfs_xml(
        3, "ztarget", "<name>ztank</name>", "<target><path>/var/lib/zfs-pool</path></target>"))
    definition("definition: devices and permissions", zfs_xml(
        4, "zdevices", "<device path='/dev/nonexistent-zfs0'/><device path='/dev/nonexistent-zfs1'/>",
        "<target><permissions><mode>0750</mode><owner>0</owner><group>0</group></permissions></target>"))
    definition("definition: source name with a trailing slash", zfs_xml(5, "zslash", "<name>tank/</name>"))
    definition("definition: empty source name", zfs_xml(6, "zempty", "<name></name>"))
    definition("definition: a source dir (ignored)", zfs_xml(7, "zdir", "<dir path='/srv'/>"))
    definition("definition: a host (ignored)", zfs_xml(8, "zhost", "<host name='127.0.0.1'/>"))
    definition("definition: no source element", "<pool type='zfs'><name>znosource</name><uuid>%s</uuid></pool>"
               % (UUID % 9))

    # two zfs pools on the same device, or on the same zpool name without devices
    first = call(lambda: conn.storagePoolDefineXML(zfs_xml(10, "zfirst", "<device path='/dev/nonexistent-zfs2'/>"), 0))
    second = call(lambda: conn.storagePoolDefineXML(
        zfs_xml(11, "zsecond", "<name>zother</name><device path='/dev/nonexistent-zfs2'/>"), 0))
    same_name = call(lambda: conn.storagePoolDefineXML(zfs_xml(12, "zthird", "<name>zfirst</name>"), 0))
    record("definition: source conflicts", first=first, same_device=second, same_name=same_name,
           undefine=[call(lambda: pool(n).undefine()) for n in ("zfirst", "zsecond", "zthird")])

    lifecycle("pool tank (a zpool with devices)", "tank",
              zfs_xml(20, "tank", "<device path='/dev/nonexistent-zfs3'/>"))
    lifecycle("pool vms (a dataset below a zpool)", "vms", zfs_xml(21, "vms", "<name>tank/vms</name>"))
    lifecycle("pool bare (a zpool without devices)", "bare", zfs_xml(22, "bare"), with_volumes=False)

    transient("transient zfs pool", "ztrans", zfs_xml(30, "ztrans", "<device path='/dev/nonexistent-zfs4'/>"), 0)
    transient("transient zfs pool with build", "ztransb",
              zfs_xml(31, "ztransb", "<device path='/dev/nonexistent-zfs5'/>"),
              libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD)
    transient("transient dataset pool with build", "ztransd", zfs_xml(32, "ztransd", "<name>tank/t</name>"),
              libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD)

    record("find sources zfs", none=call(lambda: conn.findStoragePoolSources("zfs", None, 0)),
           spec=call(lambda: conn.findStoragePoolSources("zfs", "<source/>", 0)))
    record("pool capabilities zfs", ok=capabilities("zfs"))

    # vstorage: Debian's libvirtd is built without it; see ZfsTranscriptIT for ours
    target = tempfile.mkdtemp(prefix="vstorage-")
    os.chmod(target, 0o777)  # the daemon's user builds the pool's directory in it
    vxml = ("<pool type='vstorage'><name>vs</name><uuid>%s</uuid><source><name>cluster1</name></source>"
            "<target><path>%s/mnt</path></target></pool>" % (UUID % 40, target))
    result = {"define": call(lambda: conn.storagePoolDefineXML(vxml, 0))}
    if "ok" in result["define"]:
        result["inactive xml"] = call(lambda: lines(pool("vs").XMLDesc(0).replace(target, "@TARGET@")))
        result["build"] = call(lambda: pool("vs").build(0))
        result["build overwrite"] = call(lambda: pool("vs").build(libvirt.VIR_STORAGE_POOL_BUILD_OVERWRITE))
        result["start"] = call(lambda: pool("vs").create(0))
        result["active"] = call(lambda: pool("vs").isActive())
        result["xml after start"] = call(lambda: lines(pool("vs").XMLDesc(0).replace(target, "@TARGET@")))
        result["destroy"] = call(lambda: pool("vs").destroy())
        result["delete"] = call(lambda: pool("vs").delete(0))
        result["undefine"] = call(lambda: pool("vs").undefine())
    shutil.rmtree(target)
    record("pool vs (vstorage)", **result)
    record("find sources vstorage", none=call(lambda: conn.findStoragePoolSources("vstorage", None, 0)))

    with open(OUTPUT, "w") as f:
        json.dump(steps, f, indent=1, sort_keys=False)
        f.write("\n")


main()
