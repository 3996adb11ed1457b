package org.virtstoraged.storage.backend.gluster.gfapi;

import org.virtstoraged.os.Errno;

/** A failed libgfapi call: its name and the errno it left. */
public final class GfapiException extends RuntimeException {
    private final int errno;

    public GfapiException(String call, int errno) {
        super(call + ": " + Errno.strerror(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** glibc's text for the errno, as libvirt's virReportSystemError ends its messages. */
    public String strerror() {
        return Errno.strerror(errno);
    }
}
