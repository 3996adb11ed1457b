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

    static VirException system(CephException e, String format, Object... args) {
        VirException error = SystemErrors.of(e.strerror(), format, args);
        error.initCause(e);
        return error;
    }
}
