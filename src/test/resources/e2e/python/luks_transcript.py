#!/usr/bin/python3
"""LUKS volumes through a storage daemon whose passphrases come from a secret daemon, as normalized JSON.

Usage: luks_transcript.py STORAGE_URI SECRET_URI BASE_DIR OUTPUT
BASE_DIR must exist and be writable by the storage daemon (the pool directory is made in it). Run as root
(qemu-img reads the volumes to check them).

Steps, each recorded as {"step": NAME, ...}:
- secrets defined on SECRET_URI: a private volume secret with a value whose usage is the path of l1.img
  (so a refresh finds it as the volume's default secret), one without a value, a ceph secret with a value,
  a volume secret named by usage only;
- in a new dir pool: LUKS raw and qcow2 volumes by uuid and by usage, with a cipher, and the refusals
  (unknown secret, no value, wrong usage type, encryption of qcow2 in qcow format); after each create its
  XMLDesc, info, qemu-img's view (format, encrypted, virtual size), whether it opens with the passphrase and
  whether it refuses a wrong one, and the files of the pool directory;
- resize (grow, shrink), copies (plain to LUKS, LUKS to plain, LUKS to LUKS, qcow2+LUKS to raw) with a
  data pattern checked through the copies, upload and download, wipe, pool refresh (default secrets), delete.

A result is {"ok": ...} or {"error": {"code", "domain", "message"}}. Normalized: BASE_DIR becomes @BASE@,
the daemon's uid and gid @UID@ and @GID@, atime/mtime/ctime @TIME@. Nothing else.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import libvirt
from answers import err

libvirt.registerErrorHandler(lambda ctx, e: None, None)

STORAGE_URI, SECRET_URI, BASE, OUTPUT = sys.argv[1], sys.argv[2], os.path.realpath(sys.argv[3]), sys.argv[4]
POOL_DIR = os.path.join(BASE, "luks")
PASSPHRASE = b"correct horse battery staple"
S_PATH = "2c9a8c1e-55d4-4b8e-9d1a-000000000001"     # usage: the path of l1.img
S_NOVALUE = "2c9a8c1e-55d4-4b8e-9d1a-000000000002"
S_CEPH = "2c9a8c1e-55d4-4b8e-9d1a-000000000003"
S_USAGE = "2c9a8c1e-55d4-4b8e-9d1a-000000000004"    # usage: /srv/luks/by-usage
S_UNKNOWN = "2c9a8c1e-55d4-4b8e-9d1a-0000000000ff"
USAGE_ID = "/srv/luks/by-usage"
MIB = 1024 * 1024
PATTERN = bytes(range(256)) * 16 * 64  # 256 KiB

storage = libvirt.open(STORAGE_URI)
secrets = libvirt.open(SECRET_URI)
steps = []
uid = gid = None


def normalize(text):
    text = text.replace(BASE, "@BASE@")
    text = re.sub(r"<(atime|mtime|ctime)>[^<]*</\1>", r"<\1>@TIME@</\1>", text)
    if uid is not None:
        text = text.replace("<owner>%d</owner>" % uid, "<owner>@UID@</owner>")
        text = text.replace("<group>%d</group>" % gid, "<group>@GID@</group>")
    return text


def call(fn):
    try:
        return {"ok": fn()}
    except libvirt.libvirtError as e:
        r = err(e)
        r["error"]["message"] = normalize(r["error"]["message"])
        return r


def record(step, **results):
    steps.append(dict(step=step, **results))


def files():
    return sorted(os.listdir(POOL_DIR))


def qemu_view(name):
    path = os.path.join(POOL_DIR, name)
    out = subprocess.run(["qemu-img", "info", "--output=json", "-U", path], capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": normalize(out.stderr.strip())}
    info = json.loads(out.stdout)
    return {"format": info.get("format"), "encrypted": info.get("encrypted", False),
            "virtual-size": info.get("virtual-size")}


DRIVERS = {"luks": "driver=luks,key-secret=k0", "qcow2-luks": "driver=qcow2,encrypt.key-secret=k0",
           "raw": "driver=raw", "qcow2": "driver=qcow2"}


def read_data(name, layout, passphrase, length):
    """The first bytes of the volume's data as a guest sees it (decrypted with the passphrase), or None when
    qemu-img cannot open it so."""
    path = os.path.join(POOL_DIR, name)
    with tempfile.TemporaryDirectory() as tmp:
        key = os.path.join(tmp, "key")
        with open(key, "wb") as f:
            f.write(passphrase)
        out = os.path.join(tmp, "out")
        r = subprocess.run(["qemu-img", "dd", "-U", "--object", "secret,id=k0,file=" + key, "--image-opts",
                            "if=" + DRIVERS[layout] + ",file.filename=" + path, "of=" + out, "bs=4096",
                            "count=%d" % (length // 4096)], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        with open(out, "rb") as f:
            return f.read(length)


def opens(name, layout, passphrase):
    return read_data(name, layout, passphrase, 4096) is not None


def vol(name):
    return storage.storagePoolLookupByName("luks").storageVolLookupByName(name)


def volume_xml(name, fmt, capacity, secret=None, extra=""):
    enc = ""
    if secret is not None:
        enc = "<encryption format='luks'>%s%s</encryption>" % (secret, extra)
    return ("<volume><name>%s</name><capacity>%d</capacity><target><format type='%s'/>%s</target></volume>"
            % (name, capacity, fmt, enc))


def by_uuid(uuid):
    return "<secret type='passphrase' uuid='%s'/>" % uuid


def views(step, name, layout, created):
    result = {"create": created, "files": files()}
    if "ok" in created:
        result["xml"] = call(lambda: normalize(vol(name).XMLDesc(0)).splitlines())
        result["info"] = call(lambda: vol(name).info())
        result["qemu-img"] = qemu_view(name)
        result["opens with the passphrase"] = opens(name, layout, PASSPHRASE)
        result["opens with a wrong one"] = opens(name, layout, b"wrong")
    record(step, **result)


def define_secrets():
    l1 = os.path.join(POOL_DIR, "l1.img")
    for uuid, private, usage, value in [
            (S_PATH, "yes", "<usage type='volume'><volume>%s</volume></usage>" % l1, PASSPHRASE),
            (S_NOVALUE, "yes", "<usage type='volume'><volume>/srv/luks/no-value</volume></usage>", None),
            (S_CEPH, "yes", "<usage type='ceph'><name>client.admin key</name></usage>", PASSPHRASE),
            (S_USAGE, "no", "<usage type='volume'><volume>%s</volume></usage>" % USAGE_ID, PASSPHRASE)]:
        try:
            secrets.secretLookupByUUIDString(uuid).undefine()
        except libvirt.libvirtError:
            pass
        s = secrets.secretDefineXML("<secret ephemeral='no' private='%s'><uuid>%s</uuid>%s</secret>"
                                    % (private, uuid, usage))
        if value is not None:
            s.setValue(value)


def main():
    global uid, gid
    define_secrets()
    pool = storage.storagePoolDefineXML(
        "<pool type='dir'><name>luks</name><target><path>%s</path></target></pool>" % POOL_DIR)
    pool.build(0)
    pool.create(0)
    st = os.stat(POOL_DIR)
    uid, gid = st.st_uid, st.st_gid
    p = storage.storagePoolLookupByName("luks")

    def create(xml, flags=0):
        return call(lambda: p.createXML(xml, flags).name())

    views("raw luks by uuid", "l1.img", "luks", create(volume_xml("l1.img", "raw", 20 * MIB, by_uuid(S_PATH))))
    views("qcow2 luks by uuid", "q1.qcow2", "qcow2-luks",
          create(volume_xml("q1.qcow2", "qcow2", 20 * MIB, by_uuid(S_PATH))))
    views("raw luks by usage", "u1.img", "luks",
          create(volume_xml("u1.img", "raw", 8 * MIB, "<secret type='passphrase' usage='%s'/>" % USAGE_ID)))
    views("raw luks with a cipher", "c1.img", "luks",
          create(volume_xml("c1.img", "raw", 8 * MIB, by_uuid(S_PATH),
                            "<cipher name='aes' size='128' mode='xts' hash='sha256'/>"
                            "<ivgen name='plain64' hash='sha256'/>")))
    views("unknown secret", "x1.img", "luks", create(volume_xml("x1.img", "raw", 8 * MIB, by_uuid(S_UNKNOWN))))
    views("unknown usage", "x2.img", "raw", create(volume_xml(
        "x2.img", "raw", 8 * MIB, "<secret type='passphrase' usage='/srv/luks/nobody'/>")))
    views("secret without a value", "x3.img", "raw",
          create(volume_xml("x3.img", "raw", 8 * MIB, by_uuid(S_NOVALUE))))
    views("secret of usage ceph", "x4.img", "raw", create(volume_xml("x4.img", "raw", 8 * MIB, by_uuid(S_CEPH))))
    views("qcow2 with qcow encryption", "x5.qcow2", "qcow2", create(
        "<volume><name>x5.qcow2</name><capacity>%d</capacity><target><format type='qcow2'/>"
        "<encryption format='qcow'>%s</encryption></target></volume>" % (8 * MIB, by_uuid(S_PATH))))
    views("luks without a secret", "x6.img", "raw", create(volume_xml("x6.img", "raw", 8 * MIB, "")))
    views("two secrets", "x7.img", "raw", create(volume_xml("x7.img", "raw", 8 * MIB,
                                                           by_uuid(S_PATH) + by_uuid(S_USAGE))))

    # resize: grow, then shrink (qemu-img resize through the LUKS layer)
    record("resize l1 to 40 MiB", result=call(lambda: vol("l1.img").resize(40 * MIB, 0)),
           info=call(lambda: vol("l1.img").info()), qemu=qemu_view("l1.img"))
    record("shrink l1 to 30 MiB", result=call(
        lambda: vol("l1.img").resize(30 * MIB, libvirt.VIR_STORAGE_VOL_RESIZE_SHRINK)),
        info=call(lambda: vol("l1.img").info()), qemu=qemu_view("l1.img"))
    record("resize q1 to 24 MiB", result=call(lambda: vol("q1.qcow2").resize(24 * MIB, 0)),
           info=call(lambda: vol("q1.qcow2").info()), qemu=qemu_view("q1.qcow2"))

    # a plain volume with a pattern, copied into and out of LUKS
    plain = create(volume_xml("plain.img", "raw", 4 * MIB))
    stream = storage.newStream(0)
    upload = call(lambda: vol("plain.img").upload(stream, 0, len(PATTERN), 0))
    stream.send(PATTERN)
    stream.finish()
    record("plain volume with a pattern", create=plain, upload=upload)

    def copy(step, name, layout, source, xml):
        made = call(lambda: p.createXMLFrom(xml, vol(source), 0).name())
        views(step, name, layout, made)
        if "ok" in made:
            steps[-1]["data as the source's"] = read_data(name, layout, PASSPHRASE, len(PATTERN)) == PATTERN

    copy("plain to luks", "e1.img", "luks", "plain.img", volume_xml("e1.img", "raw", 4 * MIB, by_uuid(S_PATH)))
    copy("luks to plain", "d1.img", "raw", "e1.img", volume_xml("d1.img", "raw", 4 * MIB))
    copy("luks to luks", "e2.img", "luks", "e1.img", volume_xml("e2.img", "raw", 4 * MIB, by_uuid(S_USAGE)))
    copy("luks to qcow2 luks", "e3.qcow2", "qcow2-luks", "e1.img",
         volume_xml("e3.qcow2", "qcow2", 4 * MIB, by_uuid(S_PATH)))
    copy("qcow2 luks to plain", "d2.img", "raw", "e3.qcow2", volume_xml("d2.img", "raw", 4 * MIB))
    copy("luks to plain qcow2", "d3.qcow2", "qcow2", "e1.img", volume_xml("d3.qcow2", "qcow2", 4 * MIB))
    copy("luks copy with an unknown secret", "x8.img", "luks", "e1.img",
         volume_xml("x8.img", "raw", 4 * MIB, by_uuid(S_UNKNOWN)))

    # download: the bytes of the file, LUKS header first
    stream = storage.newStream(0)
    got = bytearray()
    dl = call(lambda: vol("e1.img").download(stream, 0, 4096, 0))
    if "ok" in dl:
        stream.recvAll(lambda s, data, buf: buf.extend(data), got)
        stream.finish()
    record("download of e1", result=dl, head=bytes(got[:6]).hex(), length=len(got))

    # wipe: the header goes, and with it the encryption
    record("wipe e2", result=call(lambda: vol("e2.img").wipe(0)),
           xml=call(lambda: normalize(vol("e2.img").XMLDesc(0)).splitlines()), qemu=qemu_view("e2.img"))

    # after a refresh the volumes are read from disk: the default secret is the one whose usage is the path
    record("pool refresh", result=call(lambda: p.refresh(0)))
    for name in ["l1.img", "q1.qcow2", "u1.img", "c1.img", "e1.img", "e3.qcow2", "d1.img"]:
        record("after refresh: " + name, xml=call(lambda: normalize(vol(name).XMLDesc(0)).splitlines()),
               info=call(lambda: vol(name).info()))
    record("resize l1 after refresh", result=call(lambda: vol("l1.img").resize(32 * MIB, 0)),
           qemu=qemu_view("l1.img"))
    record("resize u1 after refresh (no default secret)", result=call(lambda: vol("u1.img").resize(16 * MIB, 0)),
           qemu=qemu_view("u1.img"))

    for name in sorted(v.name() for v in p.listAllVolumes(0)):
        record("delete " + name, result=call(lambda: vol(name).delete(0)))
    record("files at the end", files=files())
    p.destroy()
    p.undefine()
    for uuid in [S_PATH, S_NOVALUE, S_CEPH, S_USAGE]:
        secrets.secretLookupByUUIDString(uuid).undefine()
    with open(OUTPUT, "w", encoding="utf-8") as f:
        json.dump(steps, f, indent=1, sort_keys=True)
        f.write("\n")


main()
