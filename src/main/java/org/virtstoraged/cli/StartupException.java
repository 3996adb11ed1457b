package org.virtstoraged.cli;

/** Why the daemon could not start, with the exit status libvirt's daemons use for that cause. */
final class StartupException extends Exception {
    // virDaemonErr: the exit statuses of a libvirt daemon that failed to start.
    static final int PIDFILE = 1;
    static final int RUNDIR = 2;
    static final int INIT = 3;
    /** VIR_DAEMON_ERR_NETWORK: the listening sockets could not be set up. */
    static final int NETWORK = 6;
    /** EXIT_FAILURE: what libvirt exits with for a bad command line or configuration. */
    static final int FAILURE = 1;

    private final int exitStatus;

    StartupException(int exitStatus, String message) {
        super(message);
        this.exitStatus = exitStatus;
    }

    int exitStatus() {
        return exitStatus;
    }
}
