package org.virtstoraged.storage.model;

import java.util.Objects;

/**
 * One extent of a volume on a source device (logical and disk pools): bytes [start, end) of {@code path}.
 * libvirt only reports these; it never reads them from a client's XML.
 */
public record VolumeExtent(String path, long start, long end) {
    public VolumeExtent {
        Objects.requireNonNull(path, "path");
    }
}
