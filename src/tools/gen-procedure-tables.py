#!/usr/bin/env python3
"""Regenerates the procedure tables under src/main/resources/org/virtstoraged/rpc/ from libvirt's
source (../shared/tools/libvirt-source.sh prints where it is). Facts only: procedure numbers and names
from the .x files, and for each remote procedure the public API function that serves it and the error
domain that function reports in (its file's VIR_FROM_THIS), which is what libvirt puts in a
"not supported" error.

Also remote-readonly.tsv: for each remote procedure, whether its public API function refuses a
read-only connection (virCheckReadOnlyGoto at the top of the function body: "read-write"; only under
some condition, e.g. a flag: "conditional"; never: "any"). libvirt's daemon decides read-only access
there, inside the API it calls for the procedure, not in the dispatcher or remote_protocol.x.

Usage: gen-procedure-tables.py LIBVIRT_SRC_DIR OUT_DIR
"""
import glob, os, re, sys

src, out = sys.argv[1], sys.argv[2]

DOMAINS = {}
for line in open(os.path.join(src, "include/libvirt/virterror.h")):
    m = re.match(r"\s*VIR_FROM_([A-Z_]+)\s*=\s*(\d+)", line)
    if m:
        DOMAINS["VIR_FROM_" + m.group(1)] = int(m.group(2))

api_domain = {}
api_access = {}
for path in sorted(glob.glob(os.path.join(src, "src/libvirt*.c"))):
    text = open(path).read()
    m = re.search(r"#define VIR_FROM_THIS (VIR_FROM_[A-Z_]+)", text)
    dom = DOMAINS.get(m.group(1), 0) if m else 0
    for fn in re.findall(r"^(?:int\s+)?(vir[A-Z][A-Za-z0-9]*)\(", text, re.M):
        api_domain.setdefault(fn, dom)
    for fn, body in re.findall(r"^(?:int\s+)?(vir[A-Z]\w*)\([^{;]*?\)\n\{\n(.*?)\n\}\n", text, re.S | re.M):
        checks = re.findall(r"^( *)virCheckReadOnly", body, re.M)
        if checks:
            api_access.setdefault(fn, "read-write" if any(len(i) == 4 for i in checks) else "conditional")
by_key = {fn.lower(): fn for fn in api_domain}


def procs(xfile, prefix):
    text = open(os.path.join(src, xfile)).read()
    return [(int(n), name) for name, n in re.findall(prefix + r"([A-Z0-9_]+)\s*=\s*(\d+)", text)]


XTEXT = open(os.path.join(src, "src/remote/remote_protocol.x")).read()
STRUCTS = dict(re.findall(r"struct (remote_[a-z0-9_]+) \{(.*?)\};", XTEXT, re.S))
CAMEL_FIX = {"Nwfilter": "NWFilter"}


def camel(name):
    c = "".join(w.capitalize() for w in name.split("_"))
    for a, b in CAMEL_FIX.items():
        c = c.replace(a, b)
    return c


def family(name):
    """Which of the daemon's per-driver connections serves the procedure: the rule libvirt's dispatch
    generator (src/rpc/gendispatch.pl, get_conn_method) applies, from argument/return types, then names."""
    body = STRUCTS.get("remote_" + name.lower() + "_args", "") + STRUCTS.get("remote_" + name.lower() + "_ret", "")
    for typ, fam in (("remote_nonnull_interface", "interface"), ("remote_nonnull_network", "network"),
                     ("remote_nonnull_node_device", "nodedev"), ("remote_nonnull_nwfilter", "nwfilter"),
                     ("remote_nonnull_secret", "secret"), ("remote_nonnull_storage", "storage")):
        if typ in body:
            return fam
    c = camel(name)
    if re.search("Connect.*Interface", c) or "InterfaceChange" in c:
        return "interface"
    if re.search("Connect.*Network", c):
        return "network"
    if re.search("Node.*Device", c) and not re.search("NodeDeviceReset|NodeDeviceReAttach|NodeDeviceDettach|NodeDeviceDetachFlags", c):
        return "nodedev"
    if re.search("Connect.*NWFilter", c):
        return "nwfilter"
    if re.search("Connect.*Secret", c):
        return "secret"
    if re.search("Connect.*Storage", c):
        return "storage"
    return "hypervisor"


# Who answers a procedure in the daemon. The server side of a procedure is generated (its .x comment says
# "@generate: both" or "server") or hand-written in remote_daemon_dispatch.c ("client" or "none"): a
# generated dispatcher calls the public API, and that API either needs a driver method (it reports
# "not supported" without one: virReportUnsupportedError) or answers itself (virConnectGetURI formats
# the connection's URI, virConnectGetType falls back to the driver's name, ...).
GENERATE = {name: gen for gen, name in re.findall(
    r"@generate:\s*(\w+)(?:(?!REMOTE_PROC_).)*?REMOTE_PROC_([A-Z0-9_]+)\s*=", XTEXT, re.S)}
api_body = {}
for path in sorted(glob.glob(os.path.join(src, "src/libvirt*.c"))):
    for fn, body in re.findall(r"^(?:int\s+)?(vir[A-Z]\w*)\([^{;]*?\)\n\{\n(.*?)\n\}\n", open(path).read(), re.S | re.M):
        api_body.setdefault(fn, body)
# The methods libvirt's storage driver registers (storage_driver.c: its hypervisor, storage and state
# tables): a "driver" procedure whose method is among them is answered by virtstoraged.
STORAGE_METHODS = set(re.findall(r"^\s*\.([a-zA-Z]+)\s*=\s*\w+,",
                                 open(os.path.join(src, "src/storage/storage_driver.c")).read(), re.M))


def answered_by(name, api):
    if api == "-" and "EVENT" in name and "REGISTER" not in name:
        return "-"  # a message the server sends, never a call
    if GENERATE.get(name) not in ("both", "server"):
        return "dispatcher"
    body = api_body[api]
    return "driver" if "virReportUnsupportedError" in body else "library"


def virtstoraged_answers(name, api, fam):
    """Whether virtstoraged answers the procedure itself ("yes"), leaves it to a driver method the storage
    driver lacks ("unsupported"), has no connection for it ("no-connection"), or a hand-written
    dispatcher decides ("dispatcher")."""
    how = answered_by(name, api)
    if how in ("-", "dispatcher"):
        return how
    if fam not in ("hypervisor", "storage"):
        return "no-connection"
    if how == "library":
        return "yes"
    methods = re.findall(r"conn->(?:driver|storageDriver)->(\w+)\(", api_body.get(api, ""))
    return "yes" if methods and all(m in STORAGE_METHODS for m in methods) else "unsupported"


os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "remote-procedures.tsv"), "w") as f:
    f.write("# number\tname\tapi\terror-domain\tconnection\tanswered-by: dispatcher | library | driver"
            "\tvirtstoraged: yes | unsupported | no-connection | dispatcher"
            " (generated by src/tools/gen-procedure-tables.py)\n")
    for n, name in sorted(procs("src/remote/remote_protocol.x", "REMOTE_PROC_")):
        key = "vir" + name.replace("_", "").lower()
        api = by_key.get(key, "-")
        fam = family(name)
        f.write(f"{n}\t{name}\t{api}\t{api_domain.get(api, 0)}\t{fam}\t{answered_by(name, api)}"
                f"\t{virtstoraged_answers(name, api, fam)}\n")
with open(os.path.join(out, "admin-procedures.tsv"), "w") as f:
    f.write("# number\tname (generated by src/tools/gen-procedure-tables.py)\n")
    for n, name in sorted(procs("src/admin/admin_protocol.x", "ADMIN_PROC_")):
        f.write(f"{n}\t{name}\n")
with open(os.path.join(out, "remote-readonly.tsv"), "w") as f:
    f.write("# number\tname\tapi\taccess: any | read-write | conditional (generated by src/tools/gen-procedure-tables.py)\n")
    for n, name in sorted(procs("src/remote/remote_protocol.x", "REMOTE_PROC_")):
        api = by_key.get("vir" + name.replace("_", "").lower(), "-")
        f.write(f"{n}\t{name}\t{api}\t{api_access.get(api, 'any')}\n")
