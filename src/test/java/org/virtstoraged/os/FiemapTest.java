package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ioctl(FS_IOC_FIEMAP) on ext4 against e2fsprogs' filefrag, which makes the same ioctl. */
class FiemapTest {
    private static final int K4 = 4096;
    private static final long MIB = 1 << 20;

    @RegisterExtension
    static final LoopFilesystems FS = LoopFilesystems.of("ext4");

    /** 1 MiB fallocated (unwritten), then 600 single blocks with a hole after each: over two calls' worth. */
    private static Path fragmented(String name) throws Exception {
        Path file = FS.ext4().resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(8 * MIB);
        }
        try (Fd fd = Fd.open(file, Fd.O_WRONLY)) {
            Fallocate.allocate(fd, Fallocate.KEEP_SIZE, 0, MIB);
        }
        byte[] block = new byte[K4];
        java.util.Arrays.fill(block, (byte) 7);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            for (int i = 0; i < 600; i++) {
                f.seek(2 * MIB + 2L * i * K4);
                f.write(block);
            }
            f.getFD().sync();
        }
        return file;
    }

    @Test
    void extentsAsFilefragShowsThem() throws Exception {
        Path file = fragmented("frag");
        List<Fiemap.Extent> extents;
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            extents = Fiemap.extents(fd, Fiemap.FLAG_SYNC);
        }
        FilefragOutput filefrag = FilefragOutput.parse(Tools.run("filefrag", "-v", "-s", file.toString()));
        assertEquals(8 * MIB, filefrag.size());
        assertEquals(filefrag.extents(), extents);
        assertTrue(extents.size() > 600, "extents: " + extents.size());
        Fiemap.Extent first = extents.get(0);
        assertEquals(0, first.logical());
        assertTrue(first.has(Fiemap.EXTENT_UNWRITTEN));
        Fiemap.Extent last = extents.get(extents.size() - 1);
        assertTrue(last.has(Fiemap.EXTENT_LAST));
        assertEquals(2 * MIB + 2L * 599 * K4, last.logical());
        assertEquals(K4, last.length());
        assertEquals(1, extents.stream().filter(e -> e.has(Fiemap.EXTENT_LAST)).count());
    }

    @Test
    void aRangeGivesTheExtentsOverlappingIt() throws Exception {
        Path file = fragmented("range");
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            List<Fiemap.Extent> some = Fiemap.extents(fd, 2 * MIB + 4 * K4, 3 * K4, 0);
            assertEquals(List.of(2 * MIB + 4 * K4, 2 * MIB + 6 * K4), some.stream().map(Fiemap.Extent::logical).toList());
            assertTrue(Fiemap.extents(fd, MIB, MIB, 0).isEmpty(), "the hole between");
        }
    }

    @Test
    void syncFlagShowsDataStillInThePageCache() throws Exception {
        Path file = FS.ext4().resolve("cached");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(MIB);
        }
        try (Fd fd = Fd.open(file, Fd.O_WRONLY)) {
            Fallocate.allocate(fd, Fallocate.ALLOCATE, 0, MIB);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.getFD().sync();
            f.seek(512 * 1024);
            f.write(new byte[] {1, 2, 3});
        }
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            List<Fiemap.Extent> written = Fiemap.extents(fd, Fiemap.FLAG_SYNC).stream()
                    .filter(e -> !e.has(Fiemap.EXTENT_UNWRITTEN)).toList();
            assertEquals(1, written.size(), written.toString());
            assertEquals(512 * 1024, written.get(0).logical());
            assertEquals(K4, written.get(0).length());
        }
    }

    @Test
    void emptyFileHasNoExtents() throws Exception {
        Path file = Files.createFile(FS.ext4().resolve("empty"));
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            assertTrue(Fiemap.extents(fd, Fiemap.FLAG_SYNC).isEmpty());
        }
    }

    @Test
    void tmpfsHasNoFiemap() throws Exception {
        Path file = Files.createTempFile(Path.of("/dev/shm"), "fiemap", "");
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> Fiemap.extents(fd, 0));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertEquals("ioctl(FS_IOC_FIEMAP) " + file + ": Operation not supported", e.getMessage());
        } finally {
            Files.delete(file);
        }
        try (Fd fd = Fd.open(Path.of("/dev/null"), Fd.O_RDONLY)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> Fiemap.extents(fd, 0));
            assertFalse(e.errno() != Errno.EOPNOTSUPP && e.errno() != Errno.ENOTTY, e.getMessage());
        }
    }
}
