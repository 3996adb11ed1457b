package org.virtstoraged.storage.event;

import org.virtstoraged.storage.PoolRef;

/**
 * One storage pool event as libvirt's storage driver raises it (storage_event.c): a lifecycle event
 * (VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, with its type and detail) or a refresh event
 * (VIR_STORAGE_POOL_EVENT_ID_REFRESH). Events name the pool by name and UUID; callbacks filter by UUID.
 */
public record PoolEvent(int eventId, PoolRef pool, int type, int detail) {
    /** virStoragePoolEventID. */
    public static final int ID_LIFECYCLE = 0;
    public static final int ID_REFRESH = 1;
    public static final int ID_LAST = 2;

    /** virStoragePoolEventLifecycleType. */
    public static final int DEFINED = 0;
    public static final int UNDEFINED = 1;
    public static final int STARTED = 2;
    public static final int STOPPED = 3;
    public static final int CREATED = 4;
    public static final int DELETED = 5;

    /** virStoragePoolEventLifecycleNew: every lifecycle event libvirt 9.0 raises has detail 0. */
    public static PoolEvent lifecycle(PoolRef pool, int type) {
        return new PoolEvent(ID_LIFECYCLE, pool, type, 0);
    }

    /** virStoragePoolEventRefreshNew. */
    public static PoolEvent refresh(PoolRef pool) {
        return new PoolEvent(ID_REFRESH, pool, 0, 0);
    }
}
