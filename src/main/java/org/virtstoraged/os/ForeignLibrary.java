package org.virtstoraged.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

/**
 * A system library whose functions are linked through {@link ForeignCalls} (librados, librbd, libiscsi, libgfapi).
 * It is loaded when first asked for, never at start-up, and stays loaded. A missing one is kept as its message and
 * reported on every attempt as {@link Missing}, naming the Debian package that has it: never thrown from a static
 * initialiser, so the classes holding its handles are initialised only once it is there.
 */
public final class ForeignLibrary {
    /** The library could not be loaded: the message names the Debian package that has it. */
    public static final class Missing extends RuntimeException {
        Missing(String message) {
            super(message);
        }
    }

    private final String file;
    private final String debianPackage;
    /** The library's SymbolLookup once loaded, or the message of the failure to load it. */
    private Object loaded;

    public ForeignLibrary(String file, String debianPackage) {
        this.file = file;
        this.debianPackage = debianPackage;
    }

    /** @throws Missing naming the Debian package when the library cannot be loaded */
    public SymbolLookup lookup() {
        Object l;
        synchronized (this) {
            if (loaded == null) {
                try {
                    loaded = SymbolLookup.libraryLookup(file, Arena.global());
                } catch (IllegalArgumentException e) {
                    loaded = "cannot load " + file + ": install the Debian package " + debianPackage;
                }
            }
            l = loaded;
        }
        if (l instanceof String message) {
            throw new Missing(message);   // a new one each time, with the stack of its own attempt
        }
        return (SymbolLookup) l;
    }

    /** The function's address; a library without it is a programming error. */
    public MemorySegment find(String name) {
        return lookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException(file + " has no " + name + "()"));
    }
}
