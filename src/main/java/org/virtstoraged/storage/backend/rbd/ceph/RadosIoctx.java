package org.virtstoraged.storage.backend.rbd.ceph;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** A librados I/O context (rados_ioctx_t) on one RADOS pool; destroyed once by {@link #close}. */
public final class RadosIoctx implements AutoCloseable {
    private static final MethodHandle DESTROY = CephNative.rados("rados_ioctx_destroy",
            FunctionDescriptor.ofVoid(CephNative.C_POINTER));
    private static final MethodHandle POOL_STAT = CephNative.rados("rados_ioctx_pool_stat",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER));
    /** struct rados_pool_stat_t: sixteen uint64_t, num_bytes first. */
    private static final MemoryLayout POOL_STAT_T = MemoryLayout.sequenceLayout(16, CephNative.C_LONG);

    private final NativeHandle handle;

    RadosIoctx(MemorySegment handle) {
        this.handle = new NativeHandle(handle, h -> {
            DESTROY.invokeExact(h);
        }, "RADOS I/O context already destroyed");
    }

    /** num_bytes of rados_ioctx_pool_stat: the space the pool's objects use. */
    public long poolBytes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(POOL_STAT_T);
            CephNative.call("rados_ioctx_pool_stat", () -> (int) POOL_STAT.invokeExact(handle(), out));
            return out.get(CephNative.C_LONG, 0);
        }
    }

    MemorySegment handle() {
        return handle.get();
    }

    /** rados_ioctx_destroy, once. */
    @Override
    public void close() {
        handle.release();
    }
}
