#!/usr/bin/python3
"""libvirt's gluster pool backend against a live GlusterFS volume, as normalized JSON.

Usage: gluster_transcript.py STORAGE_URI HOST VOLUME MOUNT OUTPUT
HOST/VOLUME name the volume (src/test/scripts/gluster-volume.sh: 127.0.0.1, gv0); MOUNT is an empty
directory where this script (run as root) mounts the volume through FUSE to make and inspect files; it
unmounts it at the end. The daemon behind STORAGE_URI may run as any user: the volume's root is 0777.

Steps, each {"step": NAME, ...} with results {"ok": ...} or {"error": {"code", "domain", "message"}}:
- pool 'gl' on the volume's root: define, XML, build, start (timed, rounded), info, XML;
- volumes made through the mount: raw, qcow2 with a raw backing file, a file whose name needs escaping in
  a URI, a subdirectory, a symbolic link to a file, a dangling one; their list, XML, info, lookups by
  name, key and path; refresh (timed); what the backend refuses (create, clone, upload, download, resize,
  wipe, pool delete);
- deletes: a file, a link, a directory (and what the mount shows after each), one gone behind the
  daemon's back, with flags; refresh after them;
- a pool on a subdirectory with an explicit port; find-storage-pool-sources; pools that do not start;
  definitions that are refused; destroy and undefine.

Normalized: pool uuids @UUID@, the pool's capacity/allocation/available (signs recorded beside), file
times @TIME@. Durations are recorded rounded, never raw.
"""
import os
import re
import subprocess
import sys
import time

import libvirt
from transcript import Transcript

libvirt.registerErrorHandler(lambda ctx, e: None, None)

STORAGE_URI, HOST, VOLUME, MOUNT, OUTPUT = sys.argv[1:6]
MIB = 1024 * 1024
storage = libvirt.open(STORAGE_URI)


def normalize(text):
    text = re.sub(r"<uuid>[0-9a-f-]{36}</uuid>", "<uuid>@UUID@</uuid>", text)
    text = re.sub(r"<(atime|mtime|ctime)>[0-9.]+</", r"<\1>@TIME@</", text)
    if "<pool" in text:
        for tag in ("capacity", "allocation", "available"):
            text = re.sub(r"(<%s unit='bytes'>)\d+(</%s>)" % (tag, tag), r"\g<1>@%s@\2" % tag.upper(), text)
    return text


def rounded(seconds):
    """A duration as a coarse, reproducible figure."""
    return "under 7 s" if seconds < 7 else "about %d s" % (5 * round(seconds / 5))


T = Transcript(normalize)
call, record, xml_lines, pool_info = T.call, T.record, T.xml_lines, T.pool_info


def listing(p):
    return call(lambda: sorted(v.name() for v in p.listAllVolumes(0)))


def on_mount(*names):
    """which of the names the FUSE mount shows, once its client's md-cache (1 s) has let go of what it saw"""
    time.sleep(1.5)
    return {n: os.path.lexists(os.path.join(MOUNT, n)) for n in names}


def pool_xml(name, source=None, host=None, extra=""):
    source = VOLUME if source is None else source
    host = "<host name='%s'/>" % HOST if host is None else host
    name_xml = "<name>%s</name>" % source if source else ""
    return "<pool type='gluster'><name>%s</name><source>%s%s%s</source></pool>" % (name, host, name_xml, extra)


def make_files():
    # no FUSE caching: the mount must show a file the daemon removed a moment ago as gone
    subprocess.run(["mount", "-t", "glusterfs", "-o", "log-file=/dev/null,entry-timeout=0,attribute-timeout=0,"
                    "negative-timeout=0", "%s:/%s" % (HOST, VOLUME), MOUNT],
                   check=True, timeout=60)
    for name in os.listdir(MOUNT):   # a fresh volume may hold gluster's own .trashcan only
        if not name.startswith("."):
            raise SystemExit("volume not empty: " + name)

    def img(*args):
        subprocess.run(["qemu-img", "create", "-q"] + list(args), check=True, cwd=MOUNT, timeout=60)

    img("-f", "raw", "base.img", "1M")
    img("-f", "qcow2", "-b", "base.img", "-F", "raw", "top.qcow2", "8M")
    img("-f", "qcow2", "plain.qcow2", "4M")
    with open(os.path.join(MOUNT, "a b:c.img"), "wb") as f:   # qemu-img takes "a b:" for a protocol
        f.truncate(64 * 1024)
    os.mkdir(os.path.join(MOUNT, "sub"))
    img("-f", "raw", "sub/inner.img", "2M")
    os.mkdir(os.path.join(MOUNT, "empty"))
    os.symlink("base.img", os.path.join(MOUNT, "link.img"))
    os.symlink("nowhere", os.path.join(MOUNT, "dangling"))
    os.symlink("loop", os.path.join(MOUNT, "loop"))


def volumes_step(step, p):
    def vol_detail(v):
        return {"xml": xml_lines(lambda: v.XMLDesc(0)), "info": call(v.info), "path": call(v.path),
                "key": call(v.key)}
    names = listing(p)
    record(step, volumes=names,
           details={n: vol_detail(p.storageVolLookupByName(n)) for n in names.get("ok", [])})


def main():
    make_files()
    record("pool define", result=call(lambda: storage.storagePoolDefineXML(pool_xml("gl"), 0).name()))
    p = storage.storagePoolLookupByName("gl")
    record("pool XML before start", xml=xml_lines(lambda: p.XMLDesc(0)), info=pool_info(p))
    record("pool build", result=call(lambda: p.build(0)))
    t = time.monotonic()
    record("pool start", result=call(lambda: p.create(0)))
    start_seconds = time.monotonic() - t
    record("pool info", info=pool_info(p), xml=xml_lines(lambda: p.XMLDesc(0)),
           inactive_xml=xml_lines(lambda: p.XMLDesc(libvirt.VIR_STORAGE_XML_INACTIVE)))
    volumes_step("volumes", p)

    def vol(name):
        return p.storageVolLookupByName(name)

    record("lookups", by_key=call(lambda: storage.storageVolLookupByKey(
        "gluster://%s/%s/top.qcow2" % (HOST, VOLUME)).name()),
           by_path=call(lambda: storage.storageVolLookupByPath("gluster://%s/%s/top.qcow2" % (HOST, VOLUME)).name()),
           by_escaped_path=call(lambda: storage.storageVolLookupByPath(
               "gluster://%s/%s/a%%20b%%3Ac.img" % (HOST, VOLUME)).name()),
           by_unescaped_path=call(lambda: storage.storageVolLookupByPath(
               "gluster://%s/%s/a b:c.img" % (HOST, VOLUME)).name()),
           by_missing_name=call(lambda: vol("dangling").name()),
           pool_of_vol=call(lambda: vol("top.qcow2").storagePoolLookupByVolume().name()),
           num_of_volumes=call(p.numOfVolumes))
    t = time.monotonic()
    record("pool refresh", result=call(lambda: p.refresh(0)), info=pool_info(p))
    refresh_seconds = time.monotonic() - t

    # --- what the backend does not have
    stream = storage.newStream(0)
    record("refusals",
           create=call(lambda: p.createXML("<volume><name>new.img</name><capacity>1048576</capacity>"
                                           "<target><format type='raw'/></target></volume>", 0).name()),
           clone=call(lambda: p.createXMLFrom("<volume><name>copy.img</name><capacity>1048576</capacity>"
                                              "</volume>", vol("base.img"), 0).name()),
           upload=call(lambda: vol("base.img").upload(stream, 0, 4096, 0)),
           download=call(lambda: vol("base.img").download(storage.newStream(0), 0, 4096, 0)),
           resize=call(lambda: vol("base.img").resize(2 * MIB, 0)),
           wipe=call(lambda: vol("base.img").wipe(0)),
           pool_delete=call(lambda: p.delete(0)),
           on_mount=on_mount("new.img", "copy.img"))

    # --- deletes
    def delete(step, name, flags=0, *shown):
        t = time.monotonic()
        result = call(lambda: vol(name).delete(flags))
        seconds = time.monotonic() - t
        record(step, result=result, volumes=listing(p), on_mount=on_mount(name, *shown), pool_info=pool_info(p))
        return seconds

    delete("delete top.qcow2 with flags 1", "top.qcow2", 1)
    delete_seconds = delete("delete top.qcow2", "top.qcow2")
    delete("delete link.img (a link)", "link.img", 0, "base.img")
    delete("delete empty (a directory)", "empty")
    delete("delete sub (a directory with a file)", "sub", 0, "sub/inner.img")
    os.unlink(os.path.join(MOUNT, "plain.qcow2"))
    delete("delete plain.qcow2 (removed behind the daemon's back)", "plain.qcow2")
    time.sleep(1.5)
    record("refresh after deletes", result=call(lambda: p.refresh(0)), volumes=listing(p),
           on_mount=sorted(n for n in os.listdir(MOUNT) if not n.startswith(".")))
    record("durations", start=rounded(start_seconds), refresh=rounded(refresh_seconds),
           delete=rounded(delete_seconds))

    # --- sources
    for step, spec in [("find sources", "<source><host name='%s'/></source>" % HOST),
                       ("find sources without a spec", None),
                       ("find sources with two hosts",
                        "<source><host name='%s'/><host name='127.0.0.2'/></source>" % HOST),
                       ("find sources on a host without glusterd", "<source><host name='127.0.0.2'/></source>"),
                       ("find sources with flags", "<source><host name='%s'/></source>" % HOST)]:
        flags = 1 if "flags" in step else 0
        record(step, result=call(lambda: normalize(storage.findStoragePoolSources("gluster", spec, flags))))

    record("pool destroy", result=call(p.destroy), info=pool_info(p),
           list_volumes=call(lambda: p.listAllVolumes(0)))
    record("pool undefine", result=call(p.undefine))

    # --- a pool on a subdirectory, with the port given
    sub = pool_xml("glsub", host="<host name='%s' port='24007'/>" % HOST, extra="<dir path='/sub'/>")
    record("subdirectory pool define", result=call(lambda: storage.storagePoolDefineXML(sub, 0).name()))
    q = storage.storagePoolLookupByName("glsub")
    record("subdirectory pool start", result=call(lambda: q.create(0)), xml=xml_lines(lambda: q.XMLDesc(0)))
    volumes_step("subdirectory pool volumes", q)
    record("subdirectory pool destroy", result=call(q.destroy), undefine=call(q.undefine))

    # --- pools that do not start
    def try_pool(step, xml):
        defined = call(lambda: storage.storagePoolDefineXML(xml, 0).name())
        result = {"define": defined}
        if "ok" in defined:
            x = storage.storagePoolLookupByName(defined["ok"])
            result["start"] = call(lambda: x.create(0))
            result["info"] = pool_info(x)
            if "ok" in result["start"]:
                result["volumes"] = listing(x)
                x.destroy()
            x.undefine()
        record(step, **result)

    try_pool("volume that does not exist", pool_xml("nosuchvol", source="nosuchvol"))
    try_pool("directory that does not exist", pool_xml("nosuchdir", extra="<dir path='/nosuchdir'/>"))
    try_pool("directory not starting with /", pool_xml("relative", extra="<dir path='sub'/>"))
    try_pool("volume name with a /", pool_xml("slash", source="gv0/sub"))
    try_pool("port where nothing listens", pool_xml("noport", host="<host name='%s' port='1'/>" % HOST))
    for step, xml in [("define without a host", pool_xml("x1", host="")),
                      ("define without a volume name", pool_xml("x2", source="")),
                      ("define with two hosts", pool_xml("x3", host="<host name='%s'/><host name='127.0.0.2'/>"
                                                         % HOST)),
                      ("define with a target path", pool_xml("x4").replace("</source>", "</source><target><path>"
                                                                           "/mnt</path></target>")),
                      ("define with a source format", pool_xml("x5", extra="<format type='glusterfs'/>"))]:
        result = call(lambda: storage.storagePoolDefineXML(xml, 0).name())
        extra = {}
        if "ok" in result:
            x = storage.storagePoolLookupByName(result["ok"])
            extra["xml"] = xml_lines(lambda: x.XMLDesc(0))
            x.undefine()
        record(step, define=result, **extra)

    subprocess.run(["umount", MOUNT], check=True, timeout=60)
    T.write(OUTPUT)


main()
