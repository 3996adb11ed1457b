package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ioctl(FS_IOC_GETFLAGS / FS_IOC_SETFLAGS) against e2fsprogs' lsattr. */
class InodeFlagsTest {
    /** FS_EXTENT_FL: every file ext4 creates has it. */
    private static final int EXTENTS = 0x00080000;

    @RegisterExtension
    static final LoopFilesystems FS = LoopFilesystems.of("ext4", "btrfs");

    /** lsattr -d's attribute letters of the file ("---------------C------ path"). */
    private static String lsattr(Path file) {
        return Tools.run("lsattr", "-d", file.toString()).strip().split("\\s+")[0];
    }

    @Test
    void nocowOnBtrfs() throws Exception {
        Path file = Files.createFile(FS.btrfs().resolve("vol"));
        try (Fd fd = Fd.open(file, Fd.O_RDONLY | Fd.O_NONBLOCK)) {
            int before = InodeFlags.get(fd);
            assertEquals(0, before & InodeFlags.NOCOW);
            assertEquals(-1, lsattr(file).indexOf('C'));
            InodeFlags.set(fd, before | InodeFlags.NOCOW);
            assertEquals(before | InodeFlags.NOCOW, InodeFlags.get(fd));
        }
        assertEquals(true, lsattr(file).indexOf('C') >= 0, lsattr(file));
    }

    @Test
    void ext4FlagsAsLsattrShowsThem() throws Exception {
        Path file = Files.createFile(FS.ext4().resolve("f"));
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            assertEquals(EXTENTS, InodeFlags.get(fd) & EXTENTS);
        }
        assertEquals(true, lsattr(file).indexOf('e') >= 0, lsattr(file));
    }

    @Test
    void notForEveryFile() throws Exception {
        Path fifo = FS.ext4().resolve("fifo");
        Tools.run("mkfifo", fifo.toString());
        try (Fd fd = Fd.open(fifo, Fd.O_RDONLY | Fd.O_NONBLOCK)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> InodeFlags.get(fd));
            assertEquals(Errno.ENOTTY, e.errno());
            assertEquals("ioctl(FS_IOC_GETFLAGS)", e.call());
            assertEquals("Inappropriate ioctl for device", e.strerror());
        }
    }
}
