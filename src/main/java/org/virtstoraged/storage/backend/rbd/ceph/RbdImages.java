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

/** librbd's calls on the images of one RADOS pool (those taking a rados_ioctx_t). */
public final class RbdImages {
    private static final MethodHandle LIST2 = CephNative.rbd("rbd_list2",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_POINTER));
    private static final MethodHandle SPEC_LIST_CLEANUP = CephNative.rbd("rbd_image_spec_list_cleanup",
            FunctionDescriptor.ofVoid(CephNative.C_POINTER, CephNative.C_LONG));
    private static final MethodHandle CREATE = CephNative.rbd("rbd_create", FunctionDescriptor.of(CephNative.C_INT,
            CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_LONG, CephNative.C_POINTER));
    private static final MethodHandle REMOVE = CephNative.rbd("rbd_remove",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER));
    private static final FunctionDescriptor OPEN_FUNCTION = FunctionDescriptor.of(CephNative.C_INT,
            CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_POINTER);
    private static final MethodHandle OPEN = CephNative.rbd("rbd_open", OPEN_FUNCTION);
    private static final MethodHandle OPEN_READ_ONLY = CephNative.rbd("rbd_open_read_only", OPEN_FUNCTION);
    /** rbd_clone2(p_ioctx, p_name, p_snapname, c_ioctx, c_name, features, *c_order, stripe_unit, int stripe_count). */
    private static final MethodHandle CLONE2 = CephNative.rbd("rbd_clone2", FunctionDescriptor.of(CephNative.C_INT,
            CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_POINTER,
            CephNative.C_POINTER, CephNative.C_LONG, CephNative.C_POINTER, CephNative.C_LONG, CephNative.C_INT));
    /** rbd_image_spec_t: {char *id; char *name;}. */
    private static final MemoryLayout IMAGE_SPEC = MemoryLayout.structLayout(CephNative.C_POINTER.withName("id"),
            CephNative.C_POINTER.withName("name"));

    private final RadosIoctx ioctx;

    public RbdImages(RadosIoctx ioctx) {
        this.ioctx = ioctx;
    }

    /** rbd_list2, growing the array while librbd answers -ERANGE (it then says how many there are). */
    public List<String> list() {
        long capacity = 16;
        while (true) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment images = arena.allocate(IMAGE_SPEC, capacity);
                MemorySegment count = arena.allocate(CephNative.C_LONG);
                count.set(CephNative.C_LONG, 0, capacity);
                int rc;
                try {
                    rc = (int) LIST2.invokeExact(ioctx.handle(), images, count);
                } catch (Throwable t) {
                    throw ForeignCalls.unexpected(t);
                }
                long found = count.get(CephNative.C_LONG, 0);
                if (rc == -Errno.ERANGE) {
                    capacity = Math.max(found, capacity * 2);
                    continue;
                }
                CephNative.check("rbd_list2", rc);
                List<String> names = new ArrayList<>();
                for (long i = 0; i < found; i++) {
                    names.add(CephNative.string(images.get(CephNative.C_POINTER, i * IMAGE_SPEC.byteSize() + 8)));
                }
                CephNative.run(() -> {
                    SPEC_LIST_CLEANUP.invokeExact(images, found);
                });
                return names;
            }
        }
    }

    /** rbd_create with order 0 (librbd's default object size), in the default format of the connection. */
    public void create(String name, long size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = CephNative.cString(arena, name);
            MemorySegment order = arena.allocate(CephNative.C_INT);
            CephNative.call("rbd_create", () -> (int) CREATE.invokeExact(ioctx.handle(), n, size, order));
        }
    }

    public void remove(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = CephNative.cString(arena, name);
            CephNative.call("rbd_remove", () -> (int) REMOVE.invokeExact(ioctx.handle(), n));
        }
    }

    /** rbd_open of the image's head (no snapshot). */
    public RbdImage open(String name) {
        return open(OPEN, "rbd_open", name);
    }

    public RbdImage openReadOnly(String name) {
        return open(OPEN_READ_ONLY, "rbd_open_read_only", name);
    }

    private RbdImage open(MethodHandle function, String call, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = CephNative.cString(arena, name);
            MemorySegment out = arena.allocate(CephNative.C_POINTER);
            CephNative.call(call, () -> (int) function.invokeExact(ioctx.handle(), n, out, MemorySegment.NULL));
            return new RbdImage(out.get(CephNative.C_POINTER, 0));
        }
    }

    /** rbd_clone2 within this pool, order 0 as libvirt passes it. */
    public void clone(String parent, String snapshot, String child, long features, long stripeUnit,
            long stripeCount) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = CephNative.cString(arena, parent);
            MemorySegment s = CephNative.cString(arena, snapshot);
            MemorySegment c = CephNative.cString(arena, child);
            MemorySegment order = arena.allocate(CephNative.C_INT);
            CephNative.call("rbd_clone2", () -> (int) CLONE2.invokeExact(ioctx.handle(), p, s, ioctx.handle(), c,
                    features, order, stripeUnit, (int) stripeCount));
        }
    }
}
