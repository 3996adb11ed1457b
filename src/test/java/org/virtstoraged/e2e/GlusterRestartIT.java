package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gluster pool across a daemon restart, on a real GlusterFS volume (src/test/scripts/gluster-volume.sh): the
 * daemon stops promptly with the pool's connection open (its glfs_fini, ~10 s, is not waited for beyond a few
 * seconds), and at start-up the pool is active again as it was (virStorageBackendGlusterCheckPool keeps the
 * state it had) with its volumes read anew.
 */
class GlusterRestartIT {
    @TempDir
    Path home;

    @Test
    void activePoolIsActiveAgainAfterARestart() throws Exception {
        HostTools.require("qemu-img", "qemu-utils");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        DaemonProcess ours = DaemonProcess.asUser(home.resolve("d"), "nobody");
        try (GlusterVolume gluster = GlusterVolume.start(home.resolve("gluster")); ours) {
            Path mnt = gluster.mountPoint();
            ok(Commands.run(List.of("mount", "-t", "glusterfs", "-o", "log-file=/dev/null", gluster.host() + ":/"
                    + gluster.volume(), mnt.toString()), Map.of(), null, 60));
            try {
                ok(Commands.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", mnt.resolve("f.qcow2").toString(),
                        "4M"), Map.of(), null, 60));
            } finally {
                ok(Commands.run(List.of("umount", mnt.toString()), Map.of(), null, 60));
            }
            ours.start();
            Virsh virsh = ours.virsh();
            ok(virsh.run("pool-define-as", "gl", "gluster", "--source-host", gluster.host(), "--source-name",
                    gluster.volume()));
            ok(virsh.run("pool-start", "gl"));
            assertTrue(virsh.run("vol-list", "gl").stdout().contains("gluster://127.0.0.1/gv0/f.qcow2"));

            long t0 = System.nanoTime();
            ours.close();
            long stopMillis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(stopMillis < 8000, "the daemon took " + stopMillis + " ms to stop with a gluster pool active");

            ours.start();
            CommandResult list = virsh.run("pool-list", "--all");
            assertTrue(list.stdout().matches("(?s).*\\bgl\\s+active\\b.*"), list::toString);
            CommandResult vols = virsh.run("vol-list", "gl", "--details");
            ok(vols);
            assertTrue(vols.stdout().contains("gluster://127.0.0.1/gv0/f.qcow2") && vols.stdout().contains("network"),
                    vols::toString);
            ok(virsh.run("pool-destroy", "gl"));
            ok(virsh.run("pool-undefine", "gl"));
        }
    }

    private static void ok(CommandResult r) {
        assertEquals(0, r.exitCode(), r::toString);
    }
}
