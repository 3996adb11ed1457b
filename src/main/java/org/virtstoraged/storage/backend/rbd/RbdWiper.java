package org.virtstoraged.storage.backend.rbd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;
import org.virtstoraged.storage.backend.rbd.ceph.RbdImage;

/**
 * virStorageBackendRBDVolWipe: zero (rbd_write of zeros) or trim (rbd_discard), in steps of one object
 * times the stripe count; every other algorithm is refused.
 */
final class RbdWiper {
    private static final Logger LOG = Logger.getLogger(RbdWiper.class);
    static final int ALG_ZERO = 0;
    static final int ALG_TRIM = 9;

    private RbdWiper() {
    }

    static void wipe(RbdConnection connection, String radosPool, String name, int algorithm) {
        RbdImage image;
        try {
            image = connection.images().open(name);
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to open the RBD image %s", name);
        }
        try (image) {
            RbdImage.Info info;
            try {
                info = image.stat();
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to stat the RBD image %s", name);
            }
            long stripeCount;
            try {
                stripeCount = image.stripeCount();
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to get stripe count of RBD image %s", name);
            }
            LOG.debugf("Need to wipe %d bytes from RBD image %s/%s", info.size(), radosPool, name);
            if (algorithm != ALG_ZERO && algorithm != ALG_TRIM) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "unsupported algorithm %d",
                        algorithm);
            }
            long step = info.objectSize() * stripeCount;
            try {
                if (algorithm == ALG_ZERO) {
                    zero(image, info.size(), step);
                } else {
                    for (long offset = 0; offset < info.size(); offset += step) {
                        image.discard(offset, Math.min(info.size() - offset, step));
                    }
                }
            } catch (CephException e) {
                // libvirt reports the failed step, then overwrites it with this one
                throw RbdErrors.system(e, "failed to wipe RBD image %s", name);
            }
        }
    }

    private static void zero(RbdImage image, long size, long step) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zeros = arena.allocate(step);
            for (long offset = 0; offset < size; offset += step) {
                image.write(offset, zeros, Math.min(size - offset, step));
            }
        }
    }
}
