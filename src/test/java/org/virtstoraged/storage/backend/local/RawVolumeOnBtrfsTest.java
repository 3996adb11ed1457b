package org.virtstoraged.storage.backend.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.os.Fd;
import org.virtstoraged.os.Fiemap;
import org.virtstoraged.os.InodeFlags;
import org.virtstoraged.os.LoopFilesystems;
import org.virtstoraged.storage.command.RecordingCommandRunner;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * What a raw volume asks of btrfs: the nocow attribute (virFileSetCOW) and a reflink clone (FICLONE), and
 * libvirt's errors for them on ext4. No child process either way.
 */
class RawVolumeOnBtrfsTest {
    private static final long MIB = 1 << 20;

    @RegisterExtension
    static final LoopFilesystems FS = LoopFilesystems.of("ext4", "btrfs");

    private final RecordingCommandRunner runner = new RecordingCommandRunner();
    private final LocalVolumeBuilder builder = new LocalVolumeBuilder(runner);

    private static VolumeDefinition raw(Path path, long capacity, long allocation, boolean nocow) {
        return VolumeDefinition.builder(path.getFileName().toString()).targetPath(path.toString())
                .targetFormat("raw").capacity(capacity).allocation(allocation).nocow(nocow).build();
    }

    private static Path randomFile(Path path, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(9).nextBytes(data);
        return Files.write(path, data);
    }

    @Test
    void nocowVolumeOnBtrfs() throws Exception {
        Path path = FS.btrfs().resolve("nocow.img");
        builder.build(raw(path, 4 * MIB, 4 * MIB, true), 0);
        try (Fd fd = Fd.open(path, Fd.O_RDONLY)) {
            assertEquals(InodeFlags.NOCOW, InodeFlags.get(fd) & InodeFlags.NOCOW);
        }
        assertEquals(4 * MIB, Files.size(path));
        assertEquals(List.of(), runner.commands());
    }

    @Test
    void nocowElsewhereIsLibvirtsEnosys() {
        Path path = FS.ext4().resolve("nocow.img");
        VirException e = assertThrows(VirException.class, () -> builder.build(raw(path, MIB, 0, true), 0));
        assertEquals(ErrorCode.SYSTEM_ERROR, e.code());
        assertEquals(ErrorDomain.NONE.number(), e.domain());
        assertEquals("unable to control COW flag on '" + path + "', not btrfs: Function not implemented",
                e.getMessage());
        assertFalse(Files.exists(path), "the volume it created is removed again");
    }

    @Test
    void reflinkCloneSharesTheInputsBlocks() throws Exception {
        Path input = randomFile(FS.btrfs().resolve("base.img"), (int) (8 * MIB));
        Path path = FS.btrfs().resolve("clone.img");
        builder.buildFrom(raw(path, 8 * MIB, 0, false), raw(input, 8 * MIB, 8 * MIB, false),
                VolumeCreateFlags.REFLINK);
        assertArrayEquals(Files.readAllBytes(input), Files.readAllBytes(path));
        try (Fd fd = Fd.open(path, Fd.O_RDONLY)) {
            List<Fiemap.Extent> extents = Fiemap.extents(fd, Fiemap.FLAG_SYNC);
            assertTrue(!extents.isEmpty() && extents.stream().allMatch(x -> x.has(Fiemap.EXTENT_SHARED)),
                    extents.toString());
        }
        assertEquals(List.of(), runner.commands());
    }

    @Test
    void reflinkWhereTheFilesystemCannot() throws Exception {
        Path input = randomFile(FS.ext4().resolve("base.img"), (int) MIB);
        Path path = FS.ext4().resolve("clone.img");
        VirException e = assertThrows(VirException.class, () -> builder.buildFrom(raw(path, MIB, 0, false),
                raw(input, MIB, MIB, false), VolumeCreateFlags.REFLINK));
        assertEquals(ErrorCode.SYSTEM_ERROR, e.code());
        assertEquals("failed to clone files from '" + input + "': Operation not supported", e.getMessage());
        assertFalse(Files.exists(path));
    }
}
