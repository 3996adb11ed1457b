package org.virtstoraged.storage.backend.gluster.gfapi;

/**
 * Whether libgfapi can be loaded. Call {@link #require} before using any other class of this package:
 * theirs make their handles when initialised, which needs the library.
 */
public final class GfapiLibrary {
    private GfapiLibrary() {
    }

    /**
     * @throws org.virtstoraged.os.ForeignLibrary.Missing naming the Debian package (libgfapi0)
     */
    public static void require() {
        GfapiNative.require();
    }
}
