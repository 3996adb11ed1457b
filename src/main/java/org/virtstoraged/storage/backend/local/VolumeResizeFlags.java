package org.virtstoraged.storage.backend.local;

/** virStorageVolResizeFlags. */
public final class VolumeResizeFlags {
    public static final int ALLOCATE = 1;
    public static final int DELTA = 2;
    public static final int SHRINK = 4;

    private VolumeResizeFlags() {
    }
}
