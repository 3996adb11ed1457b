package org.virtstoraged.storage.backend.gluster.gfapi;

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
 * The link to libgfapi.so.0 (Debian's libgfapi0) through the FFM API. The library is opened on first use,
 * never at start-up (it pulls in libglusterfs and its translators). gfapi follows the C convention: -1 or
 * NULL, the reason in errno, so every handle captures errno right after the call.
 */
final class GfapiNative {
    static final String LIBRARY = "libgfapi.so.0";
    static final String PACKAGE = "libgfapi0";

    static final ValueLayout.OfInt C_INT = ForeignCalls.C_INT;
    static final ValueLayout.OfLong C_LONG = ForeignCalls.C_LONG;
    static final ValueLayout.OfLong C_SIZE_T = ForeignCalls.C_SIZE_T;
    static final AddressLayout C_POINTER = ForeignCalls.C_POINTER;


    private GfapiNative() {
    }

    /** The library, loaded when first touched; a missing one is kept as its error (see {@link #require}). */
    private static final class Library {
        static final Object LOOKUP = load();
    }

    private static Object load() {
        try {
            return SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            return new GfapiLibraryMissing(LIBRARY, PACKAGE);
        }
    }

    /** @throws GfapiLibraryMissing naming the Debian package when the library cannot be loaded */
    static SymbolLookup require() {
        if (Library.LOOKUP instanceof GfapiLibraryMissing missing) {
            throw new GfapiLibraryMissing(missing.getMessage());
        }
        return (SymbolLookup) Library.LOOKUP;
    }

    /** A handle whose first argument receives errno (see {@link #errno}). */
    static MethodHandle gfapi(String name, FunctionDescriptor function) {
        MemorySegment symbol = require().find(name)
                .orElseThrow(() -> new UnsupportedOperationException(LIBRARY + " has no " + name + "()"));
        return ForeignCalls.downcall(symbol, function, true, -1);
    }

    static MemorySegment cString(Arena arena, String value) {
        return arena.allocateFrom(value, StandardCharsets.UTF_8);
    }
}
