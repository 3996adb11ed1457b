package org.virtstoraged.storage.backend.gluster.gfapi;

import java.lang.foreign.MemorySegment;
import java.time.Instant;

/**
 * The fields libvirt reads of the struct stat gfapi fills in (glibc's layout: x86-64 and AArch64 share
 * the offsets of size, blocks and the times; mode, uid and gid differ).
 *
 * @param blocks st_blocks, in 512-byte units
 */
public record GlfsStat(int mode, long uid, long gid, long size, long blocks, Instant atime, Instant mtime,
        Instant ctime) {
    public static final int S_IFMT = 0170000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFLNK = 0120000;

    /** sizeof(struct stat), the larger of the two architectures'. */
    static final long SIZE = 144;
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    static GlfsStat read(MemorySegment st) {
        int mode = st.get(GfapiNative.C_INT, AARCH64 ? 16 : 24);
        long uid = Integer.toUnsignedLong(st.get(GfapiNative.C_INT, AARCH64 ? 24 : 28));
        long gid = Integer.toUnsignedLong(st.get(GfapiNative.C_INT, AARCH64 ? 28 : 32));
        return new GlfsStat(mode, uid, gid, st.get(GfapiNative.C_LONG, 48), st.get(GfapiNative.C_LONG, 64),
                time(st, 72), time(st, 88), time(st, 104));
    }

    private static Instant time(MemorySegment st, long offset) {
        return Instant.ofEpochSecond(st.get(GfapiNative.C_LONG, offset), st.get(GfapiNative.C_LONG, offset + 8));
    }

    public boolean isSymlink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isRegular() {
        return (mode & S_IFMT) == S_IFREG;
    }
}
