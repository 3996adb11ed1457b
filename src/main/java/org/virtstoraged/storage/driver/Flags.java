package org.virtstoraged.storage.driver;

import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/** libvirt's virCheckFlags: a call with a flag the function does not know is refused, naming the function. */
final class Flags {
    private Flags() {
    }

    static void check(int flags, int allowed, String function) {
        int unknown = flags & ~allowed;
        if (unknown != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, function, unknown);
        }
    }
}
