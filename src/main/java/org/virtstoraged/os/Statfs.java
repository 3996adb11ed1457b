package org.virtstoraged.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** statfs(2) and fstatfs(2): the filesystem a file is on. */
public final class Statfs {
    /**
     * struct statfs on 64-bit Linux: ten longs (f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files,
     * f_ffree, f_fsid as two ints, f_namelen, f_frsize, f_flags) and four spare; 120 bytes, allocated
     * with room to spare.
     */
    private static final long SIZE = 128;

    private static final MethodHandle STATFS = Libc.withErrno("statfs",
            FunctionDescriptor.of(Libc.C_INT, Libc.C_POINTER, Libc.C_POINTER));
    private static final MethodHandle FSTATFS = Libc.withErrno("fstatfs",
            FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_POINTER));

    private Statfs() {
    }

    public static FileSystemStatus of(Path path) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = Libc.cString(arena, path);
            MemorySegment buf = arena.allocate(SIZE, 8);
            Libc.check(arena, "statfs", path, errno -> (int) STATFS.invokeExact(errno, name, buf));
            return decode(buf);
        }
    }

    public static FileSystemStatus of(Fd fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(SIZE, 8);
            int descriptor = fd.value();
            Libc.check(arena, "fstatfs", fd.path(), errno -> (int) FSTATFS.invokeExact(errno, descriptor, buf));
            return decode(buf);
        }
    }

    private static FileSystemStatus decode(MemorySegment b) {
        return new FileSystemStatus(word(b, 0), word(b, 1), word(b, 2), word(b, 3), word(b, 4), word(b, 5),
                word(b, 6), word(b, 8), word(b, 9), word(b, 10)); // word 7 is f_fsid
    }

    private static long word(MemorySegment b, int index) {
        return b.get(ValueLayout.JAVA_LONG, index * 8L);
    }
}
