package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon under socket activation, as its systemd units run it: the activator owns the listening
 * sockets (with the .socket units' names in LISTEN_FDNAMES), the daemon is started by the first
 * connection, serves on the passed sockets, tells NOTIFY_SOCKET READY=1 (and STOPPING=1 when it
 * stops), and with --timeout exits when idle, to be started again by the next connection.
 */
class SocketActivationIT {
    private static final String RW = "virtstoraged.socket";
    private static final String RO = "virtstoraged-ro.socket";
    private static final String ADMIN = "virtstoraged-admin.socket";

    /** systemd's own test tool: binds the sockets, waits for a connection, then execs the daemon. */
    @Test
    void systemdSocketActivateStartsTheDaemonOnTheFirstConnection(@TempDir Path home) throws Exception {
        String activate = HostTools.require("systemd-socket-activate", "systemd");
        String virtAdmin = HostTools.require("virt-admin", "libvirt-clients");
        DaemonProcess daemon = new DaemonProcess(home);
        try (NotifyListener notify = new NotifyListener(home.resolve("notify"))) {
            List<String> argv = new ArrayList<>(List.of(activate, "-l", daemon.socket().toString(),
                    "-l", daemon.adminSocket().toString(), "--fdname=" + RW + ":" + ADMIN));
            passEnvironment(argv, daemon, notify);
            argv.addAll(daemon.command());
            Files.createDirectories(daemon.socket().getParent());
            Process p = start(argv, home.resolve("activate.log"));
            try {
                awaitFile(daemon.socket(), p, home.resolve("activate.log"));
                awaitFile(daemon.adminSocket(), p, home.resolve("activate.log"));
                Thread.sleep(500);
                assertTrue(notify.messages().isEmpty(), "nothing may start before a client connects");
                assertFalse(Files.exists(daemon.pidFile()), "the daemon ran before any connection");

                CommandResult list = daemon.virsh().run("pool-list", "--all");
                assertEquals(0, list.exitCode(), list.toString());
                assertTrue(notify.await("READY=1", 30), "no READY=1: " + notify.messages() + log(home));
                assertEquals(List.of("READY=1"), notify.messages());
                // the daemon is systemd-socket-activate's process itself, exec'd
                assertEquals(Long.toString(p.pid()), Files.readString(daemon.pidFile()).trim());

                CommandResult srv = Commands.run(List.of(virtAdmin, "-c", adminUri(daemon), "srv-list"), Map.of(),
                        null, 30);
                assertEquals(0, srv.exitCode(), srv.toString());
                assertTrue(srv.stdout().contains("virtstoraged") && srv.stdout().contains("admin"), srv.toString());

                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the daemon did not stop on SIGTERM");
                assertTrue(notify.await("STOPPING=1", 5), "no STOPPING=1: " + notify.messages());
                // an activated socket belongs to the activator: the daemon never removes it
                assertTrue(Files.exists(daemon.socket()), "the daemon removed its activated socket");
                assertTrue(Files.exists(daemon.adminSocket()), "the daemon removed its activated admin socket");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /** --timeout: idle, the daemon exits; the sockets stay with the activator; the next client starts it again. */
    @Test
    void anIdleDaemonExitsAndTheNextConnectionStartsItAgain(@TempDir Path home) throws Exception {
        String python = HostTools.require("python3", "python3");
        String virtAdmin = HostTools.require("virt-admin", "libvirt-clients");
        DaemonProcess daemon = new DaemonProcess(home);
        Path activator = home.resolve("activator.py");
        try (var in = getClass().getResourceAsStream("/e2e/systemd/activator.py")) {
            Files.write(activator, in.readAllBytes());
        }
        Path log = home.resolve("activator.log");
        try (NotifyListener notify = new NotifyListener(home.resolve("notify"))) {
            Files.createDirectories(daemon.socket().getParent());
            List<String> argv = new ArrayList<>(List.of(python, activator.toString(), "--fdnames", RW + ":" + ADMIN,
                    daemon.socket().toString(), daemon.adminSocket().toString(), "--"));
            argv.addAll(daemon.command("--timeout", "3"));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(daemon.env());
            pb.environment().put("NOTIFY_SOCKET", notify.path().toString());
            Process p = pb.start();
            try {
                awaitLine(log, "listening", 1, p);
                Thread.sleep(500);
                assertEquals(0, count(log, "started"), "started before any connection:\n" + Files.readString(log));

                Path target = Files.createDirectories(home.resolve("pool"));
                CommandResult def = daemon.virsh().run("pool-define-as", "act", "dir", "--target", target.toString());
                assertEquals(0, def.exitCode(), def.toString());
                assertTrue(notify.await("READY=1", 30), "no READY=1: " + notify.messages());
                long first = startedPid(log, 1);

                // idle for --timeout 3 seconds: exits 0, tells STOPPING=1, leaves the sockets
                awaitLine(log, "exited " + first + " 0", 1, p);
                assertTrue(notify.await("STOPPING=1", 5), "no STOPPING=1: " + notify.messages());
                assertTrue(Files.exists(daemon.socket()) && Files.exists(daemon.adminSocket()));

                // the next client is queued on the activator's socket and starts the daemon again
                CommandResult list = daemon.virsh().run("pool-list", "--all", "--name");
                assertEquals(0, list.exitCode(), list.toString());
                assertEquals("act", list.stdout().trim(), "the second daemon must see the pool the first defined");
                long second = startedPid(log, 2);
                assertNotEquals(first, second);
                assertTrue(notify.awaitCount("READY=1", 2, 30), "no second READY=1: " + notify.messages());

                // the admin socket is activated as well, and virt-admin sees the --timeout at work
                awaitLine(log, "exited " + second + " 0", 1, p);
                CommandResult srv = Commands.run(List.of(virtAdmin, "-c", adminUri(daemon), "srv-list"), Map.of(),
                        null, 30);
                assertEquals(0, srv.exitCode(), srv.toString());
                assertTrue(srv.stdout().contains("virtstoraged"), srv.toString());
                assertEquals(3, count(log, "started"), Files.readString(log));
                assertTrue(notify.awaitCount("READY=1", 3, 30), "no third READY=1: " + notify.messages());
                assertEquals(List.of("READY=1", "STOPPING=1", "READY=1", "STOPPING=1", "READY=1"),
                        notify.messages().subList(0, Math.min(5, notify.messages().size())));
            } finally {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /**
     * A session daemon has no read-only socket, so a passed virtstoraged-ro.socket is claimed by nothing:
     * libvirt then refuses to start ("Some activation file descriptors are unclaimed", exit 6).
     */
    @Test
    void aPassedSocketNoServiceTakesIsFatal(@TempDir Path home) throws Exception {
        String activate = HostTools.require("systemd-socket-activate", "systemd");
        DaemonProcess daemon = new DaemonProcess(home);
        Path ro = daemon.runtimeDir().resolve("libvirt/virtstoraged-sock-ro");
        Files.createDirectories(ro.getParent());
        try (NotifyListener notify = new NotifyListener(home.resolve("notify"))) {
            List<String> argv = new ArrayList<>(List.of(activate, "-l", daemon.socket().toString(), "-l", ro.toString(),
                    "--fdname=" + RW + ":" + RO));
            passEnvironment(argv, daemon, notify);
            argv.addAll(daemon.command());
            Path log = home.resolve("activate.log");
            Process p = start(argv, log);
            try {
                awaitFile(daemon.socket(), p, log);
                RawClient.canConnect(daemon.socket());
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the daemon kept running:\n" + Files.readString(log));
                assertEquals(6, p.exitValue(), Files.readString(log));
                assertTrue(Files.readString(log).contains("Some activation file descriptors are unclaimed"),
                        Files.readString(log));
                assertFalse(notify.messages().contains("READY=1"));
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static void passEnvironment(List<String> argv, DaemonProcess daemon, NotifyListener notify) {
        daemon.env().forEach((k, v) -> argv.add("--setenv=" + k + "=" + v));
        argv.add("--setenv=NOTIFY_SOCKET=" + notify.path());
    }

    private static String adminUri(DaemonProcess daemon) {
        return "virtstoraged:///session?socket=" + daemon.adminSocket();
    }

    private static Process start(List<String> argv, Path log) throws IOException {
        return new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static String log(Path home) throws IOException {
        Path f = home.resolve("activate.log");
        return Files.exists(f) ? "\n" + Files.readString(f) : "";
    }

    private static void awaitFile(Path file, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(file + " did not appear:\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    private static int count(Path log, String prefix) throws IOException {
        return (int) Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(prefix)).count();
    }

    private static void awaitLine(Path log, String prefix, int times, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count(log, prefix) < times) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + prefix + "' from the activator:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    /** The PID of the n-th start. */
    private static long startedPid(Path log, int n) throws Exception {
        Pattern started = Pattern.compile("^started (\\d+)$");
        int seen = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = started.matcher(line);
            if (m.matches() && ++seen == n) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no start number " + n + ":\n" + Files.readString(log));
    }
}
