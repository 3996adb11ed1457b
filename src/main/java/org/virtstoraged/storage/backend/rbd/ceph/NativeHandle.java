package org.virtstoraged.storage.backend.rbd.ceph;

import java.lang.foreign.MemorySegment;

/**
 * A librados or librbd handle that is released once (rados_shutdown, rados_ioctx_destroy, rbd_close). A call
 * made after the release is refused here rather than handed to the library with a freed pointer.
 */
final class NativeHandle {
    /** The library call that releases the handle; a result it returns is ignored, as libvirt ignores it. */
    @FunctionalInterface
    interface Release {
        void invoke(MemorySegment handle) throws Throwable;
    }

    private final MemorySegment handle;
    private final Release release;
    private final String releasedMessage;
    private volatile boolean released;

    /** @param releasedMessage what a call after the release is told */
    NativeHandle(MemorySegment handle, Release release, String releasedMessage) {
        this.handle = handle;
        this.release = release;
        this.releasedMessage = releasedMessage;
    }

    /** The handle, for a call into the library. */
    MemorySegment get() {
        if (released) {
            throw new IllegalStateException(releasedMessage);
        }
        return handle;
    }

    synchronized void release() {
        if (!released) {
            released = true;
            CephNative.run(() -> release.invoke(handle));
        }
    }
}
