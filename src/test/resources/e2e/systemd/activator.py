#!/usr/bin/env python3
"""A socket activator for tests, doing what systemd does for a service with Accept=no sockets.

It binds the listening Unix sockets itself and keeps them for its whole life. Whenever one of them has
a pending connection and the service is not running, it starts the service with the sockets as
descriptors 3, 4, ... and LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES set (sd_listen_fds(3)). When the
service exits (say after its --timeout), the sockets stay bound: the next connection waits in their
backlog and starts the service again. Each start and exit is printed on stdout:
"started PID" and "exited PID STATUS".

usage: activator.py --fdnames NAME[:NAME...] PATH [PATH...] -- COMMAND [ARG...]
"""
import os
import select
import signal
import socket
import sys


def main(argv):
    sep = argv.index("--")
    opts, command = argv[:sep], argv[sep + 1:]
    if len(opts) < 3 or opts[0] != "--fdnames" or not command:
        sys.exit(__doc__)
    names, paths = opts[1], opts[2:]
    if len(names.split(":")) != len(paths):
        sys.exit("one name per socket path")
    listeners = []
    for path in paths:
        if os.path.exists(path):
            os.unlink(path)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(64)
        listeners.append(s)
    print("listening", flush=True)

    child = None

    def stop(signum, frame):
        if child:
            try:
                os.kill(child, signal.SIGTERM)
                os.waitpid(child, 0)
            except OSError:
                pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    while True:
        select.select(listeners, [], [])
        child = os.fork()
        if child == 0:
            # move the sockets out of the way first, then to 3, 4, ... (inheritable)
            high = [os.dup(s.fileno()) for s in listeners]
            for i, fd in enumerate(high):
                os.dup2(fd, 3 + i, inheritable=True)
            env = dict(os.environ)
            env["LISTEN_FDS"] = str(len(listeners))
            env["LISTEN_PID"] = str(os.getpid())
            env["LISTEN_FDNAMES"] = names
            os.execvpe(command[0], command, env)
        print("started %d" % child, flush=True)
        _, status = os.waitpid(child, 0)
        print("exited %d %d" % (child, os.waitstatus_to_exitcode(status)), flush=True)
        child = None


if __name__ == "__main__":
    main(sys.argv[1:])
