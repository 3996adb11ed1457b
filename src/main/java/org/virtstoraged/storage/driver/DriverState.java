package org.virtstoraged.storage.driver;

import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.backend.BackendRegistry;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.StorageBackend.Operation;
import org.virtstoraged.storage.event.PoolEvent;
import org.virtstoraged.storage.event.PoolEventBus;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.pool.PoolObject;
import org.virtstoraged.storage.pool.PoolRegistry;
import org.virtstoraged.storage.pool.VolumeEntry;
import org.virtstoraged.storage.state.PoolConfigStore;
import org.virtstoraged.storage.state.PoolStateStore;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * What the pool and volume operations share: the pool list, the backends, the files on disk, and the
 * one lock that guards them (long volume jobs release it while they run, as libvirt's do).
 */
final class DriverState {
    final ReentrantLock lock = new ReentrantLock();
    final PoolRegistry pools = new PoolRegistry();
    final BackendRegistry backends;
    final PoolConfigStore configs;
    final PoolStateStore states;
    /** The driver's event state (storageEventState): operations publish while they hold the lock. */
    final PoolEventBus events = new PoolEventBus();

    DriverState(BackendRegistry backends, PoolConfigStore configs, PoolStateStore states) {
        this.backends = backends;
        this.configs = configs;
        this.states = states;
    }

    /** virStoragePoolObjFromStoragePool: the pool a client handle names, by UUID. */
    PoolObject pool(PoolRef ref) {
        return pools.byUuid(ref.uuid()).orElseThrow(() -> VirException.of(ErrorCode.NO_STORAGE_POOL,
                ErrorDomain.STORAGE, "no storage pool with matching uuid '%s' (%s)", ref.uuid(), ref.name()));
    }

    PoolObject poolByUuid(UUID uuid) {
        return pools.byUuid(uuid).orElseThrow(() -> VirException.of(ErrorCode.NO_STORAGE_POOL,
                ErrorDomain.STORAGE, "no storage pool with matching uuid '%s'", uuid));
    }

    PoolObject poolByName(String name) {
        return pools.byName(name).orElseThrow(() -> VirException.of(ErrorCode.NO_STORAGE_POOL,
                ErrorDomain.STORAGE, "no storage pool with matching name '%s'", name));
    }

    static void requireActive(PoolObject pool) {
        if (!pool.isActive()) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "storage pool '%s' is not active", pool.name());
        }
    }

    /** Start and build want a stopped pool that is not on its way up. */
    static void requireStopped(PoolObject pool) {
        if (pool.isActive()) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "storage pool '%s' is already active", pool.name());
        }
        requireNotStarting(pool);
    }

    static void requireNotStarting(PoolObject pool) {
        if (pool.isStarting()) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "storage pool '%s' is starting up", pool.name());
        }
    }

    static void requireNoAsyncJobs(PoolObject pool) {
        if (pool.asyncJobs() > 0) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                    "pool '%s' has asynchronous jobs running.", pool.name());
        }
    }

    static void requireIdle(VolumeEntry volume) {
        if (volume.isInUse()) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "volume '%s' is still in use.", volume.name());
        }
        if (volume.isBuilding()) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "volume '%s' is still being allocated.", volume.name());
        }
    }

    StorageBackend backend(PoolObject pool) {
        return backends.require(pool.definition().type());
    }

    /**
     * storagePoolRefreshImpl: re-reads the pool's volumes and sizes. On failure the pool loses its
     * volumes and its state file, and the backend stops it, as libvirt does before reporting.
     */
    void refresh(StorageBackend backend, PoolObject pool) {
        pool.clearVolumes();
        try {
            RefreshedPool refreshed = backend.refreshPool(pool.definition());
            pool.setDefinition(refreshed.definition());
            for (VolumeDefinition volume : refreshed.volumes()) {
                pool.addVolume(new VolumeEntry(volume));
            }
        } catch (RuntimeException e) {
            pool.clearVolumes();
            states.delete(pool.name());
            if (backend.supports(Operation.STOP_POOL)) {
                try {
                    backend.stopPool(pool.definition());
                } catch (RuntimeException ignored) {
                    // the refresh error is the one to report
                }
            }
            throw e;
        }
    }

    /** virObjectEventStateQueue of a lifecycle event for the pool as it is now. */
    void lifecycleEvent(PoolObject pool, int type) {
        events.publish(PoolEvent.lifecycle(PoolDriver.ref(pool), type));
    }

    void refreshEvent(PoolObject pool) {
        events.publish(PoolEvent.refresh(PoolDriver.ref(pool)));
    }

    void saveState(PoolObject pool) {
        PoolDefinition def = pool.definition();
        states.save(def.name(), java.util.UUID.fromString(def.uuid()), PoolXml.format(def));
    }

    /** virStoragePoolUpdateInactive: a stopped transient pool is gone; a persistent one takes its new definition. */
    void becameInactive(PoolObject pool) {
        if (!pool.isPersistent()) {
            pools.remove(pool);
        } else {
            pool.usePendingDefinition();
        }
    }

    /** Adds {@code delta} bytes to the pool's allocation and takes them from what is available. */
    static void account(PoolObject pool, long delta) {
        PoolDefinition def = pool.definition();
        pool.setDefinition(def.withSizes(def.capacity(), def.allocation() + delta, def.available() - delta));
    }
}
