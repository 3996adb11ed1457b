package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Our daemon, built by `mvn package`, started as a real process in session mode with its own
 * XDG directories under a temporary folder, exactly as a user would run it.
 */
final class DaemonProcess implements AutoCloseable {
    private final Path home;
    private final Path log;
    private Process process;
    private final Map<String, String> extraEnv = new HashMap<>();

    /**
     * Set by {@link #systemInMountNamespace}: the daemon runs as root in system mode inside its own mount
     * namespace (unshare -m) with empty tmpfs over /run, /etc/libvirt, /var/lib/libvirt, /var/cache/libvirt and
     * /var/log/libvirt, so it neither reads nor changes the host's; clients reach its socket through
     * /proc/PID/root. For pools that need root, such as disk pools on a loop device.
     */
    private boolean systemNamespace;

    static final List<String> NAMESPACE_TMPFS =
            List.of("/run", "/etc/libvirt", "/var/lib/libvirt", "/var/cache/libvirt", "/var/log/libvirt");

    static DaemonProcess systemInMountNamespace(Path home) throws IOException {
        DaemonProcess d = new DaemonProcess(home);
        d.systemNamespace = true;
        return d;
    }

    /**
     * Set by {@link #asUser}: "uid:gid" the session daemon runs as (setpriv), as an unprivileged user's
     * would, e.g. to meet the files it cannot open or chown.
     */
    private String userIds;

    /** A session daemon run as {@code user}; its home (whose parent the user must be able to enter) is handed to it. */
    static DaemonProcess asUser(Path home, String user) throws Exception {
        HostTools.require("setpriv", "util-linux");
        DaemonProcess d = new DaemonProcess(home);
        d.userIds = userIds(user);
        return d;
    }

    /** "uid:gid" of a user, from id(1). */
    static String userIds(String user) throws Exception {
        CommandResult uid = Commands.run(List.of("id", "-u", user), Map.of(), null, 10);
        CommandResult gid = Commands.run(List.of("id", "-g", user), Map.of(), null, 10);
        if (uid.exitCode() != 0 || gid.exitCode() != 0) {
            throw new AssertionError("no user " + user + " on this host: " + uid.stderr() + gid.stderr());
        }
        return uid.stdout().strip() + ":" + gid.stdout().strip();
    }

    DaemonProcess(Path home) throws IOException {
        this.home = home;
        Files.createDirectories(runtimeDir());
        Files.createDirectories(configDir());
        this.log = home.resolve("daemon.log");
    }

    static String jar() {
        String jar = System.getProperty("virtstoraged.jar", "target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(Path.of(jar))) {
            throw new AssertionError("the daemon is not built: " + jar + " is missing (run mvn package)");
        }
        return jar;
    }

    Path runtimeDir() {
        return home.resolve("run");
    }

    Path configDir() {
        return home.resolve("config");
    }

    /** $XDG_RUNTIME_DIR/libvirt/virtstoraged-sock */
    Path socket() {
        if (systemNamespace) {
            return Path.of("/proc/" + process().pid() + "/root/run/libvirt/virtstoraged-sock");
        }
        return runtimeDir().resolve("libvirt/virtstoraged-sock");
    }

    Path adminSocket() {
        return runtimeDir().resolve("libvirt/virtstoraged-admin-sock");
    }

    Path pidFile() {
        return runtimeDir().resolve("libvirt/virtstoraged.pid");
    }

    String uri() {
        if (systemNamespace) {
            return "storage:///system?socket=" + socket();
        }
        return "storage:///session?socket=" + socket();
    }

    Virsh virsh() {
        return new Virsh(uri());
    }

    /** One more variable for the daemon's environment (e.g. LVM_SYSTEM_DIR for the lvm2 tools it runs). */
    DaemonProcess withEnv(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("XDG_RUNTIME_DIR", runtimeDir().toString());
        env.put("XDG_CONFIG_HOME", configDir().toString());
        env.put("HOME", home.toString());
        // we run as root in CI: force the session daemon, as an unprivileged user would get
        env.put("VIRTSTORAGED_MODE", systemNamespace ? "system" : "session");
        env.putAll(extraEnv);
        return env;
    }

    List<String> command(String... args) {
        List<String> argv = new ArrayList<>();
        if (systemNamespace) {
            argv.addAll(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                    "for d in " + String.join(" ", NAMESPACE_TMPFS) + "; do mkdir -p \"$d\" && "
                            + "mount -t tmpfs tmpfs \"$d\" || exit 1; done; exec \"$@\"", "sh"));
        }
        if (userIds != null) {
            String[] ids = userIds.split(":");
            argv.addAll(List.of("setpriv", "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups", "--"));
        }
        argv.addAll(List.of(javaBinary(), "-jar", jar()));
        argv.addAll(List.of(args));
        return argv;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs the daemon binary to completion (for --help, --version, bad options, -d ...). */
    CommandResult runToCompletion(long timeoutSeconds, String... args) throws Exception {
        return Commands.run(command(args), env(), null, timeoutSeconds);
    }

    /** Starts the daemon in the foreground and waits until its socket accepts connections. */
    DaemonProcess start(String... args) throws Exception {
        if (userIds != null) {
            CommandResult chown = Commands.run(List.of("chown", "-R", userIds, home.toString()), Map.of(), null, 30);
            if (chown.exitCode() != 0) {
                throw new AssertionError("cannot hand " + home + " to " + userIds + ": " + chown);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env());
        process = pb.start();
        awaitSocket(socket(), 60);
        return this;
    }

    void awaitSocket(Path sock, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(sock) && RawClient.canConnect(sock)) {
                return;
            }
            if (process != null && !process.isAlive()) {
                throw new AssertionError("daemon exited with " + process.exitValue() + ":\n" + log());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("daemon socket " + sock + " did not appear:\n" + log());
    }

    Process process() {
        assertNotNull(process, "daemon not started");
        return process;
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The log for a failure message: the reading error in its place when it cannot be read. */
    String logForReport() {
        try {
            return log();
        } catch (IOException e) {
            return e.toString();
        }
    }

    void signal(String name) throws Exception {
        Commands.run(List.of("kill", "-" + name, Long.toString(process().pid())), Map.of(), null, 10);
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
