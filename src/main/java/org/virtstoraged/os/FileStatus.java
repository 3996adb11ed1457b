package org.virtstoraged.os;

import java.time.Instant;
import java.util.Optional;

/**
 * What statx(2) reports of a file: everything stat(2) has, st_blocks included (which java.nio's attribute
 * views leave out), plus the birth time where the filesystem keeps one. Unsigned kernel fields are widened
 * (uid, gid, nlink) or kept in a long's bits (ino, size, blocks: never past 2^63 in practice).
 *
 * @param mask which STATX_* fields the filesystem filled in
 * @param blocks st_blocks, in 512-byte units whatever the filesystem's block size
 * @param blockSize st_blksize, the preferred I/O size
 * @param btime the birth time, present only when the filesystem reported it (STATX_BTIME in the mask)
 */
public record FileStatus(int mask, int mode, long uid, long gid, long nlink, long ino, long size, long blocks,
        int blockSize, int devMajor, int devMinor, int rdevMajor, int rdevMinor, Instant atime, Instant mtime,
        Instant ctime, Optional<Instant> btime) {

    public static final int S_IFMT = 0170000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFSOCK = 0140000;

    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isSymbolicLink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    /** Bytes the file occupies on disk: st_blocks * 512. */
    public long allocatedBytes() {
        return blocks * 512;
    }

    /** st_dev as stat(2) gives it: glibc's makedev() of the major and minor statx reports apart. */
    public long dev() {
        return makedev(devMajor, devMinor);
    }

    /** st_rdev, the device a block or character special file stands for. */
    public long rdev() {
        return makedev(rdevMajor, rdevMinor);
    }

    private static long makedev(int major, int minor) {
        long ma = Integer.toUnsignedLong(major);
        long mi = Integer.toUnsignedLong(minor);
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }
}
