package org.virtstoraged.storage.backend.rbd;

import org.jboss.logging.Logger;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;
import org.virtstoraged.storage.backend.rbd.ceph.RbdDiff;
import org.virtstoraged.storage.backend.rbd.ceph.RbdImage;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolRefreshAllocation;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;

/**
 * volStorageBackendRBDRefreshVolInfo: a volume as its image is now. Capacity is the image size; allocation
 * is the objects' full size (obj_size x num_objs), unless the pool asks for {@code <refresh><volume
 * allocation='default'/>} explicitly and the image has a valid fast-diff map, when the existing extents are
 * counted. Path and key are "RADOS pool/image".
 */
final class RbdVolumeInfo {
    private static final Logger LOG = Logger.getLogger(RbdVolumeInfo.class);
    /** RBD_FEATURE_FAST_DIFF and RBD_FLAG_FAST_DIFF_INVALID of librbd.h. */
    static final long FEATURE_FAST_DIFF = 1L << 4;
    static final long FLAG_FAST_DIFF_INVALID = 1L << 1;

    private RbdVolumeInfo() {
    }

    static VolumeDefinition read(PoolDefinition pool, VolumeDefinition volume, RbdConnection connection) {
        String name = volume.name();
        RbdImage image;
        try {
            image = connection.images().openReadOnly(name);
        } catch (CephException e) {
            throw RbdErrors.system(e, "failed to open the RBD image '%s'", name);
        }
        try (image) {
            RbdImage.Info info;
            try {
                info = image.stat();
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to stat the RBD image '%s'", name);
            }
            long features;
            try {
                features = image.features();
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to get the features of RBD image %s", name);
            }
            long flags;
            try {
                flags = image.flags();
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to get the flags of RBD image %s", name);
            }
            long allocation;
            if (pool.refreshVolumeAllocation().orElse(null) == PoolRefreshAllocation.DEFAULT
                    && useFastDiff(features, flags)) {
                try {
                    allocation = RbdDiff.allocatedBytes(image, info.size());
                } catch (CephException e) {
                    throw RbdErrors.system(e, "failed to iterate RBD image '%s'", name);
                }
            } else {
                allocation = info.objectSize() * info.objectCount();
            }
            String path = path(pool, name);
            LOG.debugf("Refreshed RBD image %s (capacity: %d allocation: %d obj_size: %d num_objs: %d)", path,
                    info.size(), allocation, info.objectSize(), info.objectCount());
            return volume.toBuilder().type(VolumeType.NETWORK).targetFormat("raw").capacity(info.size())
                    .allocation(allocation).targetPath(path).key(path).build();
        }
    }

    static boolean useFastDiff(long features, long flags) {
        return (features & FEATURE_FAST_DIFF) != 0 && (flags & FLAG_FAST_DIFF_INVALID) == 0;
    }

    /** "RADOS pool/image": a volume's path and key. */
    static String path(PoolDefinition pool, String image) {
        return pool.source().name().orElse("") + "/" + image;
    }
}
