package org.virtstoraged.storage.backend.gluster.gfapi;

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
 * The link to libgfapi.so.0 (Debian's libgfapi0) through the FFM API. The library is opened on first use,
 * never at start-up (it pulls in libglusterfs and its translators). gfapi follows the C convention: -1 or
 * NULL, the reason in errno, so every handle captures errno right after the call.
 */
final class GfapiNative {
    static final ForeignLibrary LIBRARY = new ForeignLibrary("libgfapi.so.0", "libgfapi0");

    static final ValueLayout.OfInt C_INT = ForeignCalls.C_INT;
    static final ValueLayout.OfLong C_LONG = ForeignCalls.C_LONG;
    static final ValueLayout.OfLong C_SIZE_T = ForeignCalls.C_SIZE_T;
    static final AddressLayout C_POINTER = ForeignCalls.C_POINTER;

    private GfapiNative() {
    }

    /** @throws ForeignLibrary.Missing naming the Debian package when the library cannot be loaded */
    static void require() {
        LIBRARY.lookup();
    }

    /** A handle whose first argument receives errno (see {@link #errno}). */
    static MethodHandle gfapi(String name, FunctionDescriptor function) {
        return ForeignCalls.downcall(LIBRARY.find(name), function, true, -1);
    }

    static MemorySegment cString(Arena arena, String value) {
        return arena.allocateFrom(value, StandardCharsets.UTF_8);
    }
}
