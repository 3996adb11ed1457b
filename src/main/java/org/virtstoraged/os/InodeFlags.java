package org.virtstoraged.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ioctl(FS_IOC_GETFLAGS / FS_IOC_SETFLAGS): the inode attributes lsattr and chattr show and change, among
 * them btrfs' no-copy-on-write flag (chattr +C) that libvirt's virFileSetCOW sets.
 */
public final class InodeFlags {
    /** FS_NOCOW_FL, 'C': no copy-on-write (btrfs; only takes effect on an empty file or a directory). */
    public static final int NOCOW = 0x00800000;

    /** _IOR('f', 1, long) and _IOW('f', 2, long); despite the long in their number the kernel reads an int. */
    private static final long FS_IOC_GETFLAGS = 0x80086601L;
    private static final long FS_IOC_SETFLAGS = 0x40086602L;

    private InodeFlags() {
    }

    public static int get(Fd fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flags = arena.allocate(ValueLayout.JAVA_LONG);
            Ioctl.call(arena, fd, "FS_IOC_GETFLAGS", FS_IOC_GETFLAGS, flags);
            return flags.get(ValueLayout.JAVA_INT, 0);
        }
    }

    public static void set(Fd fd, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            value.set(ValueLayout.JAVA_INT, 0, flags);
            Ioctl.call(arena, fd, "FS_IOC_SETFLAGS", FS_IOC_SETFLAGS, value);
        }
    }
}
