package org.virtstoraged.storage.backend.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * Start, stop, check and build of fs/netfs pools with the tools replayed: the argv libvirt runs, the mount
 * table consulted first, the errors. The failing NFS mount's message is a real recording: util-linux 2.38's
 * mount on this Debian 12 machine without nfs-common (the same message appears in the root libvirtd's recorded
 * transcript, src/test/scenarios/system/fs-pool.expected). The real fs path runs in FsPoolIT.
 */
class FileSystemPoolBackendTest {
    static final FsTools TOOLS = new FsTools("/bin/mount", "/bin/umount", "/sbin/mkfs", "/sbin/showmount",
            name -> name.equals("/sbin/mkfs") ? Optional.of(name) : Optional.empty());

    @TempDir
    Path tmp;

    PoolDefinition netfs(String target) {
        return PoolXml.parse("<pool type='netfs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'>"
                + "<name>n</name><source><host name='nfs.example.com'/><dir path='/export/images'/>"
                + "<format type='nfs'/><protocol ver='3'/></source><target><path>" + target + "</path></target>"
                + "<fs:mount_opts><fs:option name='sync'/></fs:mount_opts></pool>");
    }

    PoolDefinition fs(String device, String format, String target) {
        return PoolXml.parse("<pool type='fs'><name>f</name><source><device path='" + device + "'/><format type='"
                + format + "'/></source><target><path>" + target + "</path></target></pool>");
    }

    FileSystemPoolBackend backend(PoolType type, ReplayCommandRunner runner, String mounts) throws Exception {
        Path table = tmp.resolve("mounts");
        Files.writeString(table, mounts);
        return new FileSystemPoolBackend(type, runner, TOOLS, new MountTable(table));
    }

    @Test
    void startMountsWhenNotMountedAndReportsMountsError() throws Exception {
        String target = tmp.resolve("nfs").toString();
        List<String> mount = List.of("/bin/mount", "-o", "nodev,nosuid,noexec,nfsvers=3,sync", "-t", "nfs",
                "nfs.example.com:/export/images", target);
        ReplayCommandRunner runner = new ReplayCommandRunner().on(mount, 32, "",
                "mount: " + target + ": unknown filesystem type 'nfs'.\n"
                        + "       dmesg(1) may have more information after failed mount system call.\n");
        FileSystemPoolBackend b = backend(PoolType.NETFS, runner, "proc /proc proc rw 0 0\n");
        VirException e = assertThrows(VirException.class, () -> b.startPool(netfs(target)));
        assertEquals("internal error: Child process (/bin/mount -o nodev,nosuid,noexec,nfsvers=3,sync -t nfs "
                + "nfs.example.com:/export/images " + target + ") unexpected exit status 32: mount: " + target
                + ": unknown filesystem type 'nfs'.\n"
                + "       dmesg(1) may have more information after failed mount system call.\n", e.getMessage());
        assertEquals(List.of(mount), runner.commands());
    }

    @Test
    void alreadyMountedStartsWithoutMountingAndStopUnmounts() throws Exception {
        String target = tmp.resolve("nfs").toString();
        ReplayCommandRunner runner = new ReplayCommandRunner().on(List.of("/bin/umount", target), 0, "", "");
        FileSystemPoolBackend b = backend(PoolType.NETFS, runner,
                "nfs.example.com:/export/images " + target.replace(" ", "\\040") + " nfs4 rw 0 0\n");
        assertTrue(b.checkPool(netfs(target)));
        b.startPool(netfs(target));
        assertEquals(List.of(), runner.commands());
        b.stopPool(netfs(target));
        assertEquals(List.of(List.of("/bin/umount", target)), runner.commands());
    }

    @Test
    void stopWhenNotMountedDoesNothing() throws Exception {
        ReplayCommandRunner runner = new ReplayCommandRunner();
        FileSystemPoolBackend b = backend(PoolType.FS, runner, "/dev/sdz1 /elsewhere ext4 rw 0 0\n");
        PoolDefinition def = fs("/dev/sdz1", "ext4", tmp.resolve("mnt").toString());
        assertFalse(b.checkPool(def));
        b.stopPool(def);
        assertEquals(List.of(), runner.commands());
    }

    @Test
    void cifsSourceIsMatchedAsMountShowsIt() throws Exception {
        String target = tmp.resolve("cifs").toString();
        PoolDefinition def = PoolXml.parse("<pool type='netfs'><name>c</name><source><host name='example.com'/>"
                + "<dir path='samba_share'/><format type='cifs'/></source><target><path>" + target
                + "</path></target></pool>");
        FileSystemPoolBackend b = backend(PoolType.NETFS, new ReplayCommandRunner(),
                "//example.com/samba_share " + target + " cifs rw 0 0\n");
        assertTrue(b.checkPool(def));
    }

    @Test
    void buildWithNoOverwriteProbesThenFormats() throws Exception {
        Path device = Files.createFile(tmp.resolve("disk.img"));
        String target = tmp.resolve("mnt").toString();
        List<String> blkid = List.of("blkid", "-p", "-o", "export", device.toString());
        List<String> mkfs = List.of("/sbin/mkfs", "-t", "ext4", "-F", device.toString());
        ReplayCommandRunner runner = new ReplayCommandRunner().on(blkid, 2, "", "").on(mkfs, 0, "", "");
        FileSystemPoolBackend b = backend(PoolType.FS, runner, "");
        b.buildPool(fs(device.toString(), "ext4", target), org.virtstoraged.storage.backend.BuildFlags.NO_OVERWRITE);
        assertEquals(List.of(blkid, mkfs), runner.commands());
        assertTrue(Files.isDirectory(Path.of(target)));
    }

    @Test
    void buildWithNoOverwriteRefusesAFormattedDevice() throws Exception {
        Path device = Files.createFile(tmp.resolve("disk.img"));
        List<String> blkid = List.of("blkid", "-p", "-o", "export", device.toString());
        String ext4 = "DEVNAME=" + device + "\nUUID=0f1e\nVERSION=1.0\nBLOCK_SIZE=4096\nTYPE=ext4\nUSAGE=filesystem\n";
        ReplayCommandRunner runner = new ReplayCommandRunner().on(blkid, 0, ext4, "");
        FileSystemPoolBackend b = backend(PoolType.FS, runner, "");
        String target = tmp.resolve("mnt").toString();
        assertEquals("Storage pool already built: Device '" + device + "' already formatted using 'ext4'",
                assertThrows(VirException.class, () -> b.buildPool(fs(device.toString(), "ext4", target),
                        org.virtstoraged.storage.backend.BuildFlags.NO_OVERWRITE)).getMessage());
        assertEquals("Storage pool already built: Format of device '" + device + "' does not match the expected "
                + "format 'xfs', forced overwrite is necessary", assertThrows(VirException.class,
                        () -> b.buildPool(fs(device.toString(), "xfs", target),
                                org.virtstoraged.storage.backend.BuildFlags.NO_OVERWRITE)).getMessage());
    }

    @Test
    void buildErrors() throws Exception {
        FileSystemPoolBackend b = backend(PoolType.FS, new ReplayCommandRunner(), "");
        String target = tmp.resolve("mnt").toString();
        assertEquals("Requested operation is not valid: Source device does not exist when formatting pool 'f'",
                assertThrows(VirException.class, () -> b.buildPool(fs(tmp.resolve("none").toString(), "ext4",
                        target), org.virtstoraged.storage.backend.BuildFlags.OVERWRITE)).getMessage());
        FileSystemPoolBackend n = backend(PoolType.NETFS, new ReplayCommandRunner(), "");
        assertEquals("Requested operation is not valid: No source device specified when formatting pool 'n'",
                assertThrows(VirException.class, () -> n.buildPool(netfs(tmp.resolve("nfs").toString()),
                        org.virtstoraged.storage.backend.BuildFlags.OVERWRITE)).getMessage());
    }

    @Test
    void mkfsForcesAsLibvirtDoes() {
        assertEquals(List.of("/sbin/mkfs", "-t", "xfs", "-f", "/dev/x"), FileSystemPoolBackend.mkfsArgv("/sbin/mkfs", "xfs", "/dev/x"));
        assertEquals(List.of("/sbin/mkfs", "-t", "vfat", "-I", "/dev/x"), FileSystemPoolBackend.mkfsArgv("/sbin/mkfs", "vfat", "/dev/x"));
        assertEquals(List.of("/sbin/mkfs", "-t", "ext3", "-F", "/dev/x"), FileSystemPoolBackend.mkfsArgv("/sbin/mkfs", "ext3", "/dev/x"));
        assertEquals(List.of("/sbin/mkfs", "-t", "btrfs", "/dev/x"), FileSystemPoolBackend.mkfsArgv("/sbin/mkfs", "btrfs", "/dev/x"));
    }

    @Test
    void fsHasNoSourceDiscoveryNetfsHas() throws Exception {
        assertFalse(backend(PoolType.FS, new ReplayCommandRunner(), "").supports(
                org.virtstoraged.storage.backend.StorageBackend.Operation.FIND_POOL_SOURCES));
        assertTrue(backend(PoolType.NETFS, new ReplayCommandRunner(), "").supports(
                org.virtstoraged.storage.backend.StorageBackend.Operation.FIND_POOL_SOURCES));
    }

    @Test
    void mountTableDecodesEscapes() {
        assertEquals("/a b\tc\\d", MountTable.decode("/a\\040b\\011c\\134d"));
    }
}
