package org.virtstoraged.storage.backend.rbd.ceph;

/** A Ceph client library that could not be loaded: the message names the Debian package that has it. */
public final class CephLibraryMissing extends RuntimeException {
    public CephLibraryMissing(String library, String debianPackage) {
        super("cannot load " + library + ": install the Debian package " + debianPackage);
    }

    /** A new one with the same message, so each report has the stack of its own attempt. */
    CephLibraryMissing(String message) {
        super(message);
    }
}
