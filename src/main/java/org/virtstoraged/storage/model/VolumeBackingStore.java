package org.virtstoraged.storage.model;

import java.util.Objects;

/**
 * The {@code <backingStore>} of a volume: the image it is layered on.
 *
 * @param path        the backing image's path
 * @param format      libvirt name of its format in the pool's format family, or null for format number 0 ("none")
 * @param permissions its permissions, {@link Permissions#UNSET} when none were given
 * @param timestamps  its file times as read from disk, or null (never parsed from a client's XML)
 */
public record VolumeBackingStore(String path, String format, Permissions permissions, VolumeTimestamps timestamps) {
    public VolumeBackingStore {
        Objects.requireNonNull(path, "path");
        permissions = permissions == null ? Permissions.UNSET : permissions;
    }

    public VolumeBackingStore(String path, String format, Permissions permissions) {
        this(path, format, permissions, null);
    }
}
