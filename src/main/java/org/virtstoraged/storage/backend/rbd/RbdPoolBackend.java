package org.virtstoraged.storage.backend.rbd;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.os.Errno;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.rbd.ceph.CephException;
import org.virtstoraged.storage.backend.rbd.ceph.RadosCluster;
import org.virtstoraged.storage.backend.rbd.ceph.RbdImage;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;

/**
 * libvirt 9.0's "rbd" backend (storage_backend_rbd.c): a RADOS pool of a Ceph cluster is the pool, its RBD
 * images the volumes, reached through librados and librbd (FFM bindings in the ceph package). Like libvirt
 * it has no pool start, check, build or delete; volumes are raw only. Unlike libvirt, a pool keeps one
 * cluster connection while active (see {@link RbdConnections}), closed when it stops: hence STOP_POOL,
 * which libvirt's backend lacks and which changes nothing visible.
 */
public final class RbdPoolBackend implements StorageBackend, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RbdPoolBackend.class);
    /** Threads that read images for a refresh; librados and librbd serve concurrent calls on one ioctx. */
    private static final ExecutorService IMAGE_READERS = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "rbd-image-reader");
        t.setDaemon(true);
        return t;
    });
    /** VIR_STORAGE_VOL_DELETE_ZEROED and VIR_STORAGE_VOL_DELETE_WITH_SNAPSHOTS. */
    static final int DELETE_ZEROED = 1;
    static final int DELETE_WITH_SNAPSHOTS = 2;

    private final RbdConnections<RbdConnection> connections;

    public RbdPoolBackend(CephSecrets secrets) {
        this.connections = new RbdConnections<>(pool -> RbdConnection.open(pool, secrets));
    }

    @Override
    public PoolType type() {
        return PoolType.RBD;
    }

    @Override
    public Set<Operation> operations() {
        return EnumSet.of(Operation.STOP_POOL, Operation.CREATE_VOL, Operation.BUILD_VOL, Operation.BUILD_VOL_FROM,
                Operation.REFRESH_VOL, Operation.DELETE_VOL, Operation.RESIZE_VOL, Operation.WIPE_VOL);
    }

    // ---- pools ---------------------------------------------------------------------------------

    /**
     * Cluster size and free space from rados_cluster_stat, the pool's use from rados_ioctx_pool_stat, then
     * every image; an image that vanished meanwhile (ENOENT) or whose header cannot be read in time
     * (ETIMEDOUT) is left out, as libvirt leaves it out.
     */
    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        String radosPool = radosPool(pool);
        return connections.with(pool, c -> {
            RadosCluster.ClusterStat cluster;
            try {
                cluster = c.cluster().stat();
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to stat the RADOS cluster");
            }
            long used;
            try {
                used = c.ioctx().poolBytes();
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to stat the RADOS pool '%s'", radosPool);
            }
            PoolDefinition measured = pool.withSizes(cluster.kb() * 1024, used, cluster.kbAvail() * 1024);
            List<String> names;
            try {
                names = c.images().list();
            } catch (CephException e) {
                throw RbdErrors.system(e, "Unable to list RBD images");
            }
            // each image read is a few round trips to the OSDs: up to IMAGE_READERS at once (libvirt reads them
            // one after another); the results keep the listing's order
            List<Future<VolumeDefinition>> reads = new ArrayList<>();
            for (String name : names) {
                reads.add(IMAGE_READERS.submit(() -> RbdVolumeInfo.read(pool,
                        VolumeDefinition.builder(name).type(VolumeType.NETWORK).build(), c)));
            }
            List<VolumeDefinition> volumes = new ArrayList<>();
            try {
                for (int i = 0; i < reads.size(); i++) {
                    VolumeDefinition read = imageOrSkipped(reads.get(i), radosPool, names.get(i));
                    if (read != null) {
                        volumes.add(read);
                    }
                }
            } finally {
                reads.forEach(f -> f.cancel(false));
            }
            LOG.debugf("Found %d images in RBD pool %s", volumes.size(), radosPool);
            return new RefreshedPool(measured, volumes);
        });
    }

    /**
     * One image's volume, or null for an image that vanished or timed out meanwhile, which libvirt leaves out
     * of the refresh; any other failure fails it.
     */
    private static VolumeDefinition imageOrSkipped(Future<VolumeDefinition> read, String radosPool, String name) {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "refresh of RBD pool %s interrupted",
                    radosPool);
        } catch (ExecutionException ee) {
            if (!(ee.getCause() instanceof VirException e)) {
                throw new IllegalStateException(ee.getCause());
            }
            if (!(e.getCause() instanceof CephException ce)
                    || (ce.errno() != Errno.ENOENT && ce.errno() != Errno.ETIMEDOUT)) {
                throw e;
            }
            LOG.debugf("RBD image %s/%s left out: %s", radosPool, name, e.getMessage());
            return null;
        }
    }

    /** Not in libvirt's backend: here it only closes the pool's connection. */
    @Override
    public void stopPool(PoolDefinition pool) {
        connections.close(pool);
    }

    // ---- volumes -------------------------------------------------------------------------------

    /** virStorageBackendRBDCreateVol: places the volume; the image is made by buildVol. */
    @Override
    public VolumeDefinition createVol(PoolDefinition pool, VolumeDefinition volume) {
        VolumeDefinition vol = volume.withType(VolumeType.NETWORK);
        if (!"raw".equals(vol.targetFormat())) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "only RAW volumes are supported by this storage pool");
        }
        String path = RbdVolumeInfo.path(pool, vol.name());
        return vol.withTargetPath(path).withKey(path);
    }

    /** rbd_create in the connection's default format (2), with librbd's default features. */
    @Override
    public void buildVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendRBDBuildVol", flags);
        }
        if (volume.capacity() == 0) {
            throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                    "volume capacity required for this storage pool");
        }
        if (!"raw".equals(volume.targetFormat())) {
            throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                    "only RAW volumes are supported by this storage pool");
        }
        if (volume.encryption().isPresent()) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "storage pool does not support encrypted volumes");
        }
        String radosPool = radosPool(pool);
        connections.with(pool, c -> {
            try {
                c.images().create(volume.name(), volume.capacity());
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to create volume '%s/%s'", radosPool, volume.name());
            }
            return null;
        });
    }

    /**
     * A clone of {@code input}'s snapshot. When it fails the new image is removed, as libvirt's driver
     * deletes the volume after a failed buildVolFrom. libvirt's client then gets "An error occurred, but the
     * cause is unknown" on a pool with auth (the deletion's secret connection resets the thread's error);
     * ours reports the clone's error (a listed difference).
     */
    @Override
    public void buildVolFrom(PoolDefinition pool, VolumeDefinition volume, VolumeDefinition input, int flags) {
        try {
            if (flags != 0) {
                throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendRBDBuildVolFrom", flags);
            }
            connections.with(pool, c -> {
                RbdClone.clone(c, input.name(), volume.name());
                return null;
            });
        } catch (RuntimeException e) {
            try {
                deleteVol(pool, volume, 0);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    @Override
    public VolumeDefinition refreshVol(PoolDefinition pool, VolumeDefinition volume) {
        return connections.with(pool, c -> RbdVolumeInfo.read(pool, volume, c));
    }

    /** rbd_remove; an image already gone is no error. Zeroed removal is only warned about, as in libvirt. */
    @Override
    public void deleteVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        if ((flags & ~(DELETE_ZEROED | DELETE_WITH_SNAPSHOTS)) != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendRBDDeleteVol",
                    flags & ~(DELETE_ZEROED | DELETE_WITH_SNAPSHOTS));
        }
        String radosPool = radosPool(pool);
        if ((flags & DELETE_ZEROED) != 0) {
            LOG.warn("This storage backend does not support zeroed removal of volumes");
        }
        connections.with(pool, c -> {
            if ((flags & DELETE_WITH_SNAPSHOTS) != 0) {
                RbdSnapshots.removeAll(c, radosPool, volume.name());
            }
            try {
                c.images().remove(volume.name());
            } catch (CephException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw RbdErrors.system(e, "failed to remove volume '%s/%s'", radosPool, volume.name());
                }
            }
            return null;
        });
    }

    /** rbd_resize to the new capacity; libvirt's backend takes no flags (so neither shrink nor allocate). */
    @Override
    public void resizeVol(PoolDefinition pool, VolumeDefinition volume, long capacity, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendRBDResizeVol", flags);
        }
        connections.with(pool, c -> {
            RbdImage image;
            try {
                image = c.images().open(volume.name());
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to open the RBD image '%s'", volume.name());
            }
            try (image) {
                image.resize(capacity);
            } catch (CephException e) {
                throw RbdErrors.system(e, "failed to resize the RBD image '%s'", volume.name());
            }
            return null;
        });
    }

    @Override
    public VolumeDefinition wipeVol(PoolDefinition pool, VolumeDefinition volume, int algorithm, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendRBDVolWipe", flags);
        }
        String radosPool = radosPool(pool);
        connections.with(pool, c -> {
            RbdWiper.wipe(c, radosPool, volume.name(), algorithm);
            return null;
        });
        return volume;
    }

    /** Shuts down every pool's connection (daemon shutdown). */
    @Override
    public void close() {
        connections.close();
    }

    private static String radosPool(PoolDefinition pool) {
        return pool.source().name().orElse("");
    }
}
