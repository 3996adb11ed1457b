package org.virtstoraged.storage.backend.local;

import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/** virReportError() from the storage driver's utility code (VIR_FROM_STORAGE). */
final class VolumeErrors {
    private VolumeErrors() {
    }

    static VirException of(ErrorCode code, String format, Object... args) {
        return VirException.of(code, ErrorDomain.STORAGE, format, args);
    }

    /** virCheckFlags in the named libvirt function. */
    static void checkFlags(int flags, int allowed, String function) {
        if ((flags & ~allowed) != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, function, flags & ~allowed);
        }
    }
}
