package org.virtstoraged.storage.model;

import java.util.Optional;

/**
 * virStorageFileFormat: the image formats libvirt 9.0 knows, in its numbering, with their XML names.
 * Directory-like pools (dir, fs, netfs, gluster, rbd, vstorage) name their volumes' formats with these.
 */
public enum FileFormat {
    NONE("none"),
    RAW("raw"),
    DIR("dir"),
    BOCHS("bochs"),
    CLOOP("cloop"),
    DMG("dmg"),
    ISO("iso"),
    VPC("vpc"),
    VDI("vdi"),
    FAT("fat"),
    VHD("vhd"),
    PLOOP("ploop"),
    COW("cow"),
    QCOW("qcow"),
    QCOW2("qcow2"),
    QED("qed"),
    VMDK("vmdk");

    private final String xmlName;

    FileFormat(String xmlName) {
        this.xmlName = xmlName;
    }

    public String xmlName() {
        return xmlName;
    }

    public int number() {
        return ordinal();
    }

    /** libvirt follows backing chains only for the formats from cow on (VIR_STORAGE_FILE_BACKING). */
    public boolean supportsBackingChain() {
        return ordinal() >= COW.ordinal();
    }

    public static Optional<FileFormat> fromXmlName(String name) {
        for (FileFormat format : values()) {
            if (format.xmlName.equals(name)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    public static Optional<FileFormat> fromNumber(int number) {
        FileFormat[] all = values();
        return number >= 0 && number < all.length ? Optional.of(all[number]) : Optional.empty();
    }
}
