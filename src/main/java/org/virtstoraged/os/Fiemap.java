package org.virtstoraged.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * ioctl(FS_IOC_FIEMAP): where a file's data lies, extent by extent, as filefrag -e shows it. Filesystems
 * without it (tmpfs, many network filesystems) fail with EOPNOTSUPP; a device or pipe with ENOTTY or
 * EOPNOTSUPP.
 */
public final class Fiemap {
    /** Flush dirty pages first: data still in the page cache shows as delalloc or as unwritten otherwise. */
    public static final int FLAG_SYNC = 0x1;

    public static final int EXTENT_LAST = 0x1;
    public static final int EXTENT_UNKNOWN = 0x2;
    public static final int EXTENT_DELALLOC = 0x4;
    public static final int EXTENT_ENCODED = 0x8;
    public static final int EXTENT_DATA_ENCRYPTED = 0x80;
    public static final int EXTENT_NOT_ALIGNED = 0x100;
    public static final int EXTENT_DATA_INLINE = 0x200;
    public static final int EXTENT_DATA_TAIL = 0x400;
    /** Allocated but never written (fallocate): reads as zeros, what SEEK_DATA skips on ext4 and xfs. */
    public static final int EXTENT_UNWRITTEN = 0x800;
    public static final int EXTENT_MERGED = 0x1000;
    public static final int EXTENT_SHARED = 0x2000;

    /** One extent, in bytes. */
    public record Extent(long logical, long physical, long length, int flags) {
        public boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /** The byte after it. */
        public long end() {
            return logical + length;
        }
    }

    /** _IOWR('f', 11, struct fiemap) */
    private static final long FS_IOC_FIEMAP = 0xC020660BL;
    /** struct fiemap: fm_start, fm_length (u64), fm_flags, fm_mapped_extents, fm_extent_count, fm_reserved (u32). */
    private static final long HEADER = 32;
    /** struct fiemap_extent: fe_logical, fe_physical, fe_length, 2 reserved (u64), fe_flags, 3 reserved (u32). */
    private static final long EXTENT = 56;
    /** Extents asked for per call: about 14 KiB of buffer; a file with more takes further calls. */
    private static final int BATCH = 256;

    private Fiemap() {
    }

    /** Every extent of the whole file. */
    public static List<Extent> extents(Fd fd, int flags) throws ErrnoException {
        return extents(fd, 0, -1L, flags);
    }

    /**
     * The extents overlapping bytes [start, start + length) (length unsigned; -1 is to the end of any file),
     * asking again from the end of the last one until the kernel marks an extent as the last or maps none.
     */
    public static List<Extent> extents(Fd fd, long start, long length, int flags) throws ErrnoException {
        long end = Long.compareUnsigned(start + length, start) < 0 ? -1L : start + length;
        List<Extent> extents = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(HEADER + BATCH * EXTENT, 8);
            long position = start;
            int callFlags = flags;
            while (Long.compareUnsigned(position, end) < 0) {
                buf.asSlice(0, HEADER).fill((byte) 0);
                buf.set(ValueLayout.JAVA_LONG, 0, position);
                buf.set(ValueLayout.JAVA_LONG, 8, end - position);
                buf.set(ValueLayout.JAVA_INT, 16, callFlags);
                buf.set(ValueLayout.JAVA_INT, 24, BATCH);
                Ioctl.call(arena, fd, "FS_IOC_FIEMAP", FS_IOC_FIEMAP, buf);
                int mapped = buf.get(ValueLayout.JAVA_INT, 20);
                if (mapped == 0) {
                    break;
                }
                Extent last = null;
                for (int i = 0; i < mapped; i++) {
                    long at = HEADER + i * EXTENT;
                    last = new Extent(buf.get(ValueLayout.JAVA_LONG, at), buf.get(ValueLayout.JAVA_LONG, at + 8),
                            buf.get(ValueLayout.JAVA_LONG, at + 16), buf.get(ValueLayout.JAVA_INT, at + 40));
                    extents.add(last);
                }
                if (last.has(EXTENT_LAST) || Long.compareUnsigned(last.end(), position) <= 0) {
                    break; // done, or no progress (never seen; it would loop forever)
                }
                position = last.end();
                callFlags = flags & ~FLAG_SYNC; // synced once is enough
            }
        }
        return extents;
    }
}
