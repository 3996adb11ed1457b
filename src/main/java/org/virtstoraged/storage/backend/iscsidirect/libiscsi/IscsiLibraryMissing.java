package org.virtstoraged.storage.backend.iscsidirect.libiscsi;

/** libiscsi could not be loaded: the message names the Debian package that has it. */
public final class IscsiLibraryMissing extends RuntimeException {
    IscsiLibraryMissing(String library, String debianPackage) {
        super("cannot load " + library + ": install the Debian package " + debianPackage);
    }

    /** A new one with the same message, so each report has the stack of its own attempt. */
    IscsiLibraryMissing(String message) {
        super(message);
    }
}
