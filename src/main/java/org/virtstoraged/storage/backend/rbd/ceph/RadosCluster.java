package org.virtstoraged.storage.backend.rbd.ceph;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * A librados cluster handle (rados_t): created, configured with rados_conf_set, connected, and shut down
 * once by {@link #close}. librados handles are thread-safe; close it only when no call is running.
 */
public final class RadosCluster implements AutoCloseable {
    private static final MethodHandle CREATE = CephNative.rados("rados_create",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER));
    private static final MethodHandle CONF_SET = CephNative.rados("rados_conf_set",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_POINTER));
    private static final MethodHandle CONNECT = CephNative.rados("rados_connect",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER));
    private static final MethodHandle SHUTDOWN = CephNative.rados("rados_shutdown",
            FunctionDescriptor.ofVoid(CephNative.C_POINTER));
    private static final MethodHandle CLUSTER_STAT = CephNative.rados("rados_cluster_stat",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER));
    private static final MethodHandle IOCTX_CREATE = CephNative.rados("rados_ioctx_create",
            FunctionDescriptor.of(CephNative.C_INT, CephNative.C_POINTER, CephNative.C_POINTER, CephNative.C_POINTER));

    /** struct rados_cluster_stat_t: four uint64_t. */
    private static final StructLayout CLUSTER_STAT_T = MemoryLayout.structLayout(CephNative.C_LONG.withName("kb"),
            CephNative.C_LONG.withName("kb_used"), CephNative.C_LONG.withName("kb_avail"),
            CephNative.C_LONG.withName("num_objects"));

    private final NativeHandle handle;

    private RadosCluster(MemorySegment handle) {
        this.handle = new NativeHandle(handle, h -> {
            SHUTDOWN.invokeExact(h);
        }, "RADOS cluster handle already shut down");
    }

    /**
     * rados_create: {@code id} is the user name without "client." (null: librados' default, admin). Throws
     * {@link org.virtstoraged.os.ForeignLibrary.Missing} when librados or librbd cannot be loaded.
     */
    public static RadosCluster create(String id) {
        CephLibraries.require();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CephNative.C_POINTER);
            MemorySegment name = CephNative.cString(arena, id);
            CephNative.call("rados_create", () -> (int) CREATE.invokeExact(out, name));
            return new RadosCluster(out.get(CephNative.C_POINTER, 0));
        }
    }

    public void confSet(String option, String value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment o = CephNative.cString(arena, option);
            MemorySegment v = CephNative.cString(arena, value);
            CephNative.call("rados_conf_set", () -> (int) CONF_SET.invokeExact(handle(), o, v));
        }
    }

    /**
     * rados_conf_set of a secret (the cephx key): the value goes to librados from a native copy that is
     * zeroed right after, never through a String (libvirt erases its copies the same way).
     */
    public void confSetSecret(String option, byte[] value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment o = CephNative.cString(arena, option);
            MemorySegment v = arena.allocate(value.length + 1L);
            MemorySegment.copy(value, 0, v, CephNative.C_CHAR, 0, value.length);
            try {
                CephNative.call("rados_conf_set", () -> (int) CONF_SET.invokeExact(handle(), o, v));
            } finally {
                v.fill((byte) 0);
            }
        }
    }

    /** Blocks up to client_mount_timeout. */
    public void connect() {
        CephNative.call("rados_connect", () -> (int) CONNECT.invokeExact(handle()));
    }

    public ClusterStat stat() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CLUSTER_STAT_T);
            CephNative.call("rados_cluster_stat", () -> (int) CLUSTER_STAT.invokeExact(handle(), out));
            return new ClusterStat(out.get(CephNative.C_LONG, 0), out.get(CephNative.C_LONG, 8),
                    out.get(CephNative.C_LONG, 16), out.get(CephNative.C_LONG, 24));
        }
    }

    /** rados_ioctx_create: an I/O context on the named RADOS pool. */
    public RadosIoctx openIoctx(String pool) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(CephNative.C_POINTER);
            MemorySegment name = CephNative.cString(arena, pool);
            CephNative.call("rados_ioctx_create", () -> (int) IOCTX_CREATE.invokeExact(handle(), name, out));
            return new RadosIoctx(out.get(CephNative.C_POINTER, 0));
        }
    }

    private MemorySegment handle() {
        return handle.get();
    }

    /** rados_shutdown, once. */
    @Override
    public void close() {
        handle.release();
    }

    /** struct rados_cluster_stat_t, in KiB. */
    public record ClusterStat(long kb, long kbUsed, long kbAvail, long numObjects) {
    }
}
