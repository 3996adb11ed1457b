package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.storage.SystemErrors;

/** strerror_r's texts, and the exception a failed call becomes. */
class ErrnoTest {
    @TempDir
    Path dir;

    @Test
    void textsAreGlibcs() {
        assertEquals("No such file or directory", Errno.strerror(Errno.ENOENT));
        assertEquals("Permission denied", Errno.strerror(Errno.EACCES));
        assertEquals("Operation not supported", Errno.strerror(Errno.EOPNOTSUPP));
        assertEquals("Function not implemented", Errno.strerror(Errno.ENOSYS));
        assertEquals("Invalid cross-device link", Errno.strerror(Errno.EXDEV));
        assertEquals("Inappropriate ioctl for device", Errno.strerror(Errno.ENOTTY));
        // formatted into the buffer rather than a static message
        assertEquals("Unknown error 4242", Errno.strerror(4242));
    }

    @Test
    void sameTextAsTheJdkGivesForTheSameErrno() throws Exception {
        Path file = Files.createFile(dir.resolve("file"));
        // mkdir below a regular file: ENOTDIR, whose text the JDK takes from the C library too
        FileSystemException jdk = assertThrows(FileSystemException.class,
                () -> Files.createDirectory(file.resolve("sub")));
        assertEquals(jdk.getReason(), Errno.strerror(Errno.ENOTDIR));
    }

    @Test
    void failedCallCarriesErrnoTextCallAndFile() {
        Path missing = dir.resolve("missing");
        ErrnoException e = assertThrows(ErrnoException.class, () -> Statx.of(missing, true));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("No such file or directory", e.strerror());
        assertEquals("statx", e.call());
        assertEquals(missing.toString(), e.getFile());
        assertEquals("statx " + missing + ": No such file or directory", e.getMessage());
        // libvirt's "MESSAGE: STRERROR" through the handler every java.nio error takes
        assertInstanceOf(FileSystemException.class, e);
        assertEquals("cannot stat file '" + missing + "': No such file or directory",
                SystemErrors.of(e, "cannot stat file '%s'", missing).getMessage());
    }
}
