package org.virtstoraged.storage.backend.rbd.ceph;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicLong;
import org.virtstoraged.os.ForeignCalls;

/**
 * rbd_diff_iterate2 over a whole image: with fast-diff it reads the object map, so counting the extents
 * that exist is cheap. The callback is an FFM upcall; librbd may call it from its own threads, so its stub
 * lives in a shared arena for the duration of the call.
 */
public final class RbdDiff {
    /** int (*cb)(uint64_t offset, size_t length, int exists, void *arg). */
    private static final FunctionDescriptor CALLBACK = ForeignCalls.upcallShape(FunctionDescriptor.of(CephNative.C_INT,
            CephNative.C_LONG, CephNative.C_LONG, CephNative.C_INT, CephNative.C_POINTER));
    /** rbd_diff_iterate2(image, fromsnapname, ofs, len, uint8_t include_parent, uint8_t whole_object, cb, arg). */
    private static final MethodHandle DIFF_ITERATE2 = CephNative.rbd("rbd_diff_iterate2",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_LONG,
                    CephNative.C_LONG, CephNative.C_CHAR, CephNative.C_CHAR, CephNative.C_POINTER,
                    CephNative.C_POINTER));
    private static final MethodType CALLBACK_TYPE = MethodType.methodType(int.class, AtomicLong.class, long.class,
            long.class, int.class, MemorySegment.class);
    private static final MethodHandle ADD_EXISTING = callback("addExisting");
    private static final MethodHandle STOP_AT_CHANGE = callback("stopAtChange");

    private static MethodHandle callback(String name) {
        try {
            return MethodHandles.lookup().findStatic(RbdDiff.class, name, CALLBACK_TYPE);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RbdDiff() {
    }

    /**
     * The bytes of the image's existing extents from offset 0 to {@code length}, whole objects counted, parent
     * excluded (libvirt's virStorageBackendRBDSetAllocation).
     */
    public static long allocatedBytes(RbdImage image, long length) {
        AtomicLong total = new AtomicLong();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment callback = ForeignCalls.upcall(ADD_EXISTING.bindTo(total), CALLBACK, arena);
            CephNative.call("rbd_diff_iterate2", () -> (int) DIFF_ITERATE2.invokeExact(image.handle(),
                    MemorySegment.NULL, 0L, length, (byte) 0, (byte) 1, callback, MemorySegment.NULL));
        }
        return total.get();
    }

    /**
     * Whether the image changed since the snapshot {@code fromSnapshot}: the callback notes the first change
     * and returns -1 to stop there, which rbd_diff_iterate2 passes on as its result. That -1 is our stop, not
     * an error (libvirt 9.0 takes it for one and fails the clone); any other failure is thrown.
     */
    public static boolean changedSince(RbdImage image, String fromSnapshot, long length) {
        AtomicLong changes = new AtomicLong();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment callback = ForeignCalls.upcall(STOP_AT_CHANGE.bindTo(changes), CALLBACK, arena);
            MemorySegment snap = CephNative.cString(arena, fromSnapshot);
            CephNative.call("rbd_diff_iterate2", () -> (int) DIFF_ITERATE2.invokeExact(image.handle(), snap, 0L,
                    length, (byte) 0, (byte) 1, callback, MemorySegment.NULL));
        } catch (CephException e) {
            if (changes.get() == 0) {
                throw e;
            }
        }
        return changes.get() != 0;
    }

    private static int stopAtChange(AtomicLong changes, long offset, long length, int exists, MemorySegment arg) {
        changes.incrementAndGet();
        return -1;
    }

    private static int addExisting(AtomicLong total, long offset, long length, int exists, MemorySegment arg) {
        if (exists != 0) {
            total.addAndGet(length);
        }
        return 0;
    }
}
