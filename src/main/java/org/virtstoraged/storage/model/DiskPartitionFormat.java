package org.virtstoraged.storage.model;

import java.util.Optional;

/**
 * virStorageVolFormatDisk: the partition types a disk pool gives its volumes, in libvirt's numbering,
 * with their XML names and the file system type libvirt hands to parted for each (virStoragePartedFs).
 */
public enum DiskPartitionFormat {
    NONE("none", "ext2"),
    LINUX("linux", "ext2"),
    FAT16("fat16", "fat16"),
    FAT32("fat32", "fat32"),
    LINUX_SWAP("linux-swap", "linux-swap"),
    LINUX_LVM("linux-lvm", "ext2"),
    LINUX_RAID("linux-raid", "ext2"),
    EXTENDED("extended", "extended");

    private final String xmlName;
    private final String partedFsType;

    DiskPartitionFormat(String xmlName, String partedFsType) {
        this.xmlName = xmlName;
        this.partedFsType = partedFsType;
    }

    public String xmlName() {
        return xmlName;
    }

    public int number() {
        return ordinal();
    }

    /** The fs-type argument libvirt passes to "parted mkpart" for this partition type. */
    public String partedFsType() {
        return partedFsType;
    }

    public static Optional<DiskPartitionFormat> fromXmlName(String name) {
        for (DiskPartitionFormat format : values()) {
            if (format.xmlName.equals(name)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
