#!/usr/bin/python3
"""Runs a virsh scenario against one storage daemon and prints a normalized transcript.

Usage: virsh_scenario.py --uri URI --base DIR [--uid N] [--gid N] [--sh-user USER] SCENARIO_FILE

Scenario syntax, one command per line:
  # comment / blank line          ignored
  pool-list --all                 run as `virsh -c URI pool-list --all` (shlex-split, LC_ALL=C,
                                  stdin /dev/null)
  EDITOR='sed -i s/a/b/' pool-edit p   leading NAME=value words are put in virsh's environment
                                  (pool-edit/vol-edit run "$EDITOR file" through sh)
  !sh COMMAND                     COMMAND runs with bash in DIR (as --sh-user when given, so that
                                  files made behind the daemon's back belong to the daemon's user)
  !file NAME                      the following lines up to a line "!end" are written to DIR/NAME
  ...                             (owned by --sh-user when given); the transcript shows only
  !end                            "$ file: NAME"
  !loop SIZE                      (root only) a SIZE file DIR/loopN.img attached to a free loop device;
                                  @LOOP@ (then @LOOP2@, ...) in later lines is that device, and the device
                                  name is normalized back to @LOOP@ in the transcript, which shows
                                  "$ loop: SIZE". At the end, whatever is mounted below DIR is unmounted
                                  and the devices are detached, whatever happened.
  @BASE@ anywhere is replaced by DIR before running.
  @DEV@ / @DEVNAME@ anywhere are replaced by --device DEV and its base name (disk pools on a loop device).

Daemon control (restart scenarios, src/test/scenarios/restart/; needs --control, and --config-dir/--run-dir
for @CONFIG@/@RUN@):
  !kill                           SIGKILL the daemon and wait until it is gone (it stays down)
  !stop                           SIGTERM the daemon and wait until it is gone
  !start                          start the daemon again, with the same directories
  !restart                        !stop then !start
  !hup                            SIGHUP the daemon and give its reload time to finish
  !log REGEX                      the daemon's error and warning log lines since the last !log (or the
                                  start) whose message matches REGEX, as "log: LEVEL: MESSAGE"
  @CONFIG@ / @RUN@                the daemon's storage config dir (CONFIG/libvirt/storage) and storage
                                  run dir (RUNTIME/libvirt/storage/run), replaced like @BASE@ and
                                  normalized back in the transcript
The control command is run as `CONTROL ACTION` (ACTION: kill, stop, start, hup, log); `log` prints the
daemon's whole log so far. Log lines are reduced to level and message, for libvirtd
("DATE: TID: error : func:LINE : MSG") and for virtstoraged ("DATE: ERROR : Class : MSG") alike.

Transcript, per line: "$ virsh ARGS" (or "$ sh: COMMAND"), stdout, stderr lines prefixed "! ",
"[exit N]". Normalized, and nothing else:
  * DIR                                   -> @BASE@
  * uuids                                 -> @UUID1@, @UUID2@, ... in order of first appearance
  * <atime>/<mtime>/<ctime>/<btime> values -> @TIME@
  * pool-level sizes: pool-info Capacity/Allocation/Available, <capacity>/<allocation>/<available>
    of pool XML, the three size columns of pool-list --details (that table is re-laid out the way
    virsh lays out its tables, since the width of the sizes changed)  -> @SIZE@
  * <owner>UID</owner> / <group>GID</group> of the daemon's user (--uid/--gid, default: the owner
    of DIR)                              -> @UID@ / @GID@
  * with --device DEV: DEV -> @DEV@, its base name -> @DEVNAME@, and the tables of vol-list laid out
    again (the name's length varies with the device's number)
  * the loop devices of !loop lines      -> @LOOP@, @LOOP2@, ...
DIR must be of the same length as in the recording (virsh pads table columns to the path widths):
record.sh and VirshScenarioIT both use /tmp/vscen.XXXXXXXX (8 random characters).
"""

import argparse
import os
import pwd
import re
import shlex
import subprocess
import sys

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
TIME_RE = re.compile(r"<(atime|mtime|ctime|btime)>[^<]*</\1>")
# a size of 0 (a pool that never ran) is kept: only the sizes of a real file system vary
POOL_XML_SIZE_RE = re.compile(r"<(capacity|allocation|available)( unit='[^']*')?>(?!0<)[^<]*</\1>")
POOL_INFO_SIZE_RE = re.compile(r"^(Capacity|Allocation|Available):(\s+)(?!0\.00 B$|0 bytes$)\S.*$", re.M)
ENV_WORD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
TIMEOUT = 120


LIBVIRTD_LOG_RE = re.compile(r"^\S+ \S+: \d+: (error|warning) : [A-Za-z0-9_]+:\d+ : (.*)$")
OURS_LOG_RE = re.compile(r"^\S+ \S+: (ERROR|WARN) : \S+ : (.*)$")


def log_messages(text):
    """(level, message) of every error/warning line of a libvirtd or virtstoraged log."""
    found = []
    for line in text.splitlines():
        m = LIBVIRTD_LOG_RE.match(line) or OURS_LOG_RE.match(line)
        if m:
            level = {"ERROR": "error", "WARN": "warning"}.get(m.group(1), m.group(1))
            found.append((level, m.group(2)))
    return found


class Normalizer:
    def __init__(self, base, uid, gid, places=(), device=None):
        self.device = device
        self.bases = [base]
        real = os.path.realpath(base)
        if real != base:
            self.bases.append(real)
        # other directories shown by name: (path, placeholder), longest first
        self.places = sorted(((p, t) for p, t in places if p), key=lambda x: len(x[0]), reverse=True)
        self.uid = uid
        self.gid = gid
        self.uuids = {}
        self.loops = []  # (device, placeholder)

    def _uuid(self, m):
        key = m.group(0).lower()
        if key not in self.uuids:
            self.uuids[key] = "@UUID%d@" % (len(self.uuids) + 1)
        return self.uuids[key]

    def text(self, s):
        for p, t in self.places:
            s = s.replace(p, t)
        for b in sorted(self.bases, key=len, reverse=True):
            s = s.replace(b, "@BASE@")
        for dev, placeholder in self.loops:
            s = re.sub(re.escape(dev) + r"(?![0-9])", placeholder, s)
        if self.device:
            s = s.replace(self.device, "@DEV@")
            s = re.sub(r"(?<![A-Za-z0-9])" + re.escape(os.path.basename(self.device)) + r"(?=p[0-9]|[^A-Za-z0-9]|$)",
                       "@DEVNAME@", s)
        s = UUID_RE.sub(self._uuid, s)
        s = TIME_RE.sub(lambda m: "<%s>@TIME@</%s>" % (m.group(1), m.group(1)), s)
        s = s.replace("<owner>%d</owner>" % self.uid, "<owner>@UID@</owner>")
        s = s.replace("<group>%d</group>" % self.gid, "<group>@GID@</group>")
        return s

    def stdout(self, command, s):
        s = self.text(s)
        if "<pool type=" in s or "<pool>" in s:
            # pool XML (pool-dumpxml): the sizes of the file system the pool sits on
            s = POOL_XML_SIZE_RE.sub(lambda m: "<%s%s>@SIZE@</%s>" % (m.group(1), m.group(2) or "", m.group(1)), s)
        if command == "pool-info":
            s = POOL_INFO_SIZE_RE.sub(lambda m: "%s:%s@SIZE@" % (m.group(1), m.group(2)), s)
        if command == "pool-list":
            s = relayout_pool_details(s)
        if command == "vol-list" and self.device:
            s = relayout_table(s)
        return s


def relayout_table(s):
    """A virsh table (header, dashes, rows) laid out again as vshTable does, after names were replaced."""
    lines = s.split("\n")
    if len(lines) < 2 or not lines[1].startswith("---"):
        return s
    header = re.split(r" {2,}", lines[0].strip())
    j = 2
    rows = []
    while j < len(lines) and lines[j].startswith(" ") and lines[j].strip():
        rows.append(re.split(r" {2,}", lines[j].strip()))
        j += 1
    table = [header] + rows
    widths = [max(len(r[k]) if k < len(r) else 0 for r in table) for k in range(len(header))]

    def fmt(r):
        return " " + "   ".join(c.ljust(widths[k]) if k < len(r) - 1 else c for k, c in enumerate(r))

    out = [fmt(header), "-" * (1 + sum(widths) + 3 * (len(widths) - 1) + 2)] + [fmt(r) for r in rows]
    return "\n".join(out + lines[j:])


def relayout_pool_details(s):
    """pool-list --details: sizes -> @SIZE@ and the table laid out again as virsh's vshTable does."""
    lines = s.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(" Name ") and "Capacity" in line and i + 1 < len(lines) and lines[i + 1].startswith("---"):
            header = re.split(r" {2,}", line.strip())
            rows = []
            j = i + 2
            while j < len(lines) and lines[j].startswith(" ") and lines[j].strip():
                rows.append(re.split(r" {2,}", lines[j].strip()))
                j += 1
            sized = [k for k, h in enumerate(header) if h in ("Capacity", "Allocation", "Available")]
            for r in rows:
                for k in sized:
                    if k < len(r) and r[k] not in ("-", "0.00 B"):
                        r[k] = "@SIZE@"
            table = [header] + rows
            widths = [max(len(r[k]) if k < len(r) else 0 for r in table) for k in range(len(header))]

            def fmt(r):
                cells = [c.ljust(widths[k]) if k < len(r) - 1 else c for k, c in enumerate(r)]
                return " " + "   ".join(cells)

            out = [fmt(header), "-" * (1 + sum(widths) + 3 * (len(widths) - 1) + 2)] + [fmt(r) for r in rows]
            lines[i:j] = out
            break
    return "\n".join(lines)


def emit(out, stdout, stderr, rc):
    out.append(stdout)
    if stdout and not stdout.endswith("\n"):
        out.append("\n")
    for line in stderr.splitlines():
        out.append("! " + line + "\n")
    out.append("[exit %d]\n" % rc)


def main():
    ap = argparse.ArgumentParser(description="run a virsh scenario and print a normalized transcript")
    ap.add_argument("--uri", required=True)
    ap.add_argument("--base", required=True, help="fresh directory writable by the daemon's user")
    ap.add_argument("--uid", type=int, help="uid of the daemon's user (default: owner of --base)")
    ap.add_argument("--gid", type=int, help="gid of the daemon's user (default: group of --base)")
    ap.add_argument("--sh-user", help="run !sh lines as this user (the daemon's user when it is not us)")
    ap.add_argument("--virsh", default="virsh")
    ap.add_argument("--control", help="shell command to control the daemon: CONTROL kill|stop|start|hup|log")
    ap.add_argument("--config-dir", help="the daemon's storage config directory (@CONFIG@)")
    ap.add_argument("--run-dir", help="the daemon's storage run directory (@RUN@)")
    ap.add_argument("--device", help="block device of a disk pool: @DEV@ and @DEVNAME@ in the scenario")
    ap.add_argument("scenario")
    a = ap.parse_args()

    base = os.path.abspath(a.base)
    st = os.stat(base)
    places = [(a.config_dir, "@CONFIG@"), (a.run_dir, "@RUN@")]
    norm = Normalizer(base, a.uid if a.uid is not None else st.st_uid, a.gid if a.gid is not None else st.st_gid,
                      places, a.device)

    def subst(s):
        s = s.replace("@BASE@", base)
        if a.config_dir:
            s = s.replace("@CONFIG@", a.config_dir)
        if a.run_dir:
            s = s.replace("@RUN@", a.run_dir)
        if a.device:
            s = s.replace("@DEV@", a.device).replace("@DEVNAME@", os.path.basename(a.device))
        return substitute(norm, s, base)

    def control(action):
        if not a.control:
            sys.exit("!%s needs --control" % action)
        p = subprocess.run(shlex.split(a.control) + [action], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=TIMEOUT)
        if p.returncode != 0:
            sys.exit("control %s failed (%d): %s%s" % (action, p.returncode, p.stdout, p.stderr))
        return p.stdout

    log_seen = [0]
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env.pop("LANG", None)
    env.pop("LANGUAGE", None)
    env.pop("VIRSH_DEFAULT_CONNECT_URI", None)
    env.pop("LIBVIRT_DEFAULT_URI", None)

    out = []
    try:
        run_scenario(a, norm, env, out, subst, control, log_seen)
    finally:
        release_loops(base, norm)
    sys.stdout.write("".join(out))


def attach_loop(base, norm, size):
    image = os.path.join(base, "loop%d.img" % (len(norm.loops) + 1))
    subprocess.run(["truncate", "-s", size, image], check=True)
    p = subprocess.run(["losetup", "-f", "--show", image], check=True, capture_output=True, text=True)
    dev = p.stdout.strip()
    norm.loops.append((dev, "@LOOP@" if not norm.loops else "@LOOP%d@" % (len(norm.loops) + 1)))


def release_loops(base, norm):
    """Unmounts everything below base (innermost first), then detaches the loop devices."""
    if not norm.loops:
        return
    prefix = os.path.realpath(base) + "/"
    with open("/proc/self/mounts", encoding="utf-8") as fh:
        targets = [line.split()[1].replace("\\040", " ") for line in fh]
    for t in sorted((t for t in targets if t.startswith(prefix)), key=len, reverse=True):
        subprocess.run(["umount", "-l", t], capture_output=True)
    for dev, _ in norm.loops:
        subprocess.run(["losetup", "-d", dev], capture_output=True)


def substitute(norm, text, base):
    text = text.replace("@BASE@", base)
    for dev, placeholder in reversed(norm.loops):
        text = text.replace(placeholder, dev)
    return text


def run_scenario(a, norm, env, out, subst, control, log_seen):
    base = os.path.abspath(a.base)
    with open(a.scenario, encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line in ("!kill", "!stop", "!start", "!hup", "!restart"):
            out.append("$ " + line[1:] + "\n")
            if line == "!restart":
                control("stop")
                control("start")
            else:
                control(line[1:])
            continue
        if line.startswith("!log"):
            pattern = re.compile(line[4:].strip() or ".")
            out.append(norm.text("$ " + line[1:] + "\n"))
            messages = log_messages(control("log"))
            for level, msg in messages[log_seen[0]:]:
                if pattern.search(msg):
                    out.append(norm.text("log: %s: %s\n" % (level, msg)))
            log_seen[0] = len(messages)
            continue
        if line.startswith("!loop "):
            size = line[6:].strip()
            attach_loop(base, norm, size)
            out.append("$ loop: " + size + "\n")
            continue
        if line.startswith("!file "):
            name = subst(line[6:].strip())
            body = []
            while i < len(lines) and lines[i].strip() != "!end":
                body.append(lines[i])
                i += 1
            if i == len(lines):
                sys.exit("!file %s without !end" % name)
            i += 1
            path = os.path.join(base, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write("".join(subst(b) + "\n" for b in body))
            if a.sh_user:
                pw = pwd.getpwnam(a.sh_user)
                os.chown(path, pw.pw_uid, pw.pw_gid)
            out.append(norm.text("$ file: " + name + "\n"))
            continue
        if line.startswith("!sh "):
            cmd = line[4:].strip()
            out.append(norm.text("$ sh: " + cmd + "\n"))
            cmd = subst(cmd)
            argv = ["bash", "-c", cmd]
            if a.sh_user:
                argv = ["runuser", "-u", a.sh_user, "--"] + argv
            p = subprocess.run(argv, cwd=base, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=TIMEOUT)
            emit(out, norm.text(p.stdout), norm.text(p.stderr), p.returncode)
            continue
        words = shlex.split(line)
        extra = {}
        while words and ENV_WORD_RE.match(words[0]):
            k, v = words.pop(0).split("=", 1)
            extra[k] = v
        if not words:
            sys.exit("no virsh command in line: " + raw)
        shown = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in extra.items())
        out.append(norm.text("$ " + (shown + " " if shown else "") + "virsh " + shlex.join(words) + "\n"))
        args = [subst(w) for w in words]
        cenv = dict(env)
        cenv.update({k: subst(v) for k, v in extra.items()})
        try:
            p = subprocess.run([a.virsh, "-c", a.uri] + args, cwd=base, env=cenv, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            out.append("! TIMEOUT after %d s\n[exit -1]\n" % TIMEOUT)
            continue
        emit(out, norm.stdout(words[0], p.stdout), norm.text(p.stderr), p.returncode)


if __name__ == "__main__":
    main()
