package org.virtstoraged.storage.backend.rbd.ceph;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import org.virtstoraged.os.ForeignCalls;
import org.virtstoraged.os.ForeignLibrary;

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

    static final ForeignLibrary RADOS = new ForeignLibrary("librados.so.2", "librados2");
    static final ForeignLibrary RBD = new ForeignLibrary("librbd.so.1", "librbd1");

    /** Both libraries, or {@link ForeignLibrary.Missing} naming the Debian package of the first one missing. */
    static void require() {
        RADOS.lookup();
        RBD.lookup();
    }

    static MethodHandle rados(String name, FunctionDescriptor function) {
        return ForeignCalls.downcall(RADOS.find(name), function, false, -1);
    }

    static MethodHandle rbd(String name, FunctionDescriptor function) {
        return ForeignCalls.downcall(RBD.find(name), function, false, -1);
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
