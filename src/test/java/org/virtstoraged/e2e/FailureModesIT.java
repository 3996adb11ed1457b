package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Failures that must change nothing. A read-only config directory (our daemon runs inside
 * `unshare -m` with the directory bind-mounted read-only): pool-define gives libvirt's error, "Failed to
 * create file 'DIR/NAME.xml.new': Read-only file system" (libvirtd 9.0, recorded with an unwritable
 * directory: src/test/resources/e2e/libvirtd-9.0/restart/readonly-config.txt), and leaves no pool and no
 * file. A full file system (a 2 MiB tmpfs): a vol-create that does not fit fails and leaves no volume.
 */
class FailureModesIT {

    @Test
    void readOnlyConfigDirRefusesDefineAndChangesNothing() throws Exception {
        VirshScenarioIT.requireHostTools();
        HostTools.require("unshare", "util-linux");
        Path home = Files.createTempDirectory("vro-home");
        try (DaemonProcess daemon = new DaemonProcess(home)) {
            Path storage = home.resolve("config/libvirt/storage");
            Files.createDirectories(storage);
            String java = String.join(" ", daemon.command().stream().map(FailureModesIT::quote).toList());
            ProcessBuilder pb = new ProcessBuilder("unshare", "-m", "--propagation", "private", "bash", "-c",
                    "mount --bind " + quote(storage.toString()) + " " + quote(storage.toString()) + " && mount -o remount,bind,ro "
                            + quote(storage.toString()) + " && exec " + java)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("daemon.log").toFile()));
            pb.environment().putAll(daemon.env());
            Process p = pb.start();
            try {
                daemon.awaitSocket(daemon.socket(), 60);
                Virsh virsh = daemon.virsh();
                CommandResult r = virsh.run("pool-define-as", "rop", "dir", "--target", home.resolve("rop").toString());
                String expected = Files.readString(Path.of("src/test/resources/e2e/libvirtd-9.0/restart/readonly-config.txt"))
                        .lines().filter(l -> l.startsWith("error: ")).map(l -> l.replace("@CONFIG@", storage.toString())
                                .replace("Permission denied", "Read-only file system")).reduce("", (a, b) -> a + b + "\n");
                assertEquals(1, r.exitCode(), r.toString());
                assertEquals(expected, r.stderr().replaceAll("(?m)^\\s*$\\n?", ""));
                CommandResult list = virsh.run("pool-list", "--all", "--name");
                assertEquals("", list.stdout().trim(), "no pool may appear");
                try (Stream<Path> files = Files.list(storage)) {
                    assertEquals(List.of(), files.toList(), "nothing may be written");
                }
            } finally {
                p.destroy();
                p.waitFor();
            }
        } finally {
            VirshScenarioIT.deleteTree(home);
        }
    }

    @Test
    void fullFileSystemLeavesNoHalfMadeVolume() throws Exception {
        VirshScenarioIT.requireHostTools();
        Path home = Files.createTempDirectory("vfull-home");
        Path pool = Files.createTempDirectory("vfull-pool");
        CommandResult mount = Commands.run(List.of("mount", "-t", "tmpfs", "-o", "size=2M", "tmpfs", pool.toString()),
                Map.of(), null, 30);
        assertEquals(0, mount.exitCode(), "cannot mount a tmpfs (the test runs as root): " + mount);
        try (DaemonProcess daemon = new DaemonProcess(home)) {
            daemon.start();
            Virsh virsh = daemon.virsh();
            assertEquals(0, virsh.run("pool-create-as", "full", "dir", "--target", pool.toString()).exitCode());
            CommandResult r = virsh.run("vol-create-as", "full", "big.raw", "8M", "--allocation", "8M");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("No space left on device"), r.stderr());
            List<String> left = new ArrayList<>();
            try (Stream<Path> files = Files.list(pool)) {
                files.forEach(f -> left.add(f.getFileName().toString()));
            }
            assertEquals(List.of(), left, "a failed vol-create must leave no file");
            assertEquals("", virsh.run("vol-list", "full", "--name").stdout().trim());
        } finally {
            Commands.run(List.of("umount", pool.toString()), Map.of(), null, 30);
            VirshScenarioIT.deleteTree(pool);
            VirshScenarioIT.deleteTree(home);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
