package org.virtstoraged.storage.backend;

import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/** virStoragePoolBuildFlags that the formatting backends take, and their common checks. */
public final class BuildFlags {
    public static final int NO_OVERWRITE = 1 << 2;
    public static final int OVERWRITE = 1 << 3;

    private BuildFlags() {
    }

    /**
     * virCheckFlags then VIR_EXCLUSIVE_FLAGS_RET, as each build function starts; {@code function} is the
     * libvirt function that libvirt's messages name.
     */
    public static void check(int flags, String function) {
        int unsupported = flags & ~(OVERWRITE | NO_OVERWRITE);
        if (unsupported != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, function, unsupported);
        }
        if ((flags & OVERWRITE) != 0 && (flags & NO_OVERWRITE) != 0) {
            // libvirt's invalid-argument form, without the "invalid argument" prefix
            throw VirException.invalidArg(ErrorDomain.STORAGE, function, "ctl",
                    "Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and 'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' are "
                            + "mutually exclusive");
        }
    }
}
