package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our daemon as root, in system mode, inside a private mount namespace (tmpfs over /run, /etc/libvirt,
 * /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt: the host is untouched), driven by the same
 * script that recorded libvirt 9.0's libvirtd doing the same (src/test/resources/e2e/libvirtd-9.0/system):
 * socket modes and group (default and unix_sock_group / *_perms), polkit by default (root skips it, an
 * unprivileged virsh gets libvirt's no-D-Bus error), and with auth "none" what a read-only virsh may do
 * and the exact refusal of everything else. Every output must equal the recording byte for byte.
 */
class SystemModeIT {
    private static final Path RECORDING = Path.of("src/test/resources/e2e/libvirtd-9.0/system");

    @TempDir
    Path out;

    @TempDir
    Path home;

    @Test
    void systemModeSocketsAndReadOnlyAccessAsLibvirt() throws Exception {
        CommandResult id = Commands.run(List.of("id", "-u"), Map.of(), null, 10);
        assertEquals("0", id.stdout().trim(), "SystemModeIT runs the daemon as root: run the tests as root");
        HostTools.require("unshare", "util-linux");
        HostTools.require("runuser", "util-linux");
        HostTools.virsh();
        PythonStorageApiIT.requirePythonLibvirt();
        CommandResult r = Commands.run(List.of("bash", RECORDING.resolve("record.sh").toString()),
                Map.of("OUT_DIR", out.toString(), "VIRTSTORAGED_JAR", Path.of(DaemonProcess.jar()).toAbsolutePath().toString(),
                        "JAVA", DaemonProcess.javaBinary()), null, 600);
        String log = Files.exists(out.resolve("daemon.log")) ? Files.readString(out.resolve("daemon.log")) : "";
        assertEquals(0, r.exitCode(), r + "\ndaemon log:\n" + log);

        // identity_*.json: a forwarding daemon's CONNECT_SET_IDENTITY and storage calls, rw and ro sockets
        List<String> files = new ArrayList<>(List.of("modes_default.txt", "modes_none.txt", "identity_rw.json",
                "identity_ro.json"));
        for (String line : Files.readAllLines(RECORDING.resolve("steps.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String name = line.split("\t")[1];
            files.addAll(List.of(name + ".stdout", name + ".stderr", name + ".exit"));
        }
        List<String> differences = new ArrayList<>();
        for (String f : files) {
            String expected = Files.readString(RECORDING.resolve(f));
            String actual = Files.exists(out.resolve(f)) ? Files.readString(out.resolve(f)) : "<missing>";
            if (!expected.equals(actual)) {
                differences.add(f + ":\n--- libvirtd 9.0\n" + expected + "--- ours\n" + actual);
            }
        }
        assertTrue(differences.isEmpty(), String.join("\n", differences) + "\ndaemon log:\n" + log);
    }

    /** libvirt resolves unix_sock_group before creating any socket: an unknown group stops the start (status 6). */
    @Test
    void unknownSocketGroupStopsTheStart() throws Exception {
        Path conf = home.resolve("group.conf");
        Files.writeString(conf, "unix_sock_group = \"no-such-group-xyz\"\n");
        DaemonProcess d = new DaemonProcess(home);
        CommandResult r = d.runToCompletion(60, "-f", conf.toString());
        assertEquals(6, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("invalid argument: Failed to parse group 'no-such-group-xyz'"), r.stderr());
        assertTrue(!Files.exists(d.socket()), "a socket was created");
    }
}
