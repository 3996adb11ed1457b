package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ioctl(FICLONE): shares blocks on btrfs, refused on ext4 and across filesystems. */
class ReflinkTest {
    @RegisterExtension
    static final LoopFilesystems FS = LoopFilesystems.of("ext4", "btrfs");

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(3).nextBytes(b);
        return b;
    }

    @Test
    void cloneSharesTheDataBlocksOnBtrfs() throws Exception {
        byte[] data = random(1 << 20);
        Path source = Files.write(FS.btrfs().resolve("source"), data);
        Path copy = Files.createFile(FS.btrfs().resolve("copy"));
        try (Fd in = Fd.open(source, Fd.O_RDONLY); Fd out = Fd.open(copy, Fd.O_WRONLY)) {
            Reflink.clone(out, in);
            List<Fiemap.Extent> extents = Fiemap.extents(out, Fiemap.FLAG_SYNC);
            assertTrue(!extents.isEmpty() && extents.stream().allMatch(e -> e.has(Fiemap.EXTENT_SHARED)),
                    extents.toString());
            List<Fiemap.Extent> original = Fiemap.extents(in, 0);
            assertEquals(original.stream().map(Fiemap.Extent::physical).toList(),
                    extents.stream().map(Fiemap.Extent::physical).toList());
        }
        assertArrayEquals(data, Files.readAllBytes(copy));
    }

    @Test
    void ext4CannotAndFilesystemsCannotBeCrossed() throws Exception {
        Path source = Files.write(FS.ext4().resolve("source"), random(65536));
        Path copy = Files.createFile(FS.ext4().resolve("copy"));
        try (Fd in = Fd.open(source, Fd.O_RDONLY); Fd out = Fd.open(copy, Fd.O_WRONLY)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> Reflink.clone(out, in));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertEquals("ioctl(FICLONE) " + copy + ": Operation not supported", e.getMessage());
        }
        Path other = Files.createFile(FS.btrfs().resolve("from-ext4"));
        try (Fd in = Fd.open(source, Fd.O_RDONLY); Fd out = Fd.open(other, Fd.O_WRONLY)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> Reflink.clone(out, in));
            assertEquals(Errno.EXDEV, e.errno());
            assertEquals("Invalid cross-device link", e.strerror());
        }
    }
}
