package org.virtstoraged.storage.backend.gluster;

import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.backend.gluster.gfapi.GfapiException;

/**
 * virReportSystemError after a failed gfapi call: libvirt's text, then strerror of the call's errno. The
 * gfapi error stays attached as the cause, so that the connection cache can tell a lost server (or a call
 * that timed out) from a refused request.
 */
final class GlusterErrors {
    private GlusterErrors() {
    }

    static VirException system(GfapiException e, String format, Object... args) {
        VirException error = SystemErrors.of(e.strerror(), format, args);
        error.initCause(e);
        return error;
    }
}
