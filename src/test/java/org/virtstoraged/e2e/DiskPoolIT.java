package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Disk pools for real: our daemon as root in system mode (in its own mount namespace, see
 * {@link DaemonProcess#systemInMountNamespace}) partitions a fresh 100 MiB loop device while
 * src/test/scenarios/disk/disk-pool.virsh drives it with virsh; the normalized transcript must equal the one
 * recorded against libvirt 9.0's libvirtd running as root on a loop device of its own
 * (src/test/scenarios/disk/record-disk.sh). The loop device is always detached again.
 */
class DiskPoolIT {
    static final Path SCENARIO_DIR = Path.of("src/test/scenarios/disk");

    @Test
    void diskPoolScenarioMatchesLibvirt() throws Exception {
        VirshScenarioIT.requireHostTools();
        HostTools.require("parted", "parted");
        HostTools.require("losetup", "mount");
        HostTools.require("unshare", "util-linux");
        HostTools.require("blkid", "util-linux");
        if (!"0".equals(Commands.run(List.of("id", "-u"), Map.of(), null, 10).stdout().strip())) {
            fail("DiskPoolIT partitions a loop device: it must run as root");
        }
        Path scenario = SCENARIO_DIR.resolve("disk-pool.virsh");
        Path expectedFile = SCENARIO_DIR.resolve("disk-pool.expected");
        Path work = Files.createTempDirectory("vdisk");
        Path image = work.resolve("disk.img");
        Path home = Files.createTempDirectory("vdisk-home");
        Path base = VirshScenarioIT.freshBase();
        Commands.run(List.of("truncate", "-s", "100M", image.toString()), Map.of(), null, 30);
        CommandResult attach = Commands.run(List.of("losetup", "-fP", "--show", image.toString()), Map.of(), null, 30);
        assertEquals(0, attach.exitCode(), "losetup failed: " + attach);
        String device = attach.stdout().strip();
        try (DaemonProcess daemon = DaemonProcess.systemInMountNamespace(home)) {
            daemon.start();
            CommandResult r = Commands.run(List.of(VirshScenarioIT.PYTHON.toString(),
                    Path.of("src/test/scenarios/virsh_scenario.py").toAbsolutePath().toString(),
                    "--uri", daemon.uri(), "--base", base.toString(), "--device", device,
                    scenario.toAbsolutePath().toString()), Map.of("LC_ALL", "C"), null, 900);
            assertEquals(0, r.exitCode(), "virsh_scenario.py failed:\n" + r + "\ndaemon log:\n" + daemon.log());
            Files.createDirectories(VirshScenarioIT.ACTUAL);
            Path actualFile = VirshScenarioIT.ACTUAL.resolve("disk-pool.actual");
            Files.writeString(actualFile, r.stdout());
            if (!Files.readString(expectedFile).equals(r.stdout())) {
                fail("virsh transcript of disk-pool.virsh differs from libvirtd 9.0's (- expected, + ours; full "
                        + "transcript in " + actualFile.toAbsolutePath() + "):\n"
                        + VirshScenarioIT.unifiedDiff(expectedFile, actualFile) + "\ndaemon log:\n" + daemon.log());
            }
        } finally {
            Commands.run(List.of("losetup", "-d", device), Map.of(), null, 30);
            VirshScenarioIT.deleteTree(base);
            VirshScenarioIT.deleteTree(home);
            VirshScenarioIT.deleteTree(work);
        }
    }
}
