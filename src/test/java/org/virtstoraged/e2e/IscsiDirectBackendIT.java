package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iscsi-direct backend (libiscsi through FFM) against a real iSCSI target: tgt's tgtd on 127.0.0.1
 * (src/test/scripts/iscsi-target.sh: IQN with LUN 1 of 64 MiB and LUN 2 of 128 MiB, IQN_CHAP with one 32 MiB
 * LUN behind a CHAP account). Our session daemon and libvirt 9.0's virtsecretd run as nobody; the real virsh
 * drives them. What the daemon reports is checked against the LUN files and libvirt's texts and figures; the
 * places where libvirtd 9.0 crashes or hangs (two targets in discovery, no device path, a target that stops
 * answering) get errors or answers here. IscsiDirectTranscriptIT compares whole transcripts with libvirtd's.
 */
class IscsiDirectBackendIT {
    static final Path TARGET = Path.of("src/test/scripts/iscsi-target.sh");
    static final String USER = "nobody";
    static final String GOOD_SECRET = "7c1a0e4a-7d4e-4c1e-9a7e-0000000ccab1";
    static final String BAD_SECRET = "7c1a0e4a-7d4e-4c1e-9a7e-0000000ccab2";
    static final String INITIATOR = "iqn.2026-12.org.example:virtstoraged-it";
    /** IscsiDirectPoolBackend.DEFAULT_TIMEOUT, and the slack a loaded machine may need on top. */
    static final long TIMEOUT_SECONDS = 10;
    static final long SLACK_SECONDS = 8;

    @TempDir
    static Path home;
    static Path targetDir;
    static Map<String, String> target;
    static DaemonProcess daemon;
    static SecretDaemonProcess secrets;

    @BeforeAll
    static void targetDaemonAndSecrets() throws Exception {
        HostTools.virsh();
        HostTools.require("tgtd", "tgt");
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libiscsi.so.7"))) {
            throw new AssertionError("libiscsi.so.7 is missing: install the Debian package libiscsi7");
        }
        // the daemons run as nobody and must reach their home through the temporary directory
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        targetDir = home.resolve("t");
        CommandResult started = Commands.run(List.of("bash", TARGET.toAbsolutePath().toString(), "start",
                targetDir.toString()), Map.of(), null, 60);
        assertEquals(0, started.exitCode(), () -> "iscsi-target.sh start: " + started);
        target = keys(started.stdout());
        assertTrue(target.get("PORTAL").startsWith("127.0.0.1:"), started.stdout());
        daemon = DaemonProcess.asUser(home.resolve("d"), USER);
        daemon.start();
        secrets = SecretDaemonProcess.virtsecretd(home.resolve("d"), USER);
        secrets.start();
        secrets.define(GOOD_SECRET, true, "<usage type='iscsi'><target>chap-good</target></usage>",
                target.get("CHAP_PASS").getBytes(StandardCharsets.UTF_8));
        secrets.define(BAD_SECRET, true, "<usage type='iscsi'><target>chap-bad</target></usage>",
                "not-the-password".getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (target != null) {
                // a failed test must not leave tgtd stopped for the others, or for stop
                Commands.run(List.of("kill", "-CONT", target.get("PID")), Map.of(), null, 10);
            }
            if (daemon != null) {
                daemon.close();
            }
            if (secrets != null) {
                secrets.close();
            }
        } finally {
            Commands.run(List.of("bash", TARGET.toAbsolutePath().toString(), "stop", targetDir.toString()), Map.of(),
                    null, 60);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    static String port() {
        return target.get("PORTAL").substring("127.0.0.1:".length());
    }

    static String poolXml(String name, String port, String iqn, String auth) {
        return "<pool type='iscsi-direct'>\n  <name>" + name + "</name>\n  <source>\n"
                + "    <host name='127.0.0.1' port='" + port + "'/>\n"
                + (iqn == null ? "" : "    <device path='" + iqn + "'/>\n")
                + "    <initiator>\n      <iqn name='" + INITIATOR + "'/>\n    </initiator>\n"
                + (auth == null ? "" : auth)
                + "  </source>\n</pool>\n";
    }

    static String chap(String secretUuid) {
        return "    <auth type='chap' username='" + target.get("CHAP_USER") + "'>\n      <secret uuid='" + secretUuid
                + "'/>\n    </auth>\n";
    }

    static CommandResult virsh(String... args) throws Exception {
        return daemon.virsh().run(args);
    }

    static String ok(CommandResult r) throws Exception {
        String log = tail();
        assertEquals(0, r.exitCode(), () -> r + "\ndaemon log:\n" + log);
        return r.stdout();
    }

    static void fails(String expectedError, CommandResult r) {
        assertNotEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains(expectedError), () -> "expected '" + expectedError + "' in\n" + r);
    }

    static String tailOrError() {
        try {
            return tail();
        } catch (IOException e) {
            return e.toString();
        }
    }

    static String tail() throws IOException {
        String log = daemon.log();
        return log.substring(Math.max(0, log.length() - 4000));
    }

    static Path file(String name, String content) throws Exception {
        return Files.writeString(home.resolve(name), content);
    }

    static void define(String name, String xml) throws Exception {
        ok(virsh("pool-define", file(name + ".xml", xml).toString()));
    }

    static void remove(String name) throws Exception {
        virsh("pool-destroy", name);
        virsh("pool-undefine", name);
    }

    static long figure(String text, String label) {
        return Long.parseLong(text.replaceAll("(?s).*" + label + ":\\s+(\\d+).*", "$1"));
    }

    static String volumeKey(String iqn, int lun) {
        return "ip-" + target.get("PORTAL") + "-iscsi-" + iqn + "-lun-" + lun;
    }

    static void signalTarget(String signal) throws Exception {
        CommandResult r = Commands.run(List.of("kill", "-" + signal, target.get("PID")), Map.of(), null, 10);
        assertEquals(0, r.exitCode(), r::toString);
    }

    // ---- scenarios ------------------------------------------------------------------------------------

    @Test
    void poolVolumesAndFiguresFromTheTarget() throws Exception {
        String iqn = target.get("IQN");
        define("plain", poolXml("plain", port(), iqn, null));
        try {
            ok(virsh("pool-start", "plain"));
            // REPORT LUNS: tgt's controller LUN 0 (no capacity) and the two disks
            String list = ok(virsh("vol-list", "plain"));
            for (int lun = 0; lun <= 2; lun++) {
                assertTrue(list.contains("unit:0:0:" + lun + "   " + volumeKey(iqn, lun)), list);
            }
            // the LUN file's size (libvirt 9.0 shows one block less: block length x the last LBA)
            long lun1 = Files.size(targetDir.resolve("lun1.img"));
            long lun2 = Files.size(targetDir.resolve("lun2.img"));
            assertEquals("<volume type='network'>\n  <name>unit:0:0:1</name>\n  <key>" + volumeKey(iqn, 1) + "</key>\n"
                    + "  <capacity unit='bytes'>" + lun1 + "</capacity>\n  <allocation unit='bytes'>" + lun1
                    + "</allocation>\n  <target>\n    <path>" + volumeKey(iqn, 1) + "</path>\n  </target>\n"
                    + "</volume>\n\n",
                    ok(virsh("vol-dumpxml", "unit:0:0:1", "--pool", "plain")));
            String info = ok(virsh("vol-info", "unit:0:0:2", "--pool", "plain", "--bytes"));
            assertEquals(lun2, figure(info, "Capacity"), info);
            assertTrue(info.contains("Type:           network"), info);
            assertEquals(0, figure(ok(virsh("vol-info", "unit:0:0:0", "--pool", "plain", "--bytes")), "Capacity"));
            String pool = ok(virsh("pool-info", "plain", "--bytes"));
            assertEquals(lun1 + lun2, figure(pool, "Capacity"), pool);
            assertEquals(lun1 + lun2, figure(pool, "Allocation"), pool);
            assertEquals(0, figure(pool, "Available"), pool);
            ok(virsh("pool-refresh", "plain"));
            assertEquals(list, ok(virsh("vol-list", "plain")));

            // libvirt's refusals: the backend has no such operations
            fails("error: this function is not supported by the connection driver: storage pool does not support "
                    + "vol deletion", virsh("vol-delete", "unit:0:0:1", "--pool", "plain"));
            fails("error: this function is not supported by the connection driver: storage pool does not support "
                    + "volume creation", virsh("vol-create-as", "plain", "new", "1M"));
            fails("error: this function is not supported by the connection driver: storage pool does not support "
                    + "changing of volume capacity", virsh("vol-resize", "unit:0:0:1", "1G", "--pool", "plain"));
            fails("storage pool doesn't support volume upload",
                    virsh("vol-upload", "unit:0:0:1", "/etc/hostname", "--pool", "plain"));
            fails("storage pool doesn't support volume download",
                    virsh("vol-download", "unit:0:0:1", home.resolve("dl").toString(), "--pool", "plain"));
        } finally {
            remove("plain");
        }
    }

    @Test
    void wipeZeroesTheWholeLun() throws Exception {
        String iqn = target.get("IQN");
        Path lun1 = targetDir.resolve("lun1.img");
        long size = Files.size(lun1);
        // data at the start, in the middle and in the very last block: the wipe must reach all of it
        try (RandomAccessFile f = new RandomAccessFile(lun1.toFile(), "rw")) {
            byte[] junk = new byte[4096];
            java.util.Arrays.fill(junk, (byte) 0x5a);
            f.seek(0);
            f.write(junk);
            f.seek(size / 2 + 1234);
            f.write(junk);
            f.seek(size - 512);
            f.write(junk, 0, 512);
        }
        define("wipe", poolXml("wipe", port(), iqn, null));
        try {
            ok(virsh("pool-start", "wipe"));
            fails("error: invalid argument: unsupported algorithm 8",
                    virsh("vol-wipe", "unit:0:0:1", "--pool", "wipe", "--algorithm", "random"));
            fails("error: invalid argument: unsupported algorithm 9",
                    virsh("vol-wipe", "unit:0:0:1", "--pool", "wipe", "--algorithm", "trim"));
            assertFalse(allZero(lun1), "a refused wipe wrote nothing");
            ok(virsh("vol-wipe", "unit:0:0:1", "--pool", "wipe"));
            assertEquals(size, Files.size(lun1));
            assertTrue(allZero(lun1), "LUN 1's backing file is all zeros after the wipe");
            // the controller LUN has no blocks: nothing to write, no error (as libvirt)
            ok(virsh("vol-wipe", "unit:0:0:0", "--pool", "wipe"));
        } finally {
            remove("wipe");
        }
    }

    static boolean allZero(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        for (byte b : all) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void chapWithTheRightAndTheWrongSecret() throws Exception {
        String iqn = target.get("IQN_CHAP");
        define("chapgood", poolXml("chapgood", port(), iqn, chap(GOOD_SECRET)));
        define("chapbad", poolXml("chapbad", port(), iqn, chap(BAD_SECRET)));
        define("chapnone", poolXml("chapnone", port(), iqn, null));
        try {
            ok(virsh("pool-start", "chapgood"));
            String list = ok(virsh("vol-list", "chapgood"));
            assertTrue(list.contains("unit:0:0:1   " + volumeKey(iqn, 1)), list);
            assertEquals(Files.size(targetDir.resolve("chap-lun1.img")),
                    figure(ok(virsh("vol-info", "unit:0:0:1", "--pool", "chapgood", "--bytes")), "Capacity"));

            // libiscsi's texts, as libvirtd 9.0 shows them
            String refused = "error: internal error: Failed to login: Failed to log in to target. Status: "
                    + "Authentication failure(513)";
            fails(refused, virsh("pool-start", "chapbad"));
            fails(refused, virsh("pool-start", "chapnone"));
            assertTrue(ok(virsh("pool-list", "--all")).matches("(?s).*chapbad\\s+inactive.*chapnone\\s+inactive.*"));

            // a secret that does not exist: the secret driver's own error
            define("chapmissing", poolXml("chapmissing", port(), iqn,
                    chap("7c1a0e4a-7d4e-4c1e-9a7e-0000000ccab9")));
            fails("error: Secret not found: no secret with matching uuid '7c1a0e4a-7d4e-4c1e-9a7e-0000000ccab9'",
                    virsh("pool-start", "chapmissing"));
        } finally {
            remove("chapgood");
            remove("chapbad");
            remove("chapnone");
            remove("chapmissing");
        }
    }

    @Test
    void missingTargetAndPortalWithoutListener() throws Exception {
        define("nosuch", poolXml("nosuch", port(), "iqn.2026-12.org.example:no-such-target", null));
        // port 1: nothing listens there
        define("noport", poolXml("noport", "1", target.get("IQN"), null));
        try {
            fails("error: internal error: Failed to login: Failed to log in to target. Status: Target not found(515)",
                    virsh("pool-start", "nosuch"));
            fails("error: internal error: Failed to connect: iscsi_service failed with : "
                    + "iscsi_service_reconnect_if_loggedin. Can not reconnect right now.",
                    virsh("pool-start", "noport"));
        } finally {
            remove("nosuch");
            remove("noport");
        }
    }

    /** tgtadm on the fixture's tgtd (its control socket is SOCKET = DIR/tgtd.sock.PORT). */
    static String tgtadm(String... args) throws Exception {
        String socket = target.get("SOCKET");
        int dot = socket.lastIndexOf('.');
        List<String> argv = new java.util.ArrayList<>(List.of("tgtadm", "-C", socket.substring(dot + 1), "--lld",
                "iscsi"));
        argv.addAll(List.of(args));
        CommandResult r = Commands.run(argv, Map.of("TGT_IPC_SOCKET", socket.substring(0, dot)), null, 30);
        assertEquals(0, r.exitCode(), r::toString);
        return r.stdout();
    }

    /** The I_T nexus (session) ids the target has for our initiator. */
    static List<String> sessions() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        String nexus = null;
        for (String line : tgtadm("--mode", "target", "--op", "show").lines().toList()) {
            String l = line.strip();
            if (l.startsWith("I_T nexus: ")) {
                nexus = l.substring("I_T nexus: ".length());
            } else if (l.startsWith("Initiator: " + INITIATOR + " ") && nexus != null) {
                ids.add(nexus);
            }
        }
        return ids;
    }

    /**
     * Ours keeps one logged-in session per active pool for its refreshes (libvirt logs in and out each time);
     * a session the target dropped is replaced by the next refresh, which succeeds; pool-destroy logs it out.
     */
    @Test
    void oneSessionPerActivePool() throws Exception {
        define("kept", poolXml("kept", port(), target.get("IQN"), null));
        try {
            assertEquals(List.of(), sessions());
            ok(virsh("pool-start", "kept"));
            List<String> first = sessions();
            assertEquals(1, first.size(), first::toString);
            ok(virsh("pool-refresh", "kept"));
            ok(virsh("pool-refresh", "kept"));
            assertEquals(first, sessions(), "the same session for every refresh");

            // the target drops the connection: the next refresh logs in again and works
            tgtadm("--mode", "conn", "--op", "delete", "--tid", "1", "--sid", first.get(0), "--cid", "0");
            ok(virsh("pool-refresh", "kept"));
            assertTrue(ok(virsh("vol-list", "kept")).contains("unit:0:0:2"));
            List<String> second = sessions();
            assertEquals(1, second.size(), second::toString);
            assertNotEquals(first, second);

            ok(virsh("pool-destroy", "kept"));
            assertEquals(List.of(), sessions(), "logged out at pool stop");
        } finally {
            remove("kept");
        }
    }

    /** libvirtd 9.0 crashes here at every pool-start (and at every restart of a pool marked active). */
    @Test
    void poolWithoutDevicePathIsRefusedWithoutHarm() throws Exception {
        define("nodevice", poolXml("nodevice", port(), null, null));
        try {
            fails("error: internal error: missing source device", virsh("pool-start", "nodevice"));
            fails("error: internal error: missing source device", virsh("pool-start", "nodevice"));
            assertTrue(daemon.process().isAlive());
            assertTrue(ok(virsh("pool-list", "--all")).matches("(?s).*nodevice\\s+inactive.*"));
            // autostarted at the first daemon start after a boot (libvirtd 9.0 would crash there every time): an
            // error in the log, and the daemon serves. The boot: the run directory's autostart marker removed
            ok(virsh("pool-autostart", "nodevice"));
            daemon.close();
            daemon.process().waitFor(30, TimeUnit.SECONDS);
            Path marker = daemon.runtimeDir().resolve("libvirt/storage/run/autostarted");
            try {
                assertTrue(Files.deleteIfExists(marker), marker::toString);
            } finally {
                daemon.start();
            }
            assertTrue(ok(virsh("pool-list", "--all")).matches("(?s).*nodevice\\s+inactive\\s+yes.*"));
            assertTrue(daemon.log().contains("missing source device"), IscsiDirectBackendIT::tailOrError);
        } finally {
            remove("nodevice");
        }
    }

    /** SendTargets on a portal with two targets: libvirtd 9.0 crashes; ours lists both. */
    @Test
    void findPoolSourcesListsEveryTarget() throws Exception {
        String sources = ok(virsh("find-storage-pool-sources-as", "iscsi-direct", "127.0.0.1", port(),
                "--initiator", INITIATOR));
        for (String iqn : List.of(target.get("IQN"), target.get("IQN_CHAP"))) {
            assertTrue(sources.contains("  <source>\n    <host name='127.0.0.1' port='" + port() + "'/>\n"
                    + "    <device path='" + iqn + "'/>\n    <initiator>\n      <iqn name='" + INITIATOR + "'/>\n"
                    + "    </initiator>\n  </source>\n"), sources);
        }
        assertTrue(sources.startsWith("<sources>\n") && sources.strip().endsWith("</sources>"), sources);
        fails("error: unsupported configuration: missing initiator IQN",
                virsh("find-storage-pool-sources-as", "iscsi-direct", "127.0.0.1", port()));
    }

    /**
     * A target that stops answering (tgtd SIGSTOPped: the kernel still accepts its connections) fails the
     * call within the timeout, mid-wipe too (libvirtd 9.0 spins there forever); a dir pool of the same daemon
     * answers meanwhile, and the pool works again once the target is back.
     */
    @Test
    void stoppedTargetFailsWithinTheTimeout() throws Exception {
        String iqn = target.get("IQN");
        define("stall", poolXml("stall", port(), iqn, null));
        Path dir = Files.createDirectories(home.resolve("dirpool"));
        Commands.run(List.of("chown", USER, dir.toString()), Map.of(), null, 10);
        ok(virsh("pool-create-as", "quick", "dir", "--target", dir.toString()));
        try {
            ok(virsh("pool-start", "stall"));
            signalTarget("STOP");
            try {
                long t0 = System.nanoTime();
                CompletableFuture<CommandResult> refresh = CompletableFuture.supplyAsync(() -> run("pool-refresh",
                        "stall"));
                Thread.sleep(500);
                long q0 = System.nanoTime();
                ok(virsh("vol-list", "quick"));
                long quick = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - q0);
                assertTrue(quick < 3000, "the dir pool answered in " + quick + " ms while the target was stopped");
                CommandResult r = refresh.get(TIMEOUT_SECONDS + SLACK_SECONDS, TimeUnit.SECONDS);
                long took = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                // on the pool's kept session: the first command after login gets no answer
                fails("error: internal error: Failed to reportluns: no answer from the target within 10 seconds", r);
                assertTrue(took >= TIMEOUT_SECONDS - 1 && took <= TIMEOUT_SECONDS + SLACK_SECONDS,
                        "took " + took + " s");
                // the failed refresh stopped the pool; a new login gets no answer either (the kernel still
                // accepts the TCP connection of the stopped tgtd)
                long s0 = System.nanoTime();
                fails("error: internal error: Failed to login: no answer from the target within 10 seconds",
                        virsh("pool-start", "stall"));
                long start = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - s0);
                assertTrue(start <= TIMEOUT_SECONDS + SLACK_SECONDS, "took " + start + " s");
            } finally {
                signalTarget("CONT");
            }
            // a refresh that fails leaves the pool inactive, as in libvirt
            ok(virsh("pool-start", "stall"));

            // mid-wipe: the target stops once the first zeros reached LUN 2's (sparse) backing file; the 128 MiB
            // take half a second or more
            Path lun2 = targetDir.resolve("lun2.img");
            long allocated = allocatedBlocks(lun2);
            long t0 = System.nanoTime();
            CompletableFuture<CommandResult> wipe = CompletableFuture.supplyAsync(() -> run("vol-wipe", "unit:0:0:2",
                    "--pool", "stall"));
            while (allocatedBlocks(lun2) == allocated && !wipe.isDone()) {
                Thread.sleep(2);
            }
            signalTarget("STOP");
            assertFalse(wipe.isDone(), () -> "the wipe ended before the target stopped: " + wipe.join());
            try {
                CommandResult r = wipe.get(TIMEOUT_SECONDS + SLACK_SECONDS + 5, TimeUnit.SECONDS);
                long took = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
                fails("error: internal error: failed to write to LUN 2: no answer from the target within 10 seconds",
                        r);
                assertTrue(took <= TIMEOUT_SECONDS + SLACK_SECONDS, "took " + took + " s");
                ok(virsh("vol-list", "quick"));
            } finally {
                signalTarget("CONT");
            }
            ok(virsh("pool-refresh", "stall"));
            assertTrue(ok(virsh("vol-list", "stall")).contains("unit:0:0:2"));
        } finally {
            remove("stall");
            virsh("pool-destroy", "quick");
        }
    }

    /** The file's allocated 512-byte blocks (st_blocks). */
    static long allocatedBlocks(Path file) throws Exception {
        CommandResult r = Commands.run(List.of("stat", "-c", "%b", file.toString()), Map.of(), null, 10);
        assertEquals(0, r.exitCode(), r::toString);
        return Long.parseLong(r.stdout().strip());
    }

    private static CommandResult run(String... args) {
        try {
            return virsh(args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> keys(String env) {
        Map<String, String> keys = new LinkedHashMap<>();
        env.lines().filter(l -> l.contains("=")).forEach(l -> keys.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        return keys;
    }
}
