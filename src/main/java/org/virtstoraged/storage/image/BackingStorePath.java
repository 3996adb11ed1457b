package org.virtstoraged.storage.image;

import java.nio.file.Path;

/**
 * Turns a backing name from an image header into the path libvirt 9.0 shows in
 * {@code <backingStore><path>} (virStorageSourceNewFromBacking): relative file names are joined to the
 * image's directory without normalising them; absolute names and network specifications are kept as
 * written, except that "fat:DIR" shows DIR.
 */
public final class BackingStorePath {
    private BackingStorePath() {
    }

    public static String resolve(Path image, String raw) {
        if (raw.startsWith("/")) {
            return raw;
        }
        if (isFileName(raw)) {
            Path parent = image.getParent();
            String dir = parent == null ? "." : parent.toString();
            return dir.equals("/") ? "/" + raw : dir + "/" + raw;
        }
        if (raw.startsWith("fat:")) {
            return raw.substring("fat:".length());
        }
        return raw;
    }

    /**
     * Whether libvirt treats the name as a local file rather than a network source (for which it
     * reports the backing store with format raw and the name as written).
     */
    public static boolean isLocal(String raw) {
        return raw.startsWith("/") || isFileName(raw) || raw.startsWith("fat:");
    }

    /** virStorageSourceBackinStoreStringIsFile: a colon before any slash means a protocol prefix. */
    private static boolean isFileName(String raw) {
        int colon = raw.indexOf(':');
        int slash = raw.indexOf('/');
        return colon < 0 || (slash >= 0 && slash < colon);
    }
}
