package org.virtstoraged.storage.backend.dir;

import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.VolumeStreamFile;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * A pool whose target directory holds its volumes as files once the pool is up (fs, netfs, vstorage): libvirt
 * gives these backends its local functions (virStorageBackendRefreshLocal, ...VolCreateLocal and the rest),
 * the dir backend's, so refresh, pool deletion and every volume operation go to {@link #local()}.
 */
public interface LocalDirectoryPool extends StorageBackend {
    /** The dir backend doing the directory side. */
    DirPoolBackend local();

    @Override
    default RefreshedPool refreshPool(PoolDefinition pool) {
        return local().refreshPool(pool);
    }

    @Override
    default void deletePool(PoolDefinition pool, int flags) {
        local().deletePool(pool, flags);
    }

    @Override
    default VolumeDefinition createVol(PoolDefinition pool, VolumeDefinition volume) {
        return local().createVol(pool, volume);
    }

    @Override
    default void buildVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        local().buildVol(pool, volume, flags);
    }

    @Override
    default void buildVolFrom(PoolDefinition pool, VolumeDefinition volume, VolumeDefinition input, int flags) {
        local().buildVolFrom(pool, volume, input, flags);
    }

    @Override
    default VolumeDefinition refreshVol(PoolDefinition pool, VolumeDefinition volume) {
        return local().refreshVol(pool, volume);
    }

    @Override
    default void deleteVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        local().deleteVol(pool, volume, flags);
    }

    @Override
    default void resizeVol(PoolDefinition pool, VolumeDefinition volume, long capacity, int flags) {
        local().resizeVol(pool, volume, capacity, flags);
    }

    @Override
    default VolumeDefinition wipeVol(PoolDefinition pool, VolumeDefinition volume, int algorithm, int flags) {
        return local().wipeVol(pool, volume, algorithm, flags);
    }

    @Override
    default VolumeStreamFile uploadVol(PoolDefinition pool, VolumeDefinition volume, long offset, long length,
            int flags) {
        return local().uploadVol(pool, volume, offset, length, flags);
    }

    @Override
    default VolumeStreamFile downloadVol(PoolDefinition pool, VolumeDefinition volume, long offset, long length,
            int flags) {
        return local().downloadVol(pool, volume, offset, length, flags);
    }
}
