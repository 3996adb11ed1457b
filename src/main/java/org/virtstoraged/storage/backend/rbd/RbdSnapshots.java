package org.virtstoraged.storage.backend.rbd;

import java.util.List;
import org.jboss.logging.Logger;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;
import org.virtstoraged.storage.backend.rbd.ceph.RbdImage;

/** virStorageBackendRBDCleanupSnapshots: a volume's snapshots go before the volume (delete --delete-snapshots). */
final class RbdSnapshots {
    private static final Logger LOG = Logger.getLogger(RbdSnapshots.class);

    private RbdSnapshots() {
    }

    /** Unprotects (when protected) and removes every snapshot of the image {@code name}. */
    static void removeAll(RbdConnection connection, String radosPool, String name) {
        RbdImage image;
        try {
            image = connection.images().open(name);
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to open the RBD image '%s'", name);
        }
        try (image) {
            List<RbdImage.Snapshot> snapshots = list(image);
            LOG.debugf("Found %d snapshots for volume %s/%s", snapshots.size(), radosPool, name);
            for (RbdImage.Snapshot snapshot : snapshots) {
                String snap = snapshot.name();
                boolean isProtected;
                try {
                    isProtected = image.isSnapshotProtected(snap);
                } catch (CephException e) {
                    throw RbdErrors.system(e, "failed to verify if snapshot '%s/%s@%s' is protected", radosPool,
                            name, snap);
                }
                if (isProtected) {
                    try {
                        image.unprotectSnapshot(snap);
                    } catch (CephException e) {
                        throw RbdErrors.system(e, "failed to unprotect snapshot '%s/%s@%s'", radosPool, name, snap);
                    }
                }
                try {
                    image.removeSnapshot(snap);
                } catch (CephException e) {
                    throw RbdErrors.system(e, "failed to remove snapshot '%s/%s@%s'", radosPool, name, snap);
                }
            }
        }
    }

    /** libvirt ignores a failing rbd_snap_list here: the image then counts as having no snapshots. */
    private static List<RbdImage.Snapshot> list(RbdImage image) {
        try {
            return image.snapshots();
        } catch (CephException e) {
            LOG.debugf("%s: ignored, as libvirt does", e.getMessage());
            return List.of();
        }
    }
}
