package org.virtstoraged.storage.backend.rbd;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;
import org.virtstoraged.storage.backend.rbd.ceph.RbdDiff;
import org.virtstoraged.storage.backend.rbd.ceph.RbdImage;

/**
 * virStorageBackendRBDCloneImage: a new volume as a copy-on-write clone of a protected snapshot of the
 * original, reusing a snapshot that has no changes since it was taken, or else making "libvirt-N".
 */
final class RbdClone {
    private static final Logger LOG = Logger.getLogger(RbdClone.class);

    private RbdClone() {
    }

    static void clone(RbdConnection connection, String original, String clone) {
        RbdImage image;
        try {
            image = connection.images().open(original);
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to open the RBD image %s", original);
        }
        try (image) {
            Layout layout = layout(image, original);
            String snapshot = unchangedSnapshot(image, original).orElseGet(() -> {
                String name = "libvirt-" + ThreadLocalRandom.current().nextInt(65534);
                try {
                    image.createSnapshot(name);
                } catch (CephException e) {
                    throw RbdErrors.system(e, "failed to create RBD snapshot %s@%s", original, name);
                }
                return name;
            });
            protect(image, original, snapshot);
            try {
                connection.images().clone(original, snapshot, clone, layout.features, layout.stripeUnit,
                        layout.stripeCount);
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to clone RBD volume %s to %s", original, clone);
            }
            LOG.debugf("Cloned RBD image %s to %s", original, clone);
        }
    }

    private record Layout(long features, long stripeUnit, long stripeCount) {
    }

    /** virStorageBackendRBDImageInfo: format 2 images only, with their features and striping. */
    private static Layout layout(RbdImage image, String name) {
        boolean old;
        try {
            old = image.oldFormat();
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to get the format of RBD image %s", name);
        }
        if (old) {
            throw VirException.of(ErrorCode.OPERATION_UNSUPPORTED, ErrorDomain.STORAGE,
                    "RBD image %s is old format. Does not support extended features and striping", name);
        }
        long features;
        try {
            features = image.features();
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to get the features of RBD image %s", name);
        }
        long unit;
        try {
            unit = image.stripeUnit();
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to get the stripe unit of RBD image %s", name);
        }
        try {
            return new Layout(features, unit, image.stripeCount());
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to get the stripe count of RBD image %s", name);
        }
    }

    /**
     * virStorageBackendRBDSnapshotFindNoDiff: the first snapshot with no changes since it was taken. libvirt
     * 9.0 fails the clone on a snapshot that has changes ("failed to iterate RBD snapshot"), because it takes
     * its own callback's stop for an error; ours goes on to the next snapshot, and makes a new one when none
     * is unchanged (a listed difference). A failing rbd_snap_list, which libvirt reports without a message,
     * gives its error.
     */
    private static Optional<String> unchangedSnapshot(RbdImage image, String name) {
        RbdImage.Info info;
        try {
            info = image.stat();
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to stat the RBD image %s", name);
        }
        List<RbdImage.Snapshot> snapshots;
        try {
            snapshots = image.snapshots();
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to list the snapshots of the RBD image %s", name);
        }
        for (RbdImage.Snapshot snapshot : snapshots) {
            boolean changed;
            try {
                changed = RbdDiff.changedSince(image, snapshot.name(), info.size());
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to iterate RBD snapshot %s@%s", name, snapshot.name());
            }
            if (!changed) {
                LOG.debugf("RBD snapshot %s@%s has no delta", name, snapshot.name());
                return Optional.of(snapshot.name());
            }
        }
        return Optional.empty();
    }

    /** virStorageBackendRBDSnapshotProtect: a clone's parent snapshot must be protected. */
    private static void protect(RbdImage image, String name, String snapshot) {
        boolean isProtected;
        try {
            isProtected = image.isSnapshotProtected(snapshot);
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to verify if RBD snapshot %s@%s is protected", name, snapshot);
        }
        if (!isProtected) {
            try {
                image.protectSnapshot(snapshot);
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to protect RBD snapshot %s@%s", name, snapshot);
            }
        }
    }
}
