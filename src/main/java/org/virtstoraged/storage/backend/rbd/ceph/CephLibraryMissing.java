package org.virtstoraged.storage.backend.rbd.ceph;

/** A Ceph client library that could not be loaded: the message names the Debian package that has it. */
public final class CephLibraryMissing extends RuntimeException {
    public CephLibraryMissing(String library, String debianPackage) {
        super("cannot load " + library + ": install the Debian package " + debianPackage);
    }
}
