package org.virtstoraged.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * errno values (Linux's generic numbering, shared by x86-64 and AArch64) and their text exactly as glibc
 * prints it, so a caller can end a message the way libvirt's virReportSystemError does
 * ("...: No such file or directory").
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int ERANGE = 34;
    public static final int EROFS = 30;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENOTCONN = 107;
    public static final int ESHUTDOWN = 108;
    public static final int ETIMEDOUT = 110;
    /** Also ENOTSUP: Linux gives both one number. */
    public static final int EOPNOTSUPP = 95;

    /**
     * glibc's GNU strerror_r (the symbol strerror_r is the GNU variant; the XSI one is __xpg_strerror_r):
     * it returns the text, either the static message or one formatted into the buffer ("Unknown error
     * 1234"), and, unlike strerror, is thread-safe.
     */
    private static final MethodHandle STRERROR_R = Libc.plain("strerror_r",
            FunctionDescriptor.of(Libc.C_POINTER, Libc.C_INT, Libc.C_POINTER, Libc.C_SIZE_T));

    private Errno() {
    }

    /** The message glibc has for this errno, in the daemon's locale (as libvirt's g_strerror). */
    public static String strerror(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256);
            MemorySegment text = (MemorySegment) STRERROR_R.invokeExact(errno, buffer, buffer.byteSize());
            return Libc.string(text);
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
    }
}
