package org.virtstoraged.storage;

/** A volume as clients name it (remote_nonnull_storage_vol): its pool's name, its name and key. */
public record VolRef(String pool, String name, String key) {
}
