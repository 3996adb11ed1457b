package org.virtstoraged.storage.driver;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
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
 * What the pool and volume operations share: the pool list, the backends, the files on disk. There is
 * no driver-wide lock (libvirt's model): the list has its own short lock, each pool its own, held
 * across that pool's backend calls; long volume jobs release their pool's lock while they run, with
 * the pool marked as having a job.
 */
final class DriverState {
    private static final Logger LOG = Logger.getLogger(DriverState.class);

    final PoolRegistry pools = new PoolRegistry();
    final BackendRegistry backends;
    final PoolConfigStore configs;
    final PoolStateStore states;
    /** The driver's event state (storageEventState): operations publish while they hold their pool's lock. */
    final PoolEventBus events = new PoolEventBus();

    DriverState(BackendRegistry backends, PoolConfigStore configs, PoolStateStore states) {
        this.backends = backends;
        this.configs = configs;
        this.states = states;
    }

    /** virStoragePoolObjFromStoragePool: the pool a client handle names, by UUID (not locked). */
    PoolObject pool(PoolRef ref) {
        return pools.byUuid(ref.uuid()).orElseThrow(() -> noPool(ref));
    }

    private static VirException noPool(PoolRef ref) {
        return VirException.of(ErrorCode.NO_STORAGE_POOL, ErrorDomain.STORAGE,
                "no storage pool with matching uuid '%s' (%s)", ref.uuid(), ref.name());
    }

    private static VirException noPoolNamed(String name) {
        return VirException.of(ErrorCode.NO_STORAGE_POOL, ErrorDomain.STORAGE,
                "no storage pool with matching name '%s'", name);
    }

    /** The pool a handle names, locked: the caller releases it with {@link #release}. */
    PoolObject lock(PoolRef ref) {
        return lockFound(pools.byUuid(ref.uuid()), () -> noPool(ref));
    }

    /** The pool of that name, locked. */
    PoolObject lockByName(String name) {
        return lockFound(pools.byName(name), () -> noPoolNamed(name));
    }

    /** Locks a found pool; one removed while we waited for it is gone, as if never found. */
    private PoolObject lockFound(Optional<PoolObject> found, Supplier<VirException> missing) {
        PoolObject pool = found.orElseThrow(missing);
        pool.lock();
        if (pool.isRemoved()) {
            release(pool);
            throw missing.get();
        }
        return pool;
    }

    /** Unlocks a pool; a pool the operation removed leaves the list now that nobody holds it. */
    void release(PoolObject pool) {
        pool.unlock();
        if (pool.isRemoved()) {
            pools.purge(pool);
        }
    }

    <T> T withPool(PoolRef ref, Function<PoolObject, T> body) {
        return withLocked(lock(ref), body);
    }

    <T> T withPoolByName(String name, Function<PoolObject, T> body) {
        return withLocked(lockByName(name), body);
    }

    private <T> T withLocked(PoolObject pool, Function<PoolObject, T> body) {
        try {
            return body.apply(pool);
        } finally {
            release(pool);
        }
    }

    PoolObject poolByUuid(UUID uuid) {
        return pools.byUuid(uuid).orElseThrow(() -> VirException.of(ErrorCode.NO_STORAGE_POOL,
                ErrorDomain.STORAGE, "no storage pool with matching uuid '%s'", uuid));
    }

    PoolObject poolByName(String name) {
        return pools.byName(name).orElseThrow(() -> noPoolNamed(name));
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
    /**
     * A refresh that fails leaves the pool with no volumes, its state file deleted and the backend asked to
     * stop it (storagePoolRefresh, startup); the caller decides what else follows.
     */
    void refresh(StorageBackend backend, PoolObject pool) {
        try {
            reread(backend, pool);
        } catch (RuntimeException e) {
            states.delete(pool.name());
            if (backend.supports(Operation.STOP_POOL)) {
                try {
                    stopPool(backend, pool);
                } catch (RuntimeException ignored) {
                    // the refresh error is the one to report
                }
            }
            throw e;
        }
    }

    /** The backend's startPool; the pool keeps the definition the backend gave it, failed or not. */
    void startPool(StorageBackend backend, PoolObject pool) {
        backend.startPool(pool.definition(), kept(pool));
    }

    /** The backend's stopPool; the pool keeps the definition the backend gave it, failed or not. */
    void stopPool(StorageBackend backend, PoolObject pool) {
        backend.stopPool(pool.definition(), kept(pool));
    }

    /** The driver's side of {@link StorageBackend.KeptDefinition} for one pool. */
    private StorageBackend.KeptDefinition kept(PoolObject pool) {
        return new StorageBackend.KeptDefinition() {
            @Override
            public void live(PoolDefinition changed) {
                pool.setDefinition(changed);
            }

            @Override
            public void saved(PoolDefinition changed) {
                pool.setDefinition(changed);
                if (pool.isPersistent()) {
                    // virStoragePoolSaveConfig: a failure to save stops the call with its own error
                    configs.save(changed.name(), UUID.fromString(changed.uuid()), PoolXml.format(changed));
                }
            }

            @Override
            public void refreshLater(List<Duration> delays) {
                String uuid = pool.definition().uuid();
                Thread.ofVirtual().name("pool-refresh-later").start(() -> refreshAfterStart(uuid, delays));
            }
        };
    }

    /**
     * virStoragePoolFCRefreshThread: after each delay, the pool of this uuid, while it is active, is read again
     * (a try is skipped while a volume job runs in it); done once a refresh finds a volume, or fails, its error
     * logged as no caller waits for it. No event, as libvirt sends none.
     */
    private void refreshAfterStart(String uuid, List<Duration> delays) {
        for (Duration delay : delays) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            Optional<PoolObject> found = pools.byUuid(uuid);
            if (found.isEmpty()) {
                return;
            }
            PoolObject pool = found.get();
            pool.lock();
            try {
                Optional<StorageBackend> backend = backends.find(pool.definition().type());
                if (pool.isRemoved() || !pool.isActive() || backend.isEmpty()) {
                    return;
                }
                if (pool.asyncJobs() > 0) {
                    continue;
                }
                reread(backend.get(), pool);
                if (!pool.volumes().isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warnf("Failed to refresh storage pool '%s' after its start: %s", pool.name(), e.getMessage());
                return;
            } finally {
                release(pool);
            }
        }
    }

    /** The pool's volumes read again from the backend; none are left if that fails. */
    void reread(StorageBackend backend, PoolObject pool) {
        pool.clearVolumes();
        try {
            RefreshedPool refreshed = backend.refreshPool(pool.definition());
            pool.setDefinition(refreshed.definition());
            for (VolumeDefinition volume : refreshed.volumes()) {
                pool.addVolume(new VolumeEntry(volume));
            }
        } catch (RuntimeException e) {
            pool.clearVolumes();
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
            pool.markRemoved();
        } else {
            pool.usePendingDefinition();
        }
    }

    /**
     * Adds {@code delta} bytes to the pool's allocation and takes them from what is available. libvirt does
     * this in unsigned arithmetic and wraps below zero (an rbd pool shows 16 EiB allocated after deleting
     * clones it refreshed as nearly empty); ours stops at zero, until the next refresh reads the real figures.
     */
    static void account(PoolObject pool, long delta) {
        PoolDefinition def = pool.definition();
        pool.setDefinition(def.withSizes(def.capacity(), saturated(def.allocation(), delta),
                saturated(def.available(), -delta)));
    }

    /** value + delta for an unsigned figure, never below zero. */
    static long saturated(long value, long delta) {
        return delta < 0 && Long.compareUnsigned(value, -delta) < 0 ? 0 : value + delta;
    }
}
