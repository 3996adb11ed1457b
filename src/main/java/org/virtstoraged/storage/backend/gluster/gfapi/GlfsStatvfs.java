package org.virtstoraged.storage.backend.gluster.gfapi;

import java.lang.foreign.MemorySegment;

/** The struct statvfs fields libvirt reads (glibc's 64-bit layout: unsigned longs from offset 0). */
public record GlfsStatvfs(long frsize, long blocks, long bfree) {
    /** sizeof(struct statvfs) on 64-bit Linux. */
    static final long SIZE = 112;

    static GlfsStatvfs read(MemorySegment sv) {
        return new GlfsStatvfs(sv.get(GfapiNative.C_LONG, 8), sv.get(GfapiNative.C_LONG, 16),
                sv.get(GfapiNative.C_LONG, 24));
    }
}
