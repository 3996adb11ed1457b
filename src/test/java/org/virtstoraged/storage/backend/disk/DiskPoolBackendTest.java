package org.virtstoraged.storage.backend.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.command.RecordingCommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * The parted command lines of the disk backend as libvirt 9.0 builds them, run for real by parted on an
 * image file (parted partitions a regular file as it does a disk; the kernel makes no partition nodes for
 * it, so volumes cannot be read back here: DiskPoolIT does that on a loop device).
 */
class DiskPoolBackendTest {
    @TempDir
    Path dir;

    private Path image() throws Exception {
        Path image = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(100L * 1024 * 1024);
        }
        return image;
    }

    private static PoolDefinition pool(Path device, String format) {
        return PoolDefinition.builder(PoolType.DISK, "p", "0a5c3d2e-6a43-4b7e-9f42-3f4c1b2a9d11")
                .source(PoolSource.builder().devices(List.of(new PoolSourceDevice(device.toString())))
                        .format(format).build())
                .targetPath("/dev").build();
    }

    @Test
    void buildWritesTheLabelWithPartedMklabel() throws Exception {
        Path image = image();
        RecordingCommandRunner runner = new RecordingCommandRunner();
        DiskPoolBackend backend = new DiskPoolBackend(runner);
        backend.buildPool(pool(image, "dos"), org.virtstoraged.storage.backend.BuildFlags.NO_OVERWRITE);
        assertEquals(List.of(List.of("parted", image.toString(), "mklabel", "--script", "msdos")),
                runner.commandsOf("parted"));
        VirException again = assertThrows(VirException.class, () -> backend.buildPool(pool(image, "dos"), 0));
        assertEquals("Storage pool already built: Device '" + image + "' already formatted using 'dos'",
                again.getMessage());
        VirException other = assertThrows(VirException.class, () -> backend.buildPool(pool(image, "gpt"), 0));
        assertTrue(other.getMessage().contains("does not match the expected format 'gpt'"), other.getMessage());
        backend.buildPool(pool(image, "gpt"), org.virtstoraged.storage.backend.BuildFlags.OVERWRITE);
        assertEquals(List.of("parted", image.toString(), "mklabel", "--script", "gpt"),
                runner.commandsOf("parted").get(1));
    }

    @Test
    void refreshReadsFreeExtentsAndCreateRunsMkpartWithLibvirtsBoundaries() throws Exception {
        Path image = image();
        RecordingCommandRunner runner = new RecordingCommandRunner();
        DiskPoolBackend backend = new DiskPoolBackend(runner);
        PoolDefinition def = pool(image, "dos");
        backend.buildPool(def, 0);
        RefreshedPool refreshed = backend.refreshPool(def);
        // an image file has its own geometry: the free extent runs from the first track to the last cylinder
        List<org.virtstoraged.storage.model.PoolFreeExtent> free =
                refreshed.definition().source().devices().get(0).freeExtents();
        assertEquals(1, free.size());
        assertEquals(free.get(0).end() - free.get(0).start(), refreshed.definition().available());
        // the image file has no partition nodes: reading the new partition back fails, after mkpart ran
        VolumeDefinition vol = VolumeDefinition.builder("disk.img1").capacity(10L * 1024 * 1024)
                .targetFormat("linux-swap").build();
        assertThrows(VirException.class, () -> backend.createVol(refreshed.definition(), vol));
        List<String> mkpart = runner.commandsOf("parted").stream().filter(c -> c.contains("mkpart")).findFirst()
                .orElseThrow();
        assertEquals(List.of("parted", image.toString(), "mkpart", "--script", "primary linux-swap",
                free.get(0).start() + "B"), mkpart.subList(0, 6));
        long end = Long.parseLong(mkpart.get(6).replace("B", ""));
        assertTrue(end + 1 - free.get(0).start() >= 10L * 1024 * 1024, mkpart.toString());
    }

    @Test
    void partitionTableParsesLogicalFreeSpaceInsideTheExtendedPartition() {
        String out = String.join("\n", "Model: Loopback device (loopback)", "Disk /dev/loop0: 104857600B",
                "Sector size (logical/physical): 512B/512B", "Partition Table: msdos", "Disk Flags: cylinder_alignment",
                "", "Number  Start      End         Size       Type      File system  Flags",
                "        1024B      1048575B    1047552B             Free Space",
                " 1      1048576B   20971519B   19922944B  primary",
                " 2      20971520B  80000511B   59028992B  extended               lba",
                " 5      20999680B  40000511B   19000832B  logical",
                "        50000384B  80000511B   30000128B            Free Space",
                "        80000512B  104709119B  24708608B            Free Space", "",
                "Model: Loopback device (loopback)", "Disk /dev/loop0: 401,144,1",
                "Sector size (logical/physical): 512B/512B",
                "BIOS cylinder,head,sector geometry: 401,255,2.  Each cylinder is 261kB.", "");
        PartitionTable t = PartitionTable.parse(out);
        assertEquals(255, t.heads());
        assertEquals(2, t.sectors());
        assertEquals(List.of(
                new PartitionTable.Entry(0, PartitionTable.Kind.NORMAL, true, 1024, 1048576),
                new PartitionTable.Entry(1, PartitionTable.Kind.NORMAL, false, 1048576, 20971520),
                new PartitionTable.Entry(2, PartitionTable.Kind.EXTENDED, false, 20971520, 80000512),
                new PartitionTable.Entry(5, PartitionTable.Kind.LOGICAL, false, 20999680, 40000512),
                new PartitionTable.Entry(0, PartitionTable.Kind.LOGICAL, true, 50000384, 80000512),
                new PartitionTable.Entry(0, PartitionTable.Kind.NORMAL, true, 80000512, 104709120)), t.entries());
    }

    @Test
    void deleteRunsPartedRmWithWhatFollowsTheDeviceName() throws Exception {
        Path image = image();
        Path part = Files.createFile(dir.resolve("disk.img7"));
        RecordingCommandRunner runner = new RecordingCommandRunner();
        DiskPoolBackend backend = new DiskPoolBackend(runner);
        backend.buildPool(pool(image, "dos"), 0);
        VolumeDefinition vol = VolumeDefinition.builder("disk.img7").targetPath(part.toString()).build();
        VirException e = assertThrows(VirException.class, () -> backend.deleteVol(pool(image, "dos"), vol, 0));
        assertEquals(List.of("parted", image.toString(), "rm", "--script", "7"), runner.commandsOf("parted").get(1));
        assertTrue(e.getMessage().startsWith("internal error: Child process (parted " + image + " rm --script 7) unexpected exit"),
                e.getMessage());
    }
}
