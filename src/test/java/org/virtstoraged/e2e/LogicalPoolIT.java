package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A logical pool on a REAL loop device, driven with the real virsh, against the transcript the real
 * libvirt 9.0 libvirtd (as root) gave for the same steps ({@code logical/libvirtd-reference.txt}, made by
 * {@code logical/record-libvirtd.sh}). Real here: pool-build (pvcreate + vgcreate: the host's vgs/pvs see
 * the group), find-storage-pool-sources (pvs), pool-start (vgchange -aly of a group without LVs),
 * pool-info (vgs), pool-destroy, pool-delete (vgremove + pvremove) and the lvcreate failures of this
 * kernel, which has no device-mapper (so no LV can be made; LV listings are covered by the playback
 * tests in LogicalBackendTest, labelled there).
 *
 * <p>Isolation: the daemon and the host tools get LVM_SYSTEM_DIR with a private lvm.conf whose filter
 * accepts only this test's loop device; the daemon runs in session mode with its state under a
 * temporary directory. The group, the PV and the loop device are removed in any case.
 */
class LogicalPoolIT {
    private static final String VG = "libvirt_it_vg";

    @TempDir
    Path tmp;

    @Test
    void sameTranscriptAsLibvirtdOnALoopDevice() throws Exception {
        String bash = HostTools.require("bash", "bash");
        HostTools.require("vgcreate", "lvm2");
        String losetup = HostTools.require("losetup", "mount");
        Path image = tmp.resolve("d1.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(64L * 1024 * 1024);
        }
        CommandResult attach = Commands.run(List.of(losetup, "-f", "--show", image.toString()), Map.of(), null, 30);
        assertEquals(0, attach.exitCode(), attach.toString());
        String loop = attach.stdout().trim();
        Path lvm = Files.createDirectories(tmp.resolve("lvm"));
        Files.writeString(lvm.resolve("lvm.conf"), "devices {\n  filter = [ \"a|^" + loop + "$|\", \"r|.*|\" ]\n"
                + "  global_filter = [ \"a|^" + loop + "$|\", \"r|.*|\" ]\n  use_devicesfile = 0\n"
                + "  obtain_device_list_from_udev = 0\n}\nglobal { locking_dir = \"" + tmp.resolve("lock") + "\" }\n"
                + "activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }\n");
        Map<String, String> lvmEnv = Map.of("LVM_SYSTEM_DIR", lvm.toString(), "LC_ALL", "C");
        try (DaemonProcess daemon = new DaemonProcess(tmp.resolve("home"))) {
            daemon.withEnv("LVM_SYSTEM_DIR", lvm.toString()).start();
            Files.writeString(tmp.resolve("pool.xml"), "<pool type='logical'>\n  <name>" + VG + "</name>\n"
                    + "  <source>\n    <device path='" + loop + "'/>\n    <name>" + VG + "</name>\n"
                    + "    <format type='lvm2'/>\n  </source>\n  <target>\n    <path>/dev/" + VG + "</path>\n"
                    + "  </target>\n</pool>\n");
            String script = "set -u\n"
                    + "v() { echo \"\\$ virsh $*\"; LC_ALL=C virsh -c '" + daemon.uri() + "' \"$@\" 2>&1; "
                    + "echo \"[exit $?]\"; }\n"
                    + "h() { echo \"\\$ $*\"; LC_ALL=C LVM_SUPPRESS_FD_WARNINGS=1 \"$@\" 2>&1; echo \"[exit $?]\"; }\n"
                    + ". '" + Path.of("src/test/resources/logical/it-steps.sh").toAbsolutePath() + "'\n";
            Map<String, String> env = new java.util.HashMap<>(lvmEnv);
            env.put("WORK", tmp.toString());
            CommandResult run = Commands.run(List.of(bash, "-c", script), env, null, 300);
            String ours = normalise(run.stdout() + run.stderr(), loop, tmp.toString());
            String reference = Files.readString(Path.of("src/test/resources/logical/libvirtd-reference.txt"));
            assertEquals(reference, ours, "daemon log:\n" + daemon.log());
        } finally {
            Commands.run(List.of("vgremove", "-f", VG), lvmEnv, null, 60);
            Commands.run(List.of("pvremove", loop), lvmEnv, null, 60);
            Commands.run(List.of(losetup, "-d", loop), Map.of(), null, 30);
        }
    }

    /** As record-libvirtd.sh normalises libvirtd's transcript: device, work directory, uuids. */
    private static String normalise(String text, String loop, String work) {
        return text.replaceAll(java.util.regex.Pattern.quote(loop) + "\\b", "@LOOP@").replace(work, "@WORK@")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "@UUID@");
    }
}
