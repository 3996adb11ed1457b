package org.virtstoraged.storage;

import java.util.UUID;

/** A pool as clients name it (remote_nonnull_storage_pool): name and UUID. */
public record PoolRef(String name, UUID uuid) {
}
