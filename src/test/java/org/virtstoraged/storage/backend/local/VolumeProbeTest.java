package org.virtstoraged.storage.backend.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.storage.command.ProcessCommandRunner;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.VolumeBackingStore;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;

/**
 * When the backing store of a volume shows the backing file's owner, mode and times, and when it keeps
 * what it had: libvirt reads them only from a regular file or block device (VIR_STORAGE_VOL_OPEN_DEFAULT).
 */
class VolumeProbeTest {
    private static final Permissions DEFINED = new Permissions(0644, -1, -1, "unconfined_u:object_r:virt_image_t:s0");

    @TempDir
    Path dir;

    private final VolumeProbe probe = new VolumeProbe();

    /** A raw volume of the definition's kind, its file present, backed by {@code backing} with DEFINED permissions. */
    private VolumeDefinition defined(String backing) throws IOException {
        Path file = Files.write(dir.resolve("vol.img"), new byte[4096]);
        return VolumeDefinition.builder("vol.img").targetPath(file.toString()).targetFormat("raw")
                .backingStore(new VolumeBackingStore(backing, "raw", DEFINED)).build();
    }

    @Test
    void aNewVolumeBackedByACharacterDeviceKeepsItsDefinedBackingPermissions() throws IOException {
        VolumeBackingStore backing = probe.update(defined("/dev/null")).backingStore().orElseThrow();
        assertEquals(DEFINED, backing.permissions());
        assertNull(backing.timestamps());
    }

    @Test
    void aNewVolumeBackedByADirectoryOrNothingKeepsItsDefinedBackingPermissions() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("a-directory"));
        for (String path : List.of(directory.toString(), dir.resolve("missing").toString())) {
            VolumeBackingStore backing = probe.update(defined(path)).backingStore().orElseThrow();
            assertEquals(DEFINED, backing.permissions(), path);
            assertNull(backing.timestamps(), path);
        }
    }

    @Test
    void aRegularBackingFileGivesItsOwnOwnerModeAndTimesAndNoLabel() throws IOException {
        Path base = Files.write(dir.resolve("base.img"), new byte[512]);
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rw-r-----"));
        FileStat st = FileStat.of(base).orElseThrow();
        VolumeBackingStore backing = probe.update(defined(base.toString())).backingStore().orElseThrow();
        assertEquals(new Permissions(0640, st.uid(), st.gid(), null), backing.permissions());
        assertEquals(st.timestamps(), backing.timestamps());
    }

    @Test
    void aProbedImageBackedByDevNullHasNoBackingPermissions() throws IOException {
        Path top = qemuImgCreate("top.qcow2", "-b", "/dev/null", "-F", "raw");
        VolumeBackingStore backing = probeFile(top).backingStore().orElseThrow();
        assertEquals(new VolumeBackingStore("/dev/null", "raw", Permissions.UNSET, null), backing);
    }

    @Test
    void aProbedImageBackedByARegularFileShowsTheFilesPermissions() throws IOException {
        Path base = Files.write(dir.resolve("base.img"), new byte[1 << 20]);
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rw-r-----"));
        Path top = qemuImgCreate("top.qcow2", "-b", base.toString(), "-F", "raw");
        FileStat st = FileStat.of(base).orElseThrow();
        VolumeBackingStore backing = probeFile(top).backingStore().orElseThrow();
        assertEquals(new Permissions(0640, st.uid(), st.gid(), null), backing.permissions());
        assertNotNull(backing.timestamps());
    }

    @Test
    void aProbedLuksFileIsRawWithLuksEncryptionAndItsHeaderIsNotCapacity() throws IOException {
        Path luks = luksCreate("enc.img", "4M");
        VolumeDefinition found = probeFile(luks);
        assertEquals("raw", found.targetFormat());
        assertEquals(new VolumeEncryption(VolumeEncryption.Format.LUKS, null, List.of(), null, null),
                found.encryption().orElseThrow());
        assertEquals(4 << 20, found.capacity());
        assertTrue(found.physical() > 4 << 20, "the header is part of the file: " + found.physical());
    }

    @Test
    void anEncryptedRawVolumeReadAgainKeepsItsSecretAndLosesTheHeaderFromCapacity() throws IOException {
        Path luks = luksCreate("enc.img", "4M");
        VolumeEncryption enc = new VolumeEncryption(VolumeEncryption.Format.LUKS, null,
                List.of(VolumeEncryption.Secret.byUuid("2c9a8c1e-55d4-4b8e-9d1a-000000000001")), null, null);
        VolumeDefinition vol = VolumeDefinition.builder("enc.img").targetPath(luks.toString()).targetFormat("raw")
                .encryption(enc).build();
        VolumeDefinition updated = probe.update(vol);
        assertEquals(4 << 20, updated.capacity());
        assertEquals(enc, updated.encryption().orElseThrow());
        // a plain raw file is its size, whatever its first bytes
        assertEquals(Files.size(luks), probe.update(vol.withEncryption(null)).capacity());
    }

    @Test
    void aLuksFileWhoseHeaderIsGoneIsPlainRawAgain() throws IOException {
        Path luks = luksCreate("enc.img", "4M");
        try (var ch = java.nio.channels.FileChannel.open(luks, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(4096));
        }
        VolumeEncryption enc = new VolumeEncryption(VolumeEncryption.Format.LUKS, null,
                List.of(VolumeEncryption.Secret.byUuid("2c9a8c1e-55d4-4b8e-9d1a-000000000001")), null, null);
        VolumeDefinition wiped = probe.probe(probeFile(luks).withEncryption(enc), FileStat.of(luks).orElseThrow());
        assertTrue(wiped.encryption().isEmpty(), "a probe replaces the encryption with the header's");
        assertEquals(Files.size(luks), wiped.capacity());
    }

    private Path luksCreate(String name, String size) throws IOException {
        Path key = Files.writeString(dir.resolve("key"), "passphrase");
        Path file = dir.resolve(name);
        var r = new ProcessCommandRunner().run(List.of("qemu-img", "create", "-q", "--object",
                "secret,id=k0,file=" + key, "-f", "luks", "-o", "key-secret=k0,iter-time=10", file.toString(), size));
        assertEquals(0, r.exitCode(), r.stderr());
        return file;
    }

    private VolumeDefinition probeFile(Path file) {
        VolumeDefinition found = VolumeDefinition.builder(file.getFileName().toString()).targetPath(file.toString())
                .key(file.toString()).build();
        return probe.probe(found, FileStat.of(file).orElseThrow());
    }

    private Path qemuImgCreate(String name, String... options) {
        Path file = dir.resolve(name);
        List<String> argv = new java.util.ArrayList<>(List.of("qemu-img", "create", "-q", "-f", "qcow2"));
        argv.addAll(List.of(options));
        argv.addAll(List.of(file.toString(), "1M"));
        var r = new ProcessCommandRunner().run(argv);
        assertEquals(0, r.exitCode(), r.stderr());
        return file;
    }
}
