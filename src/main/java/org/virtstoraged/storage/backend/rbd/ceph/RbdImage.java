package org.virtstoraged.storage.backend.rbd.ceph;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.virtstoraged.os.Errno;
import org.virtstoraged.os.ForeignCalls;

/** An open RBD image (rbd_image_t), for one thread at a time; {@link #close} runs rbd_close once. */
public final class RbdImage implements AutoCloseable {
    private static final MethodHandle CLOSE = CephNative.rbd("rbd_close",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER));
    private static final MethodHandle STAT = CephNative.rbd("rbd_stat",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_LONG));
    private static final FunctionDescriptor GET_U64 = FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER,
            CephNative.C_POINTER);
    private static final MethodHandle GET_FEATURES = CephNative.rbd("rbd_get_features", GET_U64);
    private static final MethodHandle GET_FLAGS = CephNative.rbd("rbd_get_flags", GET_U64);
    private static final MethodHandle GET_STRIPE_UNIT = CephNative.rbd("rbd_get_stripe_unit", GET_U64);
    private static final MethodHandle GET_STRIPE_COUNT = CephNative.rbd("rbd_get_stripe_count", GET_U64);
    /** Same C types as the uint64_t getters: the out-parameter is a pointer either way. */
    private static final MethodHandle GET_OLD_FORMAT = CephNative.rbd("rbd_get_old_format", GET_U64);
    private static final MethodHandle RESIZE = CephNative.rbd("rbd_resize",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_LONG));
    private static final MethodHandle WRITE = CephNative.rbd("rbd_write", FunctionDescriptor.of(CephNative.C_LONG,
            CephNative.C_POINTER, CephNative.C_LONG, CephNative.C_LONG, CephNative.C_POINTER));
    private static final MethodHandle DISCARD = CephNative.rbd("rbd_discard",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_LONG, CephNative.C_LONG));
    private static final FunctionDescriptor SNAP_NAMED = FunctionDescriptor.of(CephNative.C_INT,
            CephNative.C_POINTER, CephNative.C_POINTER);
    private static final MethodHandle SNAP_CREATE = CephNative.rbd("rbd_snap_create", SNAP_NAMED);
    private static final MethodHandle SNAP_REMOVE = CephNative.rbd("rbd_snap_remove", SNAP_NAMED);
    private static final MethodHandle SNAP_PROTECT = CephNative.rbd("rbd_snap_protect", SNAP_NAMED);
    private static final MethodHandle SNAP_UNPROTECT = CephNative.rbd("rbd_snap_unprotect", SNAP_NAMED);
    private static final MethodHandle SNAP_IS_PROTECTED = CephNative.rbd("rbd_snap_is_protected",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_POINTER));
    private static final MethodHandle SNAP_LIST = CephNative.rbd("rbd_snap_list",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_POINTER));
    private static final MethodHandle SNAP_LIST_END = CephNative.rbd("rbd_snap_list_end",
            FunctionDescriptor.ofVoid(CephNative.C_POINTER));

    /** rbd_image_info_t: size, obj_size, num_objs, int order, char[24], int64_t parent_pool, char[96]. */
    static final MemoryLayout IMAGE_INFO = MemoryLayout.structLayout(CephNative.C_LONG.withName("size"),
            CephNative.C_LONG.withName("obj_size"), CephNative.C_LONG.withName("num_objs"),
            CephNative.C_INT.withName("order"), MemoryLayout.sequenceLayout(24, CephNative.C_CHAR),
            MemoryLayout.paddingLayout(4), CephNative.C_LONG.withName("parent_pool"),
            MemoryLayout.sequenceLayout(96, CephNative.C_CHAR));
    /** rbd_snap_info_t: uint64_t id, uint64_t size, const char *name. */
    private static final MemoryLayout SNAP_INFO = MemoryLayout.structLayout(CephNative.C_LONG.withName("id"),
            CephNative.C_LONG.withName("size"), CephNative.C_POINTER.withName("name"));

    private final NativeHandle handle;

    RbdImage(MemorySegment handle) {
        this.handle = new NativeHandle(handle, h -> {
            int ignored = (int) CLOSE.invokeExact(h);
        }, "RBD image already closed");
    }

    public Info stat() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(IMAGE_INFO);
            long size = IMAGE_INFO.byteSize();
            CephNative.call("rbd_stat", () -> (int) STAT.invokeExact(handle(), out, size));
            return new Info(out.get(CephNative.C_LONG, 0), out.get(CephNative.C_LONG, 8), out.get(CephNative.C_LONG, 16),
                    out.get(CephNative.C_INT, 24));
        }
    }

    public long features() {
        return getU64(GET_FEATURES, "rbd_get_features");
    }

    public long flags() {
        return getU64(GET_FLAGS, "rbd_get_flags");
    }

    public long stripeUnit() {
        return getU64(GET_STRIPE_UNIT, "rbd_get_stripe_unit");
    }

    public long stripeCount() {
        return getU64(GET_STRIPE_COUNT, "rbd_get_stripe_count");
    }

    /** rbd_get_old_format: whether the image is format 1. */
    public boolean oldFormat() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CephNative.C_CHAR);
            CephNative.call("rbd_get_old_format", () -> (int) GET_OLD_FORMAT.invokeExact(handle(), out));
            return out.get(CephNative.C_CHAR, 0) != 0;
        }
    }

    private long getU64(MethodHandle function, String call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CephNative.C_LONG);
            CephNative.call(call, () -> (int) function.invokeExact(handle(), out));
            return out.get(CephNative.C_LONG, 0);
        }
    }

    public void resize(long size) {
        CephNative.call("rbd_resize", () -> (int) RESIZE.invokeExact(handle(), size));
    }

    /** rbd_write of {@code length} bytes from {@code data} (a native segment) at {@code offset}. */
    public void write(long offset, MemorySegment data, long length) {
        long written;
        try {
            written = (long) WRITE.invokeExact(handle(), offset, length, data);
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
        CephNative.check("rbd_write", written);
    }

    public void discard(long offset, long length) {
        CephNative.call("rbd_discard", () -> (int) DISCARD.invokeExact(handle(), offset, length));
    }

    public void createSnapshot(String name) {
        snapNamed(SNAP_CREATE, "rbd_snap_create", name);
    }

    public void removeSnapshot(String name) {
        snapNamed(SNAP_REMOVE, "rbd_snap_remove", name);
    }

    public void protectSnapshot(String name) {
        snapNamed(SNAP_PROTECT, "rbd_snap_protect", name);
    }

    public void unprotectSnapshot(String name) {
        snapNamed(SNAP_UNPROTECT, "rbd_snap_unprotect", name);
    }

    public boolean isSnapshotProtected(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = CephNative.cString(arena, name);
            MemorySegment out = arena.allocate(CephNative.C_INT);
            CephNative.call("rbd_snap_is_protected", () -> (int) SNAP_IS_PROTECTED.invokeExact(handle(), n, out));
            return out.get(CephNative.C_INT, 0) == 1;
        }
    }

    private void snapNamed(MethodHandle function, String call, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = CephNative.cString(arena, name);
            CephNative.call(call, () -> (int) function.invokeExact(handle(), n));
        }
    }

    /**
     * rbd_snap_list, growing the array while librbd answers -ERANGE (it then asks for room for one more
     * entry than there are snapshots: the list ends with an empty one).
     */
    public List<Snapshot> snapshots() {
        int capacity = 128;
        while (true) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment snaps = arena.allocate(SNAP_INFO, capacity);
                MemorySegment max = arena.allocate(CephNative.C_INT);
                max.set(CephNative.C_INT, 0, capacity);
                int rc;
                try {
                    rc = (int) SNAP_LIST.invokeExact(handle(), snaps, max);
                } catch (Throwable t) {
                    throw ForeignCalls.unexpected(t);
                }
                if (rc == -Errno.ERANGE) {
                    capacity = Math.max(max.get(CephNative.C_INT, 0), capacity * 2);
                    continue;
                }
                CephNative.check("rbd_snap_list", rc);
                List<Snapshot> result = new ArrayList<>();
                for (int i = 0; i < rc; i++) {
                    long base = i * SNAP_INFO.byteSize();
                    result.add(new Snapshot(snaps.get(CephNative.C_LONG, base), snaps.get(CephNative.C_LONG, base + 8),
                            CephNative.string(snaps.get(CephNative.C_POINTER, base + 16))));
                }
                CephNative.run(() -> {
                    SNAP_LIST_END.invokeExact(snaps);
                });
                return result;
            }
        }
    }

    MemorySegment handle() {
        return handle.get();
    }

    /** rbd_close, once; its result is ignored as libvirt ignores it. */
    @Override
    public void close() {
        handle.release();
    }

    /** The fields of rbd_image_info_t that are not deprecated. */
    public record Info(long size, long objectSize, long objectCount, int order) {
    }

    /** One rbd_snap_info_t. */
    public record Snapshot(long id, long size, String name) {
    }
}
