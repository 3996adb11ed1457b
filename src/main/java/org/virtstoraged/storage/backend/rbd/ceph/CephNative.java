package org.virtstoraged.storage.backend.rbd.ceph;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import org.virtstoraged.os.ForeignCalls;

/**
 * The links to Ceph's C libraries (librados.so.2 from Debian's librados2, librbd.so.1 from librbd1) through
 * the FFM API. Each library is opened on first use, never at start-up (it pulls in boost and friends), and
 * stays loaded. Ceph's calls return a negative errno instead of setting errno, so no call state is captured.
 */
final class CephNative {
    static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    /** uint64_t, int64_t, size_t and ssize_t: the daemon runs on 64-bit Linux only. */
    static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private CephNative() {
    }

    /**
     * The libraries, each loaded when its holder is first touched. A missing one is kept as its error, never
     * thrown from a static initialiser: {@link #require} reports it on every attempt, before any class holding
     * handles is initialised.
     */
    private static final class Rados {
        static final Object LOOKUP = load("librados.so.2", "librados2");
    }

    private static final class Rbd {
        static final Object LOOKUP = load("librbd.so.1", "librbd1");
    }

    /** The library's lookup, or the {@link CephLibraryMissing} saying which package provides it. */
    static Object load(String library, String debianPackage) {
        try {
            return SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            return new CephLibraryMissing(library, debianPackage);
        }
    }

    /** Both libraries, or the error naming the Debian package of the first one missing. */
    static void require() {
        lookup(Rados.LOOKUP);
        lookup(Rbd.LOOKUP);
    }

    private static SymbolLookup lookup(Object loaded) {
        if (loaded instanceof CephLibraryMissing missing) {
            throw new CephLibraryMissing(missing.getMessage());
        }
        return (SymbolLookup) loaded;
    }

    static MethodHandle rados(String name, FunctionDescriptor function) {
        return ForeignCalls.downcall(find(lookup(Rados.LOOKUP), name, "librados.so.2"), function, false, -1);
    }

    static MethodHandle rbd(String name, FunctionDescriptor function) {
        return ForeignCalls.downcall(find(lookup(Rbd.LOOKUP), name, "librbd.so.1"), function, false, -1);
    }

    private static MemorySegment find(SymbolLookup lookup, String name, String library) {
        return lookup.find(name).orElseThrow(() -> new UnsupportedOperationException(library + " has no " + name + "()"));
    }

    /** One downcall returning int. */
    @FunctionalInterface
    interface IntCall {
        int invoke() throws Throwable;
    }

    /** One downcall returning void or a value the caller reads from memory. */
    @FunctionalInterface
    interface VoidCall {
        void invoke() throws Throwable;
    }

    /** Makes the call; a negative result (-errno, Ceph's convention) becomes a {@link CephException}. */
    static int call(String name, IntCall call) {
        int result;
        try {
            result = call.invoke();
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
        return check(name, result);
    }

    static void run(VoidCall call) {
        try {
            call.invoke();
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
    }

    /** Ceph's convention: a negative result is -errno. */
    static int check(String call, int result) {
        if (result < 0) {
            throw new CephException(call, -result);
        }
        return result;
    }

    static long check(String call, long result) {
        if (result < 0) {
            throw new CephException(call, (int) -result);
        }
        return result;
    }

    static MemorySegment cString(Arena arena, String value) {
        return value == null ? MemorySegment.NULL : arena.allocateFrom(value, StandardCharsets.UTF_8);
    }

    /** A NUL-terminated string librados/librbd returned (a pointer of unknown length). */
    static String string(MemorySegment pointer) {
        return pointer.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }
}
