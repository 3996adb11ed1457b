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
IDENT = "e2e/ForwardedIdentityIT"
SYSTEM = "e2e/SystemModeIT"
DISPATCH = f"{IDENT}#connectLevelDispatchers…"
# number -> (status, proving tests). Procedures not listed get their family's default below.
STATUS = {
    1: ("done: storage:///session, storage:///system (root), only the read-only flag counts (as libvirtd), "
        "libvirt's URI errors (the scheme is case-sensitive)", f"{UNIT}, {E2E}, {DISPATCH}"),
    2: ("done: reply, then the connection closes", f"{UNIT}, {E2E}"),
    3: ('done: "storage"', f"{UNIT}, e2e/PythonClientIT"),
    7: ("done: lists the loaded backends (dir fs netfs logical iscsi iscsi-direct scsi mpath disk rbd gluster zfs vstorage)", PY),
    75: ("done: netfs (showmount/gluster), logical (pvs); dir, fs, zfs and vstorage answer libvirt's \"does not "
         "support source discovery\"; iscsi (iscsiadm sendtargets), iscsi-direct (libiscsi SendTargets), gluster "
         "(gluster --xml volume info)",
         f"{SCEN}#05, {PY}, e2e/FsPoolIT, e2e/LogicalPoolIT, e2e/IscsiTranscriptIT, e2e/IscsiDirectBackendIT, "
         "e2e/GlusterTranscriptIT"),
    77: ("done: every pool type of libvirt 9.0 is accepted and formatted byte for byte", f"{STORAGE_TESTS}, e2e/PoolXmlCorpusIT"),
    208: ("done: offset/length window, sparse (STREAM_HOLE), abort, libvirt's errors", "e2e/VolumeStreamIT"),
    209: ("done: offset/length window, sparse (holes from the FIEMAP ioctl; all-zero blocks where that fails)",
          "e2e/VolumeStreamIT"),
    368: ("done: lifecycle and refresh, per-pool filter, libvirt's callback ids and errors",
          "e2e/StoragePoolEventsIT, dispatch/StoragePoolEventsTest"),
    369: ("done", "e2e/StoragePoolEventsIT, dispatch/StoragePoolEventsTest"),
    403: ("done: libvirt's format; supported='no' for the types not loaded here (sheepdog)",
          f"{PY}, {SCEN}#05"),
    60: ("done: keepalive (starts server pings), FD passing, event and close callbacks", f"{UNIT}, {E2E}#keepalive…"),
    66: ("done: auth none", f"{UNIT}, {E2E}"),
    67: ('done: "authentication failed" (no socket uses SASL), open or not', DISPATCH),
    68: ('done: "authentication failed"', DISPATCH),
    69: ('done: "authentication failed"', DISPATCH),
    70: ("done: polkit on the root sockets, as libvirtd without a system D-Bus", SYSTEM),
    105: ('done: "not supported … virConnectDomainEventRegisterAny", as libvirt\'s dispatcher', DISPATCH),
    106: ('done: "domain event 0 not registered"', DISPATCH),
    110: ("done: the URI the connection was opened with, formatted as virURIFormat does (libvirt answers it in "
          "the library, without a driver)",
          f"{UNIT}, {IDENT}, e2e/GoLibvirtIT"),
    167: ('done: event id check, then "not supported … virConnectDomainEventRegisterAny"', DISPATCH),
    168: ('done: event id check, then "domain event N not registered"', DISPATCH),
    316: ('done: event id check, then "not supported … virConnectDomainEventRegisterAny"', DISPATCH),
    317: ('done: "domain event callback N not registered"', DISPATCH),
    419: ("done: typed parameters within libvirt's limits and names, libvirt's errors and their order, read-only "
          "sockets too; the identity is the client's from then on (virt-admin client-info shows it)",
          f"{UNIT}, dispatch/RecordedClientFramesTest, {IDENT}, {SYSTEM}, e2e/ProxiedStorageIT"),
    149: ("done: 1 (the driver runs in the daemon); the client derives isEncrypted from it", f"{UNIT}, e2e/PythonClientIT"),
    157: ("done: 9000000", f"{UNIT}, e2e/PythonClientIT"),
    281: ("done: every filter flag", f"{PY}, {SCEN}#03"),
    360: ("done", f"{UNIT}, {E2E}"),
    361: ("done", f"{UNIT}, {E2E}"),
}
FAMILY_DEFAULT = {
    "hypervisor": ('as virtstoraged: "not supported by the connection driver: <API>" once open, '
                   '"hypervisor connection not open" before', f"{UNIT}, {E2E}, e2e/PythonClientIT"),
    "storage": ("done for dir pools (fs, netfs, logical, disk, rbd, gluster, iscsi, scsi, mpath: see their ITs): results, XML and errors as libvirtd 9.0",
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
       "## How clients reach it", "",
       "| client | status | test |", "| --- | --- | --- |",
       "| virsh, python3-libvirt (libvirt's C client) on the session, root rw and root ro sockets | done | "
       f"e2e/VirshScenarioIT, e2e/PythonStorageApiIT, {SYSTEM} |",
       "| a forwarding daemon (virtproxyd, virtqemud): CONNECT_OPEN, then CONNECT_SET_IDENTITY with its client's "
       "identity, then the storage calls | done: as libvirtd 9.0 | "
       f"{IDENT}, {SYSTEM} (identity_rw/ro), e2e/ProxiedStorageIT (virsh → libvirt 9.0's virtproxyd → ours, "
       "beside libvirt's own virtstoraged) |",
       "| go-libvirt (pure Go; Terraform's libvirt provider): 0x01000000 as XDR TRUE, CONNECT_GET_URI | done | "
       "e2e/GoLibvirtIT, dispatch/RecordedClientFramesTest |",
       "| any XDR peer: every non-zero bool word is TRUE (libtirpc's xdr_bool), padding bytes unchecked; lengths, "
       "maximum sizes and the 32 MiB message limit enforced | done | rpc/xdr/XdrCodecTest, e2e/MalformedFrameIT |",
       "", "The column *libvirt* says who answers a procedure in libvirt's daemon (generated from its source by "
       "`src/tools/gen-procedure-tables.py`): a hand-written **dispatcher**, the **library** without a driver, "
       "a **driver** method (answered only where the storage driver has it, otherwise \"not supported\"), or "
       "**-** for a message the server sends. `dispatch/CallDispatcherTest#everyProcedureVirtstoragedAnswersIsImplemented` "
       "fails when a procedure libvirt's virtstoraged answers falls through to \"not supported\" here.", "",
       "## Deliberate differences and known gaps", "",
       "- `pool-capabilities` / `getCapabilities` list the backends loaded here (dir, fs, netfs, logical, iscsi, "
       "iscsi-direct, scsi, mpath, disk, rbd, gluster, zfs, vstorage), in libvirt's order; what is not loaded (sheepdog) is "
       "`supported='no'`, as libvirt's own code formats an absent backend.",
       "- vstorage: Debian builds libvirt 9.0 without this backend (its libvirtd answers \"missing backend for pool "
       "type 13 (vstorage)\"); upstream's default Linux build has it, with no check for the Virtuozzo tools at build "
       "or load time, and so does ours: the pool is defined and built, and its start fails with \"Cannot find "
       "'vstorage-mount' in path\" where the client is missing (e2e/ZfsTranscriptIT).",
       "- zfs: after creating a zvol libvirt 9.0 reads every line of `zfs list` into the new volume, which then shows "
       "the sizes of the pool's last-listed zvol until the next refresh; ours reads the new zvol's own line "
       "(storage/backend/zfs/ZfsPoolBackendTest#createRunsLibvirtsArgvAndReadsOnlyTheNewZvolBack).",
       "- Secret procedures: libvirt's virtstoraged forwards them to virtsecretd (secret:///…); ours answers "
       "\"not supported\". Volume passphrases are read from the secret daemon (see the LUKS section).",
       "- qemu-img sometimes fails a LUKS creation with \"Unable to get accurate CPU usage\" (it times the key "
       "derivation with thread CPU time in clock ticks, and on a busy host a sample can read zero); libvirt passes "
       "that failure on, ours runs that one qemu-img command once more (storage/backend/local/LocalVolumeBuilderTest"
       "#aLuksCreateThatQemuImgCouldNotTimeIsRunAgainOnce).",
       "- rbd: one cluster connection per active pool, kept while the pool runs, replaced after a timeout or a "
       "lost session, closed at pool stop; libvirt 9.0 connects (and, through the secret daemon, fetches the "
       "key) for every call (e2e/RbdBackendIT checks one client session on the monitor; src/bench/rbd_bench.py "
       "measures it, docs/benchmarks.md).",
       "- rbd error texts end with the error librados/librbd returned (\"Invalid argument\", \"Directory not "
       "empty\", \"Device or resource busy\", \"Connection timed out\"); libvirt 9.0 appends the thread's "
       "stale errno, often \"No such file or directory\" or \"Success\" (10 steps of e2e/RbdTranscriptIT).",
       "- rbd pool allocation never wraps below zero: libvirt takes a deleted volume's allocation from the pool's "
       "figure, which a refresh may have set lower, and shows 16 EiB until the next refresh; ours stops at zero "
       "(storage/driver/DriverStateAccountTest, e2e/RbdTranscriptIT).",
       "- rbd clone from a volume changed since its last snapshot: libvirt 9.0 fails (\"failed to iterate RBD "
       "snapshot\": it takes its own callback's stop for an error); ours makes a new `libvirt-N` snapshot and "
       "clones it (e2e/RbdBackendIT). A failed clone on a pool with auth: libvirt's client gets \"An error "
       "occurred, but the cause is unknown\" (the cleanup's secret connection resets the error); ours gives the "
       "clone's error (storage/backend/rbd/RbdPoolBackendTest, e2e/RbdTranscriptIT).",
       "- iscsi-direct: a refresh runs on the pool's own logged-in session, kept while the pool is active (logged in "
       "again once when the target dropped it, logged out at pool stop); libvirt 9.0 connects, logs in and out "
       "for every refresh (e2e/IscsiDirectBackendIT#oneSessionPerActivePool; src/bench/iscsi_direct_bench.py, "
       "docs/benchmarks.md). A refresh on a hung target therefore fails at its first command (\"Failed to "
       "reportluns: ...\") where a fresh login would fail at login.",
       "- iscsi-direct: libvirtd 9.0 crashes (the whole daemon) on find-pool-sources of a portal with two or more "
       "targets (it writes the second target's name through a wrong pointer); ours lists every target "
       "(e2e/IscsiDirectBackendIT#findPoolSourcesListsEveryTarget).",
       "- iscsi-direct: libvirtd 9.0 crashes on the start of a pool without `<device path>` (the target IQN), and "
       "again at every daemon restart while such a pool is marked active; ours refuses it with \"missing source "
       "device\" (libvirt's iscsi backend's message) and changes nothing "
       "(e2e/IscsiDirectBackendIT#poolWithoutDevicePathIsRefusedWithoutHarm).",
       "- iscsi-direct: libvirtd 9.0 waits in libiscsi's synchronous calls, which have no timeout on the TCP "
       "connect or on a command, and reconnect forever when the session drops: a target that stops answering "
       "hangs the call (a wipe spins forever). Ours drives libiscsi's asynchronous API with its own poll(2) and "
       "a 10 s deadline for every wait, libiscsi's own reconnection off: the call fails with \"... no answer from the "
       "target within 10 seconds\" and other pools are not held up (e2e/IscsiDirectBackendIT#stoppedTargetFailsWithinTheTimeout).",
       "- iscsi-direct wipe: libvirt 9.0's WRITE(16) loop stops when the LBA reaches the last LBA, so on a LUN of "
       "128k + 1 blocks (the last LBA a multiple of 128) the last block keeps its data; ours writes it as well, "
       "with libvirt's steps before it (storage/backend/iscsidirect/WipeChunksTest).",
       "- iscsi-direct capacity: libvirt 9.0 gives a LUN's capacity and allocation (and the pool's sums) as block "
       "length × READ CAPACITY(16)'s returned LBA, which is the last block's address, so every LUN shows one block "
       "less than it has (a 64 MiB LUN: 67108352 bytes). Ours multiplies by the block count, LBA + 1, and shows the "
       "LUN's size (e2e/IscsiDirectBackendIT#poolVolumesAndFiguresFromTheTarget, e2e/IscsiDirectTranscriptIT).",
       "- iscsi-direct: TEST UNIT READY that keeps answering a reset unit attention for the whole 30 s: libvirt 9.0 "
       "then reads the task it has freed; ours reports \"Failed testunitready\" (the waits are libvirt's "
       "virTimeBackOff's: storage/backend/iscsidirect/BackOffTest; no target here keeps the attention up for 30 s).",
       "- gluster: one libgfapi connection per active pool, kept while the pool runs, replaced after a timeout or "
       "a lost server, torn down (glfs_fini, ~10 s) on a worker thread at pool stop and daemon shutdown; libvirt 9.0 "
       "connects and tears down around every call, so pool-start, refresh and vol-delete take 10–11 s each there "
       "(e2e/GlusterTranscriptIT's durations step; src/bench/gluster_bench.py, docs/benchmarks.md).",
       "- gluster: every libgfapi call is bounded (20 s) and runs on a worker thread; a glfs_init that never "
       "returns (a volume without server.allow-insecure, a server that accepts and stays silent) fails the call "
       "with \"failed to connect to gluster://…: Connection timed out\" and the native call is left on its own "
       "thread; libvirt 9.0 hangs for good, holding the pool (e2e/GlusterHangIT).",
       "- gluster vol-delete of a directory volume: libvirt 9.0 hands glfs_rmdir the volume's URI, which names "
       "nothing in the volume, so it reports success and leaves the directory (back at the next refresh); ours "
       "removes an empty directory and reports rmdir's error (\"Directory not empty\") for one with entries, "
       "which stays in the pool (e2e/GlusterTranscriptIT).",
       "- Which secret daemon: libvirt's modular virtstoraged always connects to virtsecretd's socket (remote "
       "driver mode *direct* inside a daemon). Ours takes virtsecretd's socket when it exists, else libvirtd's "
       "`libvirt-sock` when that exists, else virtsecretd's (mode *auto*), so that it also gets secrets on a host "
       "whose secrets live in a monolithic libvirtd (e2e/LuksVolumeIT#transcriptWithLibvirtdSecretDriverIsLibvirtds).",
       "- The secret connection: libvirt opens one for each passphrase and has no bound on it (a hung secret "
       "daemon hangs the storage call and the pool). Ours keeps one connection while it is used, closes it after "
       "10 s unused (a session virtsecretd can still time out), replaces a dead one once at the next call, sends no keepalive pings (the idle close and the bounds make "
       "them unneeded), and bounds connecting and every call by 10 s, after which the call fails with \"no answer from '…' within "
       "10000 ms\" (VIR_ERR_OPERATION_TIMEOUT, domain RPC) and the pool stays usable (secret/client/SecretClientFailureTest).",
       "- Pool listings, lookups, `pool-info` and `pool-dumpxml` answer from the pool's last completed state "
       "without waiting for an operation under way on that pool (a refresh, a build); libvirt waits for the "
       "pool's lock. The answers are the same once that operation ends; a slow pool then stalls nobody who "
       "only reads it. Same-pool races otherwise answer as libvirtd 9.0 (e2e/SamePoolRacesIT); the locking "
       "is in docs/architecture.md, its stress test storage/driver/DriverConcurrencyStressTest.",
       "- `access_drivers = [\"polkit\"]` is accepted but no per-call access check exists yet; the socket's "
       "polkit authentication works. When access checks come, they take the client's identity, which is the "
       "forwarded one after CONNECT_SET_IDENTITY.",
       "- XML documents with a DOCTYPE (pool, volume and source definitions) are read as libvirt's libxml2 reads them with `XML_PARSE_NONET`: the DOCTYPE and its internal subset are accepted, internal entities expanded, and an external DTD, external entity or external parameter entity is never opened (a reference to an external entity expands to nothing, so `<name>&x;</name>` gives \"XML error: missing volume name element\", as libvirt). What differs, deliberately: expansion is bounded by fixed limits (1000 entity expansions, 1 MiB of expanded text) rather than libxml2's amplification heuristic; past them, or for a recursive entity, the error is libvirt's (`VIR_ERR_XML_DETAIL`, \"at line N: Detected an entity reference loop\"), and for a loop the context line is the text of the entity being expanded as libxml2 shows it, but for a limit it is the document's line, because Java's parser does not say which entity grew too large. An undeclared entity is \"Entity 'NAME' not defined\" with libxml2's pointer. Proven by storage/xml/XmlDoctypeTest (answers recorded from libvirtd 9.0).",
       "- Arguments of a procedure we do not implement are not XDR-decoded: a malformed argument to, say, a "
       "domain procedure gets \"not supported by the connection driver\" where libvirt says \"Unable to decode "
       "message payload\". No client sends such calls; the storage procedures decode exactly as libvirt.",
       "",
       "## virsh storage commands", "", "| command | status | test |", "| --- | --- | --- |"]
out += [f"| `{c}` | {s} | {t} |" for c, s, t in VIRSH]
# issue #17: libvirt's volume corpus and what it showed
VOLUME_XML = [
"## Volume XML and volume files (libvirt's storagevolxml2xmlin corpus, issue #17)",
"",
"| behaviour | status | test |",
"| --- | --- | --- |",
"| every storagevolxml2xmlin case (owner/group dropped) created, cloned (vol-clone) and created from itself (vol-create-from) in a dir pool by an unprivileged daemon: XMLDesc after creation, again, after pool-refresh, after pool-destroy/start and after a daemon restart; refusals with libvirtd's code, domain and message | done: as libvirtd 9.0 | e2e/VolumeXmlCorpusIT |",
"| storagevolxml2argvtest's pool-dir entries (input volume, flags) through storageVolCreateXML/CreateXMLFrom, and the resulting files' `qemu-img info`; the two pool-logical entries not run (no volume group) | done: as libvirtd 9.0 | e2e/VolumeXmlCorpusIT |",
"| `<backingStore>` of a new volume (create, create-from, clone) and at each later vol-dumpxml: owner, mode and times only from a regular file or block device the daemon can open (storageBackendUpdateVolTargetInfo, VIR_STORAGE_VOL_OPEN_DEFAULT); otherwise, as for /dev/null, the definition's mode and label stay | done: as libvirtd 9.0 (fixed: we showed /dev/null's mode, owner and times) | e2e/VolumeXmlCorpusIT (vol-qcow2, vol-qcow2-1.1, vol-qcow2-lazy, vol-qcow2-nocow, vol-qcow2-nocapacity-backing, their clones and argv entries), storage/backend/local/VolumeProbeTest |",
"| `<backingStore>` after pool-refresh, pool start or daemon restart: path and format from the image header; owner, mode and times under the same rule, else none | done: as libvirtd 9.0 (fixed: we showed /dev/null's) | e2e/VolumeXmlCorpusIT, storage/backend/local/VolumeProbeTest |",
"| a new volume the daemon may not open (an unprivileged daemon's mode 0): refused with \"cannot open volume '…': Permission denied\" and removed | done: as libvirtd 9.0 (fixed: raw ones failed with \"cannot extend file\", converted ones were kept) | e2e/VolumeXmlCorpusIT (vol-file, vol-file-naming, vol-file-qcow2, argv-iso-input) |",
"| pool-refresh with a file the daemon may not read: left out with the warning \"ignoring permission error\", the pool stays active | done: as libvirtd 9.0 (fixed: the refresh failed and stopped the pool) | e2e/VolumeXmlCorpusIT (x-unreadable-file) |",
"| encrypted volume without its secret: \"Secret not found: no secret with matching uuid '…'\" in the secret driver's domain (30) | done: as libvirtd 9.0 (fixed: domain 18); the secrets themselves: next section | e2e/VolumeXmlCorpusIT (vol-luks*, argv-luks*), storage/backend/local/LocalVolumeBuilderTest#encryptedVolumeWithoutSecretDriver |"
]
out += [""] + VOLUME_XML
# issue #18: LUKS volumes with passphrases from the secret daemon
LUKS = [
"## LUKS volumes and the secret daemon (issue #18)",
"",
"| behaviour | status | test |",
"| --- | --- | --- |",
"| the whole LUKS transcript (luks_transcript.py): raw and qcow2 LUKS volumes by secret uuid and by usage, with a cipher; vol-dumpxml, vol-info, `qemu-img info` (encrypted, virtual size) and opening with the passphrase (and not with a wrong one) after each create; refusals: unknown secret uuid or usage, secret without a value, secret of another usage type, qcow encryption in qcow2, no or two secrets; vol-resize grow and shrink (raw and qcow2 LUKS); vol-create-from plain to LUKS, LUKS to plain, LUKS to LUKS, LUKS to qcow2 LUKS, qcow2 LUKS to plain, LUKS to plain qcow2 (data checked through the copies); download (the LUKS header); vol-wipe (the encryption goes with the header); pool-refresh (the default secret is the volume secret whose usage is the volume's path, else an empty `<encryption>`); resize after a refresh with and without a default secret; vol-delete | done: identical to libvirtd 9.0's own storage driver (recorded by record_luks_transcript.sh), with libvirt 9.0's virtsecretd and with a libvirtd 9.0 holding only its secret driver | e2e/LuksVolumeIT#transcriptWithVirtsecretdIsLibvirtds, #transcriptWithLibvirtdSecretDriverIsLibvirtds |",
"| the passphrase reaches qemu-img as `--object secret,id=VOL_encrypt0,file=STATEDIR/POOL.VOL.secret.XXXXXX` (mode 0600, owned as the volume, made before the secret is asked for, removed after the run and on every failure), as libvirt's storageBackendCreateQemuImgSecretPath; it is in no argv, no log line at any level, no file left behind | done | e2e/LuksVolumeIT#passphraseInNoArgvLogOrFile, e2e/LuksRootModeIT, storage/backend/local/SecretFilesTest |",
"| capacity of a LUKS volume: the file size less the LUKS payload offset (virStorageSourceUpdateCapacity); a probed LUKS file is format raw with `<encryption format='luks'>` | done: as libvirtd 9.0 (fixed: we showed the file size and no encryption after a refresh) | e2e/LuksVolumeIT, storage/backend/local/VolumeProbeTest |",
"| the connection to the secret daemon: one reused while in use, replaced once when it died (a restarted daemon) | done | e2e/SecretClientIT#aKeptConnectionToARestartedDaemonIsReplaced |",
"| secret daemon dead: libvirt's error (\"Failed to connect socket to '…/virtsecretd-sock': Connection refused\", code 38, domain 7) within seconds, nothing left behind; the call after its restart works | done | e2e/LuksVolumeIT#deadSecretDaemonGivesLibvirtsErrorAndARestartHeals, e2e/SecretClientIT |",
"| session mode without a running secret daemon: `$VIRTD_PATH/virtsecretd --timeout=120` (else $LIBVIRTD_PATH, else /usr/sbin) started under the lock `virtsecretd.lock`, connect retried 500 × 10 ms, as libvirt's remote driver; LIBVIRT_AUTOSTART=0 turns it off | done | e2e/LuksVolumeIT#sessionDaemonStartsVirtsecretd, secret/client/SecretDaemonAutostartTest |",
"| private secrets: our daemon sends libvirt's system identity (`system.token` of `$RUNTIME/libvirt/common/`, read or created as libvirt does) with CONNECT_SET_IDENTITY, so the secret daemon gives it private values as it gives them to libvirt's daemons | done | e2e/SecretClientIT, secret/client/SystemTokenTest |",
"| root mode: secret:///system on /var/run/libvirt/virtsecretd-sock; dir, fs (ext4 on a loop device, qcow2 LUKS created, resized, deleted) and disk pool LUKS volumes as root in system mode | done | e2e/LuksRootModeIT |",
"| disk pool LUKS volume: the partition 2 MiB larger, capacity and allocation 2 MiB less, `qemu-img create -f luks` on the partition, the partition removed when that fails; after a pool-refresh no `<encryption>` and the whole partition's size (libvirt does not probe block volumes); on a loop device the removal (`parted DEV rm --script pN`) is refused by parted, for libvirtd as for us, so a failed LUKS create leaves its partition there | done: as libvirtd 9.0 | e2e/LuksRootModeIT#diskPoolLuksVolume, storage/backend/disk/DiskPoolBackendTest |",
"| logical pool LUKS volume: lvcreate 2 MiB larger, `qemu-img create -f luks` on the LV, the LV removed when that fails | done as libvirtd 9.0, proven with lvcreate's recorded output played back: this kernel has no device-mapper, so no LV can be made here (libvirtd fails the same way) | storage/backend/logical/LogicalBackendTest |",
]
out += [""] + LUKS
# issue #19: the rbd backend on a live Ceph cluster
RBD = [
"## rbd pools on a live Ceph cluster (issue #19)",
"",
"| behaviour | status | test |",
"| --- | --- | --- |",
"| the whole rbd transcript (rbd_transcript.py, 82 steps, against a cephx cluster and an auth-none one on 127.0.0.1): pool define/build/start/info/dumpxml/refresh/destroy/undefine; volume create (raw, no format, odd size, allocation 0) and its refusals (qcow2, no or zero capacity, encryption, prealloc-metadata, an existing name); an image made by the rbd CLI found by a refresh; lookups by key and path; resize (grow, delta) and its refusals (shrink, allocate); clone (a protected `libvirt-N` snapshot, reused while unchanged; clone of a clone) and its refusals; wipe zero and trim, other algorithms and flags refused; delete with and without snapshots, an image already gone; upload, download, find-sources, pool delete refused; pools that cannot start (base64 text as the key, a wrong or garbage key, a secret without value, undefined uuid or usage, a secret of usage volume, a missing RADOS pool, no auth against cephx, auth against auth none, the mon down), two hosts with the first down, config_opts; definitions refused | done: as libvirtd 9.0 (recorded by record_rbd_transcript.sh), except the differences listed below | e2e/RbdTranscriptIT |",
"| librados/librbd through Java's FFM API on worker threads: rados_create (user without `client.`), then libvirt's settings in its order (key as base64 of the secret, auth_supported, mon_host with libvirt's trailing comma, client_mount_timeout, rados_mon_op_timeout, rados_osd_op_timeout 30, rbd_default_format 2, config_opts); no ceph.conf or keyring read | done | storage/backend/rbd/RadosSettingsTest, e2e/RbdBackendIT |",
"| the cephx key from the secret daemon (usage ceph), never in a log line (the debug log shows `key=<hidden>`), held in bytes cleared after use, never a String | done | e2e/RbdBackendIT#theKeyIsInNoLogLine |",
"| a dead monitor holds a pool start for librados' 30 s mount timeout, and lookups on a dir pool answer within 100 ms meanwhile; an OSD that stops answering makes a call time out (rados_osd_op_timeout) and the next call reconnects | done | e2e/RbdBackendIT#aDeadMonitorStallsNoOtherPool, #aTimedOutConnectionIsReplacedByTheNextCall |",
]
out += [""] + RBD
# issue #21: the gluster backend on a live GlusterFS volume
GLUSTER = [
"## gluster pools on a live GlusterFS volume (issue #21)",
"",
"| behaviour | status | test |",
"| --- | --- | --- |",
"| the whole gluster transcript (gluster_transcript.py against a single-brick GlusterFS 10 volume on 127.0.0.1, daemon unprivileged, files made through a FUSE mount): pool define/build/start/info/dumpxml/refresh/destroy/undefine; volumes raw, qcow2 with a raw backing file, a name escaped in its URI (`a%20b%3Ac.img`), a subdirectory (`netdir`, format dir, its stat sizes), a link to a file; dangling links and a link to itself skipped; keys and paths `gluster://HOST[:PORT]/VOL/DIR/NAME`; lookups by key and path; refusals (create, clone, upload, download, resize, wipe, pool delete); delete of a file, a link, a file already gone, with flags; a pool on a subdirectory with a port; find-sources and its errors; pools that cannot start (no such volume or directory, relative directory, a `/` in the volume name, nothing listening); definitions | done: as libvirtd 9.0 (recorded twice, identical, by record_gluster_transcript.sh), except the differences listed above | e2e/GlusterTranscriptIT |",
"| libgfapi (libgfapi.so.0, Debian libgfapi0) through Java's FFM API: glfs_new, glfs_set_volfile_server(\"tcp\", host, port), glfs_init, glfs_chdir, glfs_opendir/glfs_readdirplus_r, glfs_stat (following links), glfs_open/glfs_read of VIR_STORAGE_MAX_HEADER bytes probed by our image probe, glfs_statvfs (capacity f_frsize×f_blocks, available f_bfree×f_frsize), glfs_unlink/glfs_rmdir, glfs_fini; no glfs_set_logging (gfapi's default, /dev/null, as libvirt); a missing library is an error naming libgfapi0 | done | e2e/GlusterTranscriptIT, storage/backend/gluster/GlusterLocationTest |",
"| find-storage-pool-sources: `gluster --xml --log-file=/dev/null volume info all --remote-host=HOST`, `//volumes/volume/name` each a source at dir `/`; a failing CLI is \"no storage pools were found\", a missing one \"'gluster' command line tool not found\" (shared with netfs' lookup) | done | storage/backend/gluster/GlusterSourcesTest (a real recording of the CLI), e2e/GlusterTranscriptIT |",
"| daemon restart: at start-up an active gluster pool stays active (virStorageBackendGlusterCheckPool keeps the state it had) and is refreshed; the daemon stops within seconds with pools connected (glfs_fini waited for at most 3 s) | done | e2e/GlusterRestartIT |",
"| gfapi resolves a link by recursion (up to 2048 levels): its calls run on 16 MiB stacks (a link to itself overflowed a Java thread's 1 MiB and killed the process) | done | e2e/GlusterTranscriptIT (the `loop` link) |",
"| netfs pools of format glusterfs as root (system mode, private mount namespace): libvirt's mount argv (`-o nodev,nosuid,noexec,direct-io-mode=1 -t glusterfs`, as libvirt's storagepoolxml2argvtest), build, start, volumes raw/qcow2/qcow2 with a backing volume, upload, download, resize, wipe, clone, delete, refresh, destroy (unmount), undefine on a real GlusterFS volume through FUSE | done: transcript identical to root libvirtd 9.0's (netfs-gluster.expected, recorded twice, identical) | e2e/GlusterNetfsIT, storage/backend/fs/MountCommandTest |",
]
out += [""] + GLUSTER
# issue #20: the iSCSI family
ISCSI = [
"## iscsi, iscsi-direct, scsi and mpath pools (issue #20)",
"",
"| behaviour | status | test |",
"| --- | --- | --- |",
"| iscsiadm argv and output parsing as libvirt 9.0's viriscsi.c (session probe, iface lookup and creation as `libvirt-iface-XXXXXXXX`, sendtargets discovery persistent and not, node new/update, login/logout, rescan): every case of libvirt's tests/viriscsitest.c played back (its outputs are recorded real iscsiadm output) | done | storage/backend/iscsi/IscsiadmTest |",
"| pool check/start (node record, CHAP through the secret daemon with usage iscsi, login, the default port 3260 written into the pool's definition even when the start fails, as libvirt's XML then shows), refresh (LUs from sysfs: disks and CD-ROMs with a block device, stable path, scsi_id key), stop, find-pool-sources, and libvirt's refusals | done; refresh and login against a real session are tested only against a sysfs fixture: this kernel has no iscsi_tcp and iscsid cannot run | storage/backend/iscsi/IscsiPoolBackendTest |",
"| the whole iscsi transcript on this machine (iscsi_transcript.py against a tgt target on 127.0.0.1, daemon unprivileged): find-sources with and without port, with an initiator IQN, and its refusals (iscsiadm's exit status and stderr in the message); definitions refused; pools plain, without port, CHAP by usage and by uuid, ceph auth, initiator IQN, no device, two hosts: define/start/info/XML/refresh/stop/undefine | done: as libvirtd 9.0 (recorded by record_iscsi_transcript.sh) | e2e/IscsiTranscriptIT |",
"| wipe, upload, download of iscsi volumes (libvirt's local helpers) | declared as in libvirt; not tested here (no iSCSI block devices) | - |",
"| scsi pools: scsi_host adapters by name or parent PCI address, fc_host vHBAs created and deleted through vport_create/vport_delete (the managed mark saved before the attempt, as libvirt), start/check/refresh (scan, udevadm settle, LUs as `unit:B:T:L` with stable paths and scsi_id keys)/destroy | done: as libvirtd 9.0 on this host (no SCSI or FC hosts); LU discovery proven on a sysfs fixture shaped after libvirt's test data. After a start that made a vHBA, two more refreshes 5 s apart until one lists an LU, as libvirt's virStoragePoolFCRefreshThread (off the request path, no event; a try is skipped while a volume job runs, and none is made once the pool is inactive, where libvirt zeroes an inactive pool's figures). Not done: a vHBA's parent comes from the sysfs ancestry, not from a node-device driver | e2e/ScsiMpathTranscriptIT, storage/backend/scsi/ScsiPoolBackendTest, ScsiPoolThroughDriverTest (#aLuComingUpOnANewVhbaIsListedByTheRefreshAfterTheStart), ScsiNamesTest |",
"| scsi: an fc_host pool whose vHBA already exists fails with \"the wwnn/wwpn for 'hostN' are assigned to an HBA\" (libvirt 9.0's checkName tests its result the wrong way round) | kept as libvirt 9.0 | storage/backend/scsi/ScsiPoolBackendTest |",
"| mpath pools: multipath maps through dmsetup (`ls --target multipath`, `table`), volumes `dm-MINOR` keyed `/dev/mapper/NAME`; without device-mapper an empty pool | done: as libvirtd 9.0 on this host (no device-mapper); maps proven on dmsetup output (one recording from this host, the others constructed in dmsetup's format, each file says which) | e2e/ScsiMpathTranscriptIT, storage/backend/mpath/MpathPoolBackendTest |",
"| iscsi-direct pools: libiscsi (Debian's libiscsi7) through Java's FFM API on worker threads, libvirt 9.0's steps and messages (libiscsi's error text appended): login (CHAP with the secret of usage iscsi from the secret daemon), REPORT LUNS (again with the full length when longer), TEST UNIT READY retried with libvirt's back-off while a reset unit attention lasts (30 s), INQUIRY (a non-disk LUN such as tgt's controller LUN 0 is listed with capacity 0), READ CAPACITY(16); volumes `unit:0:0:LUN`, key and path `ip-HOST:PORT-iscsi-IQN-lun-LUN`, type network; capacity and allocation block length × block count, i.e. the LUN's size (libvirt 9.0: × the last LBA, one block short; see the differences), the pool their sum, available 0; without libiscsi.so.7 every call fails naming Debian's libiscsi7 | done, against a real tgtd target | e2e/IscsiDirectBackendIT#poolVolumesAndFiguresFromTheTarget, storage/backend/iscsidirect/libiscsi/IscsiNativeTest, #chapWithTheRightAndTheWrongSecret, #missingTargetAndPortalWithoutListener, storage/backend/iscsidirect/* (BackOffTest: the retry's waits) |",
"| iscsi-direct wipe: zero only (WRITE(16) of zeros in libvirt's steps of 128 blocks, through the last LBA: the whole LUN, see the differences), up to 16 of them in flight at once where libvirt waits for each; every other algorithm refused (\"unsupported algorithm N\") after logging in, as libvirt; create, delete, resize, upload, download, build, delete pool refused with the driver's \"not supported\" messages | done | e2e/IscsiDirectBackendIT#wipeZeroesTheWholeLun, storage/backend/iscsidirect/WipeChunksTest |",
"| iscsi-direct find-pool-sources (SendTargets with the initiator IQN given): every target of the portal, host as given | done | e2e/IscsiDirectBackendIT#findPoolSourcesListsEveryTarget, storage/backend/iscsidirect/IscsiDirectPoolBackendTest |",
"| iscsi-direct refresh: libvirt's commands, but each step's (TEST UNIT READY, INQUIRY, READ CAPACITY(16)) for all LUNs in flight at once instead of LUN by LUN; the first failure in libvirt's order is reported, with that command's own libiscsi text | done | e2e/IscsiDirectBackendIT#poolVolumesAndFiguresFromTheTarget |",
"| iscsi-direct: one logged-in session per active pool for its refreshes, replaced by the next refresh when the target dropped it, logged out at pool stop and daemon shutdown; wipe and find-sources log in for themselves | done | e2e/IscsiDirectBackendIT#oneSessionPerActivePool |",
"| iscsi-direct: a target that stops answering (tgtd SIGSTOPped) fails the call within 10 s (connect, login, each SCSI command), mid-wipe too, while a dir pool of the same daemon answers at once | done | e2e/IscsiDirectBackendIT#stoppedTargetFailsWithinTheTimeout |",
"| the whole iscsi-direct transcript (iscsi_direct_transcript.py against tgt targets on 127.0.0.1, daemon unprivileged, secrets from virtsecretd): secrets of usage iscsi; find-sources on a one-target portal and its refusals; pool define, build (with flags), start, info, dumpxml, volumes and their XML, lookups by name, key and path, refresh, a LUN added and removed with tgtadm behind the daemon's back; every refused volume and pool operation; wipe (zero: the LUN file all zeros after it) and the refused algorithms and flags; destroy, undefine; pools that start or not (CHAP right by usage and by uuid, a wrong password or user, none, a secret without a value or of usage volume, undefined, auth type ceph, a missing target, nothing listening, ::1, an empty host, two hosts); definitions refused or reshaped | done: as libvirtd 9.0 (recorded by record_iscsi_direct_transcript.sh), except the capacity figures listed in the differences | e2e/IscsiDirectTranscriptIT |",
]
out += [""] + ISCSI
# issue #21: zfs and vstorage, built from libvirt's source (no ZFS or Virtuozzo Storage here)
ZFS = [
"## zfs and vstorage pools (issue #21)",
"",
"| behaviour | status | test |",
"| --- | --- | --- |",
"| zfs: the backend is always loaded and `zfs`/`zpool` are looked up in PATH at each call, as libvirt (no check at build or load time); `pool-capabilities` says supported='yes' without the tools, as libvirtd 9.0 with libvirt-daemon-driver-storage-zfs | done | e2e/ZfsTranscriptIT, e2e/PythonStorageApiIT |",
"| zfs on this host (no ZFS): definitions (source name defaulting to the pool's, target always `/dev/zvol/NAME`, devices, conflicts), build/delete (\"Cannot find 'zpool' in path\", or 'zfs' for a dataset pool; \"missing source devices\"; libvirt's flag refusals), start and refresh (an empty pool: libvirt ignores the failed zpool/zfs runs), volume creation refused (\"Cannot find 'zfs' in path\"; encrypted volumes refused first), transient pools with and without build, find-sources | done: identical to libvirtd 9.0's transcript (record_zfs_transcript.sh, recorded twice, identical) | e2e/ZfsTranscriptIT |",
"| zfs with the tools: libvirt's argv word for word (`zpool get -Hp health,size,free,allocated ZPOOL`, `zfs list -Hp -t volume -r -o name,volsize,refreservation NAME`, `zfs get` for volmode, `zfs create [-o volmode=dev] [-s [-o refreservation=NK]] -V NK NAME/VOL`, `zfs destroy`, `zpool create NAME DEVICES…`, `zfs create -o mountpoint=none`, `zpool destroy`, `zfs destroy -r`), its parsing (tab-separated fields, lines of the wrong width and unreadable numbers skipped, a failed zpool run keeping the old sizes), zvols `/dev/zvol/POOL/VOL` keyed by dataset name, errors as libvirt's | done, on outputs constructed in the documented -H -p format (no ZFS here) | storage/backend/zfs/ZfsPoolBackendTest, ZfsPoolThroughDriverTest |",
"| zfs: upload and download of zvols (libvirt's local helpers) | declared as in libvirt; not tested here (no zvols) | - |",
"| vstorage: `vstorage-mount -c CLUSTER TARGET -m MODE -g GROUP -u USER` (unset permissions filled in with 0711 and the daemon's ids, which the live pool shows from then on, as libvirt), mounted when `vstorage://CLUSTER` is on the target in the mount table, `umount TARGET` on stop, then the dir backend's file volumes; libvirt's errors for a missing tool, account or mount table | done on played-back runs (no Virtuozzo Storage here); on this host the start fails with libvirt's \"Cannot find 'vstorage-mount' in path\" | storage/backend/vstorage/VstoragePoolBackendTest, e2e/ZfsTranscriptIT |",
]
out += [""] + ZFS
out += ["", "## Remote program (0x20008086), every procedure of libvirt 9.0", "",
        "| # | procedure | family | libvirt | status | test |", "| --- | --- | --- | --- | --- | --- |"]
for number, name, api, _domain, family, answered_by, _virtstoraged in rows(os.path.join(RES, "remote-procedures.tsv")):
    n = int(number)
    if n in STATUS:
        status, test = STATUS[n]
    elif api == "-" and "EVENT" in name:
        status, test = EVENT
    else:
        status, test = FAMILY_DEFAULT[family]
    out.append(f"| {n} | {name} | {family} | {answered_by} | {status} | {test} |")
out += ["", "## Keepalive program (0x6b656570)", "", "| # | procedure | status | test |", "| --- | --- | --- | --- |",
        f"| 1 | PING | done: answered with PONG; the daemon also pings silent keepalive clients | {E2E}#keepalive… |",
        f"| 2 | PONG | done | {E2E}#keepalive… |",
        "", "## Admin program (0x06900690)", "", "| # | procedure | status | test |", "| --- | --- | --- | --- |"]
for number, name in rows(os.path.join(RES, "admin-procedures.tsv")):
    out.append(f"| {number} | {name} | done: on the admin socket only, as virt-admin 9.0 sees libvirtd "
               f"(see the gaps in the #6 notes) | e2e/VirtAdminIT |")
open(os.path.join(ROOT, "docs/compatibility.md"), "w").write("\n".join(out) + "\n")
