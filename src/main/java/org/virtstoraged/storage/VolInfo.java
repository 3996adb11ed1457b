package org.virtstoraged.storage;

/** virStorageVolInfo: type (virStorageVolType), capacity and allocation in bytes. */
public record VolInfo(int type, long capacity, long allocation) {
}
