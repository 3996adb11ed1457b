package org.virtstoraged.storage.model;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The names a pool type accepts in {@code <source><format type>} (libvirt's per-type poolOptions), in libvirt's
 * numbering, and the one used when none is given. Only fs, netfs, logical and disk pools have source formats.
 */
public final class PoolSourceFormats {
    private static final PoolSourceFormats FS = new PoolSourceFormats(List.of("auto", "ext2", "ext3", "ext4", "ufs",
            "iso9660", "udf", "gfs", "gfs2", "vfat", "hfs+", "xfs", "ocfs2", "vmfs"), 0);
    private static final PoolSourceFormats NETFS =
            new PoolSourceFormats(List.of("auto", "nfs", "glusterfs", "cifs"), 0);
    private static final PoolSourceFormats DISK = new PoolSourceFormats(List.of("unknown", "dos", "dvh", "gpt", "mac",
            "bsd", "pc98", "sun", "lvm2"), 0);
    private static final PoolSourceFormats LOGICAL = new PoolSourceFormats(List.of("unknown", "lvm2"), 1);

    private final List<String> names;
    private final int defaultNumber;

    private PoolSourceFormats(List<String> names, int defaultNumber) {
        this.names = names;
        this.defaultNumber = defaultNumber;
    }

    /** The source formats of a pool type, or empty when its source has no format. */
    public static Optional<PoolSourceFormats> forPool(PoolType type) {
        return switch (type) {
            case FS -> Optional.of(FS);
            case NETFS -> Optional.of(NETFS);
            case DISK -> Optional.of(DISK);
            case LOGICAL -> Optional.of(LOGICAL);
            default -> Optional.empty();
        };
    }

    /** The netfs names: libvirt names any pool's format with them in its protocol-version message. */
    public static List<String> netfsNames() {
        return NETFS.names;
    }

    /** All names, indexed by libvirt's number. */
    public List<String> names() {
        return names;
    }

    public String defaultFormat() {
        return names.get(defaultNumber);
    }

    public OptionalInt number(String name) {
        int index = names.indexOf(name);
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }
}
