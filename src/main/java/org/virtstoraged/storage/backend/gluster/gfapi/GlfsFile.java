package org.virtstoraged.storage.backend.gluster.gfapi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.virtstoraged.os.Errno;
import org.virtstoraged.os.ForeignCalls;

/** A file opened through gfapi (glfs_fd_t from glfs_open), read from its start. */
public final class GlfsFile implements AutoCloseable {
    private static final MethodHandle READ = GfapiNative.gfapi("glfs_read", FunctionDescriptor.of(GfapiNative.C_LONG,
            GfapiNative.C_POINTER, GfapiNative.C_POINTER, GfapiNative.C_SIZE_T, GfapiNative.C_INT));
    private static final MethodHandle CLOSE = GfapiNative.gfapi("glfs_close",
            FunctionDescriptor.of(GfapiNative.C_INT, GfapiNative.C_POINTER));

    private final MemorySegment fd;
    private boolean closed;

    GlfsFile(MemorySegment fd) {
        this.fd = fd;
    }

    /** Reads until {@code into} is full or the file ends (EINTR retried); the number of bytes read. */
    public int readFully(byte[] into) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(into.length);
            MemorySegment err = ForeignCalls.errnoSegment(arena);
            long done = 0;
            while (done < into.length) {
                long r;
                try {
                    r = (long) READ.invokeExact(err, fd, buf.asSlice(done), into.length - done, 0);
                } catch (Throwable t) {
                    throw ForeignCalls.unexpected(t);
                }
                if (r < 0) {
                    int errno = ForeignCalls.errno(err);
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    throw new GfapiException("glfs_read", errno);
                }
                if (r == 0) {
                    break;
                }
                done += r;
            }
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, into, 0, (int) done);
            return (int) done;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Glfs.closeQuietly("glfs_close", CLOSE, fd);
    }
}
