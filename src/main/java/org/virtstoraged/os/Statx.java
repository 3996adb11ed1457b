package org.virtstoraged.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * statx(2) through glibc (2.28+, which falls back to fstatat on kernels without statx): one call gives
 * what libvirt reads from stat(2) for a volume, st_blocks included, where java.nio needs an attribute
 * map and still lacks the block count.
 */
public final class Statx {
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EMPTY_PATH = 0x1000;
    /** Everything struct stat has. */
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int STATX_BTIME = 0x800;

    /** struct statx is 256 bytes on every architecture; the offsets below are its fields (linux/stat.h). */
    private static final long SIZE = 256;

    private static final MethodHandle STATX = Libc.withErrno("statx", FunctionDescriptor.of(Libc.C_INT,
            Libc.C_INT, Libc.C_POINTER, Libc.C_INT, Libc.C_INT, Libc.C_POINTER));

    private Statx() {
    }

    /** stat(2) when following links (a link's target), lstat(2) when not (the link itself). */
    public static FileStatus of(Path path, boolean followLinks) throws ErrnoException {
        return call(AT_FDCWD, path, followLinks ? 0 : AT_SYMLINK_NOFOLLOW, path);
    }

    /** fstat(2): the open file, whatever its name has become since. */
    public static FileStatus of(Fd fd) throws ErrnoException {
        return call(fd.value(), Path.of(""), AT_EMPTY_PATH, fd.path());
    }

    private static FileStatus call(int dirfd, Path path, int flags, Path reported) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = Libc.cString(arena, path);
            MemorySegment buf = arena.allocate(SIZE, 8);
            Libc.check(arena, "statx", reported, errno -> (int) STATX.invokeExact(errno, dirfd, name, flags,
                    STATX_BASIC_STATS | STATX_BTIME, buf));
            return decode(buf);
        }
    }

    private static FileStatus decode(MemorySegment b) {
        int mask = b.get(ValueLayout.JAVA_INT, 0);
        Optional<Instant> btime = (mask & STATX_BTIME) != 0 ? Optional.of(time(b, 80)) : Optional.empty();
        return new FileStatus(mask,
                Short.toUnsignedInt(b.get(ValueLayout.JAVA_SHORT, 28)), // stx_mode
                u32(b, 20), // stx_uid
                u32(b, 24), // stx_gid
                u32(b, 16), // stx_nlink
                b.get(ValueLayout.JAVA_LONG, 32), // stx_ino
                b.get(ValueLayout.JAVA_LONG, 40), // stx_size
                b.get(ValueLayout.JAVA_LONG, 48), // stx_blocks
                b.get(ValueLayout.JAVA_INT, 4), // stx_blksize
                b.get(ValueLayout.JAVA_INT, 136), // stx_dev_major
                b.get(ValueLayout.JAVA_INT, 140), // stx_dev_minor
                b.get(ValueLayout.JAVA_INT, 128), // stx_rdev_major
                b.get(ValueLayout.JAVA_INT, 132), // stx_rdev_minor
                time(b, 64), // stx_atime
                time(b, 112), // stx_mtime
                time(b, 96), // stx_ctime
                btime);
    }

    private static long u32(MemorySegment b, long offset) {
        return Integer.toUnsignedLong(b.get(ValueLayout.JAVA_INT, offset));
    }

    /** struct statx_timestamp: __s64 tv_sec, __u32 tv_nsec. */
    private static Instant time(MemorySegment b, long offset) {
        return Instant.ofEpochSecond(b.get(ValueLayout.JAVA_LONG, offset), b.get(ValueLayout.JAVA_INT, offset + 8));
    }
}
