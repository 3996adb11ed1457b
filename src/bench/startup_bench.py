#!/usr/bin/python3
"""Start-up and idle memory of the daemon, as an administrator sees them.

Each round: a fresh session home (XDG_RUNTIME_DIR, XDG_CONFIG_HOME, XDG_CACHE_HOME in a temporary
directory), exec of the launcher (deploy/virtstoraged, or --cmd), then `virsh pool-list --all` on the
session socket as soon as the socket exists (again until it answers). Cold start is the time from the
exec to that first answer; the daemon's CPU time (user + system, all threads) until then is read too.
Two seconds after the answer: VmRSS and the thread count (/proc/PID/task) of the daemon, then SIGTERM.
Prints each figure's median, minimum and maximum over the rounds.

  src/bench/startup_bench.py [--rounds N] [--home target/quarkus-app] [--java-opts OPTS] [--threads] [--phases]
  src/bench/startup_bench.py --variant NAME=HOME:OPTS --variant NAME2=HOME2:OPTS2 ...   (one round of each in turn)

--cmd replaces the launcher (e.g. libvirtd for comparison, with --socket relative to XDG_RUNTIME_DIR).
--threads prints the idle thread names of the last round; --phases turns INFO logs on and adds the times
from exec to Quarkus' main, to Quarkus "started" and to our "listening on".
"""
import argparse
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def thread_names(pid):
    names = []
    for tid in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return names


def cpu_ms(pid):
    """User + system CPU time of the process so far (all its threads), in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def phases(stderr, wall0):
    """With --phases (INFO logs): ms from exec to Quarkus' main, to Quarkus started, to listening."""
    import datetime, re
    found = {}
    for line in stderr.splitlines():
        m = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d{4}): ", line)
        if not m:
            continue
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f%z").timestamp()
        s = re.search(r"started in (\d+\.\d+)s", line)
        if s and "main" not in found:
            found["started"] = (t - wall0) * 1000
            found["main"] = found["started"] - float(s.group(1)) * 1000
        if "listening on" in line and "listening" not in found:
            found["listening"] = (t - wall0) * 1000
    return found


def one_round(args, env_extra, launcher=None):
    with tempfile.TemporaryDirectory(prefix="vsd-start.") as tmp:
        env = dict(os.environ)
        env.update({"XDG_RUNTIME_DIR": f"{tmp}/run", "XDG_CONFIG_HOME": f"{tmp}/config",
                    "XDG_CACHE_HOME": f"{tmp}/cache", "VIRTSTORAGED_MODE": "session"})
        env.update(env_extra)
        os.makedirs(f"{tmp}/run", mode=0o700)
        sock = f"{tmp}/run/{args.socket}"
        uri = f"storage:///session?socket={sock}"
        cmd = ([launcher] if launcher else shlex.split(args.cmd) if args.cmd
               else [os.path.join(ROOT, "deploy/virtstoraged")])
        err = open(f"{tmp}/stderr", "w+")
        wall0 = time.time()
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        answered = None
        try:
            while time.monotonic() - t0 < args.timeout:
                if proc.poll() is not None:
                    break
                if not os.path.exists(sock):
                    time.sleep(0.002)
                    continue
                r = subprocess.run(["virsh", "-q", "-c", uri, "pool-list", "--all"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if r.returncode == 0:
                    answered = time.monotonic() - t0
                    cpu = cpu_ms(proc.pid)
                    break
                time.sleep(0.005)
            if answered is None:
                err.seek(0)
                sys.exit(f"no answer (exit {proc.poll()}): {err.read()[-2000:]}")
            time.sleep(2)
            pid = proc.pid
            rss = rss_kib(pid) / 1024
            names = thread_names(pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        err.seek(0)
        stderr = err.read()
        found = phases(stderr, wall0)
        found["cpu"] = cpu
        return answered * 1000, rss, names, stderr, found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--home", default=os.path.join(ROOT, "target/quarkus-app"), help="VIRTSTORAGED_HOME")
    ap.add_argument("--cmd", help="command to start instead of the launcher")
    ap.add_argument("--socket", default="libvirt/virtstoraged-sock", help="socket below XDG_RUNTIME_DIR")
    ap.add_argument("--java-opts", default=None, help="VIRTSTORAGED_JAVA_OPTS")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=HOME:JAVA_OPTS",
                    help="compare variants, one round of each in turn (HOME empty: --home)")
    ap.add_argument("--launcher", action="append", default=[], metavar="NAME=PATH",
                    help="the launcher of variant NAME (e.g. an older deploy/virtstoraged); default --cmd or ours")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--threads", action="store_true", help="print the idle threads' names")
    ap.add_argument("--phases", action="store_true",
                    help="INFO logs on: also ms from exec to Quarkus' main, to 'started', to 'listening on'")
    args = ap.parse_args()
    variants = []
    for v in args.variant or [f"{args.cmd or 'deploy/virtstoraged'}={args.home}:{args.java_opts or ''}"]:
        name, _, rest = v.partition("=")
        home, _, opts = rest.partition(":")
        variants.append((name, home or args.home, opts if (opts or args.java_opts is not None or args.variant) else None))
    launchers = dict(l.split("=", 1) for l in args.launcher)
    results = []
    for name, home, opts in variants:
        extra = {"VIRTSTORAGED_HOME": os.path.abspath(home)}
        if args.phases:
            opts = (opts or "") + ' -Dquarkus.log.level=INFO -Dquarkus.log.category."org.virtstoraged".level=INFO'
        if opts is not None:
            extra["VIRTSTORAGED_JAVA_OPTS"] = opts
        results.append({"name": name, "home": home, "opts": opts, "extra": extra, "cmd": launchers.get(name),
                        "starts": [], "rss": [],
                        "threads": [], "names": [], "stderr": "",
                        "marks": {"main": [], "started": [], "listening": [], "cpu": []}})
    for _ in range(args.rounds):
        for r in results:
            ms, rss, names, stderr, found = one_round(args, r["extra"], r["cmd"])
            for k, v in found.items():
                r["marks"][k].append(v)
            r["starts"].append(ms)
            r["rss"].append(rss)
            r["threads"].append(len(names))
            r["names"], r["stderr"] = names, stderr

    def row(label, xs, fmt):
        print(f"  {label:<28} median {fmt % statistics.median(xs):>8}  min {fmt % min(xs):>8}  max {fmt % max(xs):>8}")
    print(f"{args.rounds} rounds of each, in turn")
    for r in results:
        print(f"{r['name']}: {r['cmd'] or args.cmd or 'deploy/virtstoraged'} VIRTSTORAGED_HOME={r['home']}"
              + (f" VIRTSTORAGED_JAVA_OPTS={r['opts']!r}" if r["opts"] is not None else ""))
        for k, label in (("main", "exec to Quarkus main (ms)"), ("started", "exec to Quarkus started (ms)"),
                         ("listening", "exec to listening (ms)")):
            if r["marks"][k]:
                row(label, r["marks"][k], "%.0f")
        row("cold start to answer (ms)", r["starts"], "%.0f")
        row("CPU until the answer (ms)", r["marks"]["cpu"], "%.0f")
        row("RSS 2 s after (MiB)", r["rss"], "%.1f")
        row("threads 2 s after", r["threads"], "%d")
        if r["stderr"].strip() and not args.phases:
            print("  stderr of the last round:\n" + r["stderr"].rstrip())
        if args.threads:
            print("  threads:", ", ".join(r["names"]))


if __name__ == "__main__":
    main()
