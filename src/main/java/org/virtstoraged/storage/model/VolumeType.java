package org.virtstoraged.storage.model;

import java.util.Optional;

/** virStorageVolType: what a volume is, in libvirt's numbering, with its XML name. */
public enum VolumeType {
    FILE("file"),
    BLOCK("block"),
    DIR("dir"),
    NETWORK("network"),
    NETDIR("netdir"),
    PLOOP("ploop");

    private final String xmlName;

    VolumeType(String xmlName) {
        this.xmlName = xmlName;
    }

    public String xmlName() {
        return xmlName;
    }

    public int number() {
        return ordinal();
    }

    public static Optional<VolumeType> fromXmlName(String name) {
        for (VolumeType type : values()) {
            if (type.xmlName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
