package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * fallocate(2) mode 0 through util-linux fallocate(1), plus the zero-writing fallback glibc's
 * posix_fallocate and libvirt's safezero() use where the filesystem cannot allocate.
 */
final class FileAllocator {
    /** Outcome of fallocate: done, not supported by the filesystem, or a real error with its strerror. */
    record Result(boolean allocated, boolean unsupported, String strerror) {
    }

    private final CommandRunner runner;

    FileAllocator(CommandRunner runner) {
        this.runner = runner;
    }

    /** fallocate(fd, 0, offset, length). */
    Result fallocate(Path path, long offset, long length) {
        List<String> argv = List.of("fallocate", "-o", Long.toString(offset), "-l", Long.toString(length),
                path.toString());
        CommandResult r = runner.run(argv);
        if (r.succeeded()) {
            return new Result(true, false, null);
        }
        String strerror = strerror(r.stderr());
        boolean unsupported = strerror.equals("Operation not supported")
                || strerror.equals("Function not implemented");
        return new Result(false, unsupported, strerror);
    }

    /**
     * posix_fallocate semantics: allocate, or where the filesystem cannot, write a zero into every block
     * that reads as zero so the range is backed by disk without changing data.
     *
     * @return null on success, else the strerror of the failure
     */
    String allocateOrWrite(Path path, long offset, long length) throws IOException {
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

    /** fallocate(1) reports "fallocate: fallocate failed: STRERROR". */
    private static String strerror(String stderr) {
        String s = stderr.strip();
        int colon = s.lastIndexOf(": ");
        return colon >= 0 ? s.substring(colon + 2) : s;
    }
}
