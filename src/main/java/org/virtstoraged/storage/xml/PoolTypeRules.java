package org.virtstoraged.storage.xml;

import java.util.EnumSet;
import java.util.Set;
import org.virtstoraged.storage.model.PoolType;

/**
 * libvirt's per-type pool options flags: which source parts a pool type requires and writes back, and
 * whether it is a network pool (no local target). Also which backend XML namespace the type reads.
 */
enum PoolTypeRules {
    HOST,
    DEVICE,
    DIR,
    ADAPTER,
    NAME,
    INITIATOR_IQN,
    NETWORK;

    static Set<PoolTypeRules> of(PoolType type) {
        return switch (type) {
            case DIR, MPATH -> EnumSet.noneOf(PoolTypeRules.class);
            case FS, DISK -> EnumSet.of(DEVICE);
            case NETFS -> EnumSet.of(HOST, DIR);
            case LOGICAL, ZFS -> EnumSet.of(NAME, DEVICE);
            case ISCSI -> EnumSet.of(HOST, DEVICE, INITIATOR_IQN);
            case ISCSI_DIRECT -> EnumSet.of(HOST, DEVICE, NETWORK, INITIATOR_IQN);
            case SCSI -> EnumSet.of(ADAPTER);
            case RBD, SHEEPDOG -> EnumSet.of(HOST, NETWORK, NAME);
            case GLUSTER -> EnumSet.of(HOST, NETWORK, NAME, DIR);
            case VSTORAGE -> EnumSet.of(NAME);
        };
    }

    /** The fs backend reads {@code <fs:mount_opts>} for fs and netfs pools. */
    static boolean readsMountOptions(PoolType type) {
        return type == PoolType.FS || type == PoolType.NETFS;
    }

    /** The rbd backend reads {@code <rbd:config_opts>}. */
    static boolean readsRbdOptions(PoolType type) {
        return type == PoolType.RBD;
    }

    /** Pools whose storage is not a local file or block device have no {@code <target>}. */
    static boolean hasTarget(PoolType type) {
        return type != PoolType.RBD && type != PoolType.SHEEPDOG && type != PoolType.GLUSTER
                && type != PoolType.ISCSI_DIRECT;
    }
}
