package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * fs and netfs pools for real, as root: src/test/scenarios/system/fs-pool.virsh replayed by
 * src/test/scenarios/system/run-system.sh against our daemon in SYSTEM mode, started as root inside a private
 * mount namespace (unshare -m, tmpfs over /run/libvirt, /etc/libvirt, /var/lib/libvirt, /var/cache/libvirt,
 * /var/log/libvirt), so the host's state and mount table are untouched. The scenario formats a loop device with
 * ext4 (pool-build --no-overwrite / --overwrite, the refusal on a formatted device), mounts it (pool-start),
 * creates and lists volumes, unmounts (pool-destroy), mounts again (the volumes are still there), deletes; then
 * xfs over ext4; then a netfs pool whose real mount fails (no NFS here) and netfs source discovery without
 * showmount. The normalized transcript must equal the one recorded with libvirt 9.0's libvirtd running as root
 * in the same kind of namespace (fs-pool.expected, written by record-system.sh). Loop devices are detached and
 * everything is unmounted whatever happens (the runner's own cleanup, then this test's).
 */
class FsPoolIT {
    static final Path SYSTEM_SCENARIOS = Path.of("src/test/scenarios/system");

    static void requireHostTools() {
        VirshScenarioIT.requireHostTools();
        HostTools.require("unshare", "util-linux");
        HostTools.require("blkid", "util-linux");
        HostTools.require("findmnt", "util-linux");
        HostTools.require("losetup", "mount");
        HostTools.require("mount", "mount");
        HostTools.require("mkfs.ext4", "e2fsprogs");
        HostTools.require("mkfs.xfs", "xfsprogs");
        HostTools.require("truncate", "coreutils");
    }

    @Test
    void fsPoolScenarioMatchesRootLibvirtd() throws Exception {
        requireHostTools();
        if (!"0".equals(Commands.run(List.of("id", "-u"), Map.of(), null, 10).stdout().trim())) {
            fail("FsPoolIT mounts file systems: it must run as root");
        }
        Path base = VirshScenarioIT.freshBase();
        try {
            assertSystemScenarioMatches("fs-pool", base);
        } finally {
            detachLoops(base);
            VirshScenarioIT.deleteTree(base);
        }
    }

    /**
     * Replays SYSTEM_SCENARIOS/NAME.virsh with run-system.sh against our daemon (root, system mode, private mount
     * namespace) under {@code base}, and fails unless the transcript equals NAME.expected, root libvirtd 9.0's.
     */
    static void assertSystemScenarioMatches(String name, Path base) throws Exception {
        Path scenario = SYSTEM_SCENARIOS.resolve(name + ".virsh");
        Path expectedFile = SYSTEM_SCENARIOS.resolve(name + ".expected");
        CommandResult r = Commands.run(List.of("bash", SYSTEM_SCENARIOS.resolve("run-system.sh").toString(),
                Path.of(DaemonProcess.jar()).toAbsolutePath().toString(), scenario.toAbsolutePath().toString(),
                base.toString()), Map.of("LC_ALL", "C", "JAVA", DaemonProcess.javaBinary()), null, 600);
        assertEquals(0, r.exitCode(), "run-system.sh failed:\n" + r);
        Files.createDirectories(VirshScenarioIT.ACTUAL);
        Path actualFile = VirshScenarioIT.ACTUAL.resolve(name + ".actual");
        Files.writeString(actualFile, r.stdout());
        if (!Files.readString(expectedFile).equals(r.stdout())) {
            fail("virsh transcript of " + name + ".virsh differs from root libvirtd 9.0's (- expected, + ours; full "
                    + "transcript in " + actualFile.toAbsolutePath() + "):\n"
                    + VirshScenarioIT.unifiedDiff(expectedFile, actualFile) + "\nstderr:\n" + r.stderr());
        }
    }

    /** Loop devices still backed by the scenario's images (the runner detaches them; this is the safety net). */
    static void detachLoops(Path base) throws Exception {
        if (!Files.isDirectory(base)) {
            return;
        }
        List<Path> images;
        try (Stream<Path> files = Files.list(base)) {
            images = files.filter(p -> p.getFileName().toString().matches("loop[0-9]*\\.img")).toList();
        }
        for (Path image : images) {
            CommandResult j = Commands.run(List.of("losetup", "-j", image.toString()), Map.of(), null, 30);
            for (String line : j.stdout().split("\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    Commands.run(List.of("losetup", "-d", line.substring(0, colon)), Map.of(), null, 30);
                }
            }
        }
    }
}
