#!/usr/bin/python3
"""libvirt's rbd pool backend against a live Ceph cluster, as normalized JSON.

Usage: rbd_transcript.py STORAGE_URI SECRET_URI MON_HOST ADMIN_KEY OUTPUT
MON_HOST is the cluster's "127.0.0.1:PORT", ADMIN_KEY client.admin's base64 cephx key. The environment
gives CEPH_CONF (for the rbd CLI, run as root, which makes snapshots and reads what libvirt made) and,
optionally, NOAUTH_MON_HOST: the "127.0.0.1:PORT" of a second cluster started without cephx.

Steps, each {"step": NAME, ...} with results {"ok": ...} or {"error": {"code", "domain", "message"}}:
- secrets (usage type ceph) whose values are the decoded key (what libvirt expects: it base64-encodes the
  value into librados' 'key' option), the key's base64 text, a wrong key, garbage, no value;
- pool 'ceph' on rbdpool: define, start, info, XML, refresh, volumes; volume creation (raw, qcow2, no or zero
  capacity, encryption, preallocation flag, an existing name, an image made by the rbd CLI), their XML and
  info, resize (grow, shrink, delta, allocate), clone (createXMLFrom, with the snapshots it leaves), wipe,
  delete with and without VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS, upload/download, findPoolSources;
- pools that cannot start: wrong, malformed and undefined secrets, a missing RADOS pool, a mon nobody
  listens on (with how long that takes, rounded), no <auth> against cephx; pools with 'auth none' against
  the second cluster when given; XML that does not define.

Normalized: the mon ports become @PORT@ / @NOAUTH_PORT@ / @DOWN_PORT@, pool uuids @UUID@, the pool's
capacity/allocation/available @CAPACITY@/@ALLOCATION@/@AVAILABLE@ (their signs are recorded beside),
the random snapshot names libvirt makes for clones libvirt-@N@. Secret uuids are fixed here. Durations
are recorded rounded, never raw.
"""
import base64
import json
import os
import re
import socket
import subprocess
import sys
import time

import libvirt
from answers import err

libvirt.registerErrorHandler(lambda ctx, e: None, None)

STORAGE_URI, SECRET_URI, MON_HOST, ADMIN_KEY, OUTPUT = sys.argv[1:6]
PORT = MON_HOST.rsplit(":", 1)[1]
NOAUTH_MON_HOST = os.environ.get("NOAUTH_MON_HOST", "")
MIB = 1024 * 1024
SECRETS = {  # uuid, usage name, value
    "admin": ("5e0c1a8e-7c3b-4a39-8f0e-000000000001", "client.admin secret", base64.b64decode(ADMIN_KEY)),
    "base64": ("5e0c1a8e-7c3b-4a39-8f0e-000000000002", "client.admin key as base64 text", ADMIN_KEY.encode()),
    # a well-formed cephx key (same header) whose 16 secret bytes are wrong
    "wrong": ("5e0c1a8e-7c3b-4a39-8f0e-000000000003", "wrong key",
              base64.b64decode(ADMIN_KEY)[:-16] + bytes(range(16))),
    "garbage": ("5e0c1a8e-7c3b-4a39-8f0e-000000000004", "garbage", b"not a key"),
    "novalue": ("5e0c1a8e-7c3b-4a39-8f0e-000000000005", "no value", None),
}
VOLUME_SECRET = "5e0c1a8e-7c3b-4a39-8f0e-000000000006"   # usage type volume, not ceph
UNKNOWN_SECRET = "5e0c1a8e-7c3b-4a39-8f0e-0000000000ff"

def free_port():
    """a 127.0.0.1 port nothing listens on (bound then released)"""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


storage = libvirt.open(STORAGE_URI)
secrets = libvirt.open(SECRET_URI)
steps = []
ports = {PORT: "@PORT@"}
DOWN_MON_HOST = "127.0.0.1:%d" % free_port()   # nothing listens there
ports[DOWN_MON_HOST.rsplit(":", 1)[1]] = "@DOWN_PORT@"
if NOAUTH_MON_HOST:
    ports[NOAUTH_MON_HOST.rsplit(":", 1)[1]] = "@NOAUTH_PORT@"


def normalize(text):
    for port, marker in ports.items():
        text = re.sub(r"(?<![0-9])%s(?![0-9])" % port, marker, text)
    text = re.sub(r"<uuid>[0-9a-f-]{36}</uuid>", "<uuid>@UUID@</uuid>", text)
    for tag in ("capacity", "allocation", "available"):
        # the pool's figures depend on the cluster's state; a volume's are computed from its size (kept)
        if "<pool" in text:
            text = re.sub(r"(<%s unit='bytes'>)\d+(</%s>)" % (tag, tag), r"\g<1>@%s@\2" % tag.upper(), text)
    return re.sub(r"libvirt-\d+", "libvirt-@N@", text)


def call(fn):
    try:
        return {"ok": fn()}
    except libvirt.libvirtError as e:
        r = err(e)
        r["error"]["message"] = normalize(r["error"]["message"])
        return r


def record(step, **results):
    steps.append(dict(step=step, **results))


def rounded(seconds):
    """A duration as a coarse, reproducible figure."""
    return "under 2 s" if seconds < 2 else "about %d s" % (5 * round(seconds / 5))


def sign(n):
    return "wrapped (>= 2^63)" if n >= 2 ** 63 else (">0" if n > 0 else "0")


def pool_info(p):
    """state and the signs of capacity, allocation, available."""
    def f():
        state, cap, alloc, avail = p.info()
        return {"state": state, "capacity": sign(cap), "allocation": sign(alloc), "available": sign(avail)}
    return call(f)


def xml_lines(fn):
    return call(lambda: normalize(fn()).splitlines())


def rbd_cli(*args):
    """what the rbd CLI (as root) says: parsed JSON, or the error text."""
    r = subprocess.run(["rbd"] + list(args), capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        return {"exit": r.returncode, "stderr": normalize(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "")}
    return json.loads(normalize(r.stdout)) if "--format" in args and r.stdout.strip() else normalize(r.stdout.strip())


def snaps(image):
    """the image's snapshots (without their ids and timestamps, which vary)"""
    out = rbd_cli("snap", "ls", "--format", "json", "rbdpool/" + image)
    if not isinstance(out, list):
        return out
    return [{k: s[k] for k in ("name", "protected", "size")} for s in out]


def parent(image):
    """the clone's parent (without the parent image's random id)"""
    info = rbd_cli("info", "--format", "json", "rbdpool/" + image)
    if not isinstance(info, dict):
        return info
    return {k: v for k, v in info.get("parent", {}).items() if k != "id"}


def pool_xml(name, source="rbdpool", hosts=None, auth="secret-usage:client.admin secret", extra=""):
    hosts = hosts if hosts is not None else [MON_HOST]
    host_xml = "".join("<host name='%s' port='%s'/>" % tuple(h.rsplit(":", 1)) for h in hosts)
    if auth is None:
        auth_xml = ""
    else:
        kind, value = auth.split(":", 1)
        attr = "usage" if kind == "secret-usage" else "uuid"
        auth_xml = "<auth type='ceph' username='admin'><secret %s='%s'/></auth>" % (attr, value)
    src_name = "<name>%s</name>" % source if source is not None else ""
    ns = " xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'" if extra else ""
    return ("<pool type='rbd'%s><name>%s</name><source>%s%s%s</source>%s</pool>"
            % (ns, name, src_name, host_xml, auth_xml, extra))


def vol_xml(name, capacity=64 * MIB, fmt="raw", extra=""):
    cap = "" if capacity is None else "<capacity>%d</capacity>" % capacity
    fmt_xml = "" if fmt is None else "<format type='%s'/>" % fmt
    return "<volume><name>%s</name>%s<target>%s%s</target></volume>" % (name, cap, fmt_xml, extra)


def define_secrets():
    for uuid, usage, value in SECRETS.values():
        try:
            secrets.secretLookupByUUIDString(uuid).undefine()
        except libvirt.libvirtError:
            pass
        s = secrets.secretDefineXML("<secret ephemeral='no' private='yes'><uuid>%s</uuid>"
                                    "<usage type='ceph'><name>%s</name></usage></secret>" % (uuid, usage))
        if value is not None:
            s.setValue(value)
    s = secrets.secretDefineXML("<secret ephemeral='no' private='yes'><uuid>%s</uuid><usage type='volume'>"
                                "<volume>/srv/rbd/volume-secret</volume></usage></secret>" % VOLUME_SECRET)
    s.setValue(base64.b64decode(ADMIN_KEY))


def try_pool(step, xml):
    """defines, starts (timed), shows and removes a pool expected to fail or to work briefly."""
    p = None
    defined = call(lambda: storage.storagePoolDefineXML(xml, 0).name())
    result = {"define": defined}
    if "ok" in defined:
        p = storage.storagePoolLookupByName(defined["ok"])
        t = time.monotonic()
        result["start"] = call(lambda: p.create(0))
        result["start duration"] = rounded(time.monotonic() - t)
        result["info"] = pool_info(p)
        if "ok" in result["start"]:
            result["volumes"] = call(lambda: sorted(v.name() for v in p.listAllVolumes(0)))
            result["xml"] = xml_lines(lambda: p.XMLDesc(0))
            p.destroy()
        p.undefine()
    record(step, **result)


def main():
    define_secrets()
    record("secrets", ok=sorted(u for u, _, _ in SECRETS.values()))

    # --- the main pool
    record("pool define", result=call(lambda: storage.storagePoolDefineXML(pool_xml("ceph"), 0).name()))
    p = storage.storagePoolLookupByName("ceph")
    record("pool XML before start", xml=xml_lines(lambda: p.XMLDesc(0)), info=pool_info(p))
    record("pool build", result=call(lambda: p.build(0)))
    t = time.monotonic()
    record("pool start", result=call(lambda: p.create(0)), duration=rounded(time.monotonic() - t))
    record("pool info", info=pool_info(p), xml=xml_lines(lambda: p.XMLDesc(0)),
           inactive_xml=xml_lines(lambda: p.XMLDesc(libvirt.VIR_STORAGE_XML_INACTIVE)))
    record("pool refresh", result=call(lambda: p.refresh(0)), info=pool_info(p))
    record("volumes of an empty pool", result=call(lambda: sorted(v.name() for v in p.listAllVolumes(0))))

    def vol(name):
        return p.storageVolLookupByName(name)

    def create(step, name, xml, flags=0):
        made = call(lambda: p.createXML(xml, flags).name())
        result = {"create": made, "pool info": pool_info(p)}
        if "ok" in made:
            result["xml"] = xml_lines(lambda: vol(name).XMLDesc(0))
            result["info"] = call(lambda: vol(name).info())
            result["rbd info size"] = (lambda i: i.get("size") if isinstance(i, dict) else i)(
                rbd_cli("info", "--format", "json", "rbdpool/" + name))
        else:
            result["rbd ls"] = rbd_cli("ls", "--format", "json", "rbdpool")
        record(step, **result)

    create("create raw 64 MiB", "v1", vol_xml("v1"))
    create("create without a format", "v2", vol_xml("v2", 16 * MIB, fmt=None))
    create("create odd size (1 MiB + 1 byte)", "v3", vol_xml("v3", MIB + 1))
    create("create with allocation 0", "v4", vol_xml("v4", 8 * MIB).replace("<target>", "<allocation>0</allocation><target>"))
    create("create qcow2", "q1", vol_xml("q1", fmt="qcow2"))
    create("create without capacity", "n1", vol_xml("n1", capacity=None))
    create("create with capacity 0", "n2", vol_xml("n2", capacity=0))
    create("create with encryption", "e1", vol_xml("e1", extra="<encryption format='luks'><secret type='passphrase' "
                                                   "uuid='%s'/></encryption>" % VOLUME_SECRET))
    create("create with VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA", "m1", vol_xml("m1"),
           libvirt.VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA)
    create("create with an existing name", "v1", vol_xml("v1", 8 * MIB))
    record("image made by the rbd CLI", rbd=rbd_cli("create", "rbdpool/cli1", "--size", "32M"),
           snap=rbd_cli("snap", "create", "rbdpool/cli1@before"),
           volumes_before_refresh=call(lambda: sorted(v.name() for v in p.listAllVolumes(0))))
    record("pool refresh with cli1", result=call(lambda: p.refresh(0)), info=pool_info(p),
           volumes=call(lambda: sorted(v.name() for v in p.listAllVolumes(0))),
           xml=xml_lines(lambda: vol("cli1").XMLDesc(0)), vol_info=call(lambda: vol("cli1").info()))
    record("lookups", by_key=call(lambda: storage.storageVolLookupByKey("rbdpool/v1").name()),
           by_path=call(lambda: storage.storageVolLookupByPath("rbdpool/v1").name()),
           path=call(lambda: vol("v1").path()), key=call(lambda: vol("v1").key()),
           pool_of_vol=call(lambda: vol("v1").storagePoolLookupByVolume().name()),
           num_of_volumes=call(lambda: p.numOfVolumes()))

    # --- resize
    def resize(step, name, capacity, flags=0):
        record(step, result=call(lambda: vol(name).resize(capacity, flags)), info=call(lambda: vol(name).info()),
               rbd_size=(lambda i: i.get("size") if isinstance(i, dict) else i)(
                   rbd_cli("info", "--format", "json", "rbdpool/" + name)))

    resize("grow v2 to 32 MiB", "v2", 32 * MIB)
    resize("grow v2 by 8 MiB (DELTA)", "v2", 8 * MIB, libvirt.VIR_STORAGE_VOL_RESIZE_DELTA)
    resize("shrink v2 to 16 MiB without SHRINK", "v2", 16 * MIB)
    resize("shrink v2 to 16 MiB with SHRINK", "v2", 16 * MIB, libvirt.VIR_STORAGE_VOL_RESIZE_SHRINK)
    resize("grow v2 to 48 MiB with ALLOCATE", "v2", 48 * MIB, libvirt.VIR_STORAGE_VOL_RESIZE_ALLOCATE)
    resize("resize v2 to its own size", "v2", 40 * MIB)
    resize("grow v2 beyond the cluster (1 PiB)", "v2", 1 << 50)
    record("pool info after resizes", info=pool_info(p))

    # --- clone: a snapshot libvirt-N of the source, protected, the clone its child
    def clone(step, name, source, xml, flags=0):
        made = call(lambda: p.createXMLFrom(xml, vol(source), flags).name())
        result = {"create": made, "source snapshots": snaps(source), "pool info": pool_info(p)}
        if "ok" in made:
            result["xml"] = xml_lines(lambda: vol(name).XMLDesc(0))
            result["info"] = call(lambda: vol(name).info())
            result["parent"] = parent(name)
        record(step, **result)

    clone("clone v1 to c1", "c1", "v1", vol_xml("c1"))
    clone("clone v1 to c2 (unchanged source: snapshot reused?)", "c2", "v1", vol_xml("c2", 128 * MIB))
    clone("clone v1 to c3 as qcow2", "c3", "v1", vol_xml("c3", fmt="qcow2"))
    clone("clone with VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA", "c4", "v1", vol_xml("c4"),
          libvirt.VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA)
    clone("clone to an existing name", "v2", "v1", vol_xml("v2"))
    clone("clone of a clone (c1 to cc1)", "cc1", "c1", vol_xml("cc1"))

    # --- wipe
    def wipe(step, name, algorithm, flags=0):
        t = time.monotonic()
        result = call(lambda: vol(name).wipePattern(algorithm, flags))
        record(step, result=result, duration=rounded(time.monotonic() - t), info=call(lambda: vol(name).info()),
               pool_info=pool_info(p))

    wipe("wipe v3 (zero)", "v3", libvirt.VIR_STORAGE_VOL_WIPE_ALG_ZERO)
    wipe("wipe v3 (trim)", "v3", libvirt.VIR_STORAGE_VOL_WIPE_ALG_TRIM)
    wipe("wipe v3 (nnsa)", "v3", libvirt.VIR_STORAGE_VOL_WIPE_ALG_NNSA)
    wipe("wipe v3 (random)", "v3", libvirt.VIR_STORAGE_VOL_WIPE_ALG_RANDOM)
    wipe("wipe v3 with flags 1", "v3", libvirt.VIR_STORAGE_VOL_WIPE_ALG_ZERO, 1)
    record("wipe v4 (plain wipe())", result=call(lambda: vol("v4").wipe(0)))

    # --- streams, sources
    stream = storage.newStream(0)
    record("upload", result=call(lambda: vol("v4").upload(stream, 0, 4096, 0)))
    stream = storage.newStream(0)
    record("download", result=call(lambda: vol("v4").download(stream, 0, 4096, 0)))
    record("findPoolSources rbd", result=call(lambda: normalize(storage.findStoragePoolSources(
        "rbd", "<source><host name='127.0.0.1' port='%s'/></source>" % PORT, 0))))
    record("pool delete while active", result=call(lambda: p.delete(0)))

    # --- delete
    def delete(step, name, flags=0):
        record(step, result=call(lambda: vol(name).delete(flags)), snapshots=snaps(name),
               volumes=call(lambda: sorted(v.name() for v in p.listAllVolumes(0))), pool_info=pool_info(p))

    delete("delete v1 (snapshot with clones) without flags", "v1")
    delete("delete v1 with WITH_SNAPSHOTS (its snapshot has clones)", "v1",
           libvirt.VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS)
    delete("delete cli1 (a snapshot) without flags", "cli1")
    delete("delete cli1 with WITH_SNAPSHOTS", "cli1", libvirt.VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS)
    delete("delete v4 with ZEROED", "v4", libvirt.VIR_STORAGE_VOL_DELETE_ZEROED)
    record("image removed behind libvirt's back", rbd=rbd_cli("rm", "rbdpool/v3"),
           volumes=call(lambda: sorted(v.name() for v in p.listAllVolumes(0))))
    delete("delete v3 (already gone from the cluster)", "v3")
    record("refresh after deletes", result=call(lambda: p.refresh(0)), info=pool_info(p),
           volumes=call(lambda: sorted(v.name() for v in p.listAllVolumes(0))))
    for name in ["cc1", "c1", "c2", "c3", "v1", "v2"]:
        delete("delete " + name + " with WITH_SNAPSHOTS", name, libvirt.VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS)
    record("images left", rbd=rbd_cli("ls", "--format", "json", "rbdpool"))
    record("pool destroy", result=call(lambda: p.destroy()), info=pool_info(p))
    record("pool undefine", result=call(lambda: p.undefine()))

    # --- pools that do not start (or do)
    try_pool("secret by uuid", pool_xml("byuuid", auth="secret-uuid:" + SECRETS["admin"][0]))
    try_pool("secret holding the key's base64 text", pool_xml("b64", auth="secret-uuid:" + SECRETS["base64"][0]))
    try_pool("wrong key", pool_xml("badkey", auth="secret-uuid:" + SECRETS["wrong"][0]))
    try_pool("garbage key", pool_xml("garbage", auth="secret-uuid:" + SECRETS["garbage"][0]))
    try_pool("secret without a value", pool_xml("novalue", auth="secret-uuid:" + SECRETS["novalue"][0]))
    try_pool("undefined secret uuid", pool_xml("nosecret", auth="secret-uuid:" + UNKNOWN_SECRET))
    try_pool("undefined secret usage", pool_xml("nousage", auth="secret-usage:nobody"))
    try_pool("secret of usage type volume", pool_xml("volsecret", auth="secret-uuid:" + VOLUME_SECRET))
    try_pool("missing RADOS pool", pool_xml("nosuchpool", source="nosuchpool"))
    try_pool("no auth against cephx", pool_xml("noauth", auth=None))
    try_pool("two hosts, the first one down", pool_xml("twohosts", hosts=[DOWN_MON_HOST, MON_HOST]))
    try_pool("config_opts", pool_xml("opts", extra="<rbd:config_opts><rbd:option name='rbd_cache' value='false'/>"
                                                   "</rbd:config_opts>"))
    try_pool("mon down", pool_xml("mondown", hosts=[DOWN_MON_HOST]))
    if NOAUTH_MON_HOST:
        try_pool("auth none cluster without <auth>", pool_xml("none", hosts=[NOAUTH_MON_HOST], auth=None))
        try_pool("auth none cluster with <auth>", pool_xml("none2", hosts=[NOAUTH_MON_HOST]))
    for step, xml in [
            ("define without a source name", pool_xml("x1", source=None)),
            ("define without a host", pool_xml("x2", hosts=[])),
            ("define with an empty config option",
             pool_xml("x3", extra="<rbd:config_opts><rbd:option name='' value='x'/></rbd:config_opts>")),
            ("define with auth type chap", pool_xml("x4").replace("type='ceph'", "type='chap'")),
            ("define with a target path", pool_xml("x5").replace("</source>", "</source><target><path>/dev/rbd"
                                                                              "</path></target>"))]:
        result = call(lambda: storage.storagePoolDefineXML(xml, 0).name())
        extra = {}
        if "ok" in result:
            q = storage.storagePoolLookupByName(result["ok"])
            extra["xml"] = xml_lines(lambda: q.XMLDesc(0))
            q.undefine()
        record(step, define=result, **extra)

    for uuid, _, _ in SECRETS.values():
        secrets.secretLookupByUUIDString(uuid).undefine()
    secrets.secretLookupByUUIDString(VOLUME_SECRET).undefine()
    with open(OUTPUT, "w", encoding="utf-8") as f:
        json.dump(steps, f, indent=1, sort_keys=True)
        f.write("\n")


main()
