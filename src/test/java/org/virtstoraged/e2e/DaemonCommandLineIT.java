package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's command line, run as a real process: every option of virtstoraged(8). */
class DaemonCommandLineIT {
    @TempDir
    Path home;

    @Test
    void helpPrintsLibvirtStyleUsageWithSessionPaths() throws Exception {
        CommandResult r = new DaemonProcess(home).runToCompletion(60, "--help");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.stdout());
        assertTrue(r.stderr().startsWith("\nUsage:\n  virtstoraged [options]\n\nOptions:\n"), r.stderr());
        for (String option : List.of("-h | --help", "-v | --verbose", "-d | --daemon", "-t | --timeout <secs>",
                "-f | --config <file>", "--version", "-p | --pid-file <file>")) {
            assertTrue(r.stderr().contains("\n  " + option + " "), option + " missing from\n" + r.stderr());
        }
        assertTrue(r.stderr().contains("$XDG_CONFIG_HOME/libvirt/virtstoraged.conf"), r.stderr());
        assertTrue(r.stderr().contains("$XDG_RUNTIME_DIR/libvirt/virtstoraged-sock\n"), r.stderr());
        assertFalse(r.stderr().contains("-sock-ro"), "a session daemon has no read-only socket");
        assertEquals(r.stderr(), new DaemonProcess(home).runToCompletion(60, "-h").stderr());
    }

    @Test
    void versionNamesTheLibvirtApiLevel() throws Exception {
        CommandResult r = new DaemonProcess(home).runToCompletion(60, "--version");
        assertEquals(new CommandResult("virtstoraged (libvirt) 9.0.0\n", "", 0).toString(), r.toString());
    }

    @Test
    void unknownLongOptionIsAUsageError() throws Exception {
        CommandResult r = new DaemonProcess(home).runToCompletion(60, "--bogus");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().startsWith("virtstoraged: unrecognized option '--bogus'\n\nUsage:"), r.stderr());
    }

    @Test
    void unknownShortOptionIsAUsageError() throws Exception {
        CommandResult r = new DaemonProcess(home).runToCompletion(60, "-x");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().startsWith("virtstoraged: invalid option -- 'x'\n"), r.stderr());
    }

    @Test
    void libvirtsOwnVersionShortcutIsNotAnOptionOfVirtstoraged8() throws Exception {
        CommandResult r = new DaemonProcess(home).runToCompletion(60, "-V");
        assertEquals(1, r.exitCode());
    }

    @Test
    void nonOptionArgumentsAreRefused() throws Exception {
        CommandResult r = new DaemonProcess(home).runToCompletion(60, "extra");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().contains("virtstoraged: unexpected, non-option, command line arguments"), r.stderr());
    }

    @Test
    void invalidTimeoutIsRefused() throws Exception {
        for (String bad : List.of("-1", "abc", "3000000")) {
            CommandResult r = new DaemonProcess(home).runToCompletion(60, "-t", bad);
            assertEquals(1, r.exitCode(), bad);
            assertTrue(r.stderr().contains("error : Invalid value for timeout"), r.stderr());
        }
    }

    @Test
    void timeoutExitsAfterThreeIdleSeconds() throws Exception {
        DaemonProcess d = new DaemonProcess(home);
        long start = System.nanoTime();
        d.start("-t", "3");
        assertTrue(d.process().waitFor(30, TimeUnit.SECONDS), "daemon did not exit when idle");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, d.process().exitValue(), d.log());
        assertTrue(seconds >= 3 && seconds < 15, "exited after " + seconds + " s");
        assertFalse(Files.exists(d.socket()), "socket file left behind");
        assertFalse(Files.exists(d.pidFile()), "pid file left behind");
    }

    @Test
    void timeoutWaitsWhileAClientIsConnected() throws Exception {
        try (DaemonProcess d = new DaemonProcess(home)) {
            d.start("-t", "2");
            try (RawClient client = new RawClient(d.socket())) {
                Thread.sleep(4000);
                assertTrue(d.process().isAlive(), "daemon exited while a client was connected");
            }
            assertTrue(d.process().waitFor(20, TimeUnit.SECONDS), "daemon did not exit after the client left");
        }
    }

    @Test
    void pidFileHoldsTheDaemonsPidAndGoesAwayOnExit() throws Exception {
        Path pid = home.resolve("custom.pid");
        try (DaemonProcess d = new DaemonProcess(home)) {
            d.start("-p", pid.toString());
            assertEquals(Long.toString(d.process().pid()), Files.readString(pid), "libvirt writes the bare PID");
            d.signal("TERM");
            assertTrue(d.process().waitFor(20, TimeUnit.SECONDS));
            assertFalse(Files.exists(pid));
        }
    }

    @Test
    void daemonOptionDetachesAndParentReturnsOnceServing() throws Exception {
        DaemonProcess d = new DaemonProcess(home);
        CommandResult r = d.runToCompletion(60, "-d", "-t", "4");
        assertEquals(0, r.exitCode(), r.toString());
        // the parent returned only once the child was serving: socket and pid file exist right now
        assertTrue(Files.exists(d.socket()), "socket missing when the parent returned");
        long pid = Long.parseLong(Files.readString(d.pidFile()).trim());
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no daemon process " + pid));
        assertEquals(1L, child.parent().map(ProcessHandle::pid).orElse(1L), "daemon not re-parented to init");
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Long.toString(pid), fields[3], "daemon is not the leader of its own session");
        assertEquals("0", fields[4], "daemon still has a controlling terminal");
        CommandResult list = d.virsh().run("pool-list", "--all");
        assertEquals(0, list.exitCode(), list.toString());
        child.onExit().get(30, TimeUnit.SECONDS);
        assertFalse(Files.exists(d.pidFile()));
    }

    @Test
    void daemonOptionReportsAStartFailureInTheParent() throws Exception {
        try (DaemonProcess first = new DaemonProcess(home)) {
            first.start();
            CommandResult r = first.runToCompletion(60, "-d");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("Failed to acquire pid file"), r.toString());
        }
    }

    @Test
    void secondInstanceIsRefusedAndLeavesTheFirstsSocketsAlone() throws Exception {
        try (DaemonProcess first = new DaemonProcess(home)) {
            first.start();
            Object inode = Files.getAttribute(first.socket(), "unix:ino");
            CommandResult second = first.runToCompletion(60);
            assertEquals(1, second.exitCode(), second.toString());
            assertTrue(second.stderr().contains("error : Failed to acquire pid file '" + first.pidFile()
                    + "': Resource temporarily unavailable"), second.stderr());
            assertEquals(inode, Files.getAttribute(first.socket(), "unix:ino"), "socket file was replaced");
            assertEquals(0, first.virsh().run("pool-list").exitCode());
        }
    }

    @Test
    void staleSocketAndPidFileFromADeadDaemonAreTakenOver() throws Exception {
        DaemonProcess dead = new DaemonProcess(home).start();
        dead.process().destroyForcibly().waitFor();
        assertTrue(Files.exists(dead.socket()), "SIGKILL should leave the socket file behind");
        try (DaemonProcess d = new DaemonProcess(home)) {
            d.start();
            assertEquals(0, d.virsh().run("pool-list", "--all").exitCode());
            assertEquals(Long.toString(d.process().pid()), Files.readString(d.pidFile()));
        }
    }

    @Test
    void sessionSocketsAreOwnerOnly() throws Exception {
        try (DaemonProcess d = new DaemonProcess(home)) {
            d.start();
            // the sockets appear one after the other: start() waits for the first only
            d.awaitSocket(d.adminSocket(), 30);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.socket())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.adminSocket())));
            assertFalse(Files.exists(d.socket().resolveSibling("virtstoraged-sock-ro")));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.socket().getParent())),
                    "session run directory");
        }
    }

    @Test
    void sigtermStopsCleanly() throws Exception {
        try (DaemonProcess d = new DaemonProcess(home)) {
            d.start();
            d.signal("TERM");
            assertTrue(d.process().waitFor(20, TimeUnit.SECONDS));
            assertFalse(Files.exists(d.socket()));
            assertFalse(Files.exists(d.adminSocket()));
        }
    }

}
