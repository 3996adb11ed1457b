#!/usr/bin/python3
"""Storage pool events as `virsh pool-event --loop` prints them while another virsh changes pools.

Usage: virsh_events.py [--sh-user USER] URI BASE_DIR
BASE_DIR must exist, be empty and be writable by the daemon (--sh-user: the daemon's user, who runs the
one shell step, removing a pool's directory behind the daemon's back).

Four watchers run in the background, started once the pool "other" exists:
  pool-event --loop --event lifecycle        pool-event --loop --event refresh
  pool-event --loop --event lifecycle --pool other    pool-event --loop --event refresh --pool other
virsh has no way to say when it has registered, so rounds of pool-start/pool-refresh/pool-destroy of
"other" are run until every watcher has printed the last event of a round; what the watchers printed
up to there is dropped (the "events received" count is reduced by as many events). Then the sequence
runs, one virsh per command, and ends with one more such round, whose events show that every
watcher has got everything. The watchers are then interrupted (SIGINT), as a user would with ^C.

Prints the transcript of the sequence ("$ virsh ARGS", stdout, stderr lines prefixed "! ", "[exit N]"),
then per watcher its command, its output and exit status. Normalized: BASE_DIR -> @BASE@, UUIDs ->
@UUIDn@ in order of first appearance.
"""
import argparse
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--sh-user")
ap.add_argument("uri")
ap.add_argument("base")
a = ap.parse_args()
BASE = os.path.realpath(a.base)
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
uuids = {}
ENV = {k: v for k, v in os.environ.items()
       if k not in ("LANG", "LANGUAGE", "VIRSH_DEFAULT_CONNECT_URI", "LIBVIRT_DEFAULT_URI")}
ENV["LC_ALL"] = "C"


def norm(s):
    s = s.replace(BASE, "@BASE@")
    return UUID_RE.sub(lambda m: uuids.setdefault(m.group(0).lower(), "@UUID%d@" % (len(uuids) + 1)), s)


out = []


def emit(stdout, stderr, rc):
    out.append(norm(stdout))
    if stdout and not stdout.endswith("\n"):
        out.append("\n")
    out.extend("! " + norm(line) + "\n" for line in stderr.splitlines())
    out.append("[exit %d]\n" % rc)


def virsh(line, quiet=False):
    words = shlex.split(line)
    p = subprocess.run(["virsh", "-c", a.uri] + [w.replace("@BASE@", BASE) for w in words], env=ENV,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    if not quiet:
        out.append("$ virsh " + line + "\n")
        emit(p.stdout, p.stderr, p.returncode)
    elif p.returncode != 0:
        sys.exit("virsh %s failed: %s" % (line, p.stderr))


def sh(cmd):
    argv = ["bash", "-c", cmd.replace("@BASE@", BASE)]
    if a.sh_user:
        argv = ["runuser", "-u", a.sh_user, "--"] + argv
    p = subprocess.run(argv, env=ENV, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    out.append("$ sh: " + cmd + "\n")
    emit(p.stdout, p.stderr, p.returncode)


def write(name, text):
    with open(os.path.join(BASE, name), "w") as f:
        f.write(text.replace("@BASE@", BASE))
    out.append("$ file: " + name + "\n")


class Watcher:
    def __init__(self, args, last):
        self.args = args
        self.last = last  # the line that ends a sync round for this watcher
        self.lines = []
        self.cut = 0
        self.p = subprocess.Popen(["virsh", "-c", a.uri] + shlex.split(args), env=ENV, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self):
        for line in self.p.stdout:
            self.lines.append(line)

    def rounds(self):
        return sum(1 for line in list(self.lines) if line == self.last)


def sync_round(watchers, wait):
    before = [w.rounds() for w in watchers]
    for cmd in ("pool-start other", "pool-refresh other", "pool-destroy other"):
        virsh(cmd, quiet=True)
    deadline = time.time() + wait
    while time.time() < deadline:
        if all(w.rounds() > n for w, n in zip(watchers, before)):
            return True
        time.sleep(0.02)
    return False


virsh("pool-define-as other dir --target @BASE@/other")
virsh("pool-build other")
LIFE_END = "event 'lifecycle' for storage pool other: Stopped\n"
REFRESH_END = "event 'refresh' for storage pool other\n"
watchers = [Watcher("pool-event --loop --event lifecycle", LIFE_END),
            Watcher("pool-event --loop --event refresh", REFRESH_END),
            Watcher("pool-event --loop --event lifecycle --pool other", LIFE_END),
            Watcher("pool-event --loop --event refresh --pool other", REFRESH_END)]
for attempt in range(60):
    if sync_round(watchers, 2):
        break
else:
    sys.exit("the watchers never got events:\n" + "".join(w.p.stderr.read() for w in watchers))
for w in watchers:
    w.cut = len(w.lines)

write("evpool.xml", "<pool type='dir'>\n  <name>evpool</name>\n  <uuid>6d1a2f4e-0c3b-4b8e-9a57-2f0d7e1c9b31</uuid>\n"
      "  <target>\n    <path>@BASE@/evpool</path>\n  </target>\n</pool>\n")
write("evtrans.xml", "<pool type='dir'>\n  <name>evtrans</name>\n"
      "  <target>\n    <path>@BASE@/evtrans</path>\n  </target>\n</pool>\n")
for line in """pool-define @BASE@/evpool.xml
pool-define @BASE@/evpool.xml
pool-build evpool
pool-start evpool
pool-start evpool
pool-refresh evpool
pool-destroy evpool
pool-destroy evpool
pool-start evpool
!sh rmdir @BASE@/evpool
pool-refresh evpool
pool-start evpool
pool-build evpool
pool-delete evpool
pool-undefine evpool
pool-undefine evpool
pool-create @BASE@/evtrans.xml
pool-create @BASE@/evtrans.xml --build
pool-refresh evtrans
pool-destroy evtrans
pool-create-as evbuilt dir --target @BASE@/evbuilt --build
pool-destroy evbuilt
pool-autostart other
pool-autostart other --disable""".splitlines():
    if line.startswith("!sh "):
        sh(line[4:])
    else:
        virsh(line)
out.append("$ (round) virsh pool-start other; virsh pool-refresh other; virsh pool-destroy other\n")
if not sync_round(watchers, 30):
    sys.exit("the last round did not reach every watcher")

COUNT_RE = re.compile(r"^events received: (\d+)$")
for w in watchers:
    w.p.send_signal(signal.SIGINT)
    try:
        rc = w.p.wait(30)
    except subprocess.TimeoutExpired:
        w.p.kill()
        rc = w.p.wait()
    w.reader.join(10)
    stderr = w.p.stderr.read()
    dropped = w.cut
    out.append("=== virsh %s\n" % w.args)
    for line in w.lines[w.cut:]:
        m = COUNT_RE.match(line.rstrip("\n"))
        if m:
            line = "events received: %d\n" % (int(m.group(1)) - dropped)
        out.append(norm(line))
    out.extend("! " + norm(l) + "\n" for l in stderr.splitlines())
    out.append("[exit %d]\n" % rc)
sys.stdout.write("".join(out))
