package org.virtstoraged.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * ioctl(2), shared by the file ioctls of this package. The request numbers they pass are the _IOC encoding
 * of x86-64, AArch64 and the other asm-generic architectures (not PowerPC, MIPS or SPARC).
 */
final class Ioctl {
    /**
     * ioctl is variadic after the request: the linker must be told so (on x86-64 a variadic call sets %al).
     * glibc reads the argument as a pointer-sized word, hence long for a plain value such as FICLONE's fd.
     */
    private static final MethodHandle WITH_POINTER = Libc.withErrno("ioctl",
            FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_LONG, Libc.C_POINTER),
            2);
    private static final MethodHandle WITH_VALUE = Libc.withErrno("ioctl",
            FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_LONG, Libc.C_LONG),
            2);

    private Ioctl() {
    }

    /** ioctl(fd, request, argp): argp points into memory of the arena. */
    static int call(Arena arena, Fd fd, String name, long request, MemorySegment argp) throws ErrnoException {
        int descriptor = fd.value();
        return Libc.check(arena, "ioctl(" + name + ")", fd.path(),
                errno -> (int) WITH_POINTER.invokeExact(errno, descriptor, request, argp));
    }

    /** ioctl(fd, request, value). */
    static int call(Fd fd, String name, long request, long value) throws ErrnoException {
        int descriptor = fd.value();
        try (Arena arena = Arena.ofConfined()) {
            return Libc.check(arena, "ioctl(" + name + ")", fd.path(),
                    errno -> (int) WITH_VALUE.invokeExact(errno, descriptor, request, value));
        }
    }
}
