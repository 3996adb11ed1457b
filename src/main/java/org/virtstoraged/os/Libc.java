package org.virtstoraged.os;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The one place that links to the C library (glibc), through {@link ForeignCalls}. The layouts are the
 * linker's canonical C types, the names GraalVM's reachability-metadata.json uses for the downcalls (see
 * META-INF/native-image/org.virtstoraged/virtstoraged/reachability-metadata.json: a new signature here
 * needs an entry there, which ForeignCallsMetadataTest checks). This class, and each caller's handles, are
 * initialised on the first system call, never at start-up; every handle is immutable, so all of them are
 * safe from any thread.
 */
final class Libc {
    static final ValueLayout.OfInt C_INT = ForeignCalls.C_INT;
    static final ValueLayout.OfLong C_LONG = ForeignCalls.C_LONG;
    static final ValueLayout.OfLong C_SIZE_T = ForeignCalls.C_SIZE_T;
    static final AddressLayout C_POINTER = ForeignCalls.C_POINTER;


    /**
     * How the JDK itself turns file names into bytes (sun.jnu.encoding), so a path reaches the kernel as
     * the same bytes java.nio.file would pass.
     */
    private static final Charset FILE_NAMES = fileNameCharset();

    private Libc() {
    }

    /**
     * A handle whose first argument is a segment that receives errno right after the call, before the JVM
     * can overwrite it (see {@link #check}).
     */
    static MethodHandle withErrno(String name, FunctionDescriptor function) {
        return ForeignCalls.downcall(symbol(name), function, true, -1);
    }

    /** {@link #withErrno} for a variadic function, its variadic arguments from {@code firstVariadicArg}. */
    static MethodHandle withErrno(String name, FunctionDescriptor function, int firstVariadicArg) {
        return ForeignCalls.downcall(symbol(name), function, true, firstVariadicArg);
    }

    /** A handle for a function that reports errors in its return value, not in errno. */
    static MethodHandle plain(String name, FunctionDescriptor function) {
        return ForeignCalls.downcall(symbol(name), function, false, -1);
    }

    private static MemorySegment symbol(String name) {
        return ForeignCalls.LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name + "()"));
    }

    /** One downcall through a {@link #withErrno} handle, given the segment errno is captured into. */
    @FunctionalInterface
    interface Call {
        int invoke(MemorySegment errno) throws Throwable;
    }

    /**
     * Makes the call and turns the C convention (a negative result, the reason in errno) into an
     * ErrnoException naming the call and the file.
     *
     * @return the call's non-negative result
     */
    static int check(Arena arena, String name, Path file, Call call) throws ErrnoException {
        return ForeignCalls.callWithErrno(arena, call::invoke, result -> result < 0,
                errno -> new ErrnoException(name, file, errno));
    }

    /** The path as a NUL-terminated C string. */
    static MemorySegment cString(Arena arena, Path path) {
        return arena.allocateFrom(path.toString(), FILE_NAMES);
    }

    /** Reads a NUL-terminated C string the C library returned (a strerror text). */
    static String string(MemorySegment zeroLength) {
        return zeroLength.reinterpret(Long.MAX_VALUE).getString(0, FILE_NAMES);
    }

    private static Charset fileNameCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
