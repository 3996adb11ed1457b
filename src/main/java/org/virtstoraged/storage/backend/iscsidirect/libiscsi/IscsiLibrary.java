package org.virtstoraged.storage.backend.iscsidirect.libiscsi;

/**
 * Whether libiscsi can be loaded. Call {@link #require} before using {@link IscsiContext}: it makes its
 * handles when initialised, which needs the library.
 */
public final class IscsiLibrary {
    private IscsiLibrary() {
    }

    /**
     * @throws org.virtstoraged.os.ForeignLibrary.Missing naming the Debian package (libiscsi7)
     */
    public static void require() {
        IscsiNative.require();
    }
}
