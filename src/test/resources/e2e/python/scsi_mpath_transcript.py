#!/usr/bin/python3
"""libvirt's scsi and mpath pool backends on a host without SCSI hosts, FC hosts or device-mapper, as JSON.

Usage: scsi_mpath_transcript.py STORAGE_URI OUTPUT

Steps, each {"step": NAME, ...} with results {"ok": ...} or {"error": {"code", "domain", "message"}}:
- scsi pools with adapters: scsi_host by name (host0, scsi_host3, a malformed name), by parent PCI address,
  fc_host vHBAs (no parent, a parent name, parent wwnn/wwpn, a parent fabric wwn, managed='no'), each
  defined (XML), started, then info, XML (live and inactive), refresh, volumes, destroy, undefine; one of
  each kind also started as a transient pool (createXML);
- an mpath pool: define, build, start, info, XML, refresh, volumes, a volume lookup, volume creation
  (refused), destroy, delete (refused), undefine;
- find-storage-pool-sources for both types.

Pool uuids are fixed in the XML, so nothing needs normalizing.
"""
import json
import sys

import libvirt
from answers import err, plain

libvirt.registerErrorHandler(lambda ctx, e: None, None)

STORAGE_URI, OUTPUT = sys.argv[1:3]
conn = libvirt.open(STORAGE_URI)
steps = []
UUID = "7d1b3a2c-9e4f-4c55-8a6b-0000000000%02x"


def call(fn):
    try:
        return {"ok": plain(fn())}
    except libvirt.libvirtError as e:
        return err(e)


def record(step, **results):
    steps.append(dict(step=step, **results))


def scsi_xml(n, name, adapter, target="/dev/disk/by-path"):
    return ("<pool type='scsi'><name>%s</name><uuid>%s</uuid><source>%s</source>"
            "<target><path>%s</path></target></pool>" % (name, UUID % n, adapter, target))


def lines(text):
    return text.splitlines()


def pool(name):
    return conn.storagePoolLookupByName(name)


def lifecycle(name, xml):
    """define, start, look at it, refresh, destroy, undefine"""
    result = {"define": call(lambda: conn.storagePoolDefineXML(xml, 0))}
    if "ok" in result["define"]:
        result["inactive xml"] = call(lambda: lines(pool(name).XMLDesc(0)))
        result["build"] = call(lambda: pool(name).build(0))
        result["start"] = call(lambda: pool(name).create(0))
        result["active"] = call(lambda: pool(name).isActive())
        result["info"] = call(lambda: pool(name).info())
        result["xml"] = call(lambda: lines(pool(name).XMLDesc(0)))
        result["xml inactive flag"] = call(lambda: lines(pool(name).XMLDesc(libvirt.VIR_STORAGE_XML_INACTIVE)))
        result["refresh"] = call(lambda: pool(name).refresh(0))
        result["volumes"] = call(lambda: pool(name).listVolumes())
        result["destroy"] = call(lambda: pool(name).destroy())
        result["delete"] = call(lambda: pool(name).delete(0))
        result["undefine"] = call(lambda: pool(name).undefine())
    record("pool " + name, **result)


def transient(name, xml):
    result = {"create": call(lambda: conn.storagePoolCreateXML(xml, 0))}
    result["lookup"] = call(lambda: pool(name).name())
    if "ok" in result["create"]:
        result["xml"] = call(lambda: lines(pool(name).XMLDesc(0)))
        result["destroy"] = call(lambda: pool(name).destroy())
    record("transient pool " + name, **result)


WWNN = "20000000c9831b4b"
WWPN = "10000000c9831b4b"


def fc(extra="", managed=""):
    return ("<adapter type='fc_host'%s%s wwnn='%s' wwpn='%s'/>" % (extra, managed, WWNN, WWPN))


def main():
    lifecycle("host0", scsi_xml(1, "host0", "<adapter name='host0'/>"))
    lifecycle("scsihost3", scsi_xml(2, "scsihost3", "<adapter type='scsi_host' name='scsi_host3'/>", "/dev"))
    lifecycle("badname", scsi_xml(3, "badname", "<adapter type='scsi_host' name='sda'/>"))
    lifecycle("parentaddr", scsi_xml(4, "parentaddr",
                                     "<adapter type='scsi_host'><parentaddr unique_id='2'>"
                                     "<address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>"
                                     "</parentaddr></adapter>"))
    lifecycle("targetdir", scsi_xml(5, "targetdir", "<adapter name='host1'/>", "/var/lib/nowhere"))
    lifecycle("fc-noparent", scsi_xml(6, "fc-noparent", fc()))
    lifecycle("fc-parent", scsi_xml(7, "fc-parent", fc(" parent='scsi_host5'")))
    lifecycle("fc-parentwwn", scsi_xml(8, "fc-parentwwn", fc(
        " parent_wwnn='20000000c9831b4a' parent_wwpn='10000000c9831b4a'")))
    lifecycle("fc-fabric", scsi_xml(9, "fc-fabric", fc(" parent_fabric_wwn='2000000533fe2d6c'")))
    lifecycle("fc-unmanaged", scsi_xml(10, "fc-unmanaged", fc(" parent='scsi_host5'", " managed='no'")))
    lifecycle("fc-managed", scsi_xml(11, "fc-managed", fc("", " managed='yes'")))
    transient("t-host0", scsi_xml(12, "t-host0", "<adapter name='host0'/>"))
    transient("t-fc", scsi_xml(13, "t-fc", fc()))

    mpath = ("<pool type='mpath'><name>mpath</name><uuid>%s</uuid>"
             "<target><path>/dev/mapper</path></target></pool>" % (UUID % 20))
    result = {"define": call(lambda: conn.storagePoolDefineXML(mpath, 0))}
    result["inactive xml"] = call(lambda: lines(pool("mpath").XMLDesc(0)))
    result["build"] = call(lambda: pool("mpath").build(0))
    result["start"] = call(lambda: pool("mpath").create(0))
    result["info"] = call(lambda: pool("mpath").info())
    result["xml"] = call(lambda: lines(pool("mpath").XMLDesc(0)))
    result["refresh"] = call(lambda: pool("mpath").refresh(0))
    result["volumes"] = call(lambda: pool("mpath").listVolumes())
    result["count"] = call(lambda: pool("mpath").numOfVolumes())
    result["lookup dm-0"] = call(lambda: pool("mpath").storageVolLookupByName("dm-0").name())
    result["create volume"] = call(lambda: pool("mpath").createXML(
        "<volume><name>v</name><capacity>1048576</capacity></volume>", 0))
    result["lookup by path"] = call(lambda: conn.storageVolLookupByPath("/dev/mapper/mpatha").name())
    result["destroy"] = call(lambda: pool("mpath").destroy())
    result["delete"] = call(lambda: pool("mpath").delete(0))
    result["undefine"] = call(lambda: pool("mpath").undefine())
    record("pool mpath", **result)
    transient("t-mpath", "<pool type='mpath'><name>t-mpath</name><uuid>%s</uuid>"
              "<target><path>/dev/mapper</path></target></pool>" % (UUID % 21))

    for kind in ("scsi", "mpath"):
        record("find sources " + kind,
               none=call(lambda: conn.findStoragePoolSources(kind, None, 0)),
               spec=call(lambda: conn.findStoragePoolSources(kind, "<source/>", 0)))

    with open(OUTPUT, "w") as f:
        json.dump(steps, f, indent=1, sort_keys=False)
        f.write("\n")


main()
