package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.fail;

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
        Path base = VirshScenarioIT.freshBase();
        try (GlusterVolume _ = GlusterVolume.start(home.resolve("gluster"))) {
            FsPoolIT.assertSystemScenarioMatches("netfs-gluster", base);
        } finally {
            VirshScenarioIT.deleteTree(base);
        }
    }
}
