package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** open(2) and close(2). */
class FdTest {
    private static final int O_CLOEXEC = 02000000;

    @TempDir
    Path dir;

    /** The "flags:" line of /proc/self/fdinfo/N, in octal there. */
    private static int procFlags(int fd) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).strip(), 8);
            }
        }
        throw new AssertionError("no flags in fdinfo");
    }

    @Test
    void opensWithCloexecAndTheAccessModeAsked() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            assertTrue(fd.value() >= 0);
            assertEquals(file, fd.path());
            int flags = procFlags(fd.value());
            assertEquals(O_CLOEXEC, flags & O_CLOEXEC);
            assertEquals(Fd.O_RDONLY, flags & 3);
        }
        try (Fd fd = Fd.open(file, Fd.O_RDWR | Fd.O_NONBLOCK)) {
            int flags = procFlags(fd.value());
            assertEquals(Fd.O_RDWR, flags & 3);
            assertEquals(Fd.O_NONBLOCK, flags & Fd.O_NONBLOCK);
        }
    }

    @Test
    void closeReleasesTheDescriptorOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        Fd fd = Fd.open(file, Fd.O_RDONLY);
        int n = fd.value();
        assertTrue(Files.exists(Path.of("/proc/self/fd/" + n)));
        fd.close();
        fd.close();
        assertThrows(IllegalStateException.class, fd::value);
        // the number is free again (unless another thread took it meanwhile: then it is not our file)
        assertFalse(Files.exists(Path.of("/proc/self/fd/" + n))
                && Files.isSameFile(Path.of("/proc/self/fd/" + n), file));
    }

    @Test
    void neverCreatesAndReportsErrno() {
        Path missing = dir.resolve("missing");
        ErrnoException e = assertThrows(ErrnoException.class, () -> Fd.open(missing, Fd.O_WRONLY));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open", e.call());
        assertFalse(Files.exists(missing));
        ErrnoException dirWrite = assertThrows(ErrnoException.class, () -> Fd.open(dir, Fd.O_WRONLY));
        assertEquals(Errno.EISDIR, dirWrite.errno());
        assertEquals("Is a directory", dirWrite.strerror());
    }
}
