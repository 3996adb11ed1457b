package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a modular libvirt host does with `virsh -c qemu:///system pool-list`: virsh talks to virtproxyd,
 * whose remote driver opens storage:///system on the storage daemon's socket
 * (/run/libvirt/virtstoraged-sock), forwards the client's identity (CONNECT_SET_IDENTITY) and proxies every
 * call and stream. src/test/resources/e2e/proxy/scenario.sh runs a whole directory-pool scenario with
 * uploads, downloads (sparse too), checksums and errors through libvirt 9.0's own virtproxyd inside a
 * private mount namespace, in system mode (as root) and in session mode (as nobody): once with our daemon
 * behind the proxy, once with libvirt 9.0's own modular virtstoraged (the reference, built from Debian's
 * source package by src/test/scripts/libvirt-modular.sh), and the two transcripts (stdout, stderr and exit
 * code of every step) must be identical. The proxy's debug log must show that it connected to the storage
 * daemon's socket and forwarded the identity, and the storage daemon's log that it served each connection.
 */
class ProxiedStorageIT {
    private static final Path SCENARIO = Path.of("src/test/resources/e2e/proxy/scenario.sh");
    private static final long SCENARIO_TIMEOUT_SECONDS = 600;

    @TempDir
    Path dir;

    /** As root: virtproxyd on /run/libvirt/libvirt-sock, the storage daemon on /run/libvirt/virtstoraged-sock. */
    @Test
    void systemModeThroughVirtproxydAsLibvirtsVirtstoraged() throws Exception {
        compareBehindProxy("system", "/run/libvirt/virtstoraged-sock");
    }

    /**
     * As an unprivileged user (nobody) with its own XDG_RUNTIME_DIR: virtproxyd and the storage daemon in
     * session mode, $XDG_RUNTIME_DIR/libvirt/libvirt-sock and $XDG_RUNTIME_DIR/libvirt/virtstoraged-sock.
     */
    @Test
    void sessionModeThroughVirtproxydAsLibvirtsVirtstoraged() throws Exception {
        compareBehindProxy("session", "@TMP@/run/libvirt/virtstoraged-sock");
    }

    private void compareBehindProxy(String mode, String storageSocket) throws Exception {
        CommandResult id = Commands.run(List.of("id", "-u"), Map.of(), null, 10);
        assertEquals("0", id.stdout().trim(), "ProxiedStorageIT runs the daemons in a mount namespace"
                + " (as root in system mode, as nobody in session mode): run the tests as root");
        HostTools.require("unshare", "util-linux");
        HostTools.require("setpriv", "util-linux");
        HostTools.require("python3", "python3");
        HostTools.virsh();
        String jar = Path.of(DaemonProcess.jar()).toAbsolutePath().toString();
        Map<String, String> daemons = ModularLibvirt.build("VIRTPROXYD", "VIRTSTORAGED");

        Map<String, String> env = new HashMap<>();
        env.put("VIRTPROXYD", daemons.get("VIRTPROXYD"));
        env.put("VIRTSTORAGED", daemons.get("VIRTSTORAGED"));
        env.put("VIRTSTORAGED_JAR", jar);
        env.put("JAVA", DaemonProcess.javaBinary());
        // both runs' temporary directories have names of the same length (vol-list --details aligns on
        // them); the session user must be able to reach them
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("TMPDIR", tmp.toString());

        Path reference = dir.resolve("reference");
        Path ours = dir.resolve("ours");
        runScenario("reference", reference, mode, env);
        runScenario("ours", ours, mode, env);

        // the reference run proves the set-up: virtproxyd went to the storage daemon's socket, forwarded
        // the identity on each connection, and libvirt's virtstoraged received it
        assertServedBehindProxy(reference, storageSocket);
        String expected = Files.readString(reference.resolve("transcript.txt"));
        String actual = Files.readString(ours.resolve("transcript.txt"));
        assertTrue(expected.contains("### info_undefined:"), "the reference transcript is incomplete:\n" + expected);
        if (!expected.equals(actual)) {
            CommandResult diff = Commands.run(List.of("diff", "-u", "--label", "libvirt virtstoraged 9.0", "--label",
                    "ours", reference.resolve("transcript.txt").toString(), ours.resolve("transcript.txt").toString()),
                    Map.of(), null, 30);
            fail(mode + " mode, behind virtproxyd, our daemon's transcript differs from libvirt's virtstoraged"
                    + " (- libvirt, + ours):\n" + diff.stdout() + "\nour daemon's log:\n"
                    + tail(ours.resolve("storage.log"), 4000) + tail(ours.resolve("storage.stderr"), 4000));
        }
        assertServedBehindProxy(ours, storageSocket);
    }

    /** route.txt of scenario.sh: what virtproxyd's and the storage daemon's debug logs say. */
    private static void assertServedBehindProxy(Path run, String storageSocket) throws IOException {
        Map<String, String> route = ModularLibvirt.keyValues(Files.readString(run.resolve("route.txt")));
        String logs = "\nvirtproxyd: " + run.resolve("virtproxyd.log") + "\nstorage daemon: " + run.resolve("storage.log");
        assertEquals(storageSocket, route.get("proxy_socket"),
                run.getFileName() + ": virtproxyd did not connect (only) to the storage daemon's socket" + logs);
        int forwarded = Integer.parseInt(route.get("proxy_forwarded_identity"));
        assertTrue(forwarded > 0, run.getFileName() + ": virtproxyd forwarded no identity" + logs);
        assertEquals(forwarded, Integer.parseInt(route.get("storage_clients")),
                run.getFileName() + ": the storage daemon did not serve every connection virtproxyd opened" + logs);
    }

    /**
     * Runs scenario.sh for one storage daemon. The script stops the daemons it started (its EXIT trap); when
     * it hangs, everything it started is killed here, and any daemon still alive afterwards (pids file) too.
     */
    private static void runScenario(String server, Path out, String mode, Map<String, String> env) throws Exception {
        Files.createDirectories(out);
        Path log = out.resolveSibling(server + ".script.log");
        ProcessBuilder pb = new ProcessBuilder("bash", SCENARIO.toString(), server, out.toString(), mode)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        List<ProcessHandle> started = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SCENARIO_TIMEOUT_SECONDS);
            while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                // remember the daemons while they are still the script's children
                p.descendants().filter(h -> !started.contains(h)).forEach(started::add);
                if (System.nanoTime() > deadline) {
                    fail("scenario.sh " + server + " did not finish within " + SCENARIO_TIMEOUT_SECONDS + " s:\n"
                            + Files.readString(log));
                }
            }
            assertEquals(0, p.exitValue(), "scenario.sh " + server + " failed:\n" + Files.readString(log)
                    + "\nstorage daemon:\n" + tail(out.resolve("storage.stderr"), 4000)
                    + "\nvirtproxyd:\n" + tail(out.resolve("virtproxyd.stderr"), 4000));
        } finally {
            p.descendants().forEach(started::add);
            for (ProcessHandle h : started) {
                h.destroyForcibly();
            }
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            killListedDaemons(out.resolve("pids"));
        }
    }

    /** The pids file of scenario.sh: NAME=PID of each daemon it started; kills the ones still running. */
    private static void killListedDaemons(Path pids) throws IOException {
        if (!Files.exists(pids)) {
            return;
        }
        for (String pid : ModularLibvirt.keyValues(Files.readString(pids)).values()) {
            ProcessHandle.of(Long.parseLong(pid.trim()))
                    .filter(h -> h.info().command().map(c -> c.endsWith("/java") || c.endsWith("/virtstoraged")
                            || c.endsWith("/virtproxyd")).orElse(false))
                    .ifPresent(h -> {
                        h.destroyForcibly();
                        h.onExit().orTimeout(30, TimeUnit.SECONDS).join();
                    });
        }
    }

    private static String tail(Path file, int chars) throws IOException {
        if (!Files.exists(file)) {
            return "<none>";
        }
        String s = Files.readString(file);
        return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
    }
}
