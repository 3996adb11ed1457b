package org.virtstoraged.storage.backend.rbd.ceph;

import org.virtstoraged.os.Errno;

/**
 * A librados/librbd call that returned -errno. The caller turns it into libvirt's message for that call;
 * the errno here is the real reason (libvirt prints the thread's stale errno instead, often "Success").
 */
public final class CephException extends RuntimeException {
    private final String call;
    private final int errno;

    public CephException(String call, int errno) {
        super(call + ": " + Errno.strerror(errno));
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** glibc's text for the errno, as virReportSystemError appends it. */
    public String strerror() {
        return Errno.strerror(errno);
    }
}
