package org.virtstoraged.storage.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code <device path='...'/>} of a pool source.
 *
 * @param path          the device path or iSCSI target name, as given
 * @param partSeparator the part_separator attribute, or null when absent
 * @param freeExtents   free regions found by a disk pool refresh (empty otherwise)
 */
public record PoolSourceDevice(String path, Boolean partSeparator, List<PoolFreeExtent> freeExtents) {
    public PoolSourceDevice {
        Objects.requireNonNull(path, "path");
        freeExtents = List.copyOf(freeExtents);
    }

    public PoolSourceDevice(String path) {
        this(path, null, List.of());
    }

    public Optional<Boolean> partSeparatorSetting() {
        return Optional.ofNullable(partSeparator);
    }

    public PoolSourceDevice withFreeExtents(List<PoolFreeExtent> extents) {
        return new PoolSourceDevice(path, partSeparator, extents);
    }
}
