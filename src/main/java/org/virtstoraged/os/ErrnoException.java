package org.virtstoraged.os;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A failed system call: its errno and glibc's text for it. It is a FileSystemException whose reason is that
 * text, like the ones java.nio.file throws, so existing handlers (SystemErrors.strerror) print it unchanged.
 */
public final class ErrnoException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public ErrnoException(String call, Path file, int errno) {
        super(file == null ? null : file.toString(), null, Errno.strerror(errno));
        this.call = call;
        this.errno = errno;
    }

    /** The failed call, e.g. "statx" or "ioctl(FS_IOC_FIEMAP)". */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The C library's message for errno, e.g. "No such file or directory". */
    public String strerror() {
        return getReason();
    }

    @Override
    public String getMessage() {
        return call + (getFile() == null ? "" : " " + getFile()) + ": " + getReason();
    }
}
