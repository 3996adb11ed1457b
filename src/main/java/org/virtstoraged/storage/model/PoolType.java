package org.virtstoraged.storage.model;

import java.util.Optional;

/** virStoragePoolType: the pool types libvirt 9.0 knows, in its numbering, with their XML names. */
public enum PoolType {
    DIR("dir"),
    FS("fs"),
    NETFS("netfs"),
    LOGICAL("logical"),
    DISK("disk"),
    ISCSI("iscsi"),
    ISCSI_DIRECT("iscsi-direct"),
    SCSI("scsi"),
    MPATH("mpath"),
    RBD("rbd"),
    SHEEPDOG("sheepdog"),
    GLUSTER("gluster"),
    ZFS("zfs"),
    VSTORAGE("vstorage");

    private final String xmlName;

    PoolType(String xmlName) {
        this.xmlName = xmlName;
    }

    /** The name in {@code <pool type='...'>} and in error messages. */
    public String xmlName() {
        return xmlName;
    }

    /** The value of libvirt's enum, as used in RPC and in "pool type %d" messages. */
    public int number() {
        return ordinal();
    }

    public static Optional<PoolType> fromXmlName(String name) {
        for (PoolType type : values()) {
            if (type.xmlName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
