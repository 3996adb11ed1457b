package org.virtstoraged.storage.backend.gluster.gfapi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.virtstoraged.os.ForeignCalls;

/**
 * A gfapi volume handle (glfs_t): made by {@link #create}, pointed at a volfile server, initialised, used,
 * and torn down once by {@link #close} (glfs_fini, which takes seconds). gfapi handles serve concurrent
 * calls from any thread; blocking calls (init above all) may never return against a server that stops
 * answering, so callers bound them (see the backend's GlusterCalls).
 */
public final class Glfs implements AutoCloseable {
    private static final MethodHandle NEW = GfapiNative.gfapi("glfs_new",
            FunctionDescriptor.of(GfapiNative.C_POINTER, GfapiNative.C_POINTER));
    private static final MethodHandle SET_VOLFILE_SERVER = GfapiNative.gfapi("glfs_set_volfile_server",
            FunctionDescriptor.of(GfapiNative.C_INT, GfapiNative.C_POINTER, GfapiNative.C_POINTER,
                    GfapiNative.C_POINTER, GfapiNative.C_INT));
    private static final MethodHandle INIT = GfapiNative.gfapi("glfs_init",
            FunctionDescriptor.of(GfapiNative.C_INT, GfapiNative.C_POINTER));
    private static final MethodHandle FINI = GfapiNative.gfapi("glfs_fini",
            FunctionDescriptor.of(GfapiNative.C_INT, GfapiNative.C_POINTER));
    private static final MethodHandle CHDIR = pathCall("glfs_chdir");
    private static final MethodHandle UNLINK = pathCall("glfs_unlink");
    private static final MethodHandle RMDIR = pathCall("glfs_rmdir");
    private static final MethodHandle STAT = GfapiNative.gfapi("glfs_stat", FunctionDescriptor.of(GfapiNative.C_INT,
            GfapiNative.C_POINTER, GfapiNative.C_POINTER, GfapiNative.C_POINTER));
    private static final MethodHandle STATVFS = GfapiNative.gfapi("glfs_statvfs",
            FunctionDescriptor.of(GfapiNative.C_INT, GfapiNative.C_POINTER, GfapiNative.C_POINTER,
                    GfapiNative.C_POINTER));
    private static final MethodHandle OPENDIR = GfapiNative.gfapi("glfs_opendir",
            FunctionDescriptor.of(GfapiNative.C_POINTER, GfapiNative.C_POINTER, GfapiNative.C_POINTER));
    private static final MethodHandle OPEN = GfapiNative.gfapi("glfs_open", FunctionDescriptor.of(
            GfapiNative.C_POINTER, GfapiNative.C_POINTER, GfapiNative.C_POINTER, GfapiNative.C_INT));

    /** O_RDONLY | O_NOCTTY, libvirt's flags for the header probe (same on x86-64 and AArch64). */
    public static final int O_RDONLY_NOCTTY = 0400;

    private final MemorySegment handle;
    private boolean closed;

    private Glfs(MemorySegment handle) {
        this.handle = handle;
    }

    private static MethodHandle pathCall(String name) {
        return GfapiNative.gfapi(name, FunctionDescriptor.of(GfapiNative.C_INT, GfapiNative.C_POINTER,
                GfapiNative.C_POINTER));
    }

    /**
     * glfs_new: a handle on the named volume, nothing contacted yet.
     *
     * @throws org.virtstoraged.os.ForeignLibrary.Missing when libgfapi cannot be loaded
     * @throws GfapiException when gfapi refuses (the errno it left)
     */
    public static Glfs create(String volume) {
        GfapiNative.require();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = GfapiNative.cString(arena, volume);
            return new Glfs(pointerCall(arena, "glfs_new", err -> (MemorySegment) NEW.invokeExact(err, name)));
        }
    }

    public void setVolfileServer(String transport, String host, int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = GfapiNative.cString(arena, transport);
            MemorySegment h = GfapiNative.cString(arena, host);
            call(arena, "glfs_set_volfile_server",
                    err -> (int) SET_VOLFILE_SERVER.invokeExact(err, handle(), t, h, port));
        }
    }

    /** Fetches the volfile and connects to the bricks; may block indefinitely against a silent server. */
    public void init() {
        try (Arena arena = Arena.ofConfined()) {
            call(arena, "glfs_init", err -> (int) INIT.invokeExact(err, handle()));
        }
    }

    public void chdir(String path) {
        pathCall("glfs_chdir", CHDIR, path);
    }

    public void unlink(String path) {
        pathCall("glfs_unlink", UNLINK, path);
    }

    public void rmdir(String path) {
        pathCall("glfs_rmdir", RMDIR, path);
    }

    /** glfs_stat: follows symbolic links. */
    public GlfsStat stat(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = GfapiNative.cString(arena, path);
            MemorySegment st = arena.allocate(GlfsStat.SIZE, 8);
            call(arena, "glfs_stat", err -> (int) STAT.invokeExact(err, handle(), p, st));
            return GlfsStat.read(st);
        }
    }

    public GlfsStatvfs statvfs(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = GfapiNative.cString(arena, path);
            MemorySegment sv = arena.allocate(GlfsStatvfs.SIZE, 8);
            call(arena, "glfs_statvfs", err -> (int) STATVFS.invokeExact(err, handle(), p, sv));
            return GlfsStatvfs.read(sv);
        }
    }

    public GlfsDir opendir(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = GfapiNative.cString(arena, path);
            return new GlfsDir(pointerCall(arena, "glfs_opendir", err -> (MemorySegment) OPENDIR.invokeExact(err,
                    handle(), p)));
        }
    }

    public GlfsFile open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = GfapiNative.cString(arena, path);
            return new GlfsFile(pointerCall(arena, "glfs_open", err -> (MemorySegment) OPEN.invokeExact(err,
                    handle(), p, flags)));
        }
    }

    private void pathCall(String name, MethodHandle handle, String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = GfapiNative.cString(arena, path);
            call(arena, name, err -> (int) handle.invokeExact(err, handle(), p));
        }
    }

    @FunctionalInterface
    interface Call {
        int invoke(MemorySegment errno) throws Throwable;
    }

    @FunctionalInterface
    interface PointerCall {
        MemorySegment invoke(MemorySegment errno) throws Throwable;
    }

    /** Makes the call; a NULL result becomes a {@link GfapiException} with the errno it left. */
    static MemorySegment pointerCall(Arena arena, String name, PointerCall call) {
        return ForeignCalls.callWithErrno(arena, call::invoke, result -> result.equals(MemorySegment.NULL),
                errno -> new GfapiException(name, errno));
    }

    /**
     * Closes a descriptor (glfs_close, glfs_closedir) once its owner stops using it; a failure is ignored: the
     * descriptors this backend opens are read-only.
     */
    static void closeQuietly(String name, MethodHandle close, MemorySegment fd) {
        try (Arena arena = Arena.ofConfined()) {
            call(arena, name, err -> (int) close.invokeExact(err, fd));
        } catch (GfapiException e) {
            // nothing was written through it
        }
    }

    /** Makes the call; a negative result becomes a {@link GfapiException} with the errno it left. */
    static int call(Arena arena, String name, Call call) {
        return ForeignCalls.callWithErrno(arena, call::invoke, result -> result < 0,
                errno -> new GfapiException(name, errno));
    }

    private synchronized MemorySegment handle() {
        if (closed) {
            throw new IllegalStateException("gluster volume handle already torn down");
        }
        return handle;
    }

    /**
     * glfs_fini, once; it takes about 10 s (gfapi waits for its timers), so callers run it off the request
     * path. gfapi 3.4.1 returned -1 with a random errno here: as libvirt does, a failure is only logged.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try (Arena arena = Arena.ofConfined()) {
            call(arena, "glfs_fini", err -> (int) FINI.invokeExact(err, handle));
        } catch (GfapiException e) {
            org.jboss.logging.Logger.getLogger(Glfs.class).debugf("shutdown of a gluster volume failed: %s",
                    e.getMessage());
        }
    }
}
