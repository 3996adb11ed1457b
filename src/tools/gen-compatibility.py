#!/usr/bin/env python3
"""Writes docs/compatibility.md: one row per remote and admin procedure and per virsh storage command,
with its status and the test that proves it. Statuses live in STATUS below: edit them there when a
procedure or command lands, then run  src/tools/gen-compatibility.py  from the repository root."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RES = os.path.join(ROOT, "src/main/resources/org/virtstoraged/rpc")

E2E = "e2e/VirshSessionIT"
SCEN = "e2e/VirshScenarioIT"
PY = "e2e/PythonStorageApiIT"
STORAGE_TESTS = f"{SCEN}, {PY}"
UNIT = "dispatch/CallDispatcherTest"
# number -> (status, proving tests). Procedures not listed get their family's default below.
STATUS = {
    1: ("done: storage:///session, storage:///system (root), only the read-only flag counts (as libvirtd), "
        "libvirt's URI errors", f"{UNIT}, {E2E}"),
    2: ("done: reply, then the connection closes", f"{UNIT}, {E2E}"),
    3: ('done: "storage"', f"{UNIT}, e2e/PythonClientIT"),
    7: ("done: lists the loaded backends (dir fs netfs logical disk; libvirtd 9.0 also has iscsi scsi mpath)", PY),
    75: ("done: netfs (showmount/gluster), logical (pvs); dir and fs answer libvirt's \"does not support source "
         "discovery\"; iscsi/scsi/mpath: \"missing backend\"", f"{SCEN}#05, {PY}, e2e/FsPoolIT, e2e/LogicalPoolIT"),
    77: ("done: every pool type of libvirt 9.0 is accepted and formatted byte for byte", f"{STORAGE_TESTS}, e2e/PoolXmlCorpusIT"),
    208: ("done: offset/length window, sparse (STREAM_HOLE), abort, libvirt's errors", "e2e/VolumeStreamIT"),
    209: ("done: offset/length window, sparse (holes from FIEMAP via filefrag -e -s; all-zero blocks where that fails)",
          "e2e/VolumeStreamIT"),
    368: ("done: lifecycle and refresh, per-pool filter, libvirt's callback ids and errors",
          "e2e/StoragePoolEventsIT, dispatch/StoragePoolEventsTest"),
    369: ("done", "e2e/StoragePoolEventsIT, dispatch/StoragePoolEventsTest"),
    403: ("done: libvirt's format; supported='no' for iscsi, scsi, mpath and the others not loaded here",
          f"{PY}, {SCEN}#05"),
    60: ("done: keepalive (starts server pings), FD passing, event and close callbacks", f"{UNIT}, {E2E}#keepalive…"),
    66: ("done: auth none", f"{UNIT}, {E2E}"),
    149: ("done: 1 (the driver runs in the daemon); the client derives isEncrypted from it", f"{UNIT}, e2e/PythonClientIT"),
    157: ("done: 9000000", f"{UNIT}, e2e/PythonClientIT"),
    281: ("done: every filter flag", f"{PY}, {SCEN}#03"),
    360: ("done", f"{UNIT}, {E2E}"),
    361: ("done", f"{UNIT}, {E2E}"),
}
FAMILY_DEFAULT = {
    "hypervisor": ('as virtstoraged: "not supported by the connection driver: <API>" once open, '
                   '"hypervisor connection not open" before', f"{UNIT}, {E2E}, e2e/PythonClientIT"),
    "storage": ("done for dir pools (fs, netfs, logical, disk: see their ITs): results, XML and errors as libvirtd 9.0",
                STORAGE_TESTS),
    "secret": ("deviation: virtstoraged would forward to virtsecretd; we answer \"not supported\"", UNIT),
    "network": ('as virtstoraged: "internal error: connection not open"', f"{E2E}#networkCalls…"),
    "interface": ('as virtstoraged: "internal error: connection not open"', UNIT),
    "nodedev": ('as virtstoraged: "internal error: connection not open"', UNIT),
    "nwfilter": ('as virtstoraged: "internal error: connection not open"', UNIT),
}
EVENT = ("server-to-client message; never a call", "-")

def scen(n):
    return f"{SCEN}#{n}"


VIRSH = [
    ("pool-list", "done: every filter and layout option", scen("03")),
    ("find-storage-pool-sources", "done: netfs, logical; libvirt's error for dir and fs", f"{scen('05')}, e2e/FsPoolIT"),
    ("find-storage-pool-sources-as", "done: as find-storage-pool-sources", scen("05")),
    ("pool-autostart", "done", scen("01")), ("pool-build", "done: incl. the overwrite flags' refusals", scen("04")),
    ("pool-create-as", "done", scen("02")), ("pool-create", "done", scen("02")),
    ("pool-define-as", "done", scen("01")), ("pool-define", "done", f"{scen('01')}, e2e/PoolXmlCorpusIT"),
    ("pool-delete", "done", scen("01")), ("pool-destroy", "done", scen("01")),
    ("pool-dumpxml", "done: live and --inactive", scen("01")), ("pool-edit", "done", scen("04")),
    ("pool-info", "done", scen("01")), ("pool-name", "done", scen("01")),
    ("pool-refresh", "done", scen("11")), ("pool-start", "done", scen("01")),
    ("pool-undefine", "done", scen("01")), ("pool-uuid", "done", scen("01")),
    ("pool-event", "done: same events in the same order as libvirtd 9.0", "e2e/StoragePoolEventsIT"),
    ("pool-capabilities", "done: supported='yes' for the loaded backends (deliberate)", scen("05")),
    ("vol-clone", "done", scen("08")), ("vol-create-as", "done: raw, qcow2, qed, vmdk, vdi, vpc, backing", scen("07")),
    ("vol-create", "done", scen("07")), ("vol-create-from", "done", scen("08")),
    ("vol-delete", "done", scen("08")), ("vol-download", "done: incl. --sparse, --offset/--length", "e2e/VolumeStreamIT"),
    ("vol-dumpxml", "done", scen("07")), ("vol-info", "done: incl. --physical", scen("07")),
    ("vol-key", "done", scen("08")), ("vol-list", "done", scen("07")),
    ("vol-name", "done", scen("08")), ("vol-path", "done", scen("08")),
    ("vol-pool", "done", scen("08")), ("vol-resize", "done: allocate/delta/shrink and refusals", scen("09")),
    ("vol-upload", "done: incl. --sparse, --offset/--length", "e2e/VolumeStreamIT"), ("vol-wipe", "done: zero and the scrub algorithms", scen("10")),
    ("uri / hostname / version / sysinfo / nodeinfo (connect-level)", "done: byte-identical to libvirtd 9.0", E2E),
]


def rows(path):
    for line in open(path):
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


out = ["# Compatibility with libvirt 9.0's virtstoraged", "",
       "Generated by `src/tools/gen-compatibility.py` (edit the statuses there, then rerun it).",
       "Tests: `src/test/java/org/virtstoraged/<path>`. \"as virtstoraged\" means the answer libvirt's",
       "modular storage daemon gives (remote_daemon_dispatch.c built with MODULE_NAME), which for",
       "network/interface/nodedev/nwfilter calls differs from monolithic libvirtd's \"not supported\".", "",
       "## virsh storage commands", "", "| command | status | test |", "| --- | --- | --- |"]
out += [f"| `{c}` | {s} | {t} |" for c, s, t in VIRSH]
out += ["", "## Remote program (0x20008086), every procedure of libvirt 9.0", "",
        "| # | procedure | family | status | test |", "| --- | --- | --- | --- | --- |"]
for number, name, api, _domain, family in rows(os.path.join(RES, "remote-procedures.tsv")):
    n = int(number)
    if n in STATUS:
        status, test = STATUS[n]
    elif api == "-" and "EVENT" in name:
        status, test = EVENT
    else:
        status, test = FAMILY_DEFAULT[family]
    out.append(f"| {n} | {name} | {family} | {status} | {test} |")
out += ["", "## Keepalive program (0x6b656570)", "", "| # | procedure | status | test |", "| --- | --- | --- | --- |",
        f"| 1 | PING | done: answered with PONG; the daemon also pings silent keepalive clients | {E2E}#keepalive… |",
        f"| 2 | PONG | done | {E2E}#keepalive… |",
        "", "## Admin program (0x06900690)", "", "| # | procedure | status | test |", "| --- | --- | --- | --- |"]
for number, name in rows(os.path.join(RES, "admin-procedures.tsv")):
    out.append(f"| {number} | {name} | done: on the admin socket only, as virt-admin 9.0 sees libvirtd "
               f"(see the gaps in the #6 notes) | e2e/VirtAdminIT |")
open(os.path.join(ROOT, "docs/compatibility.md"), "w").write("\n".join(out) + "\n")
