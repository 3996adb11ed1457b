package org.virtstoraged.storage.backend.rbd;

import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;

/**
 * virReportSystemError after a failed librados/librbd call: libvirt's text, then strerror. libvirt passes
 * the thread's errno, which these libraries do not set (it reports a stale value, often "Success"); we give
 * the errno the call returned. The Ceph error stays attached as the cause, so that the connection cache can
 * tell a lost cluster from a refused request.
 */
final class RbdErrors {
    private RbdErrors() {
    }

    /**
     * What a libvirt client gets when the daemon failed without an error set (virErrorGenericFailure):
     * code 1, no domain, no "internal error: " prefix.
     */
    static VirException unknownCause() {
        return VirException.relayed(1, 0, "An error occurred, but the cause is unknown", null, null, 0, 0);
    }

    static VirException system(CephException e, String format, Object... args) {
        VirException error = SystemErrors.of(e.strerror(), format, args);
        error.initCause(e);
        return error;
    }
}
