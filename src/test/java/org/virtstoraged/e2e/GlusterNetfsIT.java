package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A netfs pool of format glusterfs for real, as root: src/test/scenarios/system/netfs-gluster.virsh replayed by
 * run-system.sh against our daemon in SYSTEM mode inside a private mount namespace, on the GlusterFS volume of
 * src/test/scripts/gluster-volume.sh (127.0.0.1). The pool is mounted with libvirt's argv (mount -o
 * nodev,nosuid,noexec,direct-io-mode=1 -t glusterfs 127.0.0.1:/gv0), its volumes made, uploaded to, downloaded,
 * resized, wiped, cloned and deleted through the FUSE mount, and unmounted by pool-destroy. The transcript must
 * equal the one recorded with libvirt 9.0's libvirtd as root in the same kind of namespace on the same kind of
 * volume (netfs-gluster.expected, written by record-system.sh).
 */
class GlusterNetfsIT {
    @TempDir
    Path home;

    @Test
    void netfsGlusterScenarioMatchesRootLibvirtd() throws Exception {
        FsPoolIT.requireHostTools();
        HostTools.require("qemu-img", "qemu-utils");
        if (!"0".equals(Commands.run(List.of("id", "-u"), Map.of(), null, 10).stdout().trim())) {
            fail("GlusterNetfsIT mounts a GlusterFS volume: it must run as root");
        }
        Path scenario = FsPoolIT.SYSTEM_SCENARIOS.resolve("netfs-gluster.virsh");
        Path expectedFile = FsPoolIT.SYSTEM_SCENARIOS.resolve("netfs-gluster.expected");
        Path base = VirshScenarioIT.freshBase();
        try (GlusterVolume gluster = GlusterVolume.start(home.resolve("gluster"))) {
            CommandResult r = Commands.run(List.of("bash", FsPoolIT.SYSTEM_SCENARIOS.resolve("run-system.sh").toString(),
                    Path.of(DaemonProcess.jar()).toAbsolutePath().toString(), scenario.toAbsolutePath().toString(),
                    base.toString()), Map.of("LC_ALL", "C", "JAVA", DaemonProcess.javaBinary()), null, 600);
            assertEquals(0, r.exitCode(), "run-system.sh failed:\n" + r);
            Files.createDirectories(VirshScenarioIT.ACTUAL);
            Path actualFile = VirshScenarioIT.ACTUAL.resolve("netfs-gluster.actual");
            Files.writeString(actualFile, r.stdout());
            if (!Files.readString(expectedFile).equals(r.stdout())) {
                fail("virsh transcript of netfs-gluster.virsh differs from root libvirtd 9.0's (- expected, + ours; "
                        + "full transcript in " + actualFile.toAbsolutePath() + "):\n"
                        + VirshScenarioIT.unifiedDiff(expectedFile, actualFile) + "\nstderr:\n" + r.stderr());
            }
        } finally {
            VirshScenarioIT.deleteTree(base);
        }
    }
}
