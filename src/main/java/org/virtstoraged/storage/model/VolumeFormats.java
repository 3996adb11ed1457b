package org.virtstoraged.storage.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which family of format names a pool type uses for its volumes (libvirt's per-pool volOptions):
 * image formats ({@link FileFormat}) for dir, fs, netfs, gluster, rbd and vstorage; partition types
 * ({@link DiskPartitionFormat}) for disk; none at all for the other pool types, whose volume XML
 * carries no {@code <format>}.
 */
public final class VolumeFormats {
    private static final List<String> FILE_NAMES =
            Arrays.stream(FileFormat.values()).map(FileFormat::xmlName).toList();
    private static final List<String> DISK_NAMES =
            Arrays.stream(DiskPartitionFormat.values()).map(DiskPartitionFormat::xmlName).toList();

    private static final VolumeFormats FILE = new VolumeFormats(FILE_NAMES, FileFormat.RAW.number(), FILE_NAMES, false);
    /** rbd declares no last format, so its capabilities advertise none although volumes have formats. */
    private static final VolumeFormats RBD = new VolumeFormats(FILE_NAMES, FileFormat.RAW.number(), List.of(), false);
    private static final VolumeFormats DISK =
            new VolumeFormats(DISK_NAMES, DiskPartitionFormat.NONE.number(), DISK_NAMES, true);

    private final List<String> names;
    private final int defaultNumber;
    private final List<String> advertised;
    private final boolean partitions;

    private VolumeFormats(List<String> names, int defaultNumber, List<String> advertised, boolean partitions) {
        this.names = names;
        this.defaultNumber = defaultNumber;
        this.advertised = advertised;
        this.partitions = partitions;
    }

    /** The format family of volumes in pools of this type, or empty when they have no format. */
    public static Optional<VolumeFormats> forPool(PoolType type) {
        return switch (type) {
            case DIR, FS, NETFS, GLUSTER, VSTORAGE -> Optional.of(FILE);
            case RBD -> Optional.of(RBD);
            case DISK -> Optional.of(DISK);
            case LOGICAL, ISCSI, ISCSI_DIRECT, SCSI, MPATH, SHEEPDOG, ZFS -> Optional.empty();
        };
    }

    /** True for the disk pool's partition types, false for image formats. */
    public boolean isDiskPartition() {
        return partitions;
    }

    /** All names of the family, indexed by libvirt's number. */
    public List<String> names() {
        return names;
    }

    /** The names listed under {@code <volOptions><enum name='targetFormatType'>} in pool capabilities. */
    public List<String> advertised() {
        return advertised;
    }

    /** The number used when the XML names no format: raw for images, none for partitions. */
    public int defaultNumber() {
        return defaultNumber;
    }

    public String defaultFormat() {
        return names.get(defaultNumber);
    }

    /**
     * The number for a name given in volume XML, or empty when libvirt rejects it. Image-format pools
     * refuse "none" (it is not a format one can create), the disk pool accepts it.
     */
    public OptionalInt fromXmlName(String name) {
        int index = names.indexOf(name);
        if (index < 0 || (!partitions && index == FileFormat.NONE.number())) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(index);
    }

    /** The name libvirt writes for a format number, or empty when the number is outside the family. */
    public Optional<String> toXmlName(int number) {
        return number >= 0 && number < names.size() ? Optional.of(names.get(number)) : Optional.empty();
    }
}
