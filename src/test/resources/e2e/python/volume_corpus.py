#!/usr/bin/python3
"""libvirt's own volume XML corpus created through a storage daemon, read back at every point that
probes a volume again, as normalized JSON.

Usage: volume_corpus.py URI BASE_DIR LIBVIRT_SOURCE PHASE OUTPUT
  PHASE create     defines, builds and starts one dir pool per case under BASE_DIR (which must exist and
                   be writable by the daemon) and fills them (see below); OUTPUT is written anew
  PHASE restarted  run after the daemon was restarted: every volume read again; OUTPUT gets this phase
                   added

In phase "create":
- corpus: every LIBVIRT_SOURCE/tests/storagevolxml2xmlin/NAME.xml, with its <owner> and <group> elements
  dropped (an unprivileged daemon cannot chown), is created in pool NAME (storageVolCreateXML); then it is
  cloned as virsh vol-clone does (its XMLDesc renamed "clone-NAME", storageVolCreateXMLFrom) and created
  once more from its own definition renamed "from-NAME" with the new volume as input (vol-create-from).
- argv: every pool-dir entry of tests/storagevolxml2argvtest.c's DO_TEST list, in pool "argv-CMDLINE": its
  input volume (if any) is created, then the volume, from the input with storageVolCreateXMLFrom, else
  with storageVolCreateXML, with the entry's flags. Entries with a pool-logical pool are listed as skipped.
  An entry whose definitions give <mode>0</mode> (an unprivileged daemon cannot open such a file once made,
  and refuses it) is run a second time with that element dropped too, in pool "argv-CMDLINE-without-mode-0",
  unless the copy would be allocated in full (no <allocation>: the 1 TiB of vol-file), which is skipped.
- every volume's XMLDesc right after its creation ("1 created"), once more ("2 dumped again"), after
  storagePoolRefresh ("3 pool refreshed") and after storagePoolDestroy + storagePoolCreate ("4 pool
  restarted"); "qemu-img info" holds `qemu-img info --output=json` of every file in the pool directories.
Phase "restarted" adds "5 daemon restarted". Pool "x-unreadable-file" holds a file this script (run as root)
makes unreadable to the daemon: a refresh must leave it out.

A result is {"xml": [lines]} or {"error": {"code", "domain", "message"}}. Normalized: BASE_DIR becomes
@BASE@, the daemon's uid and gid (the owner of the pool directories it built) @UID@ and @GID@, atime,
mtime and ctime @TIME@, qemu-img's actual-size (file system dependent) @SIZE@. Nothing else.
"""
import json
import os
import re
import subprocess
import sys

import libvirt
from answers import err

libvirt.registerErrorHandler(lambda ctx, e: None, None)  # keep libvirt's own stderr report quiet

URI, BASE, SOURCE, PHASE, OUTPUT = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
TESTS = os.path.join(SOURCE, "tests")
conn = libvirt.open(URI)


# ---------------------------------------------------------------- libvirt's inputs

OWNERSHIP = re.compile(r"\n[ \t]*<(owner|group)>[^<]*</\1>")


def definition(case):
    """A corpus input as a user would hand it to an unprivileged daemon: no owner, no group."""
    with open(os.path.join(TESTS, "storagevolxml2xmlin", case + ".xml"), encoding="utf-8") as f:
        return OWNERSHIP.sub("", f.read())


def corpus():
    names = os.listdir(os.path.join(TESTS, "storagevolxml2xmlin"))
    return sorted(n[:-len(".xml")] for n in names if n.endswith(".xml"))


ARG = r'\s*(?:"[^"]*"|NULL|[\w|]+)\s*'
CALL = re.compile(r"\b(DO_TEST|DO_TEST_FAIL|DO_TEST_FULL)\(((?:%s,)*%s)\);" % (ARG, ARG))


def argv_cases():
    """storagevolxml2argvtest.c's list: (cmdline, pool, vol, inputpool, inputvol, flags, should_fail)."""
    with open(os.path.join(TESTS, "storagevolxml2argvtest.c"), encoding="utf-8") as f:
        body = f.read()
    body = body[body.index("mymain"):]
    # the list says "flags" for the value main() gives that variable
    named = {"0": 0, "flags": getattr(libvirt, re.search(r"unsigned int flags = (\w+);", body).group(1))}
    cases = []
    for macro, args in CALL.findall(body):
        a = [None if s.strip() == "NULL" else s.strip().strip('"') for s in args.split(",")]
        should_fail = macro == "DO_TEST_FAIL"
        if macro == "DO_TEST_FULL":
            should_fail, a = a[0] == "true", a[2:]  # a[1]: parse flags, which the daemon chooses itself
        pool, vol, inputpool, inputvol, cmdline, flags = a
        cases.append((cmdline, pool, vol, inputpool, inputvol, named[flags], should_fail))
    if not cases:
        sys.exit("no DO_TEST entries found in storagevolxml2argvtest.c")
    return cases


# ---------------------------------------------------------------- daemon calls

def dir_pool(name):
    xml = ("<pool type='dir'>\n  <name>%s</name>\n  <target>\n    <path>%s/%s</path>\n  </target>\n</pool>\n"
           % (name, BASE, name))
    pool = conn.storagePoolDefineXML(xml, 0)
    pool.build(0)
    pool.create(0)
    return pool


def described(fn):
    """The XMLDesc of the volume fn makes or finds, or fn's libvirt error; and the volume (or None)."""
    try:
        vol = fn()
        return {"xml": vol.XMLDesc(0).splitlines()}, vol
    except libvirt.libvirtError as e:
        return err(e), None


NAME = re.compile(r"<name>([^<]*)</name>")


def renamed(xml, prefix):
    """The first <name> (the volume's) with a prefix, as virsh vol-clone sets the name of a copy."""
    return NAME.sub(lambda m: "<name>%s%s</name>" % (prefix, m.group(1)), xml, count=1)


def create_corpus(out):
    for case in corpus():
        pool = dir_pool(case)
        xml = definition(case)
        entry = out.setdefault(case, {})
        entry["create"], vol = described(lambda: pool.createXML(xml, 0))
        if vol is None:
            continue
        entry["clone"], _ = described(lambda: pool.createXMLFrom(renamed(vol.XMLDesc(0), "clone-"), vol, 0))
        entry["create-from"], _ = described(lambda: pool.createXMLFrom(renamed(xml, "from-"), vol, 0))


MODE_0 = re.compile(r"\n[ \t]*<mode>0</mode>")
ALLOCATION = re.compile(r"<allocation\b")


def create_argv(out):
    for cmdline, pool_xml, vol, inputpool, inputvol, flags, should_fail in argv_cases():
        test = {"pool": pool_xml, "vol": vol, "inputpool": inputpool, "inputvol": inputvol, "flags": flags,
                "shouldFail": should_fail}
        if "pool-logical" in (pool_xml, inputpool):
            out["argv-" + cmdline] = {"libvirt's test": test, "skipped": "a logical pool needs a volume group"}
            continue
        create_argv_entry(out, "argv-" + cmdline, test, lambda xml: xml)
        # an unprivileged daemon cannot open the file of mode 0 it made: once more without, so that the
        # copy or conversion itself is compared too; but not where that copy would be fully allocated to
        # the capacity of the input (vol-file: 1 TiB), which would compare free disk space
        if any(MODE_0.search(definition(v)) for v in (vol, inputvol) if v):
            name = "argv-%s-without-mode-0" % cmdline
            if inputvol and not ALLOCATION.search(definition(vol)):
                out[name] = {"libvirt's test": test, "skipped": "without <allocation> the copy is fully allocated"}
            else:
                create_argv_entry(out, name, test, lambda xml: MODE_0.sub("", xml))


def create_argv_entry(out, name, test, adapt):
    entry = out.setdefault(name, {"libvirt's test": test})
    pool = dir_pool(name)
    source = None
    if test["inputvol"]:
        entry["input"], source = described(lambda: pool.createXML(adapt(definition(test["inputvol"])), 0))
        if source is None:
            return
    xml = adapt(definition(test["vol"]))
    if source is None:
        entry["create"], _ = described(lambda: pool.createXML(xml, test["flags"]))
    else:
        entry["create"], _ = described(lambda: pool.createXMLFrom(xml, source, test["flags"]))


def unreadable_file(out):
    """A file in a pool that the daemon may not read (this script runs as root, the daemon not): a pool
    refresh leaves it out and the pool stays active."""
    name = "x-unreadable-file"
    pool = dir_pool(name)
    path = os.path.join(BASE, name, "unreadable.img")
    with open(path, "w", encoding="utf-8") as f:
        f.write("not the daemon's\n")
    os.chmod(path, 0o600)
    try:
        pool.refresh(0)
        entry = {"refresh": "ok"}
    except libvirt.libvirtError as e:
        entry = {"refresh": err(e)}
    entry["active"] = pool.isActive()
    out[name] = entry


def pools():
    return sorted(conn.listAllStoragePools(0), key=lambda p: p.name())


def volumes(pool):
    """Every volume of the pool, by name: its XMLDesc or the error."""
    try:
        vols = sorted(pool.listAllVolumes(0), key=lambda v: v.name())
    except libvirt.libvirtError as e:
        return err(e)
    return {v.name(): described(lambda: v)[0] for v in vols}


def every_volume():
    return {p.name(): {"active": p.isActive(), "volumes": volumes(p)} for p in pools()}


def after(action):
    """action on each pool, then every volume read back."""
    result = {}
    for p in pools():
        try:
            action(p)
        except libvirt.libvirtError as e:
            result[p.name()] = err(e)
            continue
        result[p.name()] = {"active": p.isActive(), "volumes": volumes(p)}
    return result


def restart_pool(p):
    p.destroy()
    p.create(0)


SIZE_KEYS = ("actual-size",)


def without_fs_sizes(value):
    if isinstance(value, dict):
        return {k: "@SIZE@" if k in SIZE_KEYS else without_fs_sizes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_fs_sizes(v) for v in value]
    return value


def qemu_img_info():
    result = {}
    for p in pools():
        directory = os.path.join(BASE, p.name())
        files = {}
        for name in sorted(os.listdir(directory)):
            r = subprocess.run(["qemu-img", "info", "--output=json", os.path.join(directory, name)],
                               capture_output=True, text=True, check=False)
            if r.returncode == 0:
                files[name] = without_fs_sizes(json.loads(r.stdout))
            else:
                files[name] = {"exit": r.returncode, "stderr": r.stderr.splitlines()}
        result[p.name()] = files
    return result


# ---------------------------------------------------------------- normalization

TIME = re.compile(r"<(atime|mtime|ctime)>[0-9.]+</\1>")


def normalize(text):
    st = os.stat(os.path.join(BASE, corpus()[0]))  # built by the daemon: its uid and gid
    text = text.replace(BASE, "@BASE@")
    text = TIME.sub(lambda m: "<%s>@TIME@</%s>" % (m.group(1), m.group(1)), text)
    text = text.replace("<owner>%d</owner>" % st.st_uid, "<owner>@UID@</owner>")
    return text.replace("<group>%d</group>" % st.st_gid, "<group>@GID@</group>")


def dump(document):
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if PHASE == "create":
    doc = {}
    created = {}
    create_corpus(created)
    create_argv(created)
    unreadable_file(created)
    doc["1 created"] = created
    doc["2 dumped again"] = every_volume()
    doc["3 pool refreshed"] = after(lambda p: p.refresh(0))
    doc["4 pool restarted"] = after(restart_pool)
    doc["qemu-img info"] = qemu_img_info()
elif PHASE == "restarted":
    with open(OUTPUT, encoding="utf-8") as f:
        doc = json.load(f)
    doc["5 daemon restarted"] = every_volume()
else:
    sys.exit("unknown phase %r (create, restarted)" % PHASE)
conn.close()
with open(OUTPUT + ".tmp", "w", encoding="utf-8") as f:
    f.write(normalize(dump(doc)))
os.replace(OUTPUT + ".tmp", OUTPUT)
