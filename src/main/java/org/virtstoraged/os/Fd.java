package org.virtstoraged.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * A file descriptor from open(2), for the calls that need one (fstat, fallocate, ioctl): java.nio keeps
 * the descriptor of a FileChannel private. Always O_CLOEXEC, so the child processes the daemon starts
 * (qemu-img, lvm...) never inherit it. Use it with try-with-resources on one thread; it never creates files.
 */
public final class Fd implements AutoCloseable {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    /** libvirt opens with O_NONBLOCK where the path might be a FIFO or device (virFileSetCOW). */
    public static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;

    /** open is variadic (the mode after the flags); the FFM linker must know where the variadic part starts. */
    private static final MethodHandle OPEN = Libc.withErrno("open",
            FunctionDescriptor.of(Libc.C_INT, Libc.C_POINTER, Libc.C_INT, Libc.C_INT),
            2);
    private static final MethodHandle CLOSE = Libc.plain("close", FunctionDescriptor.of(Libc.C_INT, Libc.C_INT));

    private final int fd;
    private final Path path;
    private boolean closed;

    private Fd(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** open(path, flags | O_CLOEXEC); flags is O_RDONLY, O_WRONLY or O_RDWR, optionally | O_NONBLOCK. */
    public static Fd open(Path path, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = Libc.cString(arena, path);
            int fd = Libc.check(arena, "open", path,
                    errno -> (int) OPEN.invokeExact(errno, name, flags | O_CLOEXEC, 0));
            return new Fd(fd, path);
        }
    }

    public int value() {
        if (closed) {
            throw new IllegalStateException("descriptor of " + path + " already closed");
        }
        return fd;
    }

    /** What was opened: the file named in the errors of calls on this descriptor. */
    public Path path() {
        return path;
    }

    /**
     * close(2), once. Its errors are ignored, as libvirt's VIR_AUTOCLOSE does: these descriptors only read
     * metadata or change it with calls that report their own errors; file data goes through java.nio.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
    }

    @Override
    public String toString() {
        return "Fd[" + fd + " " + path + (closed ? " closed]" : "]");
    }
}
