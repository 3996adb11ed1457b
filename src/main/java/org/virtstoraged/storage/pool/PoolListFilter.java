package org.virtstoraged.storage.pool;

import java.util.EnumMap;
import java.util.Map;
import org.virtstoraged.storage.model.PoolType;

/** The VIR_CONNECT_LIST_STORAGE_POOLS_* filter of virConnectListAllStoragePools, matched as libvirt does. */
public final class PoolListFilter {
    public static final int INACTIVE = 1;
    public static final int ACTIVE = 1 << 1;
    public static final int PERSISTENT = 1 << 2;
    public static final int TRANSIENT = 1 << 3;
    public static final int AUTOSTART = 1 << 4;
    public static final int NO_AUTOSTART = 1 << 5;
    /** Every flag libvirt 9.0 accepts: the state filters and one bit per pool type. */
    public static final int ALL = (1 << 20) - 1;

    private static final Map<PoolType, Integer> TYPE_BITS = new EnumMap<>(PoolType.class);

    static {
        TYPE_BITS.put(PoolType.DIR, 1 << 6);
        TYPE_BITS.put(PoolType.FS, 1 << 7);
        TYPE_BITS.put(PoolType.NETFS, 1 << 8);
        TYPE_BITS.put(PoolType.LOGICAL, 1 << 9);
        TYPE_BITS.put(PoolType.DISK, 1 << 10);
        TYPE_BITS.put(PoolType.ISCSI, 1 << 11);
        TYPE_BITS.put(PoolType.SCSI, 1 << 12);
        TYPE_BITS.put(PoolType.MPATH, 1 << 13);
        TYPE_BITS.put(PoolType.RBD, 1 << 14);
        TYPE_BITS.put(PoolType.SHEEPDOG, 1 << 15);
        TYPE_BITS.put(PoolType.GLUSTER, 1 << 16);
        TYPE_BITS.put(PoolType.ZFS, 1 << 17);
        TYPE_BITS.put(PoolType.VSTORAGE, 1 << 18);
        TYPE_BITS.put(PoolType.ISCSI_DIRECT, 1 << 19);
    }

    private static final int TYPE_MASK = ALL & ~((1 << 6) - 1);

    private PoolListFilter() {
    }

    public static boolean matches(PoolObject pool, int flags) {
        if ((flags & (ACTIVE | INACTIVE)) != 0
                && !(((flags & ACTIVE) != 0 && pool.isActive()) || ((flags & INACTIVE) != 0 && !pool.isActive()))) {
            return false;
        }
        if ((flags & (PERSISTENT | TRANSIENT)) != 0
                && !(((flags & PERSISTENT) != 0 && pool.isPersistent())
                        || ((flags & TRANSIENT) != 0 && !pool.isPersistent()))) {
            return false;
        }
        if ((flags & (AUTOSTART | NO_AUTOSTART)) != 0
                && !(((flags & AUTOSTART) != 0 && pool.isAutostart())
                        || ((flags & NO_AUTOSTART) != 0 && !pool.isAutostart()))) {
            return false;
        }
        if ((flags & TYPE_MASK) != 0) {
            return (flags & TYPE_BITS.get(pool.definition().type())) != 0;
        }
        return true;
    }
}
