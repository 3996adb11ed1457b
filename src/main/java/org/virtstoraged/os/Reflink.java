package org.virtstoraged.os;

/**
 * ioctl(FICLONE): makes a file share all of another's data blocks (btrfs, xfs with reflink), what libvirt's
 * reflinkCloneFile does for VIR_STORAGE_VOL_CREATE_REFLINK. Across filesystems it fails with EXDEV; where
 * the filesystem cannot share blocks (ext4) with EOPNOTSUPP.
 */
public final class Reflink {
    /** _IOW(0x94, 9, int) */
    private static final long FICLONE = 0x40049409L;

    private Reflink() {
    }

    /** The whole of {@code source} becomes the content of {@code destination} (opened for writing). */
    public static void clone(Fd destination, Fd source) throws ErrnoException {
        Ioctl.call(destination, "FICLONE", FICLONE, source.value());
    }
}
