package org.virtstoraged.storage.backend.gluster.gfapi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import org.virtstoraged.os.ForeignCalls;

/** An open gfapi directory (glfs_fd_t from glfs_opendir), read with glfs_readdirplus_r. */
public final class GlfsDir implements AutoCloseable {
    private static final MethodHandle READDIRPLUS_R = GfapiNative.gfapi("glfs_readdirplus_r",
            FunctionDescriptor.of(GfapiNative.C_INT, GfapiNative.C_POINTER, GfapiNative.C_POINTER,
                    GfapiNative.C_POINTER, GfapiNative.C_POINTER));
    private static final MethodHandle CLOSEDIR = GfapiNative.gfapi("glfs_closedir",
            FunctionDescriptor.of(GfapiNative.C_INT, GfapiNative.C_POINTER));
    /** struct dirent on 64-bit Linux: d_name at offset 19, 256 bytes; more room after it as libvirt gives. */
    private static final long DIRENT_SIZE = 280 + 256;
    private static final long D_NAME = 19;

    private final MemorySegment fd;
    private boolean closed;

    GlfsDir(MemorySegment fd) {
        this.fd = fd;
    }

    /** One entry: its name and lstat-like information (a symbolic link is reported as the link). */
    public record Entry(String name, GlfsStat stat) {
    }

    /** The next entry, or null at the end. glfs_readdirplus_r returns the errno itself, 0 on success. */
    public Entry next() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = ForeignCalls.errnoSegment(arena);
            MemorySegment st = arena.allocate(GlfsStat.SIZE, 8);
            MemorySegment ent = arena.allocate(DIRENT_SIZE, 8);
            MemorySegment res = arena.allocate(GfapiNative.C_POINTER);
            int rc;
            try {
                rc = (int) READDIRPLUS_R.invokeExact(err, fd, st, ent, res);
            } catch (Throwable t) {
                throw ForeignCalls.unexpected(t);
            }
            if (rc != 0) {
                throw new GfapiException("glfs_readdirplus_r", rc);
            }
            if (res.get(GfapiNative.C_POINTER, 0).equals(MemorySegment.NULL)) {
                return null;
            }
            return new Entry(ent.getString(D_NAME, StandardCharsets.UTF_8), GlfsStat.read(st));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Glfs.closeQuietly("glfs_closedir", CLOSEDIR, fd);
    }
}
