package org.virtstoraged.storage.backend.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.local.SecretFiles;
import org.virtstoraged.storage.backend.local.VolumeSecretStore;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.command.RecordingCommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;

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

    // ---- LUKS volumes ------------------------------------------------------------------------------

    private static final String SECRET = "3c1f0b9e-7d2a-4e51-8b6c-9a0d4f2e1b77";
    private static final long MIB = 1024 * 1024;
    private static final long LUKS_CAPACITY = 10 * MIB;

    /**
     * parted runs for real on the image; the kernel makes no partition nodes for a file, so partition 1's node
     * is played by a file "IMAGE1" of the partition's length; qemu-img is recorded (with the passphrase file's
     * content at that moment), not run.
     */
    private static final class PartitionNodes implements CommandRunner {
        final RecordingCommandRunner real = new RecordingCommandRunner();
        final List<List<String>> qemuImg = new ArrayList<>();
        final List<String> passphrases = new ArrayList<>();
        private final Path image;

        PartitionNodes(Path image) {
            this.image = image;
        }

        @Override
        public CommandResult run(List<String> argv) {
            if (argv.get(0).endsWith("/qemu-img") || argv.get(0).equals("qemu-img")) {
                qemuImg.add(argv);
                String object = argv.get(argv.indexOf("--object") + 1);
                try {
                    passphrases.add(Files.readString(Path.of(object.substring(object.indexOf(",file=") + 6))));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return new CommandResult(0, "", "");
            }
            CommandResult r = real.run(argv);
            Path node = Path.of(image + "1");
            try {
                if (r.exitCode() == 0 && argv.contains("mkpart")) {
                    long start = Long.parseLong(argv.get(5).replace("B", ""));
                    long end = Long.parseLong(argv.get(6).replace("B", ""));
                    try (RandomAccessFile f = new RandomAccessFile(node.toFile(), "rw")) {
                        f.setLength(end + 1 - start);
                    }
                } else if (r.exitCode() == 0 && argv.contains("rm")) {
                    Files.deleteIfExists(node);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return r;
        }

        List<String> mkpart() {
            return real.commandsOf("parted").stream().filter(c -> c.contains("mkpart")).findFirst().orElseThrow();
        }
    }

    private static VolumeSecretStore store(String passphrase) {
        return new VolumeSecretStore() {
            @Override
            public byte[] value(VolumeEncryption.Secret secret) {
                if (!secret.uuid().equals(SECRET)) {
                    return VolumeSecretStore.NONE.value(secret);
                }
                return passphrase.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public java.util.Optional<java.util.UUID> secretForPath(String volumePath) {
                return java.util.Optional.empty();
            }
        };
    }

    private static VolumeDefinition luksVolume(String name, long capacity, String secret) {
        return VolumeDefinition.builder(name).capacity(capacity).encryption(new VolumeEncryption(
                VolumeEncryption.Format.LUKS, null, List.of(VolumeEncryption.Secret.byUuid(secret)), null, null))
                .build();
    }

    /** What {@link #createLuks} ran and on what, for the tests to look at afterwards. */
    private PartitionNodes luksRunner;
    private DiskPoolBackend luksBackend;
    private PoolDefinition luksPool;

    /**
     * The shape of both LUKS creates below: on a new dos label, a LUKS volume "disk.img1" of LUKS_CAPACITY whose
     * secret is {@code secret}, through a secret driver that knows only {@link #SECRET} (value "hunter2") and
     * writes its passphrase files in dir/state. Made or failed, no passphrase file stays.
     */
    private VolumeDefinition createLuks(Path image, String secret) throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        luksRunner = new PartitionNodes(image);
        luksBackend = new DiskPoolBackend(luksRunner, new SecretFiles(state, store("hunter2")));
        PoolDefinition def = pool(image, "dos");
        luksBackend.buildPool(def, 0);
        luksPool = luksBackend.refreshPool(def).definition();
        try {
            return luksBackend.createVol(luksPool, luksVolume("disk.img1", LUKS_CAPACITY, secret));
        } finally {
            try (var files = Files.list(state)) {
                assertEquals(List.of(), files.toList(), "the passphrase file stayed");
            }
        }
    }

    /**
     * virStorageBackendDiskCreateVol with encryption: the partition is asked for 2 MiB more than the capacity,
     * the volume then has the partition's size less 2 MiB, and qemu-img writes LUKS over the whole partition
     * with the passphrase in a state-directory file that is gone afterwards.
     */
    @Test
    void luksVolumeGetsTwoMoreMebibytesOfPartitionAndQemuImgLuksOnIt() throws Exception {
        Path image = image();
        VolumeDefinition made = createLuks(image, SECRET);
        // the image's cylinders are 64 KiB: a partition for 10 MiB alone would be 2 MiB short
        long capacity = LUKS_CAPACITY;
        List<String> mkpart = luksRunner.mkpart();
        long length = Long.parseLong(mkpart.get(6).replace("B", "")) + 1 - Long.parseLong(mkpart.get(5).replace("B", ""));
        assertTrue(length >= capacity + 2 * MIB, "partition of " + length + " bytes for " + capacity + ": " + mkpart);
        assertEquals(length - 2 * MIB, made.capacity());
        assertEquals(length - 2 * MIB, made.allocation());
        assertTrue(made.encryption().isPresent(), "the new volume keeps its encryption");

        assertEquals(1, luksRunner.qemuImg.size(), luksRunner.qemuImg.toString());
        List<String> argv = luksRunner.qemuImg.get(0);
        String object = argv.get(5);
        assertTrue(object.matches("secret,id=disk\\.img1_encrypt0,file="
                + java.util.regex.Pattern.quote(dir.resolve("state").toString())
                + "/p\\.disk\\.img1\\.secret\\.[A-Za-z0-9]{6}"), object);
        assertEquals(List.of("create", "-f", "luks", "--object", object, "-o", "key-secret=disk.img1_encrypt0",
                image + "1", (length - 2 * MIB) / 1024 + "K"), argv.subList(1, argv.size()));
        assertEquals(List.of("hunter2"), luksRunner.passphrases);
    }

    /** A secret the secret driver does not know fails the creation, and the new partition is removed again. */
    @Test
    void luksVolumeWithAnUnknownSecretLeavesNoPartition() throws Exception {
        Path image = image();
        String unknown = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a";
        VirException e = assertThrows(VirException.class, () -> createLuks(image, unknown));
        assertEquals("Secret not found: no secret with matching uuid '" + unknown + "'", e.getMessage());
        assertEquals(List.of(), luksRunner.qemuImg);
        assertTrue(luksRunner.real.commandsOf("parted").contains(List.of("parted", image.toString(), "rm", "--script",
                "1")), luksRunner.real.commands().toString());
        PartitionTable table = PartitionTable.parse(new RecordingCommandRunner()
                .run(PartitionTable.command("parted", image.toString())).stdout());
        assertTrue(table.entries().stream().allMatch(PartitionTable.Entry::free), table.toString());
        assertTrue(luksBackend.changedPool(luksPool).orElseThrow().volumes().isEmpty());
    }

    /** libvirt's disk backend refuses every encryption but LUKS before it partitions anything. */
    @Test
    void onlyLuksEncryptionIsAccepted() throws Exception {
        Path image = image();
        RecordingCommandRunner runner = new RecordingCommandRunner();
        DiskPoolBackend backend = new DiskPoolBackend(runner);
        PoolDefinition def = pool(image, "dos");
        backend.buildPool(def, 0);
        RefreshedPool refreshed = backend.refreshPool(def);
        VolumeDefinition qcow = VolumeDefinition.builder("disk.img1").capacity(10 * MIB).encryption(new VolumeEncryption(
                VolumeEncryption.Format.QCOW, null, List.of(), null, null)).build();
        VirException e = assertThrows(VirException.class, () -> backend.createVol(refreshed.definition(), qcow));
        assertEquals("unsupported configuration: storage pool only supports LUKS encrypted volumes", e.getMessage());
        assertTrue(runner.commandsOf("parted").stream().noneMatch(c -> c.contains("mkpart")));
    }
}
