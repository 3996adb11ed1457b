package org.virtstoraged.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * fallocate(2): reserves disk blocks for a range of a file without writing them. Unlike posix_fallocate it
 * never falls back to writing zeros: a filesystem that cannot allocate (vfat, some network filesystems)
 * fails with EOPNOTSUPP, and the caller decides.
 */
public final class Fallocate {
    /** Mode 0: allocate, and grow the file when the range ends past it. */
    public static final int ALLOCATE = 0;
    /** FALLOC_FL_KEEP_SIZE: allocate past the end without changing the size. */
    public static final int KEEP_SIZE = 0x01;

    private static final MethodHandle FALLOCATE = Libc.withErrno("fallocate",
            FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_INT, Libc.C_LONG, Libc.C_LONG));

    private Fallocate() {
    }

    /** fallocate(fd, mode, offset, length); fd must be open for writing. */
    public static void allocate(Fd fd, int mode, long offset, long length) throws ErrnoException {
        int descriptor = fd.value();
        try (Arena arena = Arena.ofConfined()) {
            Libc.check(arena, "fallocate", fd.path(),
                    errno -> (int) FALLOCATE.invokeExact(errno, descriptor, mode, offset, length));
        }
    }
}
