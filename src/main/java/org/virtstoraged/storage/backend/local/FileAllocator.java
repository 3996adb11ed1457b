package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.virtstoraged.os.Errno;
import org.virtstoraged.os.ErrnoException;
import org.virtstoraged.os.Fallocate;
import org.virtstoraged.os.Fd;

/**
 * fallocate(2) mode 0, plus the zero-writing fallback glibc's posix_fallocate and libvirt's safezero() use
 * where the filesystem cannot allocate.
 */
final class FileAllocator {
    /** Outcome of fallocate: done, not supported by the filesystem, or a real error with its strerror. */
    record Result(boolean allocated, boolean unsupported, String strerror) {
    }

    private FileAllocator() {
    }

    /** fallocate(fd, 0, offset, length) on the file opened for writing (never created). */
    static Result fallocate(Path path, long offset, long length) {
        try (Fd fd = Fd.open(path, Fd.O_WRONLY)) {
            Fallocate.allocate(fd, Fallocate.ALLOCATE, offset, length);
            return new Result(true, false, null);
        } catch (ErrnoException e) {
            boolean unsupported = e.errno() == Errno.EOPNOTSUPP || e.errno() == Errno.ENOSYS;
            return new Result(false, unsupported, e.strerror());
        }
    }

    /**
     * posix_fallocate semantics: allocate, or where the filesystem cannot, write a zero into every block
     * that reads as zero so the range is backed by disk without changing data.
     *
     * @return null on success, else the strerror of the failure
     */
    static String allocateOrWrite(Path path, long offset, long length) throws IOException {
        Result r = fallocate(path, offset, length);
        if (r.allocated()) {
            return null;
        }
        if (!r.unsupported()) {
            return r.strerror();
        }
        final int block = 4096;
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            long end = offset + length;
            for (long pos = offset; pos < end; pos += block) {
                long at = Math.min(pos + block, end) - 1;
                if (at < f.length()) {
                    f.seek(at);
                    if (f.read() != 0) {
                        continue;
                    }
                }
                f.seek(at);
                f.write(0);
            }
            f.getFD().sync();
        }
        return null;
    }
}
