package org.virtstoraged.storage;

/** virStoragePoolInfo: state (virStoragePoolState), and sizes in bytes. */
public record PoolInfo(int state, long capacity, long allocation, long available) {
    public static final int INACTIVE = 0;
    public static final int BUILDING = 1;
    public static final int RUNNING = 2;
    public static final int DEGRADED = 3;
    public static final int INACCESSIBLE = 4;
}
