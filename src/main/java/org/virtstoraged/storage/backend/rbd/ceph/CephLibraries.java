package org.virtstoraged.storage.backend.rbd.ceph;

/**
 * Whether librados and librbd can be loaded. Call {@link #require} before using any other class of this
 * package: theirs make their handles when initialised, which needs the libraries.
 */
public final class CephLibraries {
    private CephLibraries() {
    }

    /**
     * @throws org.virtstoraged.os.ForeignLibrary.Missing naming the Debian package of the first library missing
     */
    public static void require() {
        CephNative.require();
    }
}
