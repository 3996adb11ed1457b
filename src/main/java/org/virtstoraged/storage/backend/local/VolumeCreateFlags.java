package org.virtstoraged.storage.backend.local;

/** virStorageVolCreateFlags. */
public final class VolumeCreateFlags {
    public static final int PREALLOC_METADATA = 1;
    public static final int REFLINK = 2;

    private VolumeCreateFlags() {
    }
}
