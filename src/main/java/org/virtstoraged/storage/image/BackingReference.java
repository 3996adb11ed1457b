package org.virtstoraged.storage.image;

import java.util.Optional;

/**
 * What a format's backing-store reader found (libvirt's BACKING_STORE_* results).
 *
 * @param valid  false for BACKING_STORE_INVALID: libvirt then stops reading the header
 * @param path   the raw backing name, if any (it may be present even in an invalid result)
 * @param format the backing format recorded in the header, empty when libvirt would probe it
 */
record BackingReference(boolean valid, Optional<String> path, Optional<String> format) {
    static final BackingReference NONE = new BackingReference(true, Optional.empty(), Optional.empty());
    static final BackingReference INVALID = new BackingReference(false, Optional.empty(), Optional.empty());

    static BackingReference of(String path, Optional<String> format) {
        return new BackingReference(true, Optional.of(path), format);
    }
}
