package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fallocate(2) and posix_fadvise(2). */
class FallocateTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void allocatingGrowsBlocksAndSize() throws Exception {
        for (Path root : new Path[] {dir, Path.of("/dev/shm")}) {
            Path file = Files.createTempFile(root, "falloc", "");
            try (Fd fd = Fd.open(file, Fd.O_WRONLY)) {
                Fallocate.allocate(fd, Fallocate.ALLOCATE, 0, 4 * MIB);
                FileStatus st = Statx.of(fd);
                assertEquals(4 * MIB, st.size(), root.toString());
                assertTrue(st.blocks() >= 4 * MIB / 512, root + ": " + st.blocks());
                assertEquals(Long.parseLong(Tools.run("stat", "-c", "%b", file.toString()).strip()), st.blocks());
            } finally {
                Files.delete(file);
            }
        }
    }

    @Test
    void keepSizeAllocatesPastTheEnd() throws Exception {
        Path file = Files.write(dir.resolve("keep"), new byte[5000]);
        try (Fd fd = Fd.open(file, Fd.O_RDWR)) {
            long before = Statx.of(fd).blocks();
            Fallocate.allocate(fd, Fallocate.KEEP_SIZE, 0, 2 * MIB);
            FileStatus st = Statx.of(fd);
            assertEquals(5000, st.size());
            assertTrue(st.blocks() >= 2 * MIB / 512 && st.blocks() > before, "blocks " + st.blocks());
        }
    }

    @Test
    void errorsAreErrnos() throws Exception {
        Path file = Files.write(dir.resolve("ro"), new byte[10]);
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Fallocate.allocate(fd, Fallocate.ALLOCATE, 0, MIB));
            assertEquals(Errno.EBADF, e.errno());
            assertEquals("Bad file descriptor", e.strerror());
            assertEquals("fallocate", e.call());
        }
        try (Fd fd = Fd.open(file, Fd.O_WRONLY)) {
            assertEquals(Errno.EINVAL, assertThrows(ErrnoException.class,
                    () -> Fallocate.allocate(fd, Fallocate.ALLOCATE, 0, 0)).errno());
        }
    }

    @Test
    void fadviseTakesAdviceAndReportsItsReturnedError() throws Exception {
        Path file = Files.write(dir.resolve("adv"), new byte[64 * 1024]);
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            Fadvise.advise(fd, 0, 0, Fadvise.SEQUENTIAL);
            Fadvise.advise(fd, 0, 0, Fadvise.DONTNEED);
            // posix_fadvise returns the error instead of setting errno
            ErrnoException e = assertThrows(ErrnoException.class, () -> Fadvise.advise(fd, 0, 0, 99));
            assertEquals(Errno.EINVAL, e.errno());
            assertEquals("Invalid argument", e.strerror());
            assertEquals("posix_fadvise", e.call());
        }
    }
}
