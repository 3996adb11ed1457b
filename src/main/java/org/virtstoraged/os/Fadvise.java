package org.virtstoraged.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * posix_fadvise(2): tells the kernel how a range of a file will be read, e.g. that pages read once for a
 * volume download or wipe need not stay cached (DONTNEED).
 */
public final class Fadvise {
    public static final int NORMAL = 0;
    public static final int RANDOM = 1;
    public static final int SEQUENTIAL = 2;
    public static final int WILLNEED = 3;
    public static final int DONTNEED = 4;
    public static final int NOREUSE = 5;

    /** posix_fadvise returns the error number itself and leaves errno alone: no capture needed. */
    private static final MethodHandle POSIX_FADVISE = Libc.plain("posix_fadvise",
            FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_LONG, Libc.C_LONG, Libc.C_INT));

    private Fadvise() {
    }

    /** posix_fadvise(fd, offset, length, advice); length 0 means to the end of the file. */
    public static void advise(Fd fd, long offset, long length, int advice) throws ErrnoException {
        int error;
        try {
            error = (int) POSIX_FADVISE.invokeExact(fd.value(), offset, length, advice);
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
        if (error != 0) {
            throw new ErrnoException("posix_fadvise", fd.path(), error);
        }
    }
}
