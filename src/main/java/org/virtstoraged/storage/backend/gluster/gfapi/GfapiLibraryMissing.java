package org.virtstoraged.storage.backend.gluster.gfapi;

/** libgfapi could not be loaded: the message names the Debian package that has it. */
public final class GfapiLibraryMissing extends RuntimeException {
    GfapiLibraryMissing(String library, String debianPackage) {
        super("cannot load " + library + ": install the Debian package " + debianPackage);
    }

    /** A new one with the same message, so each report has the stack of its own attempt. */
    GfapiLibraryMissing(String message) {
        super(message);
    }
}
